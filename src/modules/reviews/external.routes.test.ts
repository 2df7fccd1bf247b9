import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp, titleOf } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../../platform/db/client.ts'
import type { Account } from '../meetings/meetings.fixtures.ts'
import { saveBriefing } from './external.service.ts'
import { buildReviewWorld, insertCase, NOW, type ReviewWorld } from './reviews.fixtures.ts'
import { externalReviews, learningBriefings } from './reviews.table.ts'

describe('reviews from elsewhere and learning briefings pages', () => {
  let database: Database
  let world: ReviewWorld
  let t: TestApp

  const as = async (account: Account) => {
    const client = t.client()
    await client.signIn(account.email, account.password)
    return client
  }
  const list = () => `/p/${world.partnership.slug}/reviews/external`
  const briefings = () => `/p/${world.partnership.slug}/reviews/briefings`

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildReviewWorld(database.db)
    t = await buildTestApp(database, { now: () => NOW })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('shows everyone the (empty) list; only the business team may log one', async () => {
    const member = await as(world.accounts.otherMember)
    const page = await member.get(list())
    expect(page.statusCode).toBe(200)
    expect(titleOf(page.body)).toMatch(/^Reviews from elsewhere/)
    expect(page.body).toContain('No reviews from elsewhere logged yet')
    expect(page.body).not.toContain('data-testid="add-external"')
    const empty = await member.get(briefings())
    expect(empty.statusCode).toBe(200)
    expect(titleOf(empty.body)).toMatch(/^Learning briefings/)
    expect(empty.body).toContain('No learning briefings published yet')

    const partner = await as(world.accounts.partner)
    expect((await partner.get(`${list()}/new`)).statusCode).toBe(403)
    const post = await partner.submit(list(), `${list()}/new`, {
      title: 'A review',
      source: 'national',
      localLearning: 'Something',
    })
    expect(post.statusCode).toBe(403)
    expect(await database.db.select().from(externalReviews)).toEqual([])
  })

  it('logs a review from elsewhere: the local learning is required, typed values kept', async () => {
    const team = await as(world.accounts.businessTeam)
    const form = `${list()}/new`
    const bad = await team.submit(form, form, {
      title: 'Safeguarding children with disabilities',
      origin: 'The national panel',
      url: 'ftp://example.org/report',
      localLearning: '',
      'publishedOn-day': '1',
      'publishedOn-month': '4',
      'publishedOn-year': '2026',
    })
    expect(bad.statusCode).toBe(400)
    expect(titleOf(bad.body)).toMatch(/^Error: Log a review from elsewhere/)
    expect(bad.body).toContain('Select where the review comes from')
    expect(bad.body).toContain('Enter the local learning taken from the review')
    expect(bad.body).toContain('The date it was published must be today (2 March 2026) or in the past')
    expect(bad.body).toContain('starting with https://')
    expect(bad.body).toContain('value="Safeguarding children with disabilities"')
    expect(bad.body).toContain('value="ftp://example.org/report"')
    expect(await database.db.select().from(externalReviews)).toEqual([])

    const saved = await team.submit(form, form, {
      title: 'Safeguarding children with disabilities',
      source: 'national',
      origin: 'The national panel',
      url: 'https://example.org/report',
      localLearning: 'Train staff on communicating with non-verbal children',
      'publishedOn-day': '23',
      'publishedOn-month': '10',
      'publishedOn-year': '2023',
    })
    expect(saved.statusCode).toBe(303)
    // Sent twice (a double click): logged once, the second says so.
    const twice = await team.submit(form, form, {
      title: 'Safeguarding children with disabilities',
      source: 'national',
      localLearning: 'Train staff on communicating with non-verbal children',
    })
    expect(twice.statusCode).toBe(400)
    expect(twice.body).toContain('This review has already been logged')
    expect(await database.db.select().from(externalReviews)).toHaveLength(1)
    const page = await team.get(`${list()}?logged=1`)
    expect(page.body).toContain('Review logged')
    expect(page.body).toContain('Safeguarding children with disabilities')
    expect(page.body).toContain('National review')
    expect(page.body).toContain('23 October 2023')
    expect(page.body).toContain('href="https://example.org/report"')
    expect(page.body).toContain('Train staff on communicating with non-verbal children')
    expect(page.body).toContain('2 March 2026')

    const [row] = await database.db.select().from(externalReviews)
    const edit = `${list()}/${row!.id}/edit`
    const changed = await team.submit(edit, edit, {
      title: 'Safeguarding children with disabilities',
      source: 'other_area',
      origin: 'Northshire',
      url: '',
      localLearning: 'An audit of communication plans',
    })
    expect(changed.statusCode).toBe(303)
    const [after] = await database.db.select().from(externalReviews).where(eq(externalReviews.id, row!.id))
    expect(after).toMatchObject({ source: 'other_area', origin: 'Northshire', url: null, publishedOn: null })
  })

  it('lists published briefings for everyone, naming our case only to those who may see it', async () => {
    const p = world.partnership.id
    const change = { partnershipId: p, actorId: world.accounts.businessTeam.userId, now: NOW }
    const secret = await insertCase(database.db, p, { reference: 'Child X1', procedure: 'scr2015' })
    await saveBriefing(database.db, change, { caseId: secret.id }, null, {
      title: 'Neglect in teenagers',
      summary: 'Look beyond school attendance.',
      publishedOn: '2026-02-10',
    })
    await saveBriefing(database.db, change, { caseId: secret.id }, null, {
      title: 'Draft on bruising',
      summary: 'Not ready.',
      publishedOn: null,
    })
    const team = await as(world.accounts.businessTeam)
    const [external] = await database.db.select().from(externalReviews)
    const form = `${list()}/${external!.id}/briefings/new`
    const bad = await team.submit(form, form, { title: '', summary: 'Plans help.' })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Enter the title of the briefing')
    expect(bad.body).toContain('Plans help.</textarea>')
    const saved = await team.submit(form, form, {
      title: 'Communication plans',
      summary: 'Plans help.',
      'publishedOn-day': '20',
      'publishedOn-month': '2',
      'publishedOn-year': '2026',
    })
    expect(saved.statusCode).toBe(303)
    const [linked] = await database.db
      .select()
      .from(learningBriefings)
      .where(eq(learningBriefings.externalReviewId, external!.id))
    expect(linked!.title).toBe('Communication plans')

    const member = await as(world.accounts.otherMember)
    const seen = await member.get(briefings())
    expect(seen.statusCode).toBe(200)
    expect(seen.body).toContain('Neglect in teenagers')
    expect(seen.body).toContain('Communication plans')
    expect(seen.body).toContain('Safeguarding children with disabilities')
    expect(seen.body).not.toContain('Draft on bruising')
    expect(seen.body).not.toContain('Child X1')
    expect(seen.body).not.toContain(secret.id)
    // Still 403 on the case itself.
    expect((await member.get(`/p/${world.partnership.slug}/reviews/${secret.id}/learning`)).statusCode).toBe(
      403,
    )
    expect((await member.get(list())).body).toContain('Communication plans')

    const teamView = await team.get(briefings())
    expect(teamView.body).toContain('Draft on bruising')
    expect(teamView.body).toContain('data-testid="unpublished"')
    expect(teamView.body).toContain(`href="/p/${world.partnership.slug}/reviews/${secret.id}"`)
    expect(teamView.body).toContain('Child X1')

    const partner = await as(world.accounts.partner)
    const partnerView = await partner.get(briefings())
    expect(partnerView.body).toContain('Child X1')
    expect(partnerView.body).not.toContain('Draft on bruising')
  })
})
