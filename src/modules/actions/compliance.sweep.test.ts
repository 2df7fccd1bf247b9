import { and, eq, inArray } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import type { Database } from '../../platform/db/client.ts'
import { buildMeetingWorld, type MeetingWorld, NOW } from '../meetings/meetings.fixtures.ts'
import type { Meeting } from '../meetings/meetings.table.ts'
import { type Action, actions } from './actions.table.ts'
import { complianceMeeting, insertResponse, issuedAction } from './compliance.fixtures.ts'
import { sweepFailures } from './compliance.sweep.ts'
import { complianceFailures } from './compliance.table.ts'

// NOW is Monday 2 March 2026, 10:00 UTC. Good Friday 2026 is 3 April, a bank holiday.

describe('the compliance sweep', () => {
  let database: Database
  let world: MeetingWorld
  let other: MeetingWorld
  let meeting: Meeting
  const a: Record<string, Action> = {}

  const failureOf = async (action: Action) =>
    database.db.select().from(complianceFailures).where(eq(complianceFailures.actionId, action.id))
  const snapshot = async () =>
    database.db
      .select()
      .from(complianceFailures)
      .where(
        inArray(
          complianceFailures.actionId,
          Object.values(a).map((x) => x.id),
        ),
      )
      .orderBy(complianceFailures.id)

  const sweepEntries = () =>
    database.db
      .select({ partnershipId: auditLog.partnershipId, entityId: auditLog.entityId, after: auditLog.after })
      .from(auditLog)
      .where(and(eq(auditLog.entityType, 'compliance_sweep'), eq(auditLog.action, 'sweep')))
      .orderBy(auditLog.seq)

  beforeAll(async () => {
    database = await createTestDatabase()
    const db = database.db
    world = await buildMeetingWorld(db)
    other = await buildMeetingWorld(db)
    meeting = await complianceMeeting(db, world, '2026-02-02')
    const otherMeeting = await complianceMeeting(db, other, '2026-02-02')
    a.unanswered = await issuedAction(db, world, meeting, { issuedOn: '2026-02-06', dueOn: '2026-02-20' })
    a.dueToday = await issuedAction(db, world, meeting, { dueOn: '2026-03-02' })
    a.onTime = await issuedAction(db, world, meeting, { dueOn: '2026-02-20' })
    await insertResponse(db, a.onTime, '2026-02-20')
    a.lateBeforeSweep = await issuedAction(db, world, meeting, {
      dueOn: '2026-02-20',
      agencyId: world.agencies.health.id,
    })
    await insertResponse(db, a.lateBeforeSweep, '2026-02-26')
    await insertResponse(db, a.lateBeforeSweep, '2026-02-25')
    a.closed = await issuedAction(db, world, meeting, {
      dueOn: '2026-02-20',
      closedAt: NOW,
      closedReason: 'Merged',
    })
    a.bankHoliday = await issuedAction(db, world, meeting, { dueOn: '2026-04-03' })
    a.elsewhere = await issuedAction(db, other, otherMeeting, { dueOn: '2026-02-27' })
    const [notIssued] = await db
      .insert(actions)
      .values({
        id: crypto.randomUUID(),
        partnershipId: world.partnership.id,
        groupId: world.group.id,
        reference: 'NOT-ISSUED',
        description: 'Not issued yet',
        ownerAgencyId: world.agencies.police.id,
      })
      .returning()
    a.notIssued = notIssued!
  })

  afterAll(async () => {
    await database.close()
  })

  it('records an unanswered failure once the deadline has passed, in every partnership', async () => {
    const result = await sweepFailures(database.db, { now: NOW })
    expect(result).toEqual({ unanswered: 2, late: 1, answeredLate: 0 })
    const [failure] = await failureOf(a.unanswered!)
    expect(failure).toMatchObject({
      kind: 'unanswered',
      dueOn: '2026-02-20',
      respondedOn: null,
      agencyId: world.agencies.police.id,
      partnershipId: world.partnership.id,
      letterId: null,
    })
    expect(await failureOf(a.elsewhere!)).toMatchObject([
      { kind: 'unanswered', partnershipId: other.partnership.id },
    ])
    // One audit entry per partnership whose failures changed, with its own counts.
    const entries = await sweepEntries()
    expect(entries).toHaveLength(2)
    expect(entries.find((e) => e.partnershipId === world.partnership.id)).toEqual({
      partnershipId: world.partnership.id,
      entityId: world.partnership.id,
      after: { on: '2026-03-02', unanswered: 1, late: 1, answeredLate: 0 },
    })
    expect(entries.find((e) => e.partnershipId === other.partnership.id)?.after).toEqual({
      on: '2026-03-02',
      unanswered: 1,
      late: 0,
      answeredLate: 0,
    })
  })

  it('records nothing for a deadline that is today, an answer on the day, a closed or an unissued action', async () => {
    for (const key of ['dueToday', 'onTime', 'closed', 'notIssued', 'bankHoliday']) {
      expect(await failureOf(a[key]!), key).toEqual([])
    }
  })

  it('records an answer after the deadline as late, with the day of the first answer', async () => {
    expect(await failureOf(a.lateBeforeSweep!)).toMatchObject([
      { kind: 'late', respondedOn: '2026-02-25', agencyId: world.agencies.health.id },
    ])
  })

  it('changes nothing when run again', async () => {
    const before = await snapshot()
    expect(await sweepFailures(database.db, { now: NOW })).toEqual({
      unanswered: 0,
      late: 0,
      answeredLate: 0,
    })
    expect(await snapshot()).toEqual(before)
    expect(await sweepEntries()).toHaveLength(2)
  })

  it('makes an unanswered failure late when the answer comes', async () => {
    await insertResponse(database.db, a.unanswered!, '2026-03-03')
    const [before] = await failureOf(a.unanswered!)
    const later = new Date('2026-03-04T09:00:00Z')
    // The action due on 2 March has now passed its deadline too.
    expect(await sweepFailures(database.db, { now: later })).toEqual({
      unanswered: 1,
      late: 0,
      answeredLate: 1,
    })
    const [after] = await failureOf(a.unanswered!)
    expect(after).toMatchObject({ id: before!.id, kind: 'late', respondedOn: '2026-03-03' })
    expect(await sweepFailures(database.db, { now: later })).toEqual({
      unanswered: 0,
      late: 0,
      answeredLate: 0,
    })
  })

  it('leaves a deadline on a bank holiday alone until the day has passed in London', async () => {
    // Good Friday, 3 April 2026: the deadline itself.
    await sweepFailures(database.db, { now: new Date('2026-04-03T10:00:00Z') })
    // 23:30 in London (BST) is still Good Friday.
    await sweepFailures(database.db, { now: new Date('2026-04-03T22:30:00Z') })
    expect(await failureOf(a.bankHoliday!)).toEqual([])
    // 00:30 on Saturday 4 April in London, 23:30 on the 3rd in UTC.
    await sweepFailures(database.db, { now: new Date('2026-04-03T23:30:00Z') })
    expect(await failureOf(a.bankHoliday!)).toMatchObject([{ kind: 'unanswered', dueOn: '2026-04-03' }])
  })
})
