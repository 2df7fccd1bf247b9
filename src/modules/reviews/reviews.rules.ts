import type { WorkingCalendar } from '../../platform/calendar/calendar.ts'
import type { RuleSet } from '../../platform/rules/rules.definitions.ts'
import { computeDeadline } from '../../platform/rules/rules.service.ts'
import type { Timeliness } from '../meetings/deadlines.ts'
import type { ReviewCase, ReviewSendRecipient } from './reviews.table.ts'

/**
 * Where a case stands, computed from its dates (never typed): the serious incident waiting to be
 * notified, the rapid review, the partners' decision, the review, the sends after publication,
 * and closed. A Serious Case Review handed over under the 2015 procedure starts at the review.
 */
export const reviewStages = [
  'notification',
  'rapid_review',
  'decision',
  'review',
  'sending',
  'closed',
] as const
export type ReviewStage = (typeof reviewStages)[number]

/** The decisions that lead to a review of our own, with a report to publish. */
export const reviewingDecisions = [
  'local_review',
  'national_review',
  'single_agency',
  'other_learning',
] as const

export type StageFields = Pick<
  ReviewCase,
  'procedure' | 'notifiedOn' | 'rapidReviewCompletedOn' | 'decision' | 'publishedOn' | 'closedOn'
>

/** Whether a published report of this case must go to the national panel and Foundations. */
export function mustBeSent(c: Pick<ReviewCase, 'procedure' | 'decision'>): boolean {
  return c.procedure === 'scr2015' || c.decision === 'local_review'
}

export function reviewStage(c: StageFields, sentCount: number): ReviewStage {
  if (c.closedOn) return 'closed'
  if (c.procedure === 'wt2023') {
    if (!c.notifiedOn) return 'notification'
    if (!c.rapidReviewCompletedOn) return 'rapid_review'
    if (!c.decision) return 'decision'
    if (c.decision === 'no_further_review') return 'closed'
  }
  if (!c.publishedOn) return 'review'
  if (mustBeSent(c) && sentCount < 2) return 'sending'
  return 'closed'
}

/** One dated step of a case, with its explanation and where it stands today. */
export interface CaseDeadline {
  key: string
  label: string
  due: string
  explanation: string
  doneOn: string | null
  timeliness: Exclude<Timeliness, 'waiting'>
  /** Working days late (done late, or overdue today); 0 otherwise. */
  lateBy: number
}

/** Where a dated step stands on `today`: done on time or late, due, or overdue. */
export function dayTimeliness(
  due: string,
  doneOn: string | null,
  today: string,
  calendar: WorkingCalendar,
): Pick<CaseDeadline, 'timeliness' | 'lateBy'> {
  if (doneOn) {
    return doneOn <= due
      ? { timeliness: 'on_time', lateBy: 0 }
      : { timeliness: 'late', lateBy: Math.max(1, calendar.workingDaysBetween(due, doneOn)) }
  }
  return today > due
    ? { timeliness: 'overdue', lateBy: Math.max(1, calendar.workingDaysBetween(due, today)) }
    : { timeliness: 'due', lateBy: 0 }
}

export const sendLabels: Record<ReviewSendRecipient, string> = {
  national_panel: 'Report sent to the national panel',
  foundations: 'Report sent to Foundations (the What Works Centre)',
}

export type DeadlineFields = StageFields &
  Pick<ReviewCase, 'becameAwareOn' | 'decidedOn' | 'decision' | 'procedure'>

/**
 * The statutory deadlines of a case, each from the partnership's rule set: the notification to the
 * national panel (from becoming aware), the rapid review (from the notification), publication of a
 * local review (from the decision) and the two sends (from publication). A step appears once its
 * anchor date is known. Agency information and milestones carry their own dates and are added by
 * the caller.
 */
export function caseDeadlines(
  c: DeadlineFields,
  sends: ReadonlyMap<ReviewSendRecipient, string>,
  rules: RuleSet,
  calendar: WorkingCalendar,
  today: string,
): CaseDeadline[] {
  const steps: CaseDeadline[] = []
  const add = (
    key: string,
    label: string,
    ruleKey: Parameters<typeof computeDeadline>[1],
    anchor: string,
    doneOn: string | null,
  ) => {
    const { date, explanation } = computeDeadline(rules, ruleKey, anchor, calendar)
    steps.push({
      key,
      label,
      due: date,
      explanation,
      doneOn,
      ...dayTimeliness(date, doneOn, today, calendar),
    })
  }
  if (c.procedure === 'wt2023') {
    if (c.becameAwareOn) {
      add(
        'notification',
        'Serious incident notified to the national panel',
        'panelNotificationWithin',
        c.becameAwareOn,
        c.notifiedOn,
      )
    }
    if (c.notifiedOn) {
      add(
        'rapid_review',
        'Rapid review completed',
        'rapidReviewWithin',
        c.notifiedOn,
        c.rapidReviewCompletedOn,
      )
    }
    if (c.decision === 'local_review' && c.decidedOn) {
      add('publication', 'Local review published', 'localReviewPublishWithin', c.decidedOn, c.publishedOn)
    }
  }
  if (c.publishedOn && mustBeSent(c)) {
    for (const recipient of ['national_panel', 'foundations'] as const) {
      add(
        `send_${recipient}`,
        sendLabels[recipient],
        'publishedReviewSentWithin',
        c.publishedOn,
        sends.get(recipient) ?? null,
      )
    }
  }
  return steps
}

/** The earliest deadline not yet met (due or overdue), for the board and the list. */
export function nextDeadline<T extends Pick<CaseDeadline, 'due' | 'doneOn'>>(steps: readonly T[]): T | null {
  let next: T | null = null
  for (const step of steps) {
    if (step.doneOn) continue
    if (!next || step.due < next.due) next = step
  }
  return next
}

const isPublicationMilestone = (title: string) => title.trim().toLowerCase() === 'publication'

/**
 * When a milestone was met: its own date, or for the standard "Publication" milestone the day the
 * report was published (publishing is what meets it, wherever it was recorded).
 */
export function milestoneDoneOn(
  milestone: { title: string; doneOn: string | null },
  review: Pick<ReviewCase, 'publishedOn'>,
): string | null {
  return milestone.doneOn ?? (isPublicationMilestone(milestone.title) ? review.publishedOn : null)
}

/** A "Publication" milestone repeats the rule's publication deadline where there is one. */
export function repeatsStatutoryDeadline(
  milestone: { title: string },
  statutory: readonly { key: string }[],
) {
  return isPublicationMilestone(milestone.title) && statutory.some((d) => d.key === 'publication')
}
