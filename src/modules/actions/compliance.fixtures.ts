import { randomUUID } from 'node:crypto'
import type { DbOrTx } from '../../platform/db/client.ts'
import { insertMeeting, type MeetingWorld } from '../meetings/meetings.fixtures.ts'
import type { Meeting } from '../meetings/meetings.table.ts'
import { insertAction, insertIssue } from './actions.fixtures.ts'
import { type Action, actionResponses } from './actions.table.ts'
import { complianceFailures } from './compliance.table.ts'

// Rows for the compliance tests, on top of buildMeetingWorld: issued actions, answers and failures.

export async function complianceMeeting(db: DbOrTx, world: MeetingWorld, heldOn = '2025-06-02') {
  return insertMeeting(db, { partnershipId: world.partnership.id, groupId: world.group.id, heldOn })
}

/** An action of the world's group, issued on `issuedOn` and due on `dueOn`, owned by `agencyId` (the police). */
export async function issuedAction(
  db: DbOrTx,
  world: MeetingWorld,
  meeting: Meeting,
  input: { dueOn: string; issuedOn?: string; agencyId?: string } & Partial<
    Parameters<typeof insertAction>[1]
  >,
): Promise<Action> {
  const { dueOn, issuedOn, agencyId, ...rest } = input
  const action = await insertAction(db, {
    partnershipId: world.partnership.id,
    groupId: world.group.id,
    meetingId: meeting.id,
    ownerAgencyId: agencyId ?? world.agencies.police.id,
    ...rest,
  })
  await insertIssue(db, {
    partnershipId: world.partnership.id,
    meetingId: meeting.id,
    issuedOn: issuedOn ?? dueOn,
    dueOn,
    actionIds: [action.id],
  })
  return { ...action, issuedOn: issuedOn ?? dueOn, dueOn }
}

export async function insertResponse(db: DbOrTx, action: Action, respondedOn: string) {
  await db.insert(actionResponses).values({
    id: randomUUID(),
    partnershipId: action.partnershipId,
    actionId: action.id,
    text: 'Done.',
    respondedOn,
    respondedAt: new Date(`${respondedOn}T12:00:00Z`),
    dueOn: action.dueOn,
  })
}

/** A failure written directly (as the sweep or a late answer would), with its own issued action. */
export async function insertFailure(
  db: DbOrTx,
  world: MeetingWorld,
  meeting: Meeting,
  input: { dueOn: string; respondedOn?: string | null; agencyId?: string; description?: string },
) {
  const action = await issuedAction(db, world, meeting, {
    dueOn: input.dueOn,
    agencyId: input.agencyId,
    ...(input.description ? { description: input.description } : {}),
  })
  const [failure] = await db
    .insert(complianceFailures)
    .values({
      id: randomUUID(),
      partnershipId: world.partnership.id,
      agencyId: action.ownerAgencyId,
      actionId: action.id,
      dueOn: input.dueOn,
      kind: input.respondedOn ? 'late' : 'unanswered',
      respondedOn: input.respondedOn ?? null,
    })
    .returning()
  return { action, failure: failure! }
}
