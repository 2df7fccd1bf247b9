import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, csrfTokenIn, type TestApp, type TestClient, titleOf } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../../platform/db/client.ts'
import type { Account } from '../meetings/meetings.fixtures.ts'
import {
  buildReviewWorld,
  insertCase,
  insertInvolvedAgency,
  NOW,
  type ReviewWorld,
} from './reviews.fixtures.ts'
import { type ReviewCase, reviewPanelMembers } from './reviews.table.ts'

// Child P: the police were involved. Hana Head (a school) is not on the panel at first, so she
// cannot open the case; adding her lets her in, removing her shuts her out again.

describe('review panel pages', () => {
  let database: Database
  let world: ReviewWorld
  let t: TestApp
  let review: ReviewCase

  const as = async (account: Account): Promise<TestClient> => {
    const client = t.client()
    await client.signIn(account.email, account.password)
    return client
  }
  const caseUrl = () => `/p/${world.partnership.slug}/reviews/${review.id}`
  const panelUrl = () => `${caseUrl()}/panel`
  const rows = () =>
    database.db.select().from(reviewPanelMembers).where(eq(reviewPanelMembers.caseId, review.id))

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildReviewWorld(database.db)
    review = await insertCase(database.db, world.partnership.id, {
      reference: 'Child P',
      reviewerName: 'Dr Ada Reviewer',
      reviewerOrganisation: 'Independent Reviews Ltd',
    })
    await insertInvolvedAgency(database.db, world.partnership.id, review.id, world.agencies.police.id)
    t = await buildTestApp(database, { now: () => NOW })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('shows the panel with the header, the reviewer and an empty state', async () => {
    const team = await as(world.accounts.businessTeam)
    const page = await team.get(panelUrl())
    expect(page.statusCode).toBe(200)
    expect(titleOf(page.body)).toMatch(/^Panel: Child P/)
    expect(page.body).toContain('data-testid="review-title"')
    expect(page.body).toContain('Dr Ada Reviewer')
    expect(page.body).toContain('Independent Reviews Ltd')
    expect(page.body).toContain('No-one is on the panel yet.')
    expect(page.body).toContain('data-testid="add-member"')
  })

  it('marks candidates from involved agencies and refuses one without an override, changing nothing', async () => {
    const team = await as(world.accounts.businessTeam)
    const form = await team.get(`${panelUrl()}/add`)
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('Pat Police')
    expect(form.body).toMatch(
      /Testshire Police <strong class="govuk-tag govuk-tag--red" data-testid="involved">/,
    )
    const refused = await team.submit(`${panelUrl()}/add`, `${panelUrl()}/add`, {
      personId: world.people.police.id,
      overrideReason: '',
    })
    expect(refused.statusCode).toBe(400)
    expect(titleOf(refused.body)).toMatch(/^Error: Add a panel member/)
    expect(refused.body).toContain(
      'Pat Police is from Testshire Police, which was involved in this case. Members come from agencies with no direct involvement; record an override with a reason to add them.',
    )
    // The choice is kept.
    expect(refused.body).toMatch(new RegExp(`value="${world.people.police.id}" checked`))
    const short = await team.submit(`${panelUrl()}/add`, `${panelUrl()}/add`, {
      personId: world.people.police.id,
      overrideReason: 'Too short',
    })
    expect(short.statusCode).toBe(400)
    expect(short.body).toContain('The reason for the override must be at least 10 characters')
    expect(short.body).toContain('Too short')
    const nobody = await team.submit(`${panelUrl()}/add`, `${panelUrl()}/add`, {})
    expect(nobody.body).toContain('Choose who to add to the panel')
    expect(await rows()).toHaveLength(0)
  })

  it('adds a member with an override and shows the reason', async () => {
    const team = await as(world.accounts.businessTeam)
    const response = await team.submit(`${panelUrl()}/add`, `${panelUrl()}/add`, {
      personId: world.people.police.id,
      overrideReason: 'The only officer trained in joint investigations',
    })
    expect(response.statusCode).toBe(303)
    const page = await team.get(response.headers.location as string)
    expect(page.body).toContain('Added to the panel')
    expect(page.body).toContain('The only officer trained in joint investigations')
    expect(page.body).toContain('Testshire Police')
  })

  it('lets a member open the case once on its panel, and not after leaving it', async () => {
    const head = await as(world.accounts.head)
    expect((await head.get(caseUrl())).statusCode).toBe(403)
    expect((await head.get(panelUrl())).statusCode).toBe(403)

    const team = await as(world.accounts.businessTeam)
    const added = await team.submit(`${panelUrl()}/add`, `${panelUrl()}/add`, {
      personId: world.people.head.id,
      overrideReason: '',
    })
    expect(added.statusCode).toBe(303)
    // Sent twice: harmless, with a message.
    const again = await team.post(`${panelUrl()}/add`, {
      personId: world.people.head.id,
      _csrf: csrfTokenIn((await team.get(panelUrl())).body),
    })
    expect(again.headers.location).toContain('already=1')
    expect((await team.get(again.headers.location as string)).body).toContain('already on the panel')
    expect((await rows()).filter((r) => r.personId === world.people.head.id)).toHaveLength(1)

    expect((await head.get(caseUrl())).statusCode).toBe(200)
    const panel = await head.get(panelUrl())
    expect(panel.statusCode).toBe(200)
    expect(panel.body).toContain('Hana Head')
    // A panel member reads but does not change the panel.
    expect(panel.body).not.toContain('data-testid="add-member"')
    expect((await head.get(`${panelUrl()}/add`)).statusCode).toBe(403)

    const member = (await rows()).find((r) => r.personId === world.people.head.id)!
    const removeUrl = `${panelUrl()}/${member.id}/remove`
    const blank = await team.submit(removeUrl, removeUrl, { reason: ' ' })
    expect(blank.statusCode).toBe(400)
    expect(blank.body).toContain('Enter why they are leaving the panel')
    const removed = await team.submit(removeUrl, removeUrl, { reason: 'Moved to another school' })
    expect(removed.statusCode).toBe(303)
    const page = await team.get(removed.headers.location as string)
    expect(page.body).toContain('Removed from the panel')
    expect(page.body).toContain('data-testid="panel-past"')
    expect(page.body).toContain('Moved to another school')

    expect((await head.get(caseUrl())).statusCode).toBe(403)
  })

  it('lets a partner read the panel but not change it, and keeps others out', async () => {
    const partner = await as(world.accounts.partner)
    const page = await partner.get(panelUrl())
    expect(page.statusCode).toBe(200)
    expect(page.body).not.toContain('data-testid="add-member"')
    const post = await partner.post(`${panelUrl()}/add`, {
      personId: world.people.health.id,
      _csrf: csrfTokenIn(page.body),
    })
    expect(post.statusCode).toBe(403)
    expect((await rows()).some((r) => r.personId === world.people.health.id)).toBe(false)
    for (const account of [world.accounts.otherMember, world.accounts.scrutineer]) {
      expect((await (await as(account)).get(panelUrl())).statusCode).toBe(403)
    }
  })
})
