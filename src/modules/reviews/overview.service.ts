import { and, eq, isNull } from 'drizzle-orm'
import { formatDate } from '../../platform/calendar/dates.ts'
import type { DbOrTx } from '../../platform/db/client.ts'
import { timelinessTag } from '../meetings/deadlines.ts'
import { londonDay } from '../partnership/agencies.problems.ts'
import { people } from '../partnership/structure.table.ts'
import { markStateText, type TimelineRow, timelineChart, timelineSummary } from './overview.chart.ts'
import { type ReviewViewer, seesEveryReview } from './reviews.access.ts'
import {
  decisionLabels,
  procedureLabels,
  reviewPath,
  reviewsPath,
  stageColours,
  stageLabels,
} from './reviews.labels.ts'
import { type CaseSummary, caseSummaries, summaryContext } from './reviews.queries.ts'
import { type CaseDeadline, type ReviewStage, reviewStages } from './reviews.rules.ts'
import { reviewPanelMembers } from './reviews.table.ts'

/**
 * The reviews overview: the board (every case the viewer may see, by stage, with its next
 * deadline and a timeline) and the annual report's figures. Both are for the business team, the
 * partners and panel members, and show only the cases whose records the viewer may see.
 *
 * The annual report runs April to March: the Thurrock arrangements present it "in the autumn of
 * each year", with the business plan and finances on the financial year, as the national
 * guidance for the yearly report expects. A year is named by the April it starts in.
 */

export interface ReportingYear {
  start: number
  from: string
  to: string
  label: string
}

export function reportingYear(start: number): ReportingYear {
  return {
    start,
    from: `${start}-04-01`,
    to: `${start + 1}-03-31`,
    label: `April ${start} to March ${start + 1}`,
  }
}

/** The reporting year a day falls in (named by its April). */
export const yearOf = (day: string) => Number(day.slice(0, 4)) - (day.slice(5, 7) < '04' ? 1 : 0)

/** The last reporting year that has ended by `today`. */
export const lastCompleteYear = (today: string) => yearOf(today) - 1

export const within = (day: string | null | undefined, year: ReportingYear) =>
  !!day && day >= year.from && day <= year.to

/** When a case started: the day the local authority became aware, or the day it was recorded. */
export const caseStart = (s: CaseSummary) => s.review.becameAwareOn ?? londonDay(s.review.createdAt)

/** When a case's work ended: publication, closure, or a decision of no further review; null while open. */
export function caseEnd(s: CaseSummary): string | null {
  const r = s.review
  return r.publishedOn ?? r.closedOn ?? (s.stage === 'closed' ? r.decidedOn : null)
}

/** The case was open at some time in the year. */
export function activeIn(s: CaseSummary, year: ReportingYear): boolean {
  const end = caseEnd(s)
  return caseStart(s) <= year.to && (end === null || end >= year.from)
}

/** Whether the viewer may use the overview: the business team, the partners, or a member of any panel. */
export async function mayUseOverview(db: DbOrTx, partnershipId: string, viewer: ReviewViewer) {
  if (seesEveryReview(viewer.role)) return true
  if (!viewer.userId) return false
  const [seat] = await db
    .select({ id: reviewPanelMembers.id })
    .from(reviewPanelMembers)
    .innerJoin(people, eq(people.id, reviewPanelMembers.personId))
    .where(
      and(
        eq(reviewPanelMembers.partnershipId, partnershipId),
        eq(people.userId, viewer.userId),
        isNull(reviewPanelMembers.removedAt),
      ),
    )
    .limit(1)
  return Boolean(seat)
}

export interface OverviewInput {
  partnershipId: string
  slug: string
  viewer: ReviewViewer
  today: string
  query: Record<string, unknown>
}

export type Problems = { list: { text: string; href: string }[]; fields: Record<string, { text: string }> }

export function readYear(value: unknown, problems: Problems): number | null {
  if (value === undefined || value === '') return null
  const text = String(value)
  if (/^\d{4}$/.test(text) && Number(text) >= 2000 && Number(text) <= 2100) return Number(text)
  const message = 'Choose a reporting year, like 2025 for April 2025 to March 2026'
  problems.list.push({ text: message, href: '#year' })
  problems.fields.year = { text: message }
  return null
}

function readStage(value: unknown, problems: Problems): ReviewStage | null {
  if (value === undefined || value === '') return null
  if ((reviewStages as readonly unknown[]).includes(value)) return value as ReviewStage
  const message = 'Choose a stage from the list'
  problems.list.push({ text: message, href: '#stage' })
  problems.fields.stage = { text: message }
  return null
}

export const deadlineView = (d: CaseDeadline) => ({
  label: d.label,
  due: formatDate(d.due),
  doneOn: d.doneOn ? formatDate(d.doneOn) : null,
  explanation: d.explanation,
  tag: timelinessTag(d),
})

const markState = (d: CaseDeadline) =>
  d.timeliness === 'on_time' ? 'met' : d.timeliness === 'due' ? 'due' : ('missed' as const)

/** The years the filter offers: from the earliest case to the current year, newest first. */
export function yearItems(
  summaries: CaseSummary[],
  today: string,
  chosen: number | null,
  all: string | null,
) {
  const last = yearOf(today)
  const first = Math.min(last - 1, ...summaries.map((s) => yearOf(caseStart(s))))
  const items: { value: string; text: string; selected?: boolean }[] = all ? [{ value: '', text: all }] : []
  for (let y = last; y >= first; y--) {
    items.push({ value: String(y), text: reportingYear(y).label, selected: y === chosen })
  }
  return items
}

/** The board: cases by stage with their next deadline, counts, and the timeline with its table. */
export async function boardPage(db: DbOrTx, input: OverviewInput) {
  const { partnershipId, slug, viewer, today, query } = input
  const problems: Problems = { list: [], fields: {} }
  const stage = readStage(query.stage, problems)
  const yearStart = readYear(query.year, problems)
  const year = yearStart === null ? null : reportingYear(yearStart)
  const context = await summaryContext(db, partnershipId, today)
  const all = await caseSummaries(db, partnershipId, viewer, context)
  const inPeriod = year ? all.filter((s) => activeIn(s, year)) : all
  const shown = stage ? inPeriod.filter((s) => s.stage === stage) : inPeriod
  const boardHref = `${reviewsPath(slug)}/board`
  const href = (params: Record<string, string | number | null>) => {
    const search = new URLSearchParams()
    for (const [k, v] of Object.entries(params)) if (v !== null && v !== '') search.set(k, String(v))
    const text = search.toString()
    return text ? `${boardHref}?${text}` : boardHref
  }
  const card = (s: CaseSummary) => ({
    id: s.review.id,
    reference: s.review.reference,
    href: reviewPath(slug, s.review.id),
    procedure: s.review.procedure === 'scr2015' ? procedureLabels.scr2015 : null,
    decision: s.review.decision ? decisionLabels[s.review.decision] : null,
    next: s.next ? deadlineView(s.next) : null,
  })
  const stages = reviewStages.map((key) => {
    const cases = inPeriod.filter((s) => s.stage === key)
    return {
      key,
      label: stageLabels[key],
      colour: stageColours[key],
      count: cases.length,
      href: href({ stage: key, year: yearStart }),
      shown: !stage || stage === key,
      cases: cases.map(card),
    }
  })
  const rows: (TimelineRow & {
    href: string
    ended: boolean
    deadlines: ReturnType<typeof deadlineView>[]
  })[] = [...shown]
    .sort(
      (a, b) =>
        caseStart(a).localeCompare(caseStart(b)) || a.review.reference.localeCompare(b.review.reference),
    )
    .map((s) => {
      const start = caseStart(s)
      const end = caseEnd(s)
      return {
        reference: s.review.reference,
        href: reviewPath(slug, s.review.id),
        start,
        end: end && end >= start ? end : today < start ? start : today,
        ended: end !== null,
        marks: s.deadlines.map((d) => ({ label: d.label, due: d.due, state: markState(d) })),
        deadlines: s.deadlines.map(deadlineView),
      }
    })
  const period = year ? year.label : 'every year'
  const chart = timelineChart({
    id: 'timeline',
    title: `Timeline of cases, ${period}`,
    summary: timelineSummary(rows, today),
    rows,
    today,
  })
  return {
    errors: problems.list.length ? problems : null,
    values: { stage: stage ?? '', year: yearStart === null ? '' : String(yearStart) },
    period,
    total: shown.length,
    stages,
    stageItems: [
      { value: '', text: 'Every stage' },
      ...reviewStages.map((key) => ({ value: key, text: stageLabels[key], selected: key === stage })),
    ],
    yearItems: yearItems(all, today, yearStart, 'Every year'),
    filtered: stage !== null || year !== null,
    boardHref,
    reportHref: `${reviewsPath(slug)}/report${yearStart === null ? '' : `?year=${yearStart}`}`,
    chart,
    timeline: rows.map((r) => ({
      reference: r.reference,
      href: r.href,
      start: formatDate(r.start),
      end: r.ended ? formatDate(r.end) : null,
      deadlines: r.deadlines.map((d, i) => ({ ...d, state: markStateText[r.marks[i]!.state] })),
    })),
  }
}
