import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import type { Database } from '../../platform/db/client.ts'
import type { AppError } from '../../platform/http/errors.ts'
import { changeAt, insertItem } from '../meetings/decisions.fixtures.ts'
import { decisions } from '../meetings/decisions.table.ts'
import {
  buildMeetingWorld,
  insertGroup,
  insertMeeting,
  insertPerson,
  type MeetingWorld,
  NOW,
} from '../meetings/meetings.fixtures.ts'
import type { AgendaItem, Meeting } from '../meetings/meetings.table.ts'
import { FieldProblems } from '../partnership/agencies.problems.ts'
import { people } from '../partnership/structure.table.ts'
import { insertIssue } from './actions.fixtures.ts'
import {
  type ActionInput,
  agencyRequiredMessage,
  alreadyClosedMessage,
  closeAction,
  createAction,
  duplicateActionMessage,
  ownerPersonMessage,
  resolveActionSource,
  updateAction,
} from './actions.service.ts'
import { actions } from './actions.table.ts'

async function problems(promise: Promise<unknown>): Promise<Record<string, string>> {
  try {
    await promise
  } catch (error) {
    if (error instanceof FieldProblems) return error.fields
    throw error
  }
  throw new Error('Expected the call to be refused')
}

async function refusal(
  promise: Promise<unknown>,
): Promise<{ code: string; status: number; message: string }> {
  try {
    await promise
  } catch (error) {
    const e = error as AppError
    return { code: e.code, status: e.status, message: e.message }
  }
  throw new Error('Expected the call to be refused')
}

describe('actions', () => {
  let database: Database
  let world: MeetingWorld
  let other: MeetingWorld
  let meeting: Meeting
  let item: AgendaItem
  let decisionId: string
  let n = 0
  const change = (now: Date | string = NOW) =>
    changeAt(world.partnership.id, world.accounts.businessTeam.userId, now)
  const input = (extra: Partial<ActionInput> = {}): ActionInput => ({
    description: `Review the referral pathway ${++n}`,
    ownerAgencyId: world.agencies.police.id,
    groupId: world.group.id,
    ...extra,
  })

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
    other = await buildMeetingWorld(database.db)
    meeting = await insertMeeting(database.db, {
      partnershipId: world.partnership.id,
      groupId: world.group.id,
      heldOn: '2026-02-16',
    })
    item = await insertItem(database.db, meeting, { title: 'Neglect strategy', position: 3 })
    decisionId = randomUUID()
    await database.db.insert(decisions).values({
      id: decisionId,
      partnershipId: world.partnership.id,
      meetingId: meeting.id,
      agendaItemId: item.id,
      reference: 'D2026-001',
      text: 'Adopt the strategy',
      outcome: 'consensus',
      implementationOn: '2026-03-02',
    })
  })
  afterAll(() => database.close())

  it('records an action from an agenda item, a decision, a meeting or a group, numbered A<year>-<nnnn>', async () => {
    const fromItem = await createAction(
      database.db,
      change(),
      input({ agendaItemId: item.id, groupId: null }),
    )
    expect(fromItem).toMatchObject({
      meetingId: meeting.id,
      agendaItemId: item.id,
      decisionId: null,
      groupId: world.group.id,
      ownerAgencyId: world.agencies.police.id,
      ownerPersonId: null,
      issueId: null,
      dueOn: null,
    })
    expect(fromItem.reference).toMatch(/^A2026-\d{4}$/)
    const fromDecision = await createAction(database.db, change(), input({ decisionId }))
    expect(fromDecision).toMatchObject({ meetingId: meeting.id, agendaItemId: item.id, decisionId })
    const fromMeeting = await createAction(database.db, change(), input({ meetingId: meeting.id }))
    expect(fromMeeting).toMatchObject({ meetingId: meeting.id, agendaItemId: null })
    const standalone = await createAction(database.db, change(), input())
    expect(standalone).toMatchObject({ meetingId: null, groupId: world.group.id })
    const numbers = [fromItem, fromDecision, fromMeeting, standalone].map((a) => Number(a.reference.slice(6)))
    expect(numbers).toEqual([numbers[0], numbers[0]! + 1, numbers[0]! + 2, numbers[0]! + 3])

    const [audit] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityType, 'action'), eq(auditLog.entityId, standalone.id)))
    expect(audit).toMatchObject({ action: 'create', actorId: world.accounts.businessTeam.userId })
    expect(audit?.after).toMatchObject({ reference: standalone.reference, groupId: world.group.id })
  })

  it('numbers per partnership and per year, one after another even when created at once', async () => {
    const theirs = await createAction(
      database.db,
      changeAt(other.partnership.id, other.accounts.businessTeam.userId, NOW),
      { description: 'Theirs', ownerAgencyId: other.agencies.council.id, groupId: other.group.id },
    )
    expect(theirs.reference).toBe('A2026-0001')
    const nextYear = await createAction(database.db, change('2027-01-04T10:00:00Z'), input())
    expect(nextYear.reference).toBe('A2027-0001')

    const before = await database.db
      .select({ reference: actions.reference })
      .from(actions)
      .where(eq(actions.partnershipId, world.partnership.id))
    const in2026 = before.filter((r) => r.reference.startsWith('A2026-')).length
    const made = await Promise.all([1, 2, 3, 4, 5].map(() => createAction(database.db, change(), input())))
    const parallel = made.map((a) => Number(a.reference.slice(6))).sort((a, b) => a - b)
    expect(parallel).toEqual([1, 2, 3, 4, 5].map((i) => in2026 + i))
  })

  it('needs a description and an owner agency of the partnership', async () => {
    expect(await problems(createAction(database.db, change(), input({ ownerAgencyId: '' })))).toEqual({
      ownerAgencyId: agencyRequiredMessage,
    })
    expect(
      (
        await problems(
          createAction(database.db, change(), input({ ownerAgencyId: other.agencies.police.id })),
        )
      ).ownerAgencyId,
    ).toBe(agencyRequiredMessage)
    expect(
      (await problems(createAction(database.db, change(), input({ description: '   ' })))).description,
    ).toBe('Enter the action')
    expect(
      (await problems(createAction(database.db, change(), input({ description: 'x'.repeat(2001) }))))
        .description,
    ).toBe('The action must be 2,000 characters or fewer')
    // A standalone action needs its group, and a group of the partnership.
    expect((await problems(createAction(database.db, change(), input({ groupId: null })))).groupId).toBe(
      'Select the group the action belongs to',
    )
    expect(
      (await problems(createAction(database.db, change(), input({ groupId: other.group.id })))).groupId,
    ).toBe('Select the group the action belongs to')
    expect(
      (await problems(createAction(database.db, change(), input({ meetingId: randomUUID() })))).meetingId,
    ).toBe('There is no such meeting')
  })

  it('takes an owner who works for the owner agency or sits on the group, and no one else', async () => {
    // The head teacher (school) sits on the group; the deputy works for the police.
    const headForPolice = await createAction(
      database.db,
      change(),
      input({ ownerPersonId: world.people.head.id }),
    )
    expect(headForPolice.ownerPersonId).toBe(world.people.head.id)
    const deputy = await createAction(database.db, change(), input({ ownerPersonId: world.people.deputy.id }))
    expect(deputy.ownerPersonId).toBe(world.people.deputy.id)
    // A council officer who does not sit on the group cannot own a police action.
    const officer = await insertPerson(database.db, world.partnership.id, {
      name: 'Colin Council',
      agencyId: world.agencies.council.id,
    })
    expect(
      (await problems(createAction(database.db, change(), input({ ownerPersonId: officer.id }))))
        .ownerPersonId,
    ).toBe(ownerPersonMessage)
    const council = await createAction(
      database.db,
      change(),
      input({ ownerAgencyId: world.agencies.council.id, ownerPersonId: officer.id }),
    )
    expect(council.ownerPersonId).toBe(officer.id)
    // Someone who has left, and someone of another partnership, cannot own an action.
    const left = await insertPerson(database.db, world.partnership.id, {
      name: 'Lee Left',
      agencyId: world.agencies.police.id,
    })
    await database.db.update(people).set({ leftOn: '2026-01-31' }).where(eq(people.id, left.id))
    expect(
      (await problems(createAction(database.db, change(), input({ ownerPersonId: left.id })))).ownerPersonId,
    ).toBe(ownerPersonMessage)
    expect(
      (await problems(createAction(database.db, change(), input({ ownerPersonId: other.people.police.id }))))
        .ownerPersonId,
    ).toBe(ownerPersonMessage)
    expect(
      (await problems(createAction(database.db, change(), input({ ownerPersonId: 'nope' })))).ownerPersonId,
    ).toBe(ownerPersonMessage)
  })

  it('refuses a cancelled meeting, a withdrawn decision or an item of another meeting', async () => {
    const cancelled = await insertMeeting(database.db, {
      partnershipId: world.partnership.id,
      groupId: world.group.id,
      heldOn: '2026-02-20',
      cancelledAt: NOW,
      cancelledReason: 'No quorum',
    })
    expect(
      await refusal(createAction(database.db, change(), input({ meetingId: cancelled.id }))),
    ).toMatchObject({
      status: 409,
      message: 'This meeting was cancelled: no action can be added to it',
    })
    const elsewhere = await insertItem(database.db, cancelled, { title: 'Elsewhere' })
    expect(
      (
        await problems(
          createAction(database.db, change(), input({ meetingId: meeting.id, agendaItemId: elsewhere.id })),
        )
      ).agendaItemId,
    ).toBe('Choose an item on this meeting’s agenda')
    const withdrawn = randomUUID()
    await database.db.insert(decisions).values({
      id: withdrawn,
      partnershipId: world.partnership.id,
      meetingId: meeting.id,
      agendaItemId: item.id,
      reference: 'D2026-002',
      text: 'Recorded by mistake',
      outcome: 'consensus',
      implementationOn: '2026-03-02',
      withdrawnAt: NOW,
      withdrawnReason: 'Mistake',
    })
    expect(
      (await problems(createAction(database.db, change(), input({ decisionId: withdrawn })))).decisionId,
    ).toBe('This decision was withdrawn: no action can come from it')
    const closedGroup = await insertGroup(database.db, world.partnership.id, { closedOn: '2026-01-01' })
    expect(
      await refusal(createAction(database.db, change(), input({ groupId: closedGroup.id }))),
    ).toMatchObject({
      status: 409,
    })
    const { source } = await resolveActionSource(database.db, world.partnership.id, { decisionId })
    expect(source).toMatchObject({
      group: { id: world.group.id },
      meeting: { id: meeting.id },
      item: { id: item.id, title: 'Neglect strategy' },
      decision: { reference: 'D2026-001' },
    })
  })

  it('refuses the same action for the same group and agency within a minute (a form sent twice)', async () => {
    const same = input({ description: 'Audit the front door' })
    await createAction(database.db, change(), same)
    expect((await problems(createAction(database.db, change(), same))).description).toBe(
      duplicateActionMessage,
    )
    const twice = await Promise.allSettled([
      createAction(database.db, change(), { ...same, description: 'Twice at once' }),
      createAction(database.db, change(), { ...same, description: 'Twice at once' }),
    ])
    expect(twice.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    // Another agency, or a minute later, is a new action.
    await createAction(database.db, change(), { ...same, ownerAgencyId: world.agencies.health.id })
    const later = await createAction(database.db, change(new Date(NOW.getTime() + 61_000)), same)
    expect(later.description).toBe('Audit the front door')
  })

  it('changes an action until it is issued, with an audit entry', async () => {
    const action = await createAction(database.db, change(), input())
    const changed = await updateAction(database.db, change(), action.id, {
      description: 'Review the pathway with schools',
      ownerAgencyId: world.agencies.school.id,
      ownerPersonId: world.people.head.id,
    })
    expect(changed).toMatchObject({
      description: 'Review the pathway with schools',
      ownerAgencyId: world.agencies.school.id,
      ownerPersonId: world.people.head.id,
    })
    const [audit] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, action.id), eq(auditLog.action, 'update')))
    expect(audit?.before).toMatchObject({ ownerAgencyId: world.agencies.police.id, ownerPersonId: null })
    // The chair (council) sits on the group: they may own a police action.
    const again = await updateAction(database.db, change(), action.id, {
      description: 'x',
      ownerAgencyId: world.agencies.police.id,
      ownerPersonId: world.people.chair.id,
    })
    expect(again.ownerPersonId).toBe(world.people.chair.id)
    await insertIssue(database.db, {
      partnershipId: world.partnership.id,
      meetingId: meeting.id,
      issuedOn: '2026-03-02',
      dueOn: '2026-03-16',
      actionIds: [action.id],
    })
    expect(
      await refusal(
        updateAction(database.db, change(), action.id, {
          description: 'Too late',
          ownerAgencyId: world.agencies.police.id,
        }),
      ),
    ).toMatchObject({
      status: 409,
      message: 'This action has been issued to its owner: it can no longer be changed',
    })
    const [row] = await database.db.select().from(actions).where(eq(actions.id, action.id))
    expect(row?.description).toBe('x')
  })

  it('closes an action with a reason, once', async () => {
    const action = await createAction(database.db, change(), input())
    expect(await problems(closeAction(database.db, change(), action.id, '  '))).toEqual({
      reason: 'Enter why the action is closed',
    })
    const closed = await closeAction(database.db, change(), action.id, 'Done at the meeting')
    expect(closed).toMatchObject({
      closedReason: 'Done at the meeting',
      closedById: world.accounts.businessTeam.userId,
    })
    expect(closed.closedAt?.toISOString()).toBe(NOW.toISOString())
    expect(await refusal(closeAction(database.db, change(), action.id, 'Again'))).toMatchObject({
      code: 'action_closed',
      status: 409,
      message: alreadyClosedMessage,
    })
    const [row] = await database.db.select().from(actions).where(eq(actions.id, action.id))
    expect(row?.closedReason).toBe('Done at the meeting')
    const audits = await database.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(eq(auditLog.entityId, action.id))
    expect(audits.map((a) => a.action).sort()).toEqual(['close', 'create'])
    // Two closes at once: one wins, the other is told.
    const racing = await createAction(database.db, change(), input())
    const both = await Promise.allSettled([
      closeAction(database.db, change(), racing.id, 'First'),
      closeAction(database.db, change(), racing.id, 'Second'),
    ])
    expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    // Another partnership's action, or no action, is not found.
    expect((await refusal(closeAction(database.db, change(), randomUUID(), 'x'))).status).toBe(404)
    expect((await refusal(closeAction(database.db, change(), 'nope', 'x'))).status).toBe(404)
  })
})
