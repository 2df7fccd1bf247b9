import { and, count, eq, isNotNull, isNull, min, sql } from 'drizzle-orm'
import { formatDate } from '../../platform/calendar/dates.ts'
import type { DbOrTx } from '../../platform/db/client.ts'
import { timelinessTag } from '../meetings/deadlines.ts'
import { agencies } from '../partnership/structure.table.ts'
import { decisionLabels, reviewPath } from './reviews.labels.ts'
import type { CaseSummary } from './reviews.queries.ts'
import { type CaseDeadline, mustBeSent, reviewingDecisions } from './reviews.rules.ts'
import {
  reviewInformationRequests,
  reviewPanelMembers,
  reviewPartnerNotices,
  reviewRecommendationActions,
  reviewRecommendations,
} from './reviews.table.ts'

/**
 * A case's overview as a GOV.UK task list (the steps of the review, each with its status and the
 * tab where it is done) and an MOJ timeline (what has happened, newest first). Both are computed
 * from the case's dates and a few counts, never stored.
 */

/** The counts the task list needs beyond the case's own dates: one query. */
export interface CaseFacts {
  partners: number
  partnersTold: number
  firstToldOn: string | null
  requests: number
  requestsReceived: number
  panel: number
  recommendations: number
  recommendationsWithActions: number
}

export async function caseFacts(db: DbOrTx, partnershipId: string, caseId: string): Promise<CaseFacts> {
  const n = (query: ReturnType<typeof sql>) => sql<number>`(${query})`.mapWith(Number)
  const [row] = await db
    .select({
      partners: n(
        sql`select ${count()} from ${agencies} where ${and(eq(agencies.partnershipId, partnershipId), isNotNull(agencies.statutoryRole))}`,
      ),
      partnersTold: n(
        sql`select ${count()} from ${reviewPartnerNotices} where ${eq(reviewPartnerNotices.caseId, caseId)}`,
      ),
      firstToldOn: sql<
        string | null
      >`(select ${min(reviewPartnerNotices.toldOn)} from ${reviewPartnerNotices} where ${eq(reviewPartnerNotices.caseId, caseId)})`,
      requests: n(
        sql`select ${count()} from ${reviewInformationRequests} where ${eq(reviewInformationRequests.caseId, caseId)}`,
      ),
      requestsReceived: n(
        sql`select ${count()} from ${reviewInformationRequests} where ${and(eq(reviewInformationRequests.caseId, caseId), isNotNull(reviewInformationRequests.receivedOn))}`,
      ),
      panel: n(
        sql`select ${count()} from ${reviewPanelMembers} where ${and(eq(reviewPanelMembers.caseId, caseId), isNull(reviewPanelMembers.removedAt))}`,
      ),
      recommendations: n(
        sql`select ${count()} from ${reviewRecommendations} where ${eq(reviewRecommendations.caseId, caseId)}`,
      ),
      recommendationsWithActions: n(
        sql`select count(distinct ${reviewRecommendationActions.recommendationId}) from ${reviewRecommendationActions}
          join ${reviewRecommendations} on ${reviewRecommendations.id} = ${reviewRecommendationActions.recommendationId}
          where ${eq(reviewRecommendations.caseId, caseId)}`,
      ),
    })
    .from(sql`(select 1) as one`)
  return row as CaseFacts
}

type Status = { text: string; classes?: string } | { tag: { text: string; classes: string } }

export interface TaskItem {
  title: { text: string }
  hint?: { text: string }
  href?: string
  status: Status
}

const completed: Status = { text: 'Completed' }
const notStarted: Status = { tag: { text: 'Not yet started', classes: 'govuk-tag--blue' } }
const inProgress: Status = { tag: { text: 'In progress', classes: 'govuk-tag--light-blue' } }
const cannotStart: Status = { text: 'Cannot start yet', classes: 'govuk-task-list__status--cannot-start-yet' }

/** A step with a deadline: completed when done, else its due date or how overdue it is. */
const byDeadline = (step: CaseDeadline | undefined, fallback: Status): Status => {
  if (!step) return fallback
  if (step.doneOn) return completed
  return { tag: timelinessTag(step) }
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

/** The steps of the case in order, each with its status and the tab that does it. */
export function caseTasks(slug: string, summary: CaseSummary, facts: CaseFacts): TaskItem[] {
  const { review, deadlines } = summary
  const step = (key: string) => deadlines.find((d) => d.key === key)
  const tab = (path: string) => `${reviewPath(slug, review.id)}${path}`
  const task = (title: string, path: string | null, status: Status, hint?: string): TaskItem => ({
    title: { text: title },
    ...(hint ? { hint: { text: hint } } : {}),
    ...(path && status !== cannotStart ? { href: tab(path) } : {}),
    status,
  })
  const tasks: TaskItem[] = []
  if (review.procedure === 'wt2023') {
    const notified = Boolean(review.notifiedOn)
    tasks.push(
      task('Notify the national panel', '/incident', byDeadline(step('notification'), notStarted)),
      task(
        'Tell the safeguarding partners',
        '/incident',
        facts.partners > 0 && facts.partnersTold >= facts.partners
          ? completed
          : facts.partnersTold > 0
            ? inProgress
            : notStarted,
        `${facts.partnersTold} of ${facts.partners} told`,
      ),
      task(
        'Ask agencies for information',
        '/incident',
        facts.requests === 0
          ? notified
            ? notStarted
            : cannotStart
          : facts.requestsReceived === facts.requests
            ? completed
            : inProgress,
        facts.requests
          ? `${facts.requestsReceived} of ${plural(facts.requests, 'request', 'requests')} answered`
          : undefined,
      ),
      task(
        'Complete the rapid review',
        '/incident',
        notified ? byDeadline(step('rapid_review'), notStarted) : cannotStart,
      ),
      task(
        'Record the partners’ decision',
        '/decision',
        review.decision ? completed : review.rapidReviewCompletedOn ? notStarted : cannotStart,
        review.decision ? decisionLabels[review.decision] : undefined,
      ),
    )
    if (!review.decision || review.decision === 'no_further_review') return tasks
  }
  const reviewing =
    review.procedure === 'scr2015' ||
    (reviewingDecisions as readonly string[]).includes(review.decision ?? '')
  if (!reviewing) return tasks
  const details = [review.termsOfReference, review.reviewerName].filter(Boolean).length
  tasks.push(
    task(
      'Agree the terms of reference and appoint the reviewer',
      '/review',
      details === 2 ? completed : details === 1 ? inProgress : notStarted,
    ),
    task(
      'Build the panel',
      '/panel',
      facts.panel > 0 ? completed : notStarted,
      facts.panel > 0 ? plural(facts.panel, 'member', 'members') : undefined,
    ),
    task(
      'Publish the report',
      '/publication',
      review.publishedOn ? completed : byDeadline(step('publication'), notStarted),
      review.publishedOn ? `Published ${formatDate(review.publishedOn)}` : undefined,
    ),
  )
  if (mustBeSent(review)) {
    const sends = deadlines.filter((d) => d.key.startsWith('send_'))
    const open = sends.filter((d) => !d.doneOn).sort((a, b) => a.due.localeCompare(b.due))[0]
    tasks.push(
      task(
        'Send the report to the national panel and Foundations',
        '/publication',
        !review.publishedOn ? cannotStart : open ? { tag: timelinessTag(open) } : completed,
      ),
    )
  }
  tasks.push(
    task(
      'Turn the recommendations into actions',
      '/learning',
      facts.recommendations === 0
        ? notStarted
        : facts.recommendationsWithActions === facts.recommendations
          ? completed
          : inProgress,
      facts.recommendations
        ? `${facts.recommendationsWithActions} of ${plural(facts.recommendations, 'recommendation', 'recommendations')} with actions`
        : undefined,
    ),
  )
  return tasks
}

export interface TimelineItem {
  label: { text: string }
  datetime: { timestamp: string }
  text: string
}

/** What has happened to the case, newest first, for the MOJ timeline. */
export function caseTimeline(summary: CaseSummary, facts: Pick<CaseFacts, 'firstToldOn'>): TimelineItem[] {
  const { review, sends } = summary
  const events: [string | null, string, string][] = [
    [review.becameAwareOn, 'The local authority became aware', 'Of a serious incident.'],
    [review.notifiedOn, 'National panel notified', 'The serious incident notification was sent.'],
    [facts.firstToldOn, 'Safeguarding partners told', 'The first of the partners was told.'],
    [review.rapidReviewMeetingOn, 'Rapid review meeting', ''],
    [review.rapidReviewCompletedOn, 'Rapid review completed', ''],
    [review.panelResponseOn, 'The national panel responded', ''],
    [review.decidedOn, 'The partners decided', review.decision ? `${decisionLabels[review.decision]}.` : ''],
    [review.finalReportOn, 'Final report received', ''],
    [review.publishedOn, 'Published', review.publishedTitle ?? ''],
    [sends.get('national_panel') ?? null, 'Sent to the national panel', ''],
    [sends.get('foundations') ?? null, 'Sent to Foundations', ''],
    [review.closedOn, 'Closed', review.closedReason ?? ''],
  ]
  return events
    .filter((e): e is [string, string, string] => e[0] !== null)
    .map(([day, label, text], order) => ({ day, order, label, text }))
    .sort((a, b) => b.day.localeCompare(a.day) || b.order - a.order)
    .map(({ day, label, text }) => ({ label: { text: label }, datetime: { timestamp: day }, text }))
}
