import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp, titleOf } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership, buildUser } from '../../../test/factories.ts'
import type { Database } from '../../platform/db/client.ts'
import { NOW } from './meetings.fixtures.ts'
import { buildMyMeetingsWorld, type MyMeetingsWorld } from './my-meetings.fixtures.ts'

describe('GET /p/:slug/my-meetings', () => {
  let database: Database
  let t: TestApp
  let built: MyMeetingsWorld
  let url: string

  beforeAll(async () => {
    database = await createTestDatabase()
    built = await buildMyMeetingsWorld(database.db)
    url = `/p/${built.world.partnership.slug}/my-meetings`
    t = await buildTestApp(database, { now: () => NOW })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  const signedIn = async (account: { email: string; password: string }) => {
    const client = t.client()
    await client.signIn(account.email, account.password)
    return client
  }

  it('shows a member their meetings, papers to read, apologies to send and requests awaiting support', async () => {
    const client = await signedIn(built.world.accounts.head)
    const response = await client.get(url)
    expect(response.statusCode).toBe(200)
    expect(titleOf(response.body)).toContain('My meetings')
    const html = response.body
    const slug = built.world.partnership.slug
    const { soon, later, farOff, cancelled } = built.meetings
    expect(html).toContain(`href="/p/${slug}/meetings/${soon.id}"`)
    expect(html).toContain(`href="/p/${slug}/meetings/${later.id}"`)
    expect(html).not.toContain(farOff.id)
    expect(html).toContain('10 March 2026')
    expect(html).toContain('14:00 to 16:00')
    expect(html).toContain('Civic Offices, Grays')
    expect(html).toContain(`href="/p/${slug}/meetings/${cancelled.id}"`)
    expect(html).toContain('data-testid="my-meeting-cancelled"')
    // Apologies for next week's meeting only.
    expect(html).toContain(`href="/p/${slug}/meetings/${soon.id}/apologies"`)
    expect(html).not.toContain(`/meetings/${later.id}/apologies`)
    // Papers: circulated ones, the restricted one marked.
    expect(html).toContain('Performance report')
    expect(html).toContain('Case review summary')
    expect(html).toContain('Restricted')
    expect(html).not.toContain('Draft budget (not circulated)')
    expect(html).not.toContain('Withdrawn paper')
    expect(html).toContain(`href="/p/${slug}/meetings/${soon.id}/papers"`)
    // Not a chair: no minutes section.
    expect(html).not.toContain('Minutes awaiting your approval')
    expect(html).toContain(`href="/p/${slug}/extraordinary-requests/${built.requests.waiting.id}"`)
    expect(html).toContain('1 of 2 partner members support it')
    expect(html).not.toContain(built.requests.called.id)
    expect(html).toContain(`href="/p/${slug}/my-meetings/calendar-feed"`)
    expect(html).toContain('href="/account/notifications"')
  })

  it('shows a chair the minutes awaiting their approval', async () => {
    const client = await signedIn(built.world.accounts.chair)
    const html = (await client.get(url)).body
    expect(html).toContain('Minutes awaiting your approval')
    expect(html).toContain(
      `href="/p/${built.world.partnership.slug}/meetings/${built.meetings.past.id}/minutes"`,
    )
    expect(html).toContain('2 February 2026')
    expect(html).toContain('sent to you on 12 February 2026')
  })

  it('shows each section’s empty state to a member with no seats', async () => {
    const client = await signedIn(built.world.accounts.otherMember)
    const html = (await client.get(url)).body
    for (const id of ['my-meetings-empty', 'apologies-empty', 'papers-empty', 'requests-empty']) {
      expect(html).toContain(`data-testid="${id}"`)
    }
    expect(html).not.toContain('data-testid="minutes-empty"')
    expect(html).not.toContain('data-testid="not-linked"')
  })

  it('explains that the business team must link an account with no directory entry', async () => {
    const client = await signedIn(built.world.accounts.scrutineer)
    const html = (await client.get(url)).body
    expect(html).toContain('data-testid="not-linked"')
    expect(html).toContain('Ask the business team to link your account')
    expect(html).not.toContain('data-testid="my-meetings-empty"')
    expect(html).toContain('href="/account/notifications"')
  })

  it('asks for sign-in, and shows nothing of another partnership', async () => {
    const anonymous = await t.client().get(url)
    expect(anonymous.statusCode).toBe(303)
    expect(anonymous.headers.location).toContain('/sign-in')
    const elsewhere = await buildPartnership(database.db)
    const stranger = await buildUser(database.db, { partnershipId: elsewhere.id, role: 'member' })
    const client = await signedIn(stranger)
    expect((await client.get(url)).statusCode).toBe(404)
    expect((await client.get(`/p/${elsewhere.slug}/my-meetings`)).statusCode).toBe(200)
  })
})
