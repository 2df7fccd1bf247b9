import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { auditChange, type ChangeContext, fieldChanges } from '../../platform/audit/audit.service.ts'
import { formatDate } from '../../platform/calendar/dates.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import type { Db } from '../../platform/db/client.ts'
import { appError } from '../../platform/http/errors.ts'
import { FieldProblems, throwIfAny } from '../partnership/agencies.problems.ts'
import { futureProblem } from './reviews.dates.ts'
import { lockedCase } from './reviews.repository.ts'
import { mustBeSent, reviewingDecisions } from './reviews.rules.ts'
import { type ReviewCase, type ReviewSendRecipient, reviewCases, reviewSends } from './reviews.table.ts'

// Publishing a review's report, and sending it to the national panel and Foundations. Each change
// is audited in its transaction: `review.published` on the case, `review_send` on each send.

export const publicationMessages = {
  notReviewing: 'A report is published once the partners have decided on a review',
  notRequired: 'This review’s report does not have to be sent to the national panel and Foundations',
  publishFirst: 'Record the publication first',
}

export interface PublicationInput {
  publishedOn: string
  publishedTitle: string
  publicationUrl: string
}

/** Whether the case has a report of its own to publish: a review was decided, or it is a handed-over SCR. */
export function hasReport(review: Pick<ReviewCase, 'procedure' | 'decision'>): boolean {
  return (
    review.procedure === 'scr2015' ||
    (reviewingDecisions as readonly string[]).includes(review.decision ?? '')
  )
}

/** What is wrong with a publication date, or null: today or earlier, not before the decision or the final report. */
export function publicationDateProblem(
  review: Pick<ReviewCase, 'decidedOn' | 'finalReportOn'>,
  publishedOn: string,
  today: string,
): string | null {
  const future = futureProblem(publishedOn, today, 'the publication date')
  if (future) return future
  if (review.decidedOn && publishedOn < review.decidedOn) {
    return `The report cannot be published before the decision to review on ${formatDate(review.decidedOn)}`
  }
  if (review.finalReportOn && publishedOn < review.finalReportOn) {
    return `The report cannot be published before the final report on ${formatDate(review.finalReportOn)}`
  }
  return null
}

/**
 * Records (or corrects) the publication: date, published title and link. A date after a send
 * already recorded is refused, so every send stays on or after publication.
 */
export async function publishReview(
  db: Db,
  change: ChangeContext,
  caseId: string,
  input: PublicationInput,
): Promise<{ changed: boolean }> {
  const today = londonDate(change.now)
  return db.transaction(async (tx) => {
    const review = await lockedCase(tx, change.partnershipId, caseId)
    if (!hasReport(review)) throw appError('not_reviewing', publicationMessages.notReviewing, 409)
    const problems: Record<string, string> = {}
    const dateProblem = publicationDateProblem(review, input.publishedOn, today)
    if (dateProblem) problems.publishedOn = dateProblem
    else {
      const sends = await tx
        .select({ sentOn: reviewSends.sentOn })
        .from(reviewSends)
        .where(eq(reviewSends.caseId, review.id))
      const first = sends.map((s) => s.sentOn).sort()[0]
      if (first && input.publishedOn > first) {
        problems.publishedOn = `The report was sent on ${formatDate(first)}: it cannot have been published after that`
      }
    }
    if (!input.publishedTitle.trim()) problems.publishedTitle = 'Enter the published title'
    throwIfAny(problems)
    const after = {
      publishedOn: input.publishedOn,
      publishedTitle: input.publishedTitle.trim(),
      publicationUrl: input.publicationUrl.trim() || null,
    }
    const diff = fieldChanges(review, after, ['publishedOn', 'publishedTitle', 'publicationUrl'])
    if (diff.changed.length === 0) return { changed: false }
    await tx.update(reviewCases).set(after).where(eq(reviewCases.id, review.id))
    await auditChange(
      tx,
      change,
      { type: 'review_case', id: review.id },
      'review.published',
      diff.before,
      diff.after,
    )
    return { changed: true }
  })
}

/** What is wrong with a send's date, or null. */
export function sendDateProblem(publishedOn: string | null, sentOn: string, today: string): string | null {
  if (!publishedOn) return publicationMessages.publishFirst
  if (sentOn < publishedOn) {
    return `The report cannot be sent before it was published on ${formatDate(publishedOn)}`
  }
  const future = futureProblem(sentOn, today, 'the date it was sent')
  if (future) return future
  return null
}

/**
 * Records when the report was sent to one recipient; recording it again corrects the date
 * (audited as a correction). Refused when the case need not be sent, is not published, or the
 * date is before publication or in the future.
 */
export async function recordSend(
  db: Db,
  change: ChangeContext,
  caseId: string,
  recipient: ReviewSendRecipient,
  sentOn: string,
): Promise<{ changed: boolean }> {
  const today = londonDate(change.now)
  return db.transaction(async (tx) => {
    const review = await lockedCase(tx, change.partnershipId, caseId)
    if (!mustBeSent(review)) throw appError('not_required', publicationMessages.notRequired, 409)
    const problem = sendDateProblem(review.publishedOn, sentOn, today)
    if (problem) throw new FieldProblems({ sentOn: problem })
    const [existing] = await tx
      .select()
      .from(reviewSends)
      .where(and(eq(reviewSends.caseId, review.id), eq(reviewSends.recipient, recipient)))
    if (existing) {
      if (existing.sentOn === sentOn) return { changed: false }
      await tx.update(reviewSends).set({ sentOn }).where(eq(reviewSends.id, existing.id))
      await auditChange(
        tx,
        change,
        { type: 'review_send', id: existing.id },
        'correct',
        { sentOn: existing.sentOn },
        { sentOn },
      )
      return { changed: true }
    }
    const id = randomUUID()
    await tx.insert(reviewSends).values({
      id,
      partnershipId: change.partnershipId,
      caseId: review.id,
      recipient,
      sentOn,
      createdById: change.actorId,
      createdAt: change.now,
    })
    await auditChange(tx, change, { type: 'review_send', id }, 'record', null, {
      caseId: review.id,
      recipient,
      sentOn,
    })
    return { changed: true }
  })
}
