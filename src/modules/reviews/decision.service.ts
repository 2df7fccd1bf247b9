import { eq } from 'drizzle-orm'
import { auditChange, type ChangeContext, fieldChanges } from '../../platform/audit/audit.service.ts'
import { formatDate, type WorkingCalendar } from '../../platform/calendar/calendar.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import type { Db } from '../../platform/db/client.ts'
import { appError } from '../../platform/http/errors.ts'
import type { RuleSet } from '../../platform/rules/rules.definitions.ts'
import { computeDeadline, type Deadline } from '../../platform/rules/rules.service.ts'
import { throwIfAny } from '../partnership/agencies.problems.ts'
import { TEXT_MAX } from './incident.service.ts'
import { futureProblem } from './reviews.dates.ts'
import { lockedCase } from './reviews.repository.ts'
import { type ReviewCase, type ReviewDecision, reviewCases, reviewDecisions } from './reviews.table.ts'

// The safeguarding partners' decision after the rapid review: a local child safeguarding practice
// review, a referral for a national review, a single-agency or other learning review, or no
// further review. It may be changed; each change is audited with what it was before.

export const decisionMessages = {
  choose: 'Select what the safeguarding partners decided',
  rationale: 'Enter the reason for the decision',
  rationaleLength: 'The reason for the decision must be 10,000 characters or fewer',
  date: 'Enter the date of the decision',
  /** Once the report is published, what was decided is part of the public record. */
  published: (publishedOn: string) =>
    `The review was published on ${formatDate(publishedOn)}: its decision can no longer change`,
  afterPublication: (publishedOn: string) =>
    `The date of the decision must be on or before the publication (${formatDate(publishedOn)})`,
  rapidReviewFirst:
    'Record the rapid review’s completion first: under Working Together 2023 the partners decide after the rapid review',
}

export const isReviewDecision = (value: string): value is ReviewDecision =>
  (reviewDecisions as readonly string[]).includes(value)

export interface DecisionFields {
  decision: ReviewDecision
  rationale: string
  decidedOn: string
}

/** Why the partners cannot decide yet, or null: a Working Together 2023 case needs its rapid review. */
export function decisionRefusal(
  review: Pick<ReviewCase, 'procedure' | 'rapidReviewCompletedOn'>,
): string | null {
  if (review.procedure === 'wt2023' && !review.rapidReviewCompletedOn)
    return decisionMessages.rapidReviewFirst
  return null
}

/**
 * Records or changes the decision: a rationale is required, and the date may be neither in the
 * future nor before the rapid review's completion. Once the review is published its kind of
 * decision is fixed and the date may not come after the publication. Saving the same decision
 * again changes nothing.
 */
export async function recordDecision(db: Db, change: ChangeContext, caseId: string, input: DecisionFields) {
  const today = londonDate(change.now)
  return db.transaction(async (tx) => {
    const review = await lockedCase(tx, change.partnershipId, caseId)
    const refusal = decisionRefusal(review)
    if (refusal) throw appError('rapid_review_first', refusal, 409)
    const problems: Record<string, string> = {}
    if (!isReviewDecision(input.decision)) problems.decision = decisionMessages.choose
    else if (review.publishedOn && review.decision && input.decision !== review.decision) {
      problems.decision = decisionMessages.published(review.publishedOn)
    }
    const rationale = input.rationale.trim()
    if (!rationale) problems.decisionRationale = decisionMessages.rationale
    else if (rationale.length > TEXT_MAX) problems.decisionRationale = decisionMessages.rationaleLength
    const future = futureProblem(input.decidedOn, today, 'the date of the decision')
    if (future) problems.decidedOn = future
    else if (review.rapidReviewCompletedOn && input.decidedOn < review.rapidReviewCompletedOn) {
      problems.decidedOn = `The date of the decision must be on or after the rapid review’s completion (${formatDate(review.rapidReviewCompletedOn)})`
    } else if (review.publishedOn && input.decidedOn > review.publishedOn) {
      problems.decidedOn = decisionMessages.afterPublication(review.publishedOn)
    }
    throwIfAny(problems)
    const after = { decision: input.decision, decisionRationale: rationale, decidedOn: input.decidedOn }
    const diff = fieldChanges(review, after, ['decision', 'decisionRationale', 'decidedOn'])
    if (diff.changed.length === 0) return review
    const [saved] = await tx.update(reviewCases).set(after).where(eq(reviewCases.id, review.id)).returning()
    await auditChange(
      tx,
      change,
      { type: 'review_case', id: review.id },
      'review.decided',
      { decision: review.decision, decisionRationale: review.decisionRationale, decidedOn: review.decidedOn },
      after,
    )
    return saved!
  })
}

/** When a local review must be published: localReviewPublishWithin from the decision. */
export function publicationTarget(rules: RuleSet, decidedOn: string, calendar: WorkingCalendar): Deadline {
  return computeDeadline(rules, 'localReviewPublishWithin', decidedOn, calendar)
}
