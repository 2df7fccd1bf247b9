import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp, titleOf } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../../platform/db/client.ts'
import { outbox } from '../../platform/notify/notify.table.ts'
import { type Account, buildMeetingWorld, type MeetingWorld, NOW } from './meetings.fixtures.ts'
import { extraordinaryRequests, extraordinarySupporters } from './meetings.table.ts'

describe('extraordinary meeting requests', () => {
  let database: Database
  let world: MeetingWorld
  let other: MeetingWorld
  let t: TestApp
  let requestId: string

  const base = () => `/p/${world.partnership.slug}/extraordinary-requests`
  const as = async (account: Account) => {
    const client = t.client()
    await client.signIn(account.email, account.password)
    return client
  }
  const supporters = (id: string) =>
    database.db.select().from(extraordinarySupporters).where(eq(extraordinarySupporters.requestId, id))

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
    other = await buildMeetingWorld(database.db)
    t = await buildTestApp(database, { now: () => NOW })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('lets a member ask for a meeting of their group, with the reasons, and tells the business team', async () => {
    const head = await as(world.accounts.head)
    const form = await head.get(`${base()}/new`)
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('Do not give a child’s name')
    expect(form.body).toContain(world.group.name)
    expect(form.body).not.toContain('Date the request was received')

    const bad = await head.submit(`${base()}/new`, `${base()}/new`, {
      groupId: world.group.id,
      reasons: '  ',
    })
    expect(bad.statusCode).toBe(400)
    expect(titleOf(bad.body)).toMatch(/^Error: /)
    expect(bad.body).toContain('Enter the reasons for the meeting')

    const made = await head.submit(`${base()}/new`, `${base()}/new`, {
      groupId: world.group.id,
      reasons: 'Repeated missed strategy meetings on exploitation cases',
    })
    expect(made.statusCode).toBe(303)
    const location = made.headers.location as string
    expect(location).toMatch(new RegExp(`^${base()}/[0-9a-f-]{36}\\?created=1$`))
    requestId = location.slice(base().length + 1, base().length + 37)
    const page = await head.get(location)
    expect(page.body).toContain('Request sent')
    expect(page.body).toContain('Repeated missed strategy meetings')
    expect(page.body).toContain('Awaiting support')
    expect(page.body).toContain('0 of 2 partner members needed')
    // Received Mon 2 Mar 2026: 15 working days later is Mon 23 Mar 2026.
    expect(page.body).toContain('23 March 2026: request on 2 March 2026 + 15 working days')
    expect(page.body).not.toContain('data-testid="support-request"')
    const mail = await database.db
      .select()
      .from(outbox)
      .where(eq(outbox.toAddress, world.accounts.businessTeam.email))
    expect(mail.some((m) => m.textBody.includes(requestId))).toBe(true)
  })

  it('refuses a member who sits on no group, and a group that is not theirs', async () => {
    const outsider = await as(world.accounts.otherMember)
    const form = await outsider.get(`${base()}/new`)
    expect(form.body).toContain('data-testid="no-groups"')
    const token = form.body.match(/name="_csrf" value="([^"]+)"/)![1]!
    const refused = await outsider.post(`${base()}/new`, {
      _csrf: token,
      groupId: world.group.id,
      reasons: 'x',
    })
    expect(refused.statusCode).toBe(403)
  })

  it('lists requests for the business team and the group’s members only', async () => {
    const head = await as(world.accounts.head)
    const list = await head.get(base())
    expect(list.statusCode).toBe(200)
    expect(list.body.match(/data-testid="request-row"/g)).toHaveLength(1)
    expect(list.body).toContain('0 of 2 needed')
    const partner = await as(world.accounts.partner)
    expect((await partner.get(base())).body).toContain('data-testid="no-requests"')
    expect((await partner.get(`${base()}/${requestId}`)).statusCode).toBe(403)
    const team = await as(world.accounts.businessTeam)
    expect((await team.get(base())).body.match(/data-testid="request-row"/g)).toHaveLength(1)
    const stranger = await as(other.accounts.businessTeam)
    expect((await stranger.get(`${base()}/${requestId}`)).statusCode).toBe(404)
    expect(
      (await stranger.get(`/p/${other.partnership.slug}/extraordinary-requests/${requestId}`)).statusCode,
    ).toBe(404)
    expect((await team.get(`${base()}/nope`)).statusCode).toBe(404)
  })

  it('takes support from partner members on the group, once, and refuses anyone else', async () => {
    const supportUrl = `${base()}/${requestId}/support`
    const head = await as(world.accounts.head)
    const headPage = await head.get(supportUrl)
    expect(headPage.body).toContain('Only a partner member of the group can support this request')
    expect(headPage.body).not.toContain('data-testid="confirm-support"')
    const token = headPage.body.match(/name="_csrf" value="([^"]+)"/)![1]!
    const headPost = await head.post(supportUrl, { _csrf: token })
    expect(headPost.statusCode).toBe(403)
    expect(headPost.body).toContain('Only a partner member')

    const partner = await as(world.accounts.partner)
    const partnerToken = (await partner.get(base())).body.match(/name="_csrf" value="([^"]+)"/)![1]!
    expect((await partner.post(supportUrl, { _csrf: partnerToken })).statusCode).toBe(403)
    expect(await supporters(requestId)).toEqual([])

    const police = await as(world.accounts.police)
    const detail = await police.get(`${base()}/${requestId}`)
    expect(detail.body).toContain('data-testid="support-request"')
    const done = await police.submit(supportUrl, supportUrl, {})
    expect(done.statusCode).toBe(303)
    expect(done.headers.location).toBe(`${base()}/${requestId}?supported=1`)
    const policeToken = detail.body.match(/name="_csrf" value="([^"]+)"/)![1]!
    const twice = await police.post(supportUrl, { _csrf: policeToken })
    expect(twice.statusCode).toBe(409)
    expect(twice.body).toContain('You have already supported this request')
    expect(await supporters(requestId)).toHaveLength(1)

    const chair = await as(world.accounts.chair)
    expect((await chair.submit(supportUrl, supportUrl, {})).statusCode).toBe(303)
    const page = await chair.get(`${base()}/${requestId}`)
    expect(page.body).toContain('Stands')
    expect(page.body).toContain('2 of 2 partner members needed')
    expect(page.body.match(/data-testid="supporter-row"/g)).toHaveLength(2)
    const stands = await database.db
      .select()
      .from(outbox)
      .where(eq(outbox.toAddress, world.accounts.businessTeam.email))
    expect(stands.filter((m) => m.subject.includes('now stands'))).toHaveLength(1)
  })

  it('lets the business team enter a written request on a member’s behalf, not dated in the future', async () => {
    const team = await as(world.accounts.businessTeam)
    const form = await team.get(`${base()}/new`)
    expect(form.body).toContain('Date the request was received')
    expect(form.body).toContain('Hana Head')
    const future = await team.submit(`${base()}/new`, `${base()}/new`, {
      groupId: world.group.id,
      requestedById: world.people.head.id,
      'receivedOn-day': '3',
      'receivedOn-month': '3',
      'receivedOn-year': '2026',
      reasons: 'Written request',
    })
    expect(future.statusCode).toBe(400)
    expect(future.body).toContain('The date received must be today or in the past')
    expect(future.body).toContain('Written request')
    const outsider = await team.submit(`${base()}/new`, `${base()}/new`, {
      groupId: world.group.id,
      requestedById: world.people.deputy.id,
      'receivedOn-day': '5',
      'receivedOn-month': '1',
      'receivedOn-year': '2026',
      reasons: 'Written request',
    })
    expect(outsider.statusCode).toBe(400)
    expect(outsider.body).toContain('The member must sit on')

    const made = await team.submit(`${base()}/new`, `${base()}/new`, {
      groupId: world.group.id,
      requestedById: world.people.head.id,
      'receivedOn-day': '5',
      'receivedOn-month': '1',
      'receivedOn-year': '2026',
      reasons: 'Written request',
    })
    expect(made.statusCode).toBe(303)
    const page = await team.get(made.headers.location as string)
    expect(page.body).toContain('Overdue')
    expect(page.body).toContain('26 January 2026: request on 5 January 2026 + 15 working days')
    const id = (made.headers.location as string).split('/').pop()!.split('?')[0]!
    expect(page.body).toContain(`href="/p/${world.partnership.slug}/meetings/new?request=${id}"`)
    const [row] = await database.db
      .select()
      .from(extraordinaryRequests)
      .where(eq(extraordinaryRequests.id, id))
    expect(row?.receivedOn).toBe('2026-01-05')
    expect(row?.requestedById).toBe(world.people.head.id)
  })

  it('lets only the business team withdraw a request, with a reason', async () => {
    const withdrawUrl = `${base()}/${requestId}/withdraw`
    const head = await as(world.accounts.head)
    expect((await head.get(withdrawUrl)).statusCode).toBe(403)
    const team = await as(world.accounts.businessTeam)
    const bad = await team.submit(withdrawUrl, withdrawUrl, { reason: '' })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Enter why the request is withdrawn')
    const done = await team.submit(withdrawUrl, withdrawUrl, { reason: 'Dealt with at the ordinary meeting' })
    expect(done.statusCode).toBe(303)
    const page = await team.get(done.headers.location as string)
    expect(page.body).toContain('Request withdrawn')
    expect(page.body).toContain('Dealt with at the ordinary meeting')
    expect(page.body).not.toContain('data-testid="schedule-meeting"')
    expect(page.body).not.toContain('data-testid="withdraw-request"')
  })
})
