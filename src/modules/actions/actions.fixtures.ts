import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { DbOrTx } from '../../platform/db/client.ts'
import { type Action, actionMatrixIssues, actions } from './actions.table.ts'

// Rows for the actions tests, inserted directly: each test builds what it needs on top of
// buildMeetingWorld (src/modules/meetings/meetings.fixtures.ts).

let sequence = 0

export async function insertAction(
  db: DbOrTx,
  input: { partnershipId: string; groupId: string; ownerAgencyId: string } & Partial<
    typeof actions.$inferInsert
  >,
): Promise<Action> {
  sequence++
  const [row] = await db
    .insert(actions)
    .values({
      id: randomUUID(),
      reference: `A-T${Date.now().toString(36)}-${sequence}`,
      description: `Action ${sequence}`,
      ...input,
    })
    .returning()
  return row!
}

/** An issue of a meeting's action matrix, and its actions marked as sent in it. */
export async function insertIssue(
  db: DbOrTx,
  input: { partnershipId: string; meetingId: string; issuedOn: string; dueOn: string; actionIds?: string[] },
) {
  const id = randomUUID()
  await db.insert(actionMatrixIssues).values({
    id,
    partnershipId: input.partnershipId,
    meetingId: input.meetingId,
    issuedOn: input.issuedOn,
    dueOn: input.dueOn,
  })
  for (const actionId of input.actionIds ?? []) {
    await db
      .update(actions)
      .set({ issueId: id, issuedOn: input.issuedOn, dueOn: input.dueOn })
      .where(eq(actions.id, actionId))
  }
  return id
}
