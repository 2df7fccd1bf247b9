import { and, asc, eq, type SQL } from 'drizzle-orm'
import { createCalendarRepository } from '../../platform/calendar/calendar.repository.ts'
import type { WorkingCalendar } from '../../platform/calendar/calendar.ts'
import type { DbOrTx } from '../../platform/db/client.ts'
import type { RuleSet } from '../../platform/rules/rules.definitions.ts'
import { getRuleSet } from '../../platform/rules/rules.service.ts'
import { agencies } from '../partnership/structure.table.ts'
import { type ReviewViewer, visibleReviewRecords } from './reviews.access.ts'
import {
  type CaseDeadline,
  caseDeadlines,
  dayTimeliness,
  milestoneDoneOn,
  nextDeadline,
  type ReviewStage,
  repeatsStatutoryDeadline,
  reviewStage,
} from './reviews.rules.ts'
import {
  type ReviewCase,
  type ReviewSendRecipient,
  reviewCases,
  reviewInformationRequests,
  reviewMilestones,
  reviewSends,
} from './reviews.table.ts'

/** A case with its stage, every dated step (statutory, agency information, milestones) and the next one due. */
export interface CaseSummary {
  review: ReviewCase
  stage: ReviewStage
  sends: Map<ReviewSendRecipient, string>
  deadlines: CaseDeadline[]
  next: CaseDeadline | null
}

export interface SummaryContext {
  rules: RuleSet
  calendar: WorkingCalendar
  today: string
}

export async function summaryContext(
  db: DbOrTx,
  partnershipId: string,
  today: string,
): Promise<SummaryContext> {
  const [rules, calendar] = await Promise.all([
    getRuleSet(db, partnershipId),
    createCalendarRepository(db).calendarFor(partnershipId),
  ])
  return { rules, calendar, today }
}

/**
 * The partnership's cases whose records the viewer may see (every case when `viewer` is null: for
 * the sweep and the example), each with its stage and deadlines. Four set-based queries whatever
 * the number of cases; `only` narrows them to one case, `where` narrows the cases further.
 * `rows`: the cases already read (and checked by the caller), not read again.
 */
export async function caseSummaries(
  db: DbOrTx,
  partnershipId: string,
  viewer: ReviewViewer | null,
  context: SummaryContext,
  options: { only?: string; where?: SQL; rows?: ReviewCase[] } = {},
): Promise<CaseSummary[]> {
  const { only, where, rows } = options
  const mine = eq(reviewCases.partnershipId, partnershipId)
  const visible = viewer ? visibleReviewRecords(viewer) : undefined
  const [cases, sends, requests, milestones] = await Promise.all([
    rows ??
      db
        .select()
        .from(reviewCases)
        .where(and(mine, visible, where, only ? eq(reviewCases.id, only) : undefined))
        .orderBy(asc(reviewCases.reference)),
    db
      .select({ caseId: reviewSends.caseId, recipient: reviewSends.recipient, sentOn: reviewSends.sentOn })
      .from(reviewSends)
      .where(
        and(eq(reviewSends.partnershipId, partnershipId), only ? eq(reviewSends.caseId, only) : undefined),
      ),
    db
      .select({
        id: reviewInformationRequests.id,
        caseId: reviewInformationRequests.caseId,
        agencyName: agencies.name,
        dueOn: reviewInformationRequests.dueOn,
        receivedOn: reviewInformationRequests.receivedOn,
      })
      .from(reviewInformationRequests)
      .innerJoin(agencies, eq(agencies.id, reviewInformationRequests.agencyId))
      .where(
        and(
          eq(reviewInformationRequests.partnershipId, partnershipId),
          only ? eq(reviewInformationRequests.caseId, only) : undefined,
        ),
      )
      .orderBy(asc(reviewInformationRequests.dueOn), asc(agencies.name)),
    db
      .select({
        id: reviewMilestones.id,
        caseId: reviewMilestones.caseId,
        title: reviewMilestones.title,
        dueOn: reviewMilestones.dueOn,
        doneOn: reviewMilestones.doneOn,
      })
      .from(reviewMilestones)
      .where(
        and(
          eq(reviewMilestones.partnershipId, partnershipId),
          only ? eq(reviewMilestones.caseId, only) : undefined,
        ),
      )
      .orderBy(asc(reviewMilestones.position)),
  ])
  const { rules, calendar, today } = context
  const sendsOf = new Map<string, Map<ReviewSendRecipient, string>>()
  for (const s of sends) {
    const map = sendsOf.get(s.caseId) ?? new Map()
    map.set(s.recipient, s.sentOn)
    sendsOf.set(s.caseId, map)
  }
  const extraOf = new Map<string, CaseDeadline[]>()
  const addExtra = (caseId: string, step: CaseDeadline) => {
    const list = extraOf.get(caseId) ?? []
    list.push(step)
    extraOf.set(caseId, list)
  }
  for (const r of requests) {
    addExtra(r.caseId, {
      key: `information_${r.id}`,
      label: `Information from ${r.agencyName}`,
      due: r.dueOn,
      explanation: 'The date given when the information was requested',
      doneOn: r.receivedOn,
      ...dayTimeliness(r.dueOn, r.receivedOn, today, calendar),
    })
  }
  const milestonesOf = new Map<string, (typeof milestones)[number][]>()
  for (const m of milestones) {
    const list = milestonesOf.get(m.caseId) ?? []
    list.push(m)
    milestonesOf.set(m.caseId, list)
  }
  /**
   * A case's milestones as deadlines. The standard "Publication" milestone is met by publishing;
   * where the rule already gives a publication deadline (a local review) it is that deadline, so
   * it is not listed twice.
   */
  const milestoneSteps = (review: ReviewCase, statutory: readonly CaseDeadline[]): CaseDeadline[] => {
    return (milestonesOf.get(review.id) ?? [])
      .filter((m) => !repeatsStatutoryDeadline(m, statutory))
      .map((m) => {
        const doneOn = milestoneDoneOn(m, review)
        return {
          key: `milestone_${m.id}`,
          label: m.title,
          due: m.dueOn,
          explanation: 'The milestone’s due date',
          doneOn,
          ...dayTimeliness(m.dueOn, doneOn, today, calendar),
        }
      })
  }
  return cases.map((review) => {
    const caseSends = sendsOf.get(review.id) ?? new Map<ReviewSendRecipient, string>()
    const stage = reviewStage(review, caseSends.size)
    const statutory = caseDeadlines(review, caseSends, rules, calendar, today)
    const deadlines = [
      ...statutory,
      ...(extraOf.get(review.id) ?? []),
      ...milestoneSteps(review, statutory),
    ].sort((a, b) => a.due.localeCompare(b.due))
    return {
      review,
      stage,
      sends: caseSends,
      deadlines,
      next: stage === 'closed' ? null : nextDeadline(deadlines),
    }
  })
}

/** One case's summary (any viewer: access is checked by reviewFromUrl before this is called). */
export async function caseSummary(
  db: DbOrTx,
  review: ReviewCase,
  context: SummaryContext,
  options: { reread?: boolean } = {},
): Promise<CaseSummary> {
  const rows = options.reread === false ? [review] : undefined
  const [summary] = await caseSummaries(db, review.partnershipId, null, context, { only: review.id, rows })
  return summary!
}
