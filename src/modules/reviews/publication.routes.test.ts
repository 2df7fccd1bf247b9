import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp, titleOf } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import type { Database } from '../../platform/db/client.ts'
import type { Account } from '../meetings/meetings.fixtures.ts'
import { buildReviewWorld, insertCase, NOW, type ReviewWorld } from './reviews.fixtures.ts'
import { type ReviewCase, reviewCases, reviewSends } from './reviews.table.ts'

// A local review decided on 2 June 2025, its final report on 20 November 2025; the clock is
// 2 March 2026.

describe('publication pages', () => {
  let database: Database
  let world: ReviewWorld
  let t: TestApp
  let review: ReviewCase
  let single: ReviewCase

  const as = async (account: Account) => {
    const client = t.client()
    await client.signIn(account.email, account.password)
    return client
  }
  const tab = (c: ReviewCase) => `/p/${world.partnership.slug}/reviews/${c.id}/publication`
  const reload = async () =>
    (await database.db.select().from(reviewCases).where(eq(reviewCases.id, review.id)))[0]!
  const date = (name: string, iso: string) => ({
    [`${name}-day`]: String(Number(iso.slice(8, 10))),
    [`${name}-month`]: String(Number(iso.slice(5, 7))),
    [`${name}-year`]: iso.slice(0, 4),
  })

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildReviewWorld(database.db)
    const decided = {
      decision: 'local_review' as const,
      decidedOn: '2025-06-02',
      decisionRationale: 'Learning for several agencies',
      becameAwareOn: '2025-04-01',
      notifiedOn: '2025-04-03',
      rapidReviewCompletedOn: '2025-04-20',
      finalReportOn: '2025-11-20',
    }
    review = await insertCase(database.db, world.partnership.id, { reference: 'Child P1', ...decided })
    single = await insertCase(database.db, world.partnership.id, { ...decided, decision: 'single_agency' })
    t = await buildTestApp(database, { now: () => NOW })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('publishes the report: bad input keeps what was typed, then the sends are due within 7 days', async () => {
    const team = await as(world.accounts.businessTeam)
    const page = await team.get(tab(review))
    expect(page.statusCode).toBe(200)
    expect(titleOf(page.body)).toMatch(/^Publication: Child P1/)
    expect(page.body).toContain('Not published yet')
    expect(page.body).toContain('data-testid="sends-waiting"')
    expect(page.body).toContain('Within 7 days of publication')
    // The publication deadline: 6 months from the decision, overdue.
    expect(page.body).toContain('2 December 2025: decision on 2 June 2025 + 6 months')

    const form = `${tab(review)}/publish`
    const bad = await team.submit(form, form, {
      ...date('publishedOn', '2025-11-19'),
      publishedTitle: 'Learning from Child P1’s family',
      publicationUrl: 'http://example.org/report',
    })
    expect(bad.statusCode).toBe(400)
    expect(titleOf(bad.body)).toMatch(/^Error: Record the publication/)
    expect(bad.body).toContain('The report cannot be published before the final report on 20 November 2025')
    expect(bad.body).toContain('starting with https://')
    expect(bad.body).toContain('value="Learning from Child P1’s family"')
    expect(bad.body).toContain('value="http://example.org/report"')
    expect(bad.body).toContain('name="publishedOn-day" type="text" value="19"')
    const empty = await team.submit(form, form, { ...date('publishedOn', '2026-03-03'), publishedTitle: '' })
    expect(empty.statusCode).toBe(400)
    expect(empty.body).toContain('Enter the published title')
    expect(empty.body).toContain('The publication date must be today (2 March 2026) or in the past')
    expect((await reload()).publishedOn).toBeNull()

    const saved = await team.submit(form, form, {
      ...date('publishedOn', '2026-02-20'),
      publishedTitle: 'Learning from a family',
      publicationUrl: 'https://example.org/report',
    })
    expect(saved.statusCode).toBe(303)
    expect(saved.headers.location).toBe(`${tab(review)}?published=1`)
    const after = await team.get(`${tab(review)}?published=1`)
    expect(after.body).toContain('Publication recorded')
    expect(after.body).toContain('20 February 2026')
    expect(after.body).toContain('href="https://example.org/report"')
    expect(after.body).toContain('27 February 2026: publication on 20 February 2026 + 7')
    expect(after.body).toContain('Overdue by')
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, review.id), eq(auditLog.action, 'review.published')))
    expect(entry).toBeDefined()
  })

  it('records a send: before publication refused with the date, then recorded and corrected', async () => {
    const team = await as(world.accounts.businessTeam)
    const form = `${tab(review)}/sends/national_panel`
    const early = await team.submit(form, form, date('sentOn', '2026-02-19'))
    expect(early.statusCode).toBe(400)
    expect(early.body).toContain('The report cannot be sent before it was published on 20 February 2026')
    expect(early.body).toContain('name="sentOn-day" type="text" value="19"')
    const incomplete = await team.submit(form, form, {
      'sentOn-day': '3',
      'sentOn-month': '',
      'sentOn-year': '2026',
    })
    expect(incomplete.statusCode).toBe(400)
    expect(incomplete.body).toContain('must include a month')

    expect((await team.submit(form, form, date('sentOn', '2026-02-25'))).statusCode).toBe(303)
    const page = await team.get(tab(review))
    expect(page.body).toContain('25 February 2026')
    expect(page.body).toContain('Correct the date')
    expect(page.body).toContain('On time')
    expect((await team.submit(form, form, date('sentOn', '2026-02-28'))).statusCode).toBe(303)
    const rows = await database.db.select().from(reviewSends).where(eq(reviewSends.caseId, review.id))
    expect(rows.map((r) => r.sentOn)).toEqual(['2026-02-28'])
    const second = await team.get(form)
    expect(second.body).toContain('value="28"')

    expect((await team.get(`${tab(review)}/sends/elsewhere`)).statusCode).toBe(404)
  })

  it('says the sends are not required for a single-agency review', async () => {
    const team = await as(world.accounts.businessTeam)
    const page = await team.get(tab(single))
    expect(page.body).toContain('data-testid="sends-not-required"')
    expect(page.body).toContain('single-agency review does not have to be sent')
    expect((await team.get(`${tab(single)}/sends/foundations`)).statusCode).toBe(409)
  })

  it('refuses the tab to a member outside the panel, lets a partner read but not change', async () => {
    const member = await as(world.accounts.otherMember)
    expect((await member.get(tab(review))).statusCode).toBe(403)
    const partner = await as(world.accounts.partner)
    const page = await partner.get(tab(review))
    expect(page.statusCode).toBe(200)
    expect(page.body).not.toContain('data-testid="record-publication"')
    expect(page.body).not.toContain('Correct the date')
    expect((await partner.get(`${tab(review)}/publish`)).statusCode).toBe(403)
    const post = await partner.submit(tab(review), `${tab(review)}/publish`, {
      ...date('publishedOn', '2026-02-21'),
      publishedTitle: 'Changed',
    })
    expect(post.statusCode).toBe(403)
    expect((await reload()).publishedTitle).toBe('Learning from a family')
  })
})
