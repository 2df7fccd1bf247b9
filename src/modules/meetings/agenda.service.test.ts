import { and, asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { ChangeContext } from '../../platform/audit/audit.service.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import type { Database } from '../../platform/db/client.ts'
import { seedAgenda } from './agenda.seed.ts'
import {
  addAgendaItem,
  agendaAgreedByDefault,
  agendaFor,
  agreeAgenda,
  moveAgendaItem,
  slotText,
  updateAgendaItem,
  withdrawAgendaItem,
} from './agenda.service.ts'
import { buildMeetingWorld, insertGroup, insertMeeting, type MeetingWorld, NOW } from './meetings.fixtures.ts'
import { agendaItems, meetings } from './meetings.table.ts'

describe('a meeting’s agenda', () => {
  let database: Database
  let world: MeetingWorld
  let change: ChangeContext

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
    change = { partnershipId: world.partnership.id, actorId: world.accounts.businessTeam.userId, now: NOW }
  })
  afterAll(() => database.close())

  const meeting = (heldOn: string, extra: Record<string, unknown> = {}) =>
    insertMeeting(database.db, {
      partnershipId: world.partnership.id,
      groupId: world.group.id,
      heldOn,
      ...extra,
    })
  const item = (meetingId: string, title: string, durationMinutes: number | null = null) =>
    addAgendaItem(database.db, change, {
      meetingId,
      fields: { title, description: '', presenter: '', durationMinutes, decisionNeeded: false },
    })
  const positions = async (meetingId: string) =>
    database.db
      .select({ title: agendaItems.title, position: agendaItems.position })
      .from(agendaItems)
      .where(eq(agendaItems.meetingId, meetingId))
      .orderBy(asc(agendaItems.position))

  it('gives each item its slot from the meeting’s start in London time (summer time here)', async () => {
    const m = await meeting('2026-06-10')
    await seedAgenda(database.db, m, [])
    const items = await agendaFor(database.db, m.id)
    expect(items.map((i) => i.kind)).toEqual(['action_log'])
    await updateAgendaItem(database.db, change, {
      meetingId: m.id,
      itemId: items[0]!.id,
      fields: {
        title: 'Action log',
        description: '',
        presenter: 'Bea',
        durationMinutes: 15,
        decisionNeeded: false,
      },
    })
    await item(m.id, 'Budget', 30)
    await item(m.id, 'Any other business')
    await item(m.id, 'Close', 5)
    const agenda = await agendaFor(database.db, m.id)
    expect(agenda.map((i) => [i.number, slotText(i)])).toEqual([
      [1, '14:00 to 14:15'],
      [2, '14:15 to 14:45'],
      [3, 'From 14:45'],
      [4, ''],
    ])
  })

  it('moves an item and keeps the positions 1..n, stepping over withdrawn items', async () => {
    const m = await meeting('2026-03-20')
    const [a, b, c, d] = [
      await item(m.id, 'A'),
      await item(m.id, 'B'),
      await item(m.id, 'C'),
      await item(m.id, 'D'),
    ]
    expect(await moveAgendaItem(database.db, change, { meetingId: m.id, itemId: c!, direction: 'up' })).toBe(
      true,
    )
    expect(await positions(m.id)).toEqual([
      { title: 'A', position: 1 },
      { title: 'C', position: 2 },
      { title: 'B', position: 3 },
      { title: 'D', position: 4 },
    ])
    expect(await moveAgendaItem(database.db, change, { meetingId: m.id, itemId: a!, direction: 'up' })).toBe(
      false,
    )
    await withdrawAgendaItem(database.db, change, { meetingId: m.id, itemId: b! })
    await moveAgendaItem(database.db, change, { meetingId: m.id, itemId: d!, direction: 'up' })
    // D jumps over the withdrawn B and lands above C.
    expect((await positions(m.id)).map((p) => p.title)).toEqual(['A', 'D', 'C', 'B'])
    expect((await positions(m.id)).map((p) => p.position)).toEqual([1, 2, 3, 4])
    expect((await agendaFor(database.db, m.id)).map((i) => [i.number, i.title])).toEqual([
      [1, 'A'],
      [2, 'D'],
      [3, 'C'],
    ])
    const moves = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, d!), eq(auditLog.action, 'move')))
    expect(moves).toHaveLength(1)
  })

  it('withdraws an item without deleting it, and refuses to change it afterwards', async () => {
    const m = await meeting('2026-03-21')
    const id = await item(m.id, 'Withdrawn item')
    await withdrawAgendaItem(database.db, change, { meetingId: m.id, itemId: id })
    const [row] = await database.db.select().from(agendaItems).where(eq(agendaItems.id, id))
    expect(row?.withdrawnAt).toEqual(NOW)
    expect(await agendaFor(database.db, m.id)).toEqual([])
    expect((await agendaFor(database.db, m.id, { includeWithdrawn: true }))[0]).toMatchObject({
      id,
      number: null,
    })
    await expect(withdrawAgendaItem(database.db, change, { meetingId: m.id, itemId: id })).rejects.toThrow(
      /withdrawn/,
    )
  })

  it('refuses any change to a cancelled meeting', async () => {
    const m = await meeting('2026-03-22', { cancelledAt: NOW, cancelledReason: 'No business' })
    await expect(item(m.id, 'Late item')).rejects.toThrow(/cancelled/)
    await expect(
      agreeAgenda(database.db, change, { meetingId: m.id, agreedBy: 'Chris Chair', agreedOn: '2026-03-01' }),
    ).rejects.toThrow(/cancelled/)
  })

  it('records who agreed the agenda, once', async () => {
    const m = await meeting('2026-03-23')
    const input = { meetingId: m.id, agreedBy: 'Chris Chair', agreedOn: '2026-03-01' }
    expect(await agreeAgenda(database.db, change, input)).toEqual({ changed: true })
    expect(await agreeAgenda(database.db, change, input)).toEqual({ changed: false })
    const [row] = await database.db.select().from(meetings).where(eq(meetings.id, m.id))
    expect(row).toMatchObject({ agendaAgreedBy: 'Chris Chair', agendaAgreedOn: '2026-03-01' })
  })

  it('suggests the chair, or for an executive board the group it is accountable to', async () => {
    const m = await meeting('2026-03-24')
    expect(await agendaAgreedByDefault(database.db, m, world.group)).toBe('Chris Chair')
    const strategic = await insertGroup(database.db, world.partnership.id, {
      name: 'Strategic Group',
      kind: 'strategic',
    })
    const executive = await insertGroup(database.db, world.partnership.id, {
      name: 'Management Executive Board',
      kind: 'executive',
      accountableToId: strategic.id,
    })
    const board = await insertMeeting(database.db, {
      partnershipId: world.partnership.id,
      groupId: executive.id,
      heldOn: '2026-03-25',
    })
    expect(await agendaAgreedByDefault(database.db, board, executive)).toBe('Strategic Group')
    // An executive board accountable to no one falls back to its chair (none here).
    const alone = await insertGroup(database.db, world.partnership.id, { kind: 'executive' })
    expect(await agendaAgreedByDefault(database.db, { ...board, groupId: alone.id }, alone)).toBe('')
  })
})
