import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { ChangeContext } from '../../platform/audit/audit.service.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import type { Database } from '../../platform/db/client.ts'
import type { AppError } from '../../platform/http/errors.ts'
import { FieldProblems } from '../partnership/agencies.problems.ts'
import { publicationMessages, publishReview, recordSend } from './publication.service.ts'
import { buildReviewWorld, insertCase, NOW, type ReviewWorld, TODAY } from './reviews.fixtures.ts'
import { caseSummary, summaryContext } from './reviews.queries.ts'
import { type ReviewCase, reviewCases, reviewSends } from './reviews.table.ts'

async function problems(promise: Promise<unknown>): Promise<Record<string, string>> {
  try {
    await promise
  } catch (error) {
    if (error instanceof FieldProblems) return error.fields
    throw error
  }
  throw new Error('Expected the call to be refused')
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; status: number }> {
  try {
    await promise
  } catch (error) {
    const e = error as AppError
    return { code: e.code, status: e.status }
  }
  throw new Error('Expected the call to be refused')
}

const decided = {
  decision: 'local_review' as const,
  decidedOn: '2025-06-02',
  decisionRationale: 'Learning for several agencies',
  becameAwareOn: '2025-04-01',
  notifiedOn: '2025-04-03',
  rapidReviewCompletedOn: '2025-04-20',
}

describe('publication and sends', () => {
  let database: Database
  let world: ReviewWorld
  let change: ChangeContext

  const audits = (entityType: string, entityId: string) =>
    database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityType, entityType), eq(auditLog.entityId, entityId)))
      .orderBy(auditLog.seq)
  const reload = async (review: ReviewCase) =>
    (await database.db.select().from(reviewCases).where(eq(reviewCases.id, review.id)))[0]!
  const publish = (review: ReviewCase, publishedOn: string, title = 'Learning from Child Q') =>
    publishReview(database.db, change, review.id, {
      publishedOn,
      publishedTitle: title,
      publicationUrl: 'https://example.org/child-q',
    })

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildReviewWorld(database.db)
    change = { partnershipId: world.partnership.id, actorId: world.accounts.businessTeam.userId, now: NOW }
  })
  afterAll(async () => {
    await database.close()
  })

  it('publishes with the date, title and link, audited as review.published', async () => {
    const review = await insertCase(database.db, world.partnership.id, {
      ...decided,
      finalReportOn: '2025-11-20',
    })
    expect((await problems(publish(review, '2026-03-03'))).publishedOn).toBe(
      'The publication date must be today (2 March 2026) or in the past',
    )
    expect((await problems(publish(review, '2025-11-19'))).publishedOn).toBe(
      'The report cannot be published before the final report on 20 November 2025',
    )
    expect((await problems(publish(review, '2025-12-01', '  '))).publishedTitle).toBe(
      'Enter the published title',
    )
    expect((await reload(review)).publishedOn).toBeNull()

    expect(await publish(review, '2025-12-01')).toEqual({ changed: true })
    const saved = await reload(review)
    expect(saved.publishedOn).toBe('2025-12-01')
    expect(saved.publishedTitle).toBe('Learning from Child Q')
    expect(saved.publicationUrl).toBe('https://example.org/child-q')
    const [entry] = await audits('review_case', review.id)
    expect(entry?.action).toBe('review.published')
    expect(entry?.after).toMatchObject({ publishedOn: '2025-12-01', publishedTitle: 'Learning from Child Q' })
    // The same again changes nothing and writes nothing.
    expect(await publish(review, '2025-12-01')).toEqual({ changed: false })
    expect(await audits('review_case', review.id)).toHaveLength(1)
  })

  it('refuses publishing before the decision, and a case with no review to publish', async () => {
    const review = await insertCase(database.db, world.partnership.id, decided)
    expect((await problems(publish(review, '2025-06-01'))).publishedOn).toBe(
      'The report cannot be published before the decision to review on 2 June 2025',
    )
    const none = await insertCase(database.db, world.partnership.id, {
      ...decided,
      decision: 'no_further_review',
    })
    expect(await refusal(publish(none, '2025-12-01'))).toEqual({ code: 'not_reviewing', status: 409 })
  })

  it('refuses a send before publishing, before the publication date, or in the future', async () => {
    const review = await insertCase(database.db, world.partnership.id, decided)
    expect(
      await problems(recordSend(database.db, change, review.id, 'national_panel', '2026-01-05')),
    ).toEqual({
      sentOn: publicationMessages.publishFirst,
    })
    await publish(review, '2026-01-05')
    expect(
      await problems(recordSend(database.db, change, review.id, 'national_panel', '2026-01-04')),
    ).toEqual({
      sentOn: 'The report cannot be sent before it was published on 5 January 2026',
    })
    expect(
      (await problems(recordSend(database.db, change, review.id, 'foundations', '2026-03-03'))).sentOn,
    ).toBe('The date it was sent must be today (2 March 2026) or in the past')
    expect(await database.db.select().from(reviewSends).where(eq(reviewSends.caseId, review.id))).toEqual([])
    // Publication cannot then move after a send.
    await recordSend(database.db, change, review.id, 'national_panel', '2026-01-06')
    expect((await problems(publish(review, '2026-01-07'))).publishedOn).toBe(
      'The report was sent on 6 January 2026: it cannot have been published after that',
    )
  })

  it('records each send once; recording it again corrects the date, audited', async () => {
    const review = await insertCase(database.db, world.partnership.id, decided)
    await publish(review, '2026-02-02')
    expect(await recordSend(database.db, change, review.id, 'foundations', '2026-02-03')).toEqual({
      changed: true,
    })
    expect(await recordSend(database.db, change, review.id, 'foundations', '2026-02-03')).toEqual({
      changed: false,
    })
    expect(await recordSend(database.db, change, review.id, 'foundations', '2026-02-04')).toEqual({
      changed: true,
    })
    const rows = await database.db.select().from(reviewSends).where(eq(reviewSends.caseId, review.id))
    expect(rows).toHaveLength(1)
    expect(rows[0]!.sentOn).toBe('2026-02-04')
    const entries = await audits('review_send', rows[0]!.id)
    expect(entries.map((e) => e.action)).toEqual(['record', 'correct'])
    expect(entries[1]!.before).toEqual({ sentOn: '2026-02-03' })
    expect(entries[1]!.after).toEqual({ sentOn: '2026-02-04' })
  })

  it('dates the sends 7 calendar days after publication, even onto a bank holiday, with the explanation', async () => {
    // Published Friday 19 December 2025: the 7th day is Boxing Day (a bank holiday). The rule
    // counts calendar days and does not move a forward deadline.
    const review = await insertCase(database.db, world.partnership.id, decided)
    await publish(review, '2025-12-19')
    await recordSend(database.db, change, review.id, 'national_panel', '2025-12-24')
    await recordSend(database.db, change, review.id, 'foundations', '2025-12-29')
    const context = await summaryContext(database.db, world.partnership.id, TODAY)
    const summary = await caseSummary(database.db, await reload(review), context)
    const panel = summary.deadlines.find((d) => d.key === 'send_national_panel')!
    const foundations = summary.deadlines.find((d) => d.key === 'send_foundations')!
    expect(panel.due).toBe('2025-12-26')
    expect(panel.explanation).toMatch(/^26 December 2025: publication on 19 December 2025 \+ 7/)
    expect(panel.timeliness).toBe('on_time')
    expect(foundations.due).toBe('2025-12-26')
    expect(foundations.timeliness).toBe('late')
    expect(summary.stage).toBe('closed')

    // Published Saturday 21 February 2026: due Saturday 28 February; not sent by 2 March: overdue.
    const weekend = await insertCase(database.db, world.partnership.id, decided)
    await publish(weekend, '2026-02-21')
    const open = await caseSummary(database.db, await reload(weekend), context)
    const due = open.deadlines.find((d) => d.key === 'send_foundations')!
    expect(due.due).toBe('2026-02-28')
    expect(due.timeliness).toBe('overdue')
    expect(open.stage).toBe('sending')
  })

  it('applies the sends to a handed-over SCR, refuses them for a single-agency review', async () => {
    const scr = await insertCase(database.db, world.partnership.id, { procedure: 'scr2015' })
    await publish(scr, '2026-01-12')
    expect(await recordSend(database.db, change, scr.id, 'national_panel', '2026-01-13')).toEqual({
      changed: true,
    })
    const single = await insertCase(database.db, world.partnership.id, {
      ...decided,
      decision: 'single_agency',
    })
    await publish(single, '2026-01-12')
    expect(await refusal(recordSend(database.db, change, single.id, 'national_panel', '2026-01-13'))).toEqual(
      {
        code: 'not_required',
        status: 409,
      },
    )
  })
})
