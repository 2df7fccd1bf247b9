import { randomUUID } from 'node:crypto'
import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import type { Database } from '../../platform/db/client.ts'
import { ruleSettings } from '../../platform/rules/rules.table.ts'
import { type AttendanceOutcome, attendance } from '../meetings/attendance.table.ts'
import {
  buildMeetingWorld,
  insertGroup,
  insertMeeting,
  type MeetingWorld,
  NOW,
} from '../meetings/meetings.fixtures.ts'
import { agendaItems, type Meeting, meetings } from '../meetings/meetings.table.ts'
import { attendanceFlags } from './compliance.table.ts'
import { listFlags } from './flags.queries.ts'
import { closeFlag, FLAG_ITEM_TITLE, sweepFlags } from './flags.service.ts'

// The clock is Monday 2 March 2026. The group met on 3 November, 1 December, 12 January and
// 9 February (a meeting on 26 January was cancelled); the Strategic Group meets next on 16 March.

type SeatKey = keyof MeetingWorld['seats']

describe('attendance flags', () => {
  let database: Database
  let world: MeetingWorld
  let other: MeetingWorld
  let m: Meeting[]
  let cancelled: Meeting
  let strategic: Meeting
  let strategicGroupId: string

  const seat = (w: MeetingWorld, meeting: Meeting, key: SeatKey, outcome: AttendanceOutcome | null) =>
    database.db.insert(attendance).values({
      id: randomUUID(),
      partnershipId: w.partnership.id,
      meetingId: meeting.id,
      membershipId: w.seats[key].id,
      personId: w.people[key].id,
      outcome,
      deputyId: outcome === 'deputy' ? w.people.deputy.id : null,
      intent: outcome === null ? 'apologies' : null,
    })
  const flagsOf = (w: MeetingWorld) =>
    database.db
      .select()
      .from(attendanceFlags)
      .where(eq(attendanceFlags.partnershipId, w.partnership.id))
      .orderBy(attendanceFlags.createdAt, attendanceFlags.meetingId)
  const flagItems = (meetingId: string) =>
    database.db
      .select()
      .from(agendaItems)
      .where(and(eq(agendaItems.meetingId, meetingId), eq(agendaItems.kind, 'attendance_flags')))

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
    other = await buildMeetingWorld(database.db)
    const p = world.partnership.id
    const meeting = (heldOn: string, extra: Partial<Meeting> = {}) =>
      insertMeeting(database.db, { partnershipId: p, groupId: world.group.id, heldOn, ...extra })
    m = [
      await meeting('2025-11-03'),
      await meeting('2025-12-01'),
      await meeting('2026-01-12'),
      await meeting('2026-02-09'),
    ]
    cancelled = await meeting('2026-01-26', {
      cancelledAt: new Date('2026-01-20T10:00:00Z'),
      cancelledReason: 'Snow',
    })
    const [m1, m2, m3, m4] = m as [Meeting, Meeting, Meeting, Meeting]

    // Health: empty four times running (apologies, absent, absent, apologies).
    await seat(world, m1, 'health', 'apologies')
    await seat(world, m2, 'health', 'absent')
    await seat(world, m3, 'health', 'absent')
    await seat(world, m4, 'health', 'apologies')
    // Police: a deputy came to the second meeting, which breaks the run.
    await seat(world, m1, 'police', 'apologies')
    await seat(world, m2, 'police', 'deputy')
    await seat(world, m3, 'police', 'absent')
    await seat(world, m4, 'police', 'present')
    // Head: apologies then present; and a meeting with nothing recorded for the seat between two empty ones.
    await seat(world, m1, 'head', 'apologies')
    await seat(world, m3, 'head', 'apologies')
    await seat(world, m4, 'head', 'present')
    // Chair: absent either side of the cancelled meeting, which does not count.
    await seat(world, m3, 'chair', 'absent')
    await seat(world, cancelled, 'chair', 'present')
    await seat(world, m4, 'chair', 'absent')

    const sg = await insertGroup(database.db, p, { kind: 'strategic', name: 'Strategic Group' })
    strategicGroupId = sg.id
    await insertMeeting(database.db, { partnershipId: p, groupId: sg.id, heldOn: '2026-02-16' })
    strategic = await insertMeeting(database.db, { partnershipId: p, groupId: sg.id, heldOn: '2026-03-16' })
    await insertMeeting(database.db, { partnershipId: p, groupId: sg.id, heldOn: '2026-05-18' })
    for (const [position, title] of [
      [1, 'Welcome'],
      [2, 'Minutes of the last meeting'],
    ] as const) {
      await database.db.insert(agendaItems).values({
        id: randomUUID(),
        partnershipId: p,
        meetingId: strategic.id,
        position,
        title,
      })
    }

    // The other partnership asks for three empty meetings in a row, and has no Strategic Group.
    await database.db
      .insert(ruleSettings)
      .values({ partnershipId: other.partnership.id, key: 'consecutiveAbsences', value: 3 })
    const o = (heldOn: string) =>
      insertMeeting(database.db, { partnershipId: other.partnership.id, groupId: other.group.id, heldOn })
    const o1 = await o('2025-12-01')
    const o2 = await o('2026-01-05')
    const o3 = await o('2026-02-02')
    await seat(other, o1, 'health', 'absent')
    await seat(other, o2, 'health', 'absent')
    await seat(other, o1, 'head', 'absent')
    await seat(other, o2, 'head', 'apologies')
    await seat(other, o3, 'head', 'absent')
  })
  afterAll(async () => {
    await database.close()
  })

  it('flags a seat empty at two consecutive held meetings, not one a deputy filled or one attended after apologies', async () => {
    const result = await sweepFlags(database.db, { now: NOW })
    const flags = await flagsOf(world)
    const [m1, m2, m3, m4] = m as [Meeting, Meeting, Meeting, Meeting]
    const raised = flags.map((f) => [f.membershipId, f.meetingId])
    expect(raised).toHaveLength(3)
    // Health: at the second and the fourth meeting of its run of four.
    expect(raised).toContainEqual([world.seats.health.id, m2.id])
    expect(raised).toContainEqual([world.seats.health.id, m4.id])
    // Chair: the cancelled meeting between is not one of the group's meetings.
    expect(raised).toContainEqual([world.seats.chair.id, m4.id])
    expect(raised.some(([seatId]) => seatId === world.seats.police.id)).toBe(false)
    expect(raised.some(([seatId]) => seatId === world.seats.head.id)).toBe(false)
    expect(raised.some(([, meetingId]) => meetingId === m1.id || meetingId === m3.id)).toBe(false)
    expect(flags.every((f) => f.raisedOn === '2026-03-02' && f.groupId === world.group.id)).toBe(true)
    expect(flags.find((f) => f.membershipId === world.seats.health.id)!.personId).toBe(world.people.health.id)

    // The other partnership's rule is three: only the seat empty three times is flagged.
    const others = await flagsOf(other)
    expect(others.map((f) => f.membershipId)).toEqual([other.seats.head.id])
    expect(result.raised).toBe(4)
    const entries = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.partnershipId, world.partnership.id), eq(auditLog.action, 'raise')))
    expect(entries).toHaveLength(1)
    expect((entries[0]!.after as { flags: unknown[] }).flags).toHaveLength(3)
  })

  it('lists the flags in one item at the end of the Strategic Group’s next meeting, and only once', async () => {
    const items = await flagItems(strategic.id)
    expect(items).toHaveLength(1)
    const item = items[0]!
    expect(item).toMatchObject({ title: FLAG_ITEM_TITLE, position: 3, partnershipId: world.partnership.id })
    expect(item.description).toContain(
      `Harriet Health (Testshire Integrated Care Board), ${world.group.name}: 3 November 2025 and 1 December 2025`,
    )
    expect(item.description).toContain(
      `Harriet Health (Testshire Integrated Care Board), ${world.group.name}: 3 November 2025, 1 December 2025, 12 January 2026 and 9 February 2026`,
    )
    expect(item.description).toContain(
      `Chris Chair (Testshire Council), ${world.group.name}: 12 January 2026 and 9 February 2026`,
    )
    const flags = await flagsOf(world)
    expect(flags.every((f) => f.agendaItemId === item.id)).toBe(true)
    // No Strategic Group: the other partnership's flag waits.
    expect((await flagsOf(other))[0]!.agendaItemId).toBeNull()

    const again = await sweepFlags(database.db, { now: NOW })
    expect(again).toEqual({ raised: 0, listed: 0 })
    expect(await flagItems(strategic.id)).toEqual(items)
    expect(await flagsOf(world)).toEqual(flags)
  })

  it('adds later flags to the same item, and moves flags off a cancelled meeting', async () => {
    const p = world.partnership.id
    const m5 = await insertMeeting(database.db, {
      partnershipId: p,
      groupId: world.group.id,
      heldOn: '2026-03-04',
    })
    const m6 = await insertMeeting(database.db, {
      partnershipId: p,
      groupId: world.group.id,
      heldOn: '2026-03-09',
    })
    await seat(world, m5, 'police', 'absent')
    await seat(world, m6, 'police', 'apologies')
    const later = new Date('2026-03-10T06:15:00Z')
    expect(await sweepFlags(database.db, { now: later })).toEqual({ raised: 1, listed: 1 })
    const [item] = await flagItems(strategic.id)
    expect(await flagItems(strategic.id)).toHaveLength(1)
    expect(item!.description).toContain('Chris Chair')
    expect(item!.description).toContain(
      `Pat Police (Testshire Police), ${world.group.name}: 4 March 2026 and 9 March 2026`,
    )
    const police = (await flagsOf(world)).find((f) => f.membershipId === world.seats.police.id)!
    expect(police.agendaItemId).toBe(item!.id)

    // Close one flag; then the meeting is cancelled: the open flags go to the next meeting.
    const chairFlag = (await flagsOf(world)).find((f) => f.membershipId === world.seats.chair.id)!
    const change = { partnershipId: p, actorId: world.accounts.businessTeam.userId, now: later }
    await closeFlag(database.db, change, { flagId: chairFlag.id, reason: 'New chair appointed' })
    await expect(
      closeFlag(database.db, change, { flagId: chairFlag.id, reason: 'Again' }),
    ).rejects.toMatchObject({
      status: 409,
    })
    await database.db
      .update(meetings)
      .set({ cancelledAt: later, cancelledReason: 'Room unavailable' })
      .where(eq(meetings.id, strategic.id))
    expect(await sweepFlags(database.db, { now: later })).toEqual({ raised: 0, listed: 3 })
    const next = await database.db
      .select({ id: meetings.id })
      .from(meetings)
      .where(and(eq(meetings.groupId, strategicGroupId), eq(meetings.heldOn, '2026-05-18')))
    const [moved] = await flagItems(next[0]!.id)
    expect(moved!.position).toBe(1)
    expect(moved!.description).not.toContain('Chris Chair')
    const after = await flagsOf(world)
    expect(after.filter((f) => f.agendaItemId === moved!.id)).toHaveLength(3)
    expect(after.find((f) => f.id === chairFlag.id)).toMatchObject({
      agendaItemId: item!.id,
      closedReason: 'New chair appointed',
    })
  })

  it('lists open and closed flags with the meetings missed and where each was reported', async () => {
    const list = await listFlags(database.db, world.partnership.id)
    expect(list.open).toHaveLength(3)
    expect(list.closed).toHaveLength(1)
    expect(list.closedTotal).toBe(1)
    const health = list.open.find(
      (f) => f.meetingId === m[3]!.id && f.membershipId === world.seats.health.id,
    )!
    expect(health.agencyName).toBe('Testshire Integrated Care Board')
    expect(health.reportedTo).toMatchObject({
      heldOn: '2026-05-18',
      groupName: 'Strategic Group',
      cancelled: false,
    })
    expect(list.missed.get(health.id)!.map((x) => x.heldOn)).toEqual([
      '2025-11-03',
      '2025-12-01',
      '2026-01-12',
      '2026-02-09',
    ])
    expect(list.closed[0]).toMatchObject({
      closedReason: 'New chair appointed',
      closedByName: 'Bea Business',
    })
    expect(list.closed[0]!.reportedTo?.cancelled).toBe(true)
  })

  it('finds runs in one statement over many seats and meetings', async () => {
    // 40 seats over 30 meetings, alternating runs: a quick check that the work is set-based.
    const third = await buildMeetingWorld(database.db)
    const p = third.partnership.id
    const group = await insertGroup(database.db, p)
    await database.db.execute(sql`insert into meetings (id, partnership_id, group_id, held_on, starts_at, ends_at)
      select gen_random_uuid(), ${p}, ${group.id}, d::date, d + interval '13 hours', d + interval '15 hours'
      from generate_series('2025-04-07'::date, '2025-04-07'::date + 29 * 7, interval '7 days') d`)
    await database.db.execute(sql`insert into memberships (id, group_id, partnership_id, person_id, role, starts_on)
      select gen_random_uuid(), ${group.id}, ${p}, ${third.people.health.id}, 'member', '2025-01-01'
      from generate_series(1, 40)`)
    await database.db.execute(sql`insert into attendance (id, partnership_id, meeting_id, membership_id, person_id, outcome)
      select gen_random_uuid(), ${p}, m.id, ms.id, ms.person_id,
        case when (row_number() over (partition by ms.id order by m.held_on)) % 4 in (1, 2) then 'absent' else 'present' end
      from meetings m cross join memberships ms where m.group_id = ${group.id} and ms.group_id = ${group.id}`)
    const started = performance.now()
    const result = await sweepFlags(database.db, { now: NOW })
    // Runs of two empty meetings in every four, at 40 seats: 30 meetings make 8 runs per seat.
    expect(result.raised).toBe(40 * 8)
    expect(performance.now() - started).toBeLessThan(15_000)
  })
})
