import { asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../../platform/db/client.ts'
import { previousMeetingOf, seedAgenda, standardItemsFor } from './agenda.seed.ts'
import { buildMeetingWorld, insertGroup, insertMeeting, type MeetingWorld, NOW } from './meetings.fixtures.ts'
import { agendaItems } from './meetings.table.ts'

describe('standard items for a month', () => {
  const items = [
    { title: 'Performance report' },
    { title: 'Finance', months: [3, 10] },
    { title: 'Annual report', months: [6] },
    { title: 'Risk register', months: [] },
  ]

  it('keeps the items for every meeting and those of the meeting’s month', () => {
    expect(standardItemsFor(items, '2026-10-06').map((i) => i.title)).toEqual([
      'Performance report',
      'Finance',
      'Risk register',
    ])
    expect(standardItemsFor(items, '2026-06-09').map((i) => i.title)).toEqual([
      'Performance report',
      'Annual report',
      'Risk register',
    ])
    expect(standardItemsFor(items, '2026-01-13').map((i) => i.title)).toEqual([
      'Performance report',
      'Risk register',
    ])
  })
})

describe('seeding a meeting’s agenda', () => {
  let database: Database
  let world: MeetingWorld

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
  })
  afterAll(() => database.close())

  const itemsOf = (meetingId: string) =>
    database.db
      .select()
      .from(agendaItems)
      .where(eq(agendaItems.meetingId, meetingId))
      .orderBy(asc(agendaItems.position))

  it('leaves out the previous minutes for a group’s first meeting', async () => {
    const group = await insertGroup(database.db, world.partnership.id)
    const first = await insertMeeting(database.db, {
      partnershipId: world.partnership.id,
      groupId: group.id,
      heldOn: '2026-04-14',
    })
    expect(await previousMeetingOf(database.db, first)).toBeNull()
    const count = await seedAgenda(database.db, first, [
      { title: 'Finance', months: [4] },
      { title: 'Budget', months: [5] },
    ])
    expect(count).toBe(2)
    expect((await itemsOf(first.id)).map((i) => [i.position, i.kind, i.title])).toEqual([
      [1, 'action_log', 'Action log'],
      [2, 'standard', 'Finance'],
    ])
  })

  it('links the previous minutes to the latest earlier meeting that was held, not a cancelled or later one', async () => {
    const group = await insertGroup(database.db, world.partnership.id)
    const base = { partnershipId: world.partnership.id, groupId: group.id }
    const held = await insertMeeting(database.db, { ...base, heldOn: '2026-01-13' })
    await insertMeeting(database.db, {
      ...base,
      heldOn: '2026-02-10',
      cancelledAt: NOW,
      cancelledReason: 'Snow',
    })
    await insertMeeting(database.db, { ...base, heldOn: '2026-05-12' })
    const other = await insertGroup(database.db, world.partnership.id)
    await insertMeeting(database.db, { ...base, groupId: other.id, heldOn: '2026-03-01' })
    const meeting = await insertMeeting(database.db, { ...base, heldOn: '2026-03-10' })
    await seedAgenda(database.db, meeting, [])
    const [minutes] = await itemsOf(meeting.id)
    expect(minutes).toMatchObject({ position: 1, kind: 'previous_minutes', previousMeetingId: held.id })
  })
})
