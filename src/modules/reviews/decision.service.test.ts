import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { ChangeContext } from '../../platform/audit/audit.service.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import { createCalendar } from '../../platform/calendar/calendar.ts'
import type { Database } from '../../platform/db/client.ts'
import type { AppError } from '../../platform/http/errors.ts'
import { defaultRuleSet } from '../../platform/rules/rules.definitions.ts'
import type { FieldProblems } from '../partnership/agencies.problems.ts'
import { decisionMessages, publicationTarget, recordDecision } from './decision.service.ts'
import { buildReviewWorld, insertCase, type ReviewWorld } from './reviews.fixtures.ts'
import { type ReviewCase, type ReviewDecision, reviewCases } from './reviews.table.ts'

async function problemsOf(promise: Promise<unknown>): Promise<Record<string, string>> {
  const error = (await promise.then(
    () => null,
    (e: unknown) => e,
  )) as FieldProblems | null
  if (!error) throw new Error('Expected the change to be refused')
  expect(error.name).toBe('FieldProblems')
  return error.fields
}

describe('the safeguarding partners’ decision', () => {
  let database: Database
  let world: ReviewWorld
  const change = (): ChangeContext => ({
    partnershipId: world.partnership.id,
    actorId: world.accounts.businessTeam.userId,
    now: new Date('2026-03-02T10:00:00Z'),
  })
  const reviewed = (fields: Partial<ReviewCase> = {}) =>
    insertCase(database.db, world.partnership.id, {
      becameAwareOn: '2025-12-10',
      notifiedOn: '2025-12-15',
      rapidReviewCompletedOn: '2026-01-08',
      ...fields,
    })
  const reload = async (id: string) =>
    (await database.db.select().from(reviewCases).where(eq(reviewCases.id, id)))[0]!
  const decided = (id: string) =>
    database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, id), eq(auditLog.action, 'review.decided')))
  const decide = (id: string, decision: ReviewDecision, rationale: string, decidedOn: string) =>
    recordDecision(database.db, change(), id, { decision, rationale, decidedOn })

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildReviewWorld(database.db)
  })
  afterAll(async () => {
    await database.close()
  })

  it('records a decision with its rationale and date, and a change with before and after', async () => {
    const review = await reviewed()
    await decide(review.id, 'local_review', 'Significant learning about information sharing.', '2026-01-20')
    expect(await reload(review.id)).toMatchObject({
      decision: 'local_review',
      decisionRationale: 'Significant learning about information sharing.',
      decidedOn: '2026-01-20',
    })
    await decide(review.id, 'national_review', 'The panel asked to take it nationally.', '2026-02-03')
    const entries = await decided(review.id)
    expect(entries).toHaveLength(2)
    const changed = entries.find((e) => (e.after as { decision: string }).decision === 'national_review')!
    expect(changed.entityType).toBe('review_case')
    expect(changed.before).toEqual({
      decision: 'local_review',
      decisionRationale: 'Significant learning about information sharing.',
      decidedOn: '2026-01-20',
    })
    // Saving the same decision again writes nothing.
    await decide(review.id, 'national_review', 'The panel asked to take it nationally.', '2026-02-03')
    expect(await decided(review.id)).toHaveLength(2)
  })

  it('needs a rationale and a date neither in the future nor before the rapid review’s completion', async () => {
    const review = await reviewed()
    const blank = await problemsOf(decide(review.id, 'single_agency', '   ', '2026-03-03'))
    expect(blank.decisionRationale).toBe('Enter the reason for the decision')
    expect(blank.decidedOn).toBe('The date of the decision must be today (2 March 2026) or in the past')
    const early = await problemsOf(
      decide(review.id, 'single_agency', 'Learning for health only.', '2026-01-07'),
    )
    expect(early.decidedOn).toBe(
      'The date of the decision must be on or after the rapid review’s completion (8 January 2026)',
    )
    const wrong = await problemsOf(decide(review.id, 'maybe' as ReviewDecision, 'Because.', '2026-01-20'))
    expect(wrong.decision).toBe(decisionMessages.choose)
    expect((await reload(review.id)).decision).toBeNull()
    expect(await decided(review.id)).toHaveLength(0)
  })

  it('keeps a published review’s kind of decision, and refuses a decision date after the publication', async () => {
    const review = await reviewed({
      decision: 'local_review',
      decisionRationale: 'Learning about information sharing.',
      decidedOn: '2026-01-20',
      publishedOn: '2026-02-20',
    })
    const other = await problemsOf(
      decide(review.id, 'national_review', 'Learning about information sharing.', '2026-01-20'),
    )
    expect(other.decision).toBe(
      'The review was published on 20 February 2026: its decision can no longer change',
    )
    const late = await problemsOf(
      decide(review.id, 'local_review', 'Learning about information sharing.', '2026-02-23'),
    )
    expect(late.decidedOn).toBe(
      'The date of the decision must be on or before the publication (20 February 2026)',
    )
    expect(await reload(review.id)).toMatchObject({ decision: 'local_review', decidedOn: '2026-01-20' })
    expect(await decided(review.id)).toHaveLength(0)
    // The same kind of decision may still be corrected: its reason, or a date up to the publication.
    await decide(
      review.id,
      'local_review',
      'Learning about information sharing and escalation.',
      '2026-02-20',
    )
    expect(await reload(review.id)).toMatchObject({
      decision: 'local_review',
      decisionRationale: 'Learning about information sharing and escalation.',
      decidedOn: '2026-02-20',
    })
    expect(await decided(review.id)).toHaveLength(1)
  })

  it('waits for the rapid review under Working Together 2023, not for a handed-over SCR', async () => {
    const review = await reviewed({ rapidReviewCompletedOn: null })
    const error = (await decide(review.id, 'no_further_review', 'No learning.', '2026-01-20').catch(
      (e: unknown) => e,
    )) as AppError
    expect(error.status).toBe(409)
    expect(error.message).toBe(decisionMessages.rapidReviewFirst)
    const scr = await insertCase(database.db, world.partnership.id, { procedure: 'scr2015' })
    await decide(scr.id, 'local_review', 'Handed over from the board.', '2025-06-02')
    expect((await reload(scr.id)).decision).toBe('local_review')
  })

  it('gives a local review’s publication target 6 months from the decision', () => {
    const target = publicationTarget(defaultRuleSet, '2026-01-20', createCalendar())
    expect(target.date).toBe('2026-07-20')
    expect(target.explanation).toBe('20 July 2026: decision on 20 January 2026 + 6 months')
  })
})
