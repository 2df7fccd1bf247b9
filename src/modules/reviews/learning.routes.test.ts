import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp, titleOf } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../../platform/db/client.ts'
import { actions } from '../actions/actions.table.ts'
import type { Account } from '../meetings/meetings.fixtures.ts'
import { buildReviewWorld, insertCase, NOW, type ReviewWorld } from './reviews.fixtures.ts'
import {
  learningBriefings,
  type ReviewCase,
  reviewRecommendationActions,
  reviewRecommendations,
} from './reviews.table.ts'

/** What the action form suggests as the action's description (its textarea's text). */
const suggestedDescription = (html: string) =>
  /<textarea[^>]*name="description"[^>]*>([^<]*)<\/textarea>/.exec(html)?.[1]?.trim()

describe('learning pages', () => {
  let database: Database
  let world: ReviewWorld
  let t: TestApp
  let review: ReviewCase

  const as = async (account: Account) => {
    const client = t.client()
    await client.signIn(account.email, account.password)
    return client
  }
  const tab = () => `/p/${world.partnership.slug}/reviews/${review.id}/learning`
  const recommendations = () =>
    database.db.select().from(reviewRecommendations).where(eq(reviewRecommendations.caseId, review.id))

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildReviewWorld(database.db)
    review = await insertCase(database.db, world.partnership.id, {
      reference: 'Child L1',
      procedure: 'scr2015',
    })
    t = await buildTestApp(database, { now: () => NOW })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('adds and changes recommendations; empty text is refused', async () => {
    const team = await as(world.accounts.businessTeam)
    const page = await team.get(tab())
    expect(page.statusCode).toBe(200)
    expect(titleOf(page.body)).toMatch(/^Learning: Child L1/)
    expect(page.body).toContain('No recommendations recorded yet')
    expect(page.body).toContain('No learning briefings yet')

    const form = `${tab()}/recommendations/new`
    const empty = await team.submit(form, form, { text: '  ' })
    expect(empty.statusCode).toBe(400)
    expect(titleOf(empty.body)).toMatch(/^Error: /)
    expect(empty.body).toContain('Enter the recommendation')
    expect(empty.body).toContain('Do not enter a child’s or family member’s name')
    expect(await recommendations()).toEqual([])

    const added = await team.submit(form, form, { text: 'Share chronologies earlier' })
    expect(added.statusCode).toBe(303)
    const [rec] = await recommendations()
    expect(rec!.number).toBe(1)
    const edit = `${tab()}/recommendations/${rec!.id}`
    expect((await team.submit(edit, edit, { text: 'Share chronologies within a week' })).statusCode).toBe(303)
    const listed = await team.get(tab())
    expect(listed.body).toContain('Recommendation 1')
    expect(listed.body).toContain('Share chronologies within a week')
    expect(listed.body).toContain('No action yet')
    expect((await team.get(`${tab()}/recommendations/not-an-id`)).statusCode).toBe(404)
  })

  it('turns a recommendation into an action of the Learning and Practice Review Group', async () => {
    const team = await as(world.accounts.businessTeam)
    const [rec] = await recommendations()
    const form = `${tab()}/recommendations/${rec!.id}/action`
    const page = await team.get(form)
    expect(page.statusCode).toBe(200)
    // The suggested action is the recommendation's text alone (it used to start with the case's reference).
    expect(suggestedDescription(page.body)).toBe('Share chronologies within a week')
    expect(page.body).toContain(`<option value="${world.lpr.id}" selected>`)

    const bad = await team.submit(form, form, {
      description: 'Agencies to share chronologies within a week',
      ownerAgencyId: '',
      ownerPersonId: '',
      groupId: world.lpr.id,
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Select the agency that owns this action')
    expect(bad.body).toContain('Agencies to share chronologies within a week</textarea>')
    expect(await database.db.select().from(reviewRecommendationActions)).toEqual([])

    const saved = await team.submit(form, form, {
      description: 'Agencies to share chronologies within a week',
      ownerAgencyId: world.agencies.council.id,
      ownerPersonId: '',
      groupId: world.lpr.id,
    })
    expect(saved.statusCode).toBe(303)
    const [action] = await database.db.select().from(actions).where(eq(actions.groupId, world.lpr.id))
    const listed = await team.get(tab())
    expect(listed.body).toContain(`href="/p/${world.partnership.slug}/actions/${action!.id}"`)
    expect(listed.body).toContain(action!.reference)
    expect(listed.body).toContain(world.agencies.council.name)
    expect(listed.body).toContain('Not issued yet')
  })

  it('keeps the case out of the action: no reference suggested, one typed is refused, the register does not show it', async () => {
    const team = await as(world.accounts.businessTeam)
    const [rec] = await recommendations()
    const form = `${tab()}/recommendations/${rec!.id}/action`
    const page = await team.get(form)
    const suggested = suggestedDescription(page.body)
    expect(suggested).toBe('Share chronologies within a week')
    expect(page.body).toContain(
      'Everyone who can see the group’s actions sees this action, including people outside the review, so do not name the case (Child L1) or anyone in it.',
    )
    const fields = {
      ownerAgencyId: world.agencies.health.id,
      ownerPersonId: '',
      groupId: world.lpr.id,
    }
    const actionCount = async () => (await database.db.select().from(actions)).length
    const linkCount = async () => (await database.db.select().from(reviewRecommendationActions)).length
    const [actionsBefore, linksBefore] = [await actionCount(), await linkCount()]

    // The reference typed, in any case and spacing, is refused on the field; nothing is created.
    for (const description of [
      'child  l1: share chronologies within a week',
      'As CHILD L1 showed, share early',
    ]) {
      const named = await team.submit(form, form, { description, ...fields })
      expect(named.statusCode).toBe(400)
      expect(titleOf(named.body)).toMatch(/^Error: /)
      expect(named.body).toContain(
        'Do not name the case (Child L1) in the action: the action register is seen by people outside the review',
      )
      expect(named.body).toContain(`${description}</textarea>`)
    }
    expect(await actionCount()).toBe(actionsBefore)
    expect(await linkCount()).toBe(linksBefore)

    // The suggested text, sent as it is, makes an action that does not name the case.
    const saved = await team.submit(form, form, { description: suggested!, ...fields })
    expect(saved.statusCode).toBe(303)
    const [action] = await database.db
      .select()
      .from(actions)
      .where(eq(actions.ownerAgencyId, world.agencies.health.id))
    expect(action!.description).toBe('Share chronologies within a week')
    expect(action!.description.toLowerCase()).not.toContain('child l1')
    expect(await linkCount()).toBe(linksBefore + 1)

    // A scrutineer of the partnership (who may not open the case) sees the action, not the case.
    const scrutineer = await as(world.accounts.scrutineer)
    expect((await scrutineer.get(tab())).statusCode).toBe(403)
    const register = await scrutineer.get(`/p/${world.partnership.slug}/actions`)
    expect(register.statusCode).toBe(200)
    expect(register.body).toContain(action!.reference)
    expect(register.body).toContain('Share chronologies within a week')
    expect(register.body).not.toContain('Child L1')
  })

  it('records evidence of impact, not in the future', async () => {
    const team = await as(world.accounts.businessTeam)
    const [rec] = await recommendations()
    const form = `${tab()}/recommendations/${rec!.id}/impact`
    const future = await team.submit(form, form, {
      impactEvidence: 'Chronologies now arrive in 4 days',
      'impactRecordedOn-day': '3',
      'impactRecordedOn-month': '3',
      'impactRecordedOn-year': '2026',
    })
    expect(future.statusCode).toBe(400)
    expect(future.body).toContain('The date of the evidence must be today (2 March 2026) or in the past')
    expect(future.body).toContain('Chronologies now arrive in 4 days</textarea>')
    const saved = await team.submit(form, form, {
      impactEvidence: 'Chronologies now arrive in 4 days',
      'impactRecordedOn-day': '27',
      'impactRecordedOn-month': '2',
      'impactRecordedOn-year': '2026',
    })
    expect(saved.statusCode).toBe(303)
    const page = await team.get(tab())
    expect(page.body).toContain('Chronologies now arrive in 4 days (27 February 2026)')
  })

  it('adds a learning briefing, unpublished until dated', async () => {
    const team = await as(world.accounts.businessTeam)
    const form = `${tab()}/briefings/new`
    const bad = await team.submit(form, form, { title: 'Chronologies', summary: '' })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Enter the summary')
    expect(bad.body).toContain('value="Chronologies"')
    expect(
      (await team.submit(form, form, { title: 'Chronologies', summary: 'Share them early.' })).statusCode,
    ).toBe(303)
    const page = await team.get(tab())
    expect(page.body).toContain('Chronologies')
    expect(page.body).toContain('Not published')
    const [briefing] = await database.db
      .select()
      .from(learningBriefings)
      .where(eq(learningBriefings.caseId, review.id))
    const edit = `${tab()}/briefings/${briefing!.id}`
    const dated = await team.submit(edit, edit, {
      title: 'Chronologies',
      summary: 'Share them early.',
      'publishedOn-day': '1',
      'publishedOn-month': '3',
      'publishedOn-year': '2026',
    })
    expect(dated.statusCode).toBe(303)
    expect((await team.get(tab())).body).toContain('Published 1 March 2026')
  })

  it('refuses a member outside the panel; a partner reads but cannot change', async () => {
    const member = await as(world.accounts.otherMember)
    expect((await member.get(tab())).statusCode).toBe(403)
    const partner = await as(world.accounts.partner)
    const page = await partner.get(tab())
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Share chronologies within a week')
    expect(page.body).not.toContain('data-testid="add-recommendation"')
    expect(page.body).not.toContain('data-testid="turn-into-action"')
    const post = await partner.submit(tab(), `${tab()}/recommendations/new`, { text: 'From a partner' })
    expect(post.statusCode).toBe(403)
    expect(await recommendations()).toHaveLength(1)
  })
})
