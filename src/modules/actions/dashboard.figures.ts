import { bankHolidays } from '../../platform/calendar/bank-holidays.ts'
import type { ClosureDay, WorkingCalendar } from '../../platform/calendar/calendar.ts'
import { addCalendarDays, formatDate, toUtcMs } from '../../platform/calendar/dates.ts'
import type { RuleSet } from '../../platform/rules/rules.definitions.ts'
import { timelinessOf } from '../meetings/deadlines.ts'
import { meetingTitle } from '../meetings/meetings.labels.ts'
import type {
  attendanceByGroup,
  failuresByAgency,
  firstResponses,
  heldMeetings,
  papersByMeeting,
  RowsOf,
} from './dashboard.queries.ts'
import type { DashboardFilter, dashboardLinks } from './dashboard.service.ts'

// The dashboard's figures from its rows: medians, shares, deadlines and the lists behind them,
// with the partnership's rules and working days.

type Links = ReturnType<typeof dashboardLinks>
type WithAgency<Q> = (RowsOf<Q>[number] & { agencyName: string })[]
type WithGroup<Q> = (RowsOf<Q>[number] & { groupName: string; groupSlug: string })[]

/** The middle value (the mean of the two middle ones for an even count), or null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** A share as a whole percentage, or null when there is nothing to share. */
export const percent = (part: number, whole: number) => (whole ? Math.round((part / whole) * 100) : null)

/** The most meetings a list under a table shows (the latest first); the rest are counted. */
export const LIST_LIMIT = 50

/** A share for a table cell: "67%", or a dash when there is nothing to share. */
export const percentText = (value: number | null) => (value === null ? '–' : `${value}%`)
/** A median for a table cell: whole or to one decimal place, or a dash. */
export const numberText = (value: number | null) =>
  value === null ? '–' : Number.isInteger(value) ? String(value) : value.toFixed(1)

const dayMs = 86_400_000
const calendarDaysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / dayMs)

/**
 * The papers' circulation deadline for a meeting: computeDeadline's date for papersBeforeMeeting
 * (the rule's calendar days before, moved to the working day before when that is a day off),
 * without the explanation the dashboard does not show. The tests hold the two to the same dates.
 */
export function paperDeadline(rules: RuleSet, heldOn: string, calendar: WorkingCalendar): string {
  const counted = addCalendarDays(heldOn, -rules.papersBeforeMeeting)
  return calendar.isWorkingDay(counted) ? counted : calendar.addWorkingDays(counted, -1)
}

/**
 * The partnership's calendar, quick over a range of dates: each day from `from` to `to` is looked
 * at once and the working days numbered, so that counting working days between two dates, or
 * adding some to a date, is a lookup. The dashboard does both for hundreds of dates; asked one
 * by one, the calendar walks the days and weighs every closure day each time. Outside the range
 * (or counting backwards) it asks the calendar itself.
 */
export function rangeCalendar(
  calendar: WorkingCalendar,
  closures: readonly ClosureDay[],
  from: string,
  to: string,
): WorkingCalendar {
  const closed = new Set(closures.map((c) => c.day))
  // ordinal(d): the working days from `from` up to and including d; byOrdinal[k]: the k-th (from 1).
  const ordinal = new Map<string, number>()
  const byOrdinal: string[] = ['']
  const working = new Set<string>()
  for (let ms = toUtcMs(from), end = toUtcMs(to); ms <= end; ms += dayMs) {
    const date = new Date(ms)
    const day = date.toISOString().slice(0, 10)
    const weekday = date.getUTCDay()
    // The calendar's own rule (calendar.ts): weekends, England and Wales bank holidays, closures.
    if (weekday !== 0 && weekday !== 6 && !bankHolidays(date.getUTCFullYear()).has(day) && !closed.has(day)) {
      working.add(day)
      byOrdinal.push(day)
    }
    ordinal.set(day, byOrdinal.length - 1)
  }
  return {
    ...calendar,
    isWorkingDay: (day) => (ordinal.has(day) ? working.has(day) : calendar.isWorkingDay(day)),
    workingDaysBetween(a, b) {
      const x = ordinal.get(a)
      const y = ordinal.get(b)
      return x !== undefined && y !== undefined && b >= a ? y - x : calendar.workingDaysBetween(a, b)
    },
    addWorkingDays(day, n) {
      const x = ordinal.get(day)
      if (x === undefined || n === 0) return calendar.addWorkingDays(day, n)
      // Backwards from a day off, its ordinal is already the working day before it: one fewer.
      const target = n > 0 || working.has(day) ? x + n : x + n + 1
      return (target >= 1 ? byOrdinal[target] : undefined) ?? calendar.addWorkingDays(day, n)
    },
  }
}

/** "2026-03" → "Mar 2026". */
export function monthLabel(month: string): string {
  const [y, m] = month.split('-')
  const names = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
  return `${names[Number(m) - 1] ?? m} ${y}`
}

/** Every month from the one of `from` to the one of `to`, as "YYYY-MM". */
export function monthsOf(from: string, to: string): string[] {
  const months: string[] = []
  let y = Number(from.slice(0, 4))
  let m = Number(from.slice(5, 7))
  const last = to.slice(0, 7)
  for (;;) {
    const month = `${y}-${String(m).padStart(2, '0')}`
    if (month > last) break
    months.push(month)
    m++
    if (m > 12) {
      m = 1
      y++
    }
  }
  return months
}

export function responseFigures(
  rows: WithAgency<ReturnType<typeof firstResponses>>,
  failures: WithAgency<ReturnType<typeof failuresByAgency>>,
  calendar: WorkingCalendar,
  links: Links,
  rules: RuleSet,
) {
  interface Tally {
    agencyId: string
    agencyName: string
    working: number[]
    calendar: number[]
    onTime: number
    late: number
    unanswered: number
  }
  const byAgency = new Map<string, Tally>()
  const tally = (agencyId: string, agencyName: string) => {
    let t = byAgency.get(agencyId)
    if (!t) {
      t = { agencyId, agencyName, working: [], calendar: [], onTime: 0, late: 0, unanswered: 0 }
      byAgency.set(agencyId, t)
    }
    return t
  }
  const allWorking: number[] = []
  const allCalendar: number[] = []
  let onTime = 0
  for (const r of rows) {
    const t = tally(r.agencyId, r.agencyName)
    const working = calendar.workingDaysBetween(r.issuedOn, r.respondedOn)
    const days = calendarDaysBetween(r.issuedOn, r.respondedOn)
    t.working.push(working)
    t.calendar.push(days)
    allWorking.push(working)
    allCalendar.push(days)
    if (r.dueOn === null || r.respondedOn <= r.dueOn) {
      t.onTime++
      onTime++
    }
  }
  for (const f of failures) {
    const t = tally(f.agencyId, f.agencyName)
    t.late = f.late
    t.unanswered = f.unanswered
  }
  const agencyRows = [...byAgency.values()]
    .map((t) => ({
      agencyId: t.agencyId,
      agencyName: t.agencyName,
      responses: t.working.length,
      medianWorkingDays: median(t.working),
      medianCalendarDays: median(t.calendar),
      onTime: t.onTime,
      onTimePercent: percent(t.onTime, t.working.length),
      medianWorkingText: numberText(median(t.working)),
      medianCalendarText: numberText(median(t.calendar)),
      onTimeText: `${t.onTime} (${percentText(percent(t.onTime, t.working.length))})`,
      failures: t.late + t.unanswered,
      late: t.late,
      unanswered: t.unanswered,
      href: links.actions({ agency: t.agencyId }),
      complianceHref: links.agencyCompliance(t.agencyId),
    }))
    .sort(
      (a, b) =>
        b.responses - a.responses ||
        a.agencyName.toLowerCase().localeCompare(b.agencyName.toLowerCase()) ||
        (a.agencyId < b.agencyId ? -1 : 1),
    )
  return {
    total: rows.length,
    onTime,
    onTimePercent: percent(onTime, rows.length),
    medianWorkingDays: median(allWorking),
    medianCalendarDays: median(allCalendar),
    failures: agencyRows.reduce((n, r) => n + r.failures, 0),
    ruleDays: rules.actionResponse,
    rows: agencyRows,
    complianceHref: links.compliance(),
  }
}

export function paperFigures(
  rows: (RowsOf<ReturnType<typeof papersByMeeting>>[number] & { groupName: string })[],
  filter: DashboardFilter,
  today: string,
  rules: RuleSet,
  calendar: WorkingCalendar,
  links: Links,
) {
  const deadlines = new Map<string, string>()
  const deadlineOf = (heldOn: string) => {
    let date = deadlines.get(heldOn)
    if (!date) {
      date = paperDeadline(rules, heldOn, calendar)
      deadlines.set(heldOn, date)
    }
    return date
  }
  const months = new Map(
    monthsOf(filter.from, filter.to).map((m) => [m, { papers: 0, late: 0, meetings: new Set<string>() }]),
  )
  const meetings = new Map<
    string,
    {
      id: string
      heldOn: string
      kind: 'ordinary' | 'extraordinary'
      groupName: string
      papers: number
      late: number
    }
  >()
  for (const r of rows) {
    const deadline = deadlineOf(r.heldOn)
    // The rule of isPaperLate (papers.rules.ts) on the London day of the first circulation: late
    // when circulated after the deadline, or not circulated once it has passed. A paper not yet
    // circulated before its deadline is not counted either way.
    const late = r.circulatedOn ? r.circulatedOn > deadline : today > deadline
    if (!r.circulatedOn && !late) continue
    const month = months.get(r.heldOn.slice(0, 7))
    if (month) {
      month.papers += r.papers
      month.meetings.add(r.meetingId)
      if (late) month.late += r.papers
    }
    let m = meetings.get(r.meetingId)
    if (!m) {
      m = { id: r.meetingId, heldOn: r.heldOn, kind: r.kind, groupName: r.groupName, papers: 0, late: 0 }
      meetings.set(r.meetingId, m)
    }
    m.papers += r.papers
    if (late) m.late += r.papers
  }
  const lateMeetings = [...meetings.values()]
    .filter((m) => m.late > 0)
    .sort((a, b) => (a.heldOn < b.heldOn ? 1 : a.heldOn > b.heldOn ? -1 : a.id < b.id ? -1 : 1))
  const shown = lateMeetings.slice(0, LIST_LIMIT)
  const firstOfMonth = new Map<string, string>()
  for (const m of shown) firstOfMonth.set(m.heldOn.slice(0, 7), m.id)
  const monthRows = [...months].map(([month, t]) => ({
    month,
    label: monthLabel(month),
    meetings: t.meetings.size,
    papers: t.papers,
    late: t.late,
    latePercent: percent(t.late, t.papers),
    latePercentText: percentText(percent(t.late, t.papers)),
    // The late figure jumps to the month's meetings in the list of meetings with late papers.
    anchor: t.late && firstOfMonth.has(month) ? `late-papers-${month}` : null,
  }))
  const total = monthRows.reduce((n, r) => n + r.papers, 0)
  const late = monthRows.reduce((n, r) => n + r.late, 0)
  return {
    total,
    late,
    latePercent: percent(late, total),
    ruleDays: rules.papersBeforeMeeting,
    months: monthRows,
    lateMeetings: lateMeetings.length,
    meetings: shown.map((m) => ({
      ...m,
      title: meetingTitle(m, m.groupName),
      href: links.meeting(m.id, '/papers'),
      anchor: firstOfMonth.get(m.heldOn.slice(0, 7)) === m.id ? `late-papers-${m.heldOn.slice(0, 7)}` : null,
    })),
  }
}

export function minutesFigures(
  rows: WithGroup<ReturnType<typeof heldMeetings>>,
  today: string,
  rules: RuleSet,
  calendar: WorkingCalendar,
  links: Links,
) {
  interface Tally {
    groupId: string
    groupName: string
    groupSlug: string
    onTime: number
    late: number
    overdue: number
    notDue: number
  }
  const byGroup = new Map<string, Tally>()
  const behind: {
    id: string
    title: string
    href: string
    due: string
    text: string
    timeliness: 'late' | 'overdue'
    lateBy: number
  }[] = []
  for (const m of rows) {
    let t = byGroup.get(m.groupId)
    if (!t) {
      t = {
        groupId: m.groupId,
        groupName: m.groupName,
        groupSlug: m.groupSlug,
        onTime: 0,
        late: 0,
        overdue: 0,
        notDue: 0,
      }
      byGroup.set(m.groupId, t)
    }
    // The first of the minutes' deadlines (draft to the chair), as minutesDeadlines (minutes.rules.ts)
    // times it: the rule's working days after the meeting, then timelinessOf; without the
    // explanations it also writes, which the dashboard does not show and which cost more than the rest.
    const due = calendar.addWorkingDays(m.heldOn, rules.draftMinutesToChair)
    const sentAt = m.sentToChairMs === null ? null : new Date(Number(m.sentToChairMs))
    const toChair = { due, ...timelinessOf(due, sentAt, today, calendar) }
    const state = toChair.timeliness
    if (state === 'on_time') t.onTime++
    else if (state === 'late' || state === 'overdue') {
      t[state]++
      behind.push({
        id: m.id,
        title: meetingTitle(m, m.groupName),
        href: links.meeting(m.id, '/minutes'),
        due,
        text: `${state === 'late' ? 'Sent' : 'Not sent'}: due ${formatDate(due)}, ${state} by ${toChair.lateBy === 1 ? '1 working day' : `${toChair.lateBy} working days`}`,
        timeliness: state,
        lateBy: toChair.lateBy,
      })
    } else t.notDue++
  }
  const groupRows = [...byGroup.values()]
    .map((t) => {
      const due = t.onTime + t.late + t.overdue
      const onTimePercent = percent(t.onTime, due)
      return {
        ...t,
        due,
        onTimePercent,
        onTimePercentText: percentText(onTimePercent),
        href: links.meetings(t.groupSlug),
      }
    })
    .filter((r) => r.due > 0)
    .sort(
      (a, b) =>
        a.groupName.toLowerCase().localeCompare(b.groupName.toLowerCase()) ||
        (a.groupId < b.groupId ? -1 : 1),
    )
  const due = groupRows.reduce((n, r) => n + r.due, 0)
  const onTime = groupRows.reduce((n, r) => n + r.onTime, 0)
  return {
    due,
    onTime,
    onTimePercent: percent(onTime, due),
    ruleDays: rules.draftMinutesToChair,
    rows: groupRows,
    behindCount: behind.length,
    behind: behind
      .sort((a, b) => (a.due < b.due ? 1 : a.due > b.due ? -1 : a.id < b.id ? -1 : 1))
      .slice(0, LIST_LIMIT),
  }
}

export function attendanceFigures(rows: WithGroup<ReturnType<typeof attendanceByGroup>>, links: Links) {
  const recorded = rows.reduce((n, r) => n + r.recorded, 0)
  const attended = rows.reduce((n, r) => n + r.attended, 0)
  return {
    recorded,
    attended,
    ratePercent: percent(attended, recorded),
    href: links.attendanceRates(),
    rows: rows.map((r) => ({
      ...r,
      ratePercent: percent(r.attended, r.recorded),
      rateText: percentText(percent(r.attended, r.recorded)),
      href: links.attendanceRates(r.groupSlug),
    })),
  }
}
