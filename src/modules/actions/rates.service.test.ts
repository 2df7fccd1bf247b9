import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../../platform/db/client.ts'
import { type AttendanceOutcome, attendance } from '../meetings/attendance.table.ts'
import {
  buildMeetingWorld,
  insertGroup,
  insertMeeting,
  insertSeat,
  type MeetingWorld,
  TODAY,
} from '../meetings/meetings.fixtures.ts'
import type { Meeting } from '../meetings/meetings.table.ts'
import type { Group, Membership } from '../partnership/structure.table.ts'
import { readRatesQuery } from './rates.routes.ts'
import { attendanceRates, rateOf, ratesCsv } from './rates.service.ts'

// The clock is 2 March 2026, so the default period is 3 March 2025 to 2 March 2026.

type SeatKey = keyof MeetingWorld['seats']

describe('attendance rates', () => {
  let database: Database
  let world: MeetingWorld
  let other: MeetingWorld
  let panel: Group
  let headOnPanel: Membership
  const period = { from: '2025-03-03', to: '2026-03-02' }

  const record = (
    w: MeetingWorld,
    meeting: Meeting,
    key: SeatKey,
    outcome: AttendanceOutcome | null,
    membershipId = w.seats[key].id,
  ) =>
    database.db.insert(attendance).values({
      id: randomUUID(),
      partnershipId: w.partnership.id,
      meetingId: meeting.id,
      membershipId,
      personId: w.people[key].id,
      outcome,
      intent: outcome === null ? 'apologies' : null,
      deputyId: outcome === 'deputy' ? w.people.deputy.id : null,
    })

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
    other = await buildMeetingWorld(database.db)
    const p = world.partnership.id
    const meeting = (groupId: string, heldOn: string, extra: Partial<Meeting> = {}) =>
      insertMeeting(database.db, { partnershipId: p, groupId, heldOn, ...extra })
    const june = await meeting(world.group.id, '2025-06-02')
    await record(world, june, 'chair', 'present')
    await record(world, june, 'police', 'deputy')
    await record(world, june, 'health', 'apologies')
    await record(world, june, 'head', 'absent')
    const september = await meeting(world.group.id, '2025-09-01')
    await record(world, september, 'chair', 'present')
    await record(world, september, 'police', 'present')
    await record(world, september, 'health', 'present')
    await record(world, september, 'head', null) // apologies sent, nothing recorded on the day
    const cancelled = await meeting(world.group.id, '2025-10-06', {
      cancelledAt: new Date('2025-10-01T09:00:00Z'),
      cancelledReason: 'Clash',
    })
    await record(world, cancelled, 'chair', 'present')
    const old = await meeting(world.group.id, '2024-01-10')
    await record(world, old, 'chair', 'absent')

    panel = await insertGroup(database.db, p, { name: 'Practice Review Panel', kind: 'review_panel' })
    headOnPanel = await insertSeat(database.db, {
      partnershipId: p,
      groupId: panel.id,
      personId: world.people.head.id,
      agencyId: world.agencies.school.id,
    })
    const november = await meeting(panel.id, '2025-11-03')
    await record(world, november, 'head', 'present', headOnPanel.id)

    const elsewhere = await insertMeeting(database.db, {
      partnershipId: other.partnership.id,
      groupId: other.group.id,
      heldOn: '2025-06-02',
    })
    await record(other, elsewhere, 'chair', 'absent')
  })
  afterAll(async () => {
    await database.close()
  })

  it('counts seats with an outcome at held meetings, per group, agency and member', async () => {
    const rates = await attendanceRates(database.db, world.partnership.id, period)
    expect(rates.total).toMatchObject({ seats: 8, attended: 6, rate: 75 })
    expect(rates.groups.map((g) => [g.name, g.seats, g.attended, g.rate])).toEqual(
      [
        [world.group.name, 7, 5, 71.4],
        ['Practice Review Panel', 1, 1, 100],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    )
    expect(rates.agencies.map((a) => [a.name, a.seats, a.attended, a.rate])).toEqual([
      ['Testshire Academy', 2, 1, 50],
      ['Testshire Council', 2, 2, 100],
      ['Testshire Integrated Care Board', 2, 1, 50],
      ['Testshire Police', 2, 2, 100],
    ])
    expect(rates.members.map((m) => [m.name, m.agencyName, m.seats, m.attended, m.rate])).toEqual([
      ['Chris Chair', 'Testshire Council', 2, 2, 100],
      ['Hana Head', 'Testshire Academy', 2, 1, 50],
      ['Harriet Health', 'Testshire Integrated Care Board', 2, 1, 50],
      ['Pat Police', 'Testshire Police', 2, 2, 100],
    ])
  })

  it('filters by group, by agency and by period', async () => {
    const onPanel = await attendanceRates(database.db, world.partnership.id, { ...period, groupId: panel.id })
    expect(onPanel.total).toMatchObject({ seats: 1, attended: 1, rate: 100 })
    expect(onPanel.members.map((m) => m.name)).toEqual(['Hana Head'])

    const school = await attendanceRates(database.db, world.partnership.id, {
      ...period,
      agencyId: world.agencies.school.id,
    })
    expect(school.groups.map((g) => [g.name, g.seats, g.attended])).toEqual(
      [
        [world.group.name, 1, 0],
        ['Practice Review Panel', 1, 1],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    )

    const year2024 = await attendanceRates(database.db, world.partnership.id, {
      from: '2024-01-01',
      to: '2024-12-31',
    })
    expect(year2024.total).toMatchObject({ seats: 1, attended: 0, rate: 0 })
    const empty = await attendanceRates(database.db, world.partnership.id, {
      from: '2023-01-01',
      to: '2023-12-31',
    })
    expect(empty.total).toMatchObject({ seats: 0, attended: 0, rate: null })
    expect(empty.groups).toEqual([])
  })

  it('leaves confidential groups out for partners who do not sit on them', async () => {
    const p = world.partnership.id
    const secret = await insertGroup(database.db, p, { name: 'Confidential Panel', confidential: true })
    const seat = await insertSeat(database.db, {
      partnershipId: p,
      groupId: secret.id,
      personId: world.people.police.id,
      agencyId: world.agencies.police.id,
    })
    const held = await insertMeeting(database.db, {
      partnershipId: p,
      groupId: secret.id,
      heldOn: '2025-12-01',
    })
    await record(world, held, 'police', 'absent', seat.id)
    const names = async (role: 'partner' | 'business_team', userId: string) =>
      (await attendanceRates(database.db, p, { ...period, viewer: { role, userId } })).groups.map(
        (g) => g.name,
      )
    expect(await names('business_team', world.accounts.businessTeam.userId)).toContain('Confidential Panel')
    expect(await names('partner', world.accounts.partner.userId)).not.toContain('Confidential Panel')
    // Pat Police sits on it.
    expect(await names('partner', world.accounts.police.userId)).toContain('Confidential Panel')
  })

  it('reads the period from the query, the last 12 months by default, and refuses dates that are not real', () => {
    expect(readRatesQuery({}, TODAY)).toMatchObject({ errors: null, options: period })
    expect(readRatesQuery({ from: '1/4/2025', to: '2026-03-31', group: 'nope' }, TODAY)).toMatchObject({
      errors: null,
      options: { from: '2025-04-01', to: '2026-03-31' },
    })
    const bad = readRatesQuery({ from: '31/2/2025', to: '1/1/2025' }, TODAY)
    expect(bad.errors?.list.map((e) => e.href)).toEqual(['#from'])
    expect(readRatesQuery({ from: '2/1/2025', to: '1/1/2025' }, TODAY).errors?.fields.to?.text).toBe(
      'The end of the period must be the same as or after its start',
    )
  })

  it('exports the rates as CSV, a line per group, agency and member', async () => {
    const csv = ratesCsv(
      await attendanceRates(database.db, world.partnership.id, { ...period, groupId: panel.id }),
    )
    expect(csv.split('\r\n')).toEqual([
      'Level,Name,Agency,From,To,Seats recorded,Attended,Rate (%)',
      'All groups,All groups,,2025-03-03,2026-03-02,1,1,100',
      'Group,Practice Review Panel,,2025-03-03,2026-03-02,1,1,100',
      'Agency,Testshire Academy,,2025-03-03,2026-03-02,1,1,100',
      'Member,Hana Head,Testshire Academy,2025-03-03,2026-03-02,1,1,100',
      '',
    ])
    expect(rateOf(3, 2)).toBe(66.7)
  })
})
