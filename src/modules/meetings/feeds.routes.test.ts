import { eq } from 'drizzle-orm'
import ICAL from 'ical.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, csrfTokenIn, type TestApp } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import type { Database } from '../../platform/db/client.ts'
import {
  type Account,
  buildMeetingWorld,
  insertMeeting,
  type MeetingWorld,
  NOW,
} from './meetings.fixtures.ts'
import { calendarFeeds } from './meetings.table.ts'

describe('the calendar feed pages', () => {
  let database: Database
  let t: TestApp
  let world: MeetingWorld
  const page = () => `/p/${world.partnership.slug}/my-meetings/calendar-feed`
  const signedIn = async (account: Account) => {
    const client = t.client()
    await client.signIn(account.email, account.password)
    return client
  }
  const feedPathIn = (html: string) => {
    const url = html.match(/value="(http[^"]+\/calendar\/[A-Za-z0-9_-]{43}\.ics)"/)?.[1]
    if (!url) throw new Error('No feed address on the page')
    return new URL(url).pathname
  }
  const anonymous = (path: string) => t.app.inject({ method: 'GET', url: path })

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
    t = await buildTestApp(database, { now: () => NOW })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('explains that the business team must link an account without a directory entry', async () => {
    const client = await signedIn(world.accounts.businessTeam)
    const response = await client.get(page())
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain('data-testid="no-directory-entry"')
    expect(response.body).not.toContain('data-testid="create-feed"')
  })

  it('makes a feed, shows its address once, and serves the person’s meetings to a calendar app', async () => {
    const meeting = await insertMeeting(database.db, {
      partnershipId: world.partnership.id,
      groupId: world.group.id,
      heldOn: '2026-06-10',
      time: '14:30',
    })
    const cancelled = await insertMeeting(database.db, {
      partnershipId: world.partnership.id,
      groupId: world.group.id,
      heldOn: '2026-07-08',
      cancelledAt: NOW,
      cancelledReason: 'No quorum',
      sequence: 1,
    })
    const client = await signedIn(world.accounts.head)
    const empty = await client.get(page())
    expect(empty.body).toContain('data-testid="no-feed"')
    const created = await client.submit(page(), page(), { action: 'create' })
    expect(created.statusCode).toBe(200)
    expect(created.headers['cache-control']).toBe('no-store')
    expect(created.body).toContain('data-testid="feed-created"')
    const path = feedPathIn(created.body)
    const token = path.slice('/calendar/'.length, -'.ics'.length)

    // The address is not shown again.
    const later = await client.get(page())
    expect(later.body).toContain('data-testid="feed-status"')
    expect(later.body).not.toContain(token)

    const feed = await anonymous(path)
    expect(feed.statusCode).toBe(200)
    expect(feed.headers['content-type']).toBe('text/calendar; charset=utf-8')
    const events = new ICAL.Component(ICAL.parse(feed.body)).getAllSubcomponents('vevent')
    const byUid = new Map(events.map((v) => [new ICAL.Event(v).uid, v]))
    expect(new ICAL.Event(byUid.get(`${meeting.id}@masa`)!).startDate.toJSDate().toISOString()).toBe(
      '2026-06-10T13:30:00.000Z',
    )
    expect(byUid.get(`${cancelled.id}@masa`)?.getFirstPropertyValue('status')).toBe('CANCELLED')
    const [row] = await database.db
      .select()
      .from(calendarFeeds)
      .where(eq(calendarFeeds.personId, world.people.head.id))
    expect(row?.lastUsedAt?.toISOString()).toBe(NOW.toISOString())
    const audit = await database.db.select().from(auditLog).where(eq(auditLog.entityId, row!.id))
    expect(audit.map((a) => a.action)).toEqual(['create'])
    expect(JSON.stringify(audit)).not.toContain(token)
  })

  it('replaces the address after confirmation: the old one stops working', async () => {
    const client = await signedIn(world.accounts.police)
    const first = feedPathIn((await client.submit(page(), page(), { action: 'create' })).body)
    const confirm = await client.get(`${page()}?confirm=replace`)
    expect(confirm.body).toContain('Are you sure you want to replace your calendar feed address?')
    const replaced = await client.post(page(), { action: 'replace', _csrf: csrfTokenIn(confirm.body) })
    const second = feedPathIn(replaced.body)
    expect(second).not.toBe(first)
    expect((await anonymous(first)).statusCode).toBe(404)
    expect((await anonymous(second)).statusCode).toBe(200)
  })

  it('turns the feed off after confirmation: its address gives 404', async () => {
    const client = await signedIn(world.accounts.chair)
    const path = feedPathIn((await client.submit(page(), page(), { action: 'create' })).body)
    const confirm = await client.get(`${page()}?confirm=revoke`)
    expect(confirm.statusCode).toBe(200)
    expect(confirm.body).toContain('data-testid="confirm-revoke"')
    const revoked = await client.post(page(), { action: 'revoke', _csrf: csrfTokenIn(confirm.body) })
    expect(revoked.statusCode).toBe(303)
    const after = await client.get(revoked.headers.location as string)
    expect(after.body).toContain('Your calendar feed is turned off')
    expect(after.body).toContain('data-testid="no-feed"')
    expect((await anonymous(path)).statusCode).toBe(404)
    const [row] = await database.db
      .select()
      .from(calendarFeeds)
      .where(eq(calendarFeeds.personId, world.people.chair.id))
    const audit = await database.db.select().from(auditLog).where(eq(auditLog.entityId, row!.id))
    expect(audit.map((a) => a.action)).toEqual(['create', 'revoke'])
  })

  it('knows no unknown token, and needs a signed-in person for the page', async () => {
    expect((await anonymous(`/calendar/${'A'.repeat(43)}.ics`)).statusCode).toBe(404)
    expect((await anonymous('/calendar/nonsense.ics')).statusCode).toBe(404)
    const page404 = await anonymous(page())
    expect([302, 303, 401]).toContain(page404.statusCode)
  })
})
