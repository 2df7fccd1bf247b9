import { eq } from 'drizzle-orm'
import ICAL from 'ical.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import type { Database } from '../../platform/db/client.ts'
import {
  activeFeed,
  createFeed,
  feedCalendar,
  hashFeedToken,
  personOfUser,
  revokeFeed,
} from './feeds.service.ts'
import {
  buildMeetingWorld,
  insertGroup,
  insertMeeting,
  insertSeat,
  type MeetingWorld,
  NOW,
} from './meetings.fixtures.ts'
import { calendarFeeds } from './meetings.table.ts'

describe('calendar feeds', () => {
  let database: Database
  let world: MeetingWorld
  const change = () => ({
    partnershipId: world.partnership.id,
    actorId: world.accounts.head.userId,
    now: NOW,
  })
  const read = (token: string) =>
    feedCalendar(database.db, { token, now: NOW, publicUrl: 'https://masa.example.org' })
  const uids = (text: string) =>
    new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent').map((v) => ({
      uid: new ICAL.Event(v).uid,
      status: v.getFirstPropertyValue('status'),
      url: v.getFirstPropertyValue('url'),
    }))

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
  })
  afterAll(() => database.close())

  it('finds the signed-in person’s directory entry in the partnership', async () => {
    expect(await personOfUser(database.db, world.partnership.id, world.accounts.head.userId)).toMatchObject({
      id: world.people.head.id,
    })
    expect(
      await personOfUser(database.db, world.partnership.id, world.accounts.businessTeam.userId),
    ).toBeNull()
  })

  it('keeps only the hash of a random token, and never writes the token to the audit log', async () => {
    const { token, feed } = await createFeed(database.db, {
      change: change(),
      personId: world.people.head.id,
    })
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(feed.tokenHash).toBe(hashFeedToken(token))
    expect(feed.tokenHash).not.toContain(token)
    const entries = await database.db.select().from(auditLog).where(eq(auditLog.entityId, feed.id))
    expect(entries.map((e) => e.action)).toEqual(['create'])
    expect(JSON.stringify(entries)).not.toContain(token)
    expect(JSON.stringify(entries)).not.toContain(feed.tokenHash)
  })

  it('lists the meetings of the groups the person sat on, on each meeting’s day, from a year back', async () => {
    const { partnership } = world
    const person = world.people.head
    const board = await insertGroup(database.db, partnership.id, { name: 'Board' })
    const panel = await insertGroup(database.db, partnership.id, { name: 'Panel' })
    const elsewhere = await insertGroup(database.db, partnership.id, { name: 'Elsewhere' })
    await insertSeat(database.db, {
      partnershipId: partnership.id,
      groupId: board.id,
      personId: person.id,
      startsOn: '2024-01-01',
    })
    // Two seats on the panel at once (member, then chair from June) do not list a meeting twice.
    await insertSeat(database.db, {
      partnershipId: partnership.id,
      groupId: panel.id,
      personId: person.id,
      startsOn: '2025-09-01',
      endsOn: '2026-06-30',
    })
    await insertSeat(database.db, {
      partnershipId: partnership.id,
      groupId: panel.id,
      personId: person.id,
      role: 'chair',
      startsOn: '2026-01-01',
      endsOn: '2026-06-30',
    })
    const base = { partnershipId: partnership.id }
    const tooOld = await insertMeeting(database.db, { ...base, groupId: board.id, heldOn: '2025-02-27' })
    const lastYear = await insertMeeting(database.db, { ...base, groupId: board.id, heldOn: '2025-03-03' })
    const cancelled = await insertMeeting(database.db, {
      ...base,
      groupId: board.id,
      heldOn: '2026-04-01',
      cancelledAt: NOW,
      cancelledReason: 'Snow',
      sequence: 1,
    })
    const beforeSeat = await insertMeeting(database.db, { ...base, groupId: panel.id, heldOn: '2025-08-20' })
    const onSeat = await insertMeeting(database.db, { ...base, groupId: panel.id, heldOn: '2026-02-10' })
    const afterSeat = await insertMeeting(database.db, { ...base, groupId: panel.id, heldOn: '2026-07-14' })
    const notMine = await insertMeeting(database.db, { ...base, groupId: elsewhere.id, heldOn: '2026-03-10' })
    const { token } = await createFeed(database.db, { change: change(), personId: person.id })
    const text = await read(token)
    const events = uids(text!)
    const ids = events.map((e) => e.uid.replace('@masa', ''))
    expect(ids).toEqual(expect.arrayContaining([lastYear.id, cancelled.id, onSeat.id]))
    for (const id of [tooOld.id, beforeSeat.id, afterSeat.id, notMine.id]) expect(ids).not.toContain(id)
    expect(ids.filter((id) => id === onSeat.id)).toHaveLength(1)
    expect(events.find((e) => e.uid === `${cancelled.id}@masa`)?.status).toBe('CANCELLED')
    expect(events.find((e) => e.uid === `${onSeat.id}@masa`)?.url).toBe(
      `https://masa.example.org/p/${partnership.slug}/meetings/${onSeat.id}`,
    )
    const [feed] = await database.db
      .select()
      .from(calendarFeeds)
      .where(eq(calendarFeeds.tokenHash, hashFeedToken(token)))
    expect(feed?.lastUsedAt?.toISOString()).toBe(NOW.toISOString())
  })

  it('stops the old address working when the feed is replaced or turned off', async () => {
    const person = world.people.police
    const first = await createFeed(database.db, { change: change(), personId: person.id })
    const second = await createFeed(database.db, { change: change(), personId: person.id })
    expect(second.replaced).toBe(1)
    expect(await read(first.token)).toBeNull()
    expect(await read(second.token)).toContain('BEGIN:VCALENDAR')
    expect((await activeFeed(database.db, world.partnership.id, person.id))?.id).toBe(second.feed.id)
    expect(await revokeFeed(database.db, { change: change(), personId: person.id })).toBe(1)
    expect(await read(second.token)).toBeNull()
    expect(await activeFeed(database.db, world.partnership.id, person.id)).toBeNull()
    const revoked = await database.db.select().from(auditLog).where(eq(auditLog.entityId, second.feed.id))
    expect(revoked.map((e) => e.action)).toEqual(['create', 'revoke'])
  })

  it('knows no unknown or malformed token', async () => {
    expect(await read('x'.repeat(43))).toBeNull()
    expect(await read('../../etc/passwd')).toBeNull()
  })
})
