import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp, titleOf } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../../platform/db/client.ts'
import { outbox } from '../../platform/notify/notify.table.ts'
import { attendance } from './attendance.table.ts'
import {
  type Account,
  buildMeetingWorld,
  insertMeeting,
  type MeetingWorld,
  NOW,
  TODAY,
} from './meetings.fixtures.ts'
import type { Meeting } from './meetings.table.ts'

describe('attendance pages', () => {
  let database: Database
  let world: MeetingWorld
  let other: MeetingWorld
  let t: TestApp
  let future: Meeting
  let past: Meeting
  let started: Meeting
  let cancelled: Meeting

  const url = (m: Meeting, path: string, w = world) => `/p/${w.partnership.slug}/meetings/${m.id}${path}`
  const as = async (account: Account) => {
    const client = t.client()
    await client.signIn(account.email, account.password)
    return client
  }
  const meeting = (heldOn: string, extra: { time?: string; cancelledAt?: Date } = {}, w = world) =>
    insertMeeting(database.db, { partnershipId: w.partnership.id, groupId: w.group.id, heldOn, ...extra })
  const rowsOf = (m: Meeting) => database.db.select().from(attendance).where(eq(attendance.meetingId, m.id))

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db, { quorum: 3 })
    other = await buildMeetingWorld(database.db)
    future = await meeting('2026-03-10')
    past = await meeting('2026-02-20')
    started = await meeting(TODAY, { time: '09:30' })
    cancelled = await meeting('2026-03-12', { cancelledAt: NOW })
    t = await buildTestApp(database, { now: () => NOW })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('shows who is invited, with counts and the quorum, under the meeting’s tabs', async () => {
    const client = await as(world.accounts.head)
    const page = await client.get(url(future, '/attendance'))
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('data-testid="meeting-title"')
    expect(page.body.match(/data-testid="attendance-row"/g)).toHaveLength(4)
    expect(page.body).not.toContain('Dev Deputy')
    expect(page.body).toContain('0 of 3 needed')
    expect(page.body).toContain('data-testid="quorum-not-met"')
    expect(page.body).toContain('data-testid="send-apologies"')
    expect(page.body).not.toContain('data-testid="record-attendance"')
  })

  it('refuses a member of another group (403) and another partnership (404)', async () => {
    const outsider = await as(world.accounts.otherMember)
    expect((await outsider.get(url(future, '/attendance'))).statusCode).toBe(403)
    expect((await outsider.get(url(future, '/apologies'))).statusCode).toBe(403)
    const stranger = await as(other.accounts.businessTeam)
    expect((await stranger.get(url(future, '/attendance'))).statusCode).toBe(404)
    const team = await as(world.accounts.businessTeam)
    const theirs = await meeting('2026-03-10', {}, other)
    expect((await team.get(`/p/${world.partnership.slug}/meetings/${theirs.id}/attendance`)).statusCode).toBe(
      404,
    )
    expect(
      (await team.get(`/p/${world.partnership.slug}/meetings/not-a-meeting/attendance`)).statusCode,
    ).toBe(404)
  })

  it('lets a member send apologies for their own seat, and keeps what they typed on an error', async () => {
    const client = await as(world.accounts.head)
    const form = await client.get(url(future, '/apologies'))
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('Send apologies')
    expect(form.body).not.toContain('My deputy will attend')

    const bad = await client.submit(url(future, '/apologies'), url(future, '/apologies'), {
      seat: world.seats.head.id,
      note: 'Away <on leave>',
    })
    expect(bad.statusCode).toBe(400)
    expect(titleOf(bad.body)).toMatch(/^Error: /)
    expect(bad.body).toContain('Choose whether you send apologies')
    expect(bad.body).toContain('Away &lt;on leave&gt;')
    expect(await rowsOf(future)).toEqual([])

    const sent = await client.submit(url(future, '/apologies'), url(future, '/apologies'), {
      seat: world.seats.head.id,
      intent: 'apologies',
      note: 'Away on leave',
    })
    expect(sent.statusCode).toBe(303)
    expect(sent.headers.location).toBe(url(future, '/attendance?apologies=1'))
    const page = await client.get(sent.headers.location as string)
    expect(page.body).toContain('Apologies sent')
    expect(page.body).toContain('Away on leave')

    const notMine = await client.submit(url(future, '/apologies'), url(future, '/apologies'), {
      seat: world.seats.police.id,
      intent: 'apologies',
    })
    expect(notMine.statusCode).toBe(403)
    expect((await rowsOf(future)).map((r) => r.membershipId)).toEqual([world.seats.head.id])
  })

  it('names a designated deputy, who is told, and refuses someone who is not the seat’s deputy', async () => {
    const client = await as(world.accounts.police)
    const form = await client.get(url(future, '/apologies'))
    expect(form.body).toContain('My deputy will attend')
    const wrong = await client.submit(url(future, '/apologies'), url(future, '/apologies'), {
      seat: world.seats.police.id,
      intent: 'deputy',
      deputyId: world.people.head.id,
    })
    expect(wrong.statusCode).toBe(400)
    expect(wrong.body).toContain('Choose one of Pat Police’s designated deputies')
    const missing = await client.submit(url(future, '/apologies'), url(future, '/apologies'), {
      seat: world.seats.police.id,
      intent: 'deputy',
    })
    expect(missing.body).toContain('Choose the deputy who will attend')

    const named = await client.submit(url(future, '/apologies'), url(future, '/apologies'), {
      seat: world.seats.police.id,
      intent: 'deputy',
      deputyId: world.people.deputy.id,
    })
    expect(named.statusCode).toBe(303)
    const mail = await database.db
      .select()
      .from(outbox)
      .where(eq(outbox.toAddress, world.people.deputy.email!))
    expect(mail).toHaveLength(1)
    expect(mail[0]?.textBody).toContain(`/p/${world.partnership.slug}/meetings/${future.id}`)
    const page = await client.get(url(future, '/attendance'))
    expect(page.body).toContain('Deputy named: Dev Deputy')

    const back = await client.submit(url(future, '/apologies'), url(future, '/apologies'), {
      seat: world.seats.police.id,
      intent: 'attend',
    })
    expect(back.headers.location).toBe(url(future, '/attendance?attend=1'))
  })

  it('refuses a partner who does not sit on the group, and apologies after the start or for a cancelled meeting', async () => {
    const partner = await as(world.accounts.partner)
    expect((await partner.get(url(future, '/attendance'))).statusCode).toBe(200)
    expect((await partner.get(url(future, '/apologies'))).statusCode).toBe(403)

    const head = await as(world.accounts.head)
    const late = await head.get(url(started, '/apologies'))
    expect(late.statusCode).toBe(200)
    expect(late.body).toContain('data-testid="apologies-closed"')
    expect(late.body).toContain('This meeting started at 09:30')
    const team = await as(world.accounts.businessTeam)
    const token = (await team.get(url(future, '/apologies'))).body.match(/name="_csrf" value="([^"]+)"/)![1]!
    const refused = await team.post(url(started, '/apologies'), {
      _csrf: token,
      seat: world.seats.head.id,
      intent: 'apologies',
    })
    expect(refused.statusCode).toBe(409)
    expect(refused.body).toContain('This meeting started at 09:30')
    const gone = await team.post(url(cancelled, '/apologies'), {
      _csrf: token,
      seat: world.seats.head.id,
      intent: 'apologies',
    })
    expect(gone.statusCode).toBe(409)
    expect(gone.body).toContain('cancelled')
    expect(await rowsOf(started)).toEqual([])
    expect(await rowsOf(cancelled)).toEqual([])
  })

  it('lets the business team send apologies on a member’s behalf', async () => {
    const team = await as(world.accounts.businessTeam)
    const form = await team.get(url(future, '/apologies'))
    expect(form.body).toContain('Whose seat')
    expect(form.body).toContain('Harriet Health')
    const sent = await team.submit(url(future, '/apologies'), url(future, '/apologies'), {
      seat: world.seats.health.id,
      intent: 'apologies',
      note: '',
    })
    expect(sent.statusCode).toBe(303)
    const row = (await rowsOf(future)).find((r) => r.membershipId === world.seats.health.id)
    expect(row?.intent).toBe('apologies')
  })

  it('refuses to record attendance before the day, and to anyone but the business team', async () => {
    const team = await as(world.accounts.businessTeam)
    const page = await team.get(url(future, '/attendance/record'))
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Attendance is recorded on the day of the meeting or after')
    const token = page.body.match(/name="_csrf" value="([^"]+)"/)![1]!
    const refused = await team.post(url(future, '/attendance'), {
      _csrf: token,
      [`outcome-${world.seats.chair.id}`]: 'present',
    })
    expect(refused.statusCode).toBe(409)
    expect(refused.body).toContain('Attendance is recorded on the day of the meeting or after')
    const head = await as(world.accounts.head)
    expect((await head.get(url(past, '/attendance/record'))).statusCode).toBe(403)
  })

  it('records every seat in one form, starting from what members said, all or nothing', async () => {
    const { chair, police, health, head } = world.seats
    await database.db.insert(attendance).values({
      id: crypto.randomUUID(),
      partnershipId: world.partnership.id,
      meetingId: past.id,
      membershipId: police.id,
      personId: world.people.police.id,
      intent: 'deputy',
      intentDeputyId: world.people.deputy.id,
      intentAt: new Date('2026-02-18T09:00:00Z'),
    })
    const team = await as(world.accounts.businessTeam)
    const form = await team.get(url(past, '/attendance/record'))
    expect(form.statusCode).toBe(200)
    expect(form.body).toMatch(new RegExp(`name="outcome-${police.id}" type="radio" value="deputy" checked`))
    expect(form.body).toMatch(new RegExp(`value="${world.people.deputy.id}" selected`))

    const typed = {
      [`outcome-${chair.id}`]: 'present',
      [`outcome-${police.id}`]: 'deputy',
      [`deputy-${police.id}`]: world.people.deputy.id,
      [`outcome-${health.id}`]: 'deputy',
      [`deputy-${health.id}`]: '',
      [`deputyName-${health.id}`]: '',
    }
    const bad = await team.submit(url(past, '/attendance/record'), url(past, '/attendance'), typed)
    expect(bad.statusCode).toBe(400)
    expect(titleOf(bad.body)).toMatch(/^Error: /)
    expect(bad.body).toContain('Enter the name of the deputy who attended for Harriet Health')
    expect(bad.body).toContain('Choose what happened at Hana Head’s seat')
    expect(bad.body).toContain(`href="#outcome-${head.id}"`)
    expect(bad.body).toMatch(new RegExp(`name="outcome-${chair.id}" type="radio" value="present" checked`))
    expect((await rowsOf(past)).filter((r) => r.outcome !== null)).toEqual([])

    const saved = await team.submit(url(past, '/attendance/record'), url(past, '/attendance'), {
      ...typed,
      [`deputyName-${health.id}`]: 'Sam Locum',
      [`outcome-${head.id}`]: 'absent',
    })
    expect(saved.statusCode).toBe(303)
    expect(saved.headers.location).toBe(url(past, '/attendance?recorded=1'))
    const page = await team.get(saved.headers.location as string)
    expect(page.body).toContain('Attendance recorded')
    expect(page.body).toContain('data-testid="quorum-met"')
    expect(page.body).toContain('Sam Locum')
    expect(await rowsOf(past)).toHaveLength(4)

    const again = await team.submit(url(past, '/attendance/record'), url(past, '/attendance'), {
      ...typed,
      [`deputyName-${health.id}`]: 'Sam Locum',
      [`outcome-${head.id}`]: 'apologies',
    })
    expect(again.statusCode).toBe(303)
    expect(await rowsOf(past)).toHaveLength(4)
  })
})
