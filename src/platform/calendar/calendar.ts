import { bankHolidayName, bankHolidays } from './bank-holidays.ts'
import {
  addCalendarDays,
  assertInteger,
  assertIsoDate,
  formatDate,
  formatDayMonth,
  fromUtcMs,
  toUtcMs,
  weekday,
} from './dates.ts'

const DAY_MS = 86_400_000

export { addCalendarDays, addMonths, formatDate } from './dates.ts'

export interface ClosureDay {
  day: string
  reason: string
}

export interface CalendarOptions {
  /** The partnership's own closure days, on top of England and Wales bank holidays. */
  closureDays?: readonly ClosureDay[]
}

export interface SkippedDay {
  day: string
  /** 'Saturday', 'Sunday', the bank holiday's name or the closure reason. */
  reason: string
}

export interface WorkingDaysExplanation {
  date: string
  /** Every non-working day strictly between the start and `date`, in the order they were passed. */
  skipped: SkippedDay[]
  /** For example '10 April 2024: 25 March 2024 + 10 working days, skipping Good Friday (29 March) and Easter Monday (1 April)'. */
  text: string
}

export interface WorkingCalendar {
  isWorkingDay(day: string): boolean
  /** Why the day is not a working day, or undefined if it is one. */
  nonWorkingReason(day: string): string | undefined
  /**
   * The day n working days after `day` (not counting `day` itself), or before it when n is negative.
   * n = 0 gives `day` back unchanged, even if it is not a working day.
   */
  addWorkingDays(day: string, n: number): string
  /**
   * The signed number of working days from `from` to `to`, the inverse of addWorkingDays: for a
   * working day `to`, addWorkingDays(from, workingDaysBetween(from, to)) === to.
   * When to > from it counts the working days after `from` up to and including `to`;
   * when to < from it is minus the working days from `to` (included) up to `from` (excluded);
   * when to === from it is 0.
   */
  workingDaysBetween(from: string, to: string): number
  /** The first working day strictly after `day`. */
  nextWorkingDay(day: string): string
  /** `day` itself if it is a working day, otherwise the next one. */
  onOrAfterWorkingDay(day: string): string
  /** addWorkingDays with the days it skipped and a sentence saying so. */
  explainWorkingDays(day: string, n: number): WorkingDaysExplanation
}

export function createCalendar(options: CalendarOptions = {}): WorkingCalendar {
  const closures = new Map<string, string>()
  for (const { day, reason } of options.closureDays ?? []) {
    assertIsoDate(day)
    closures.set(day, reason)
  }

  // Weekends first, then bank holidays: a closure on such a day adds nothing worth saying.
  function nonWorkingReason(day: string): string | undefined {
    const dayOfWeek = weekday(day)
    if (dayOfWeek === 6) return 'Saturday'
    if (dayOfWeek === 0) return 'Sunday'
    return bankHolidayName(day) ?? closures.get(day)
  }

  function isWorkingDay(day: string): boolean {
    return nonWorkingReason(day) === undefined
  }

  function walk(day: string, n: number): { date: string; skipped: SkippedDay[] } {
    assertIsoDate(day)
    assertInteger(n, 'addWorkingDays')
    const step = n < 0 ? -1 : 1
    const skipped: SkippedDay[] = []
    let date = day
    for (let left = Math.abs(n); left > 0; ) {
      date = addCalendarDays(date, step)
      const reason = nonWorkingReason(date)
      if (reason === undefined) left--
      else skipped.push({ day: date, reason })
    }
    return { date, skipped }
  }

  function addWorkingDays(day: string, n: number): string {
    return walk(day, n).date
  }

  // Counted, not walked: a page showing how late a year-old deadline is must not step through
  // every day of the year. Weekdays come from whole weeks plus the few days left over; then the
  // bank holidays and closure days among them are taken off.
  function workingDaysBetween(from: string, to: string): number {
    const a = toUtcMs(from)
    const b = toUtcMs(to)
    if (a === b) return 0
    // After `from` up to and including `to`; or from `to` included up to `from` excluded.
    const [first, last, sign] = b > a ? [a + DAY_MS, b, 1] : [b, a - DAY_MS, -1]
    const days = (last - first) / DAY_MS + 1
    let count = Math.floor(days / 7) * 5
    for (let ms = first + Math.floor(days / 7) * 7 * DAY_MS; ms <= last; ms += DAY_MS) {
      const dayOfWeek = new Date(ms).getUTCDay()
      if (dayOfWeek !== 0 && dayOfWeek !== 6) count++
    }
    const firstDay = fromUtcMs(first)
    const lastDay = fromUtcMs(last)
    const inRange = (day: string) => day >= firstDay && day <= lastDay
    for (let year = Number(firstDay.slice(0, 4)); year <= Number(lastDay.slice(0, 4)); year++) {
      for (const day of bankHolidays(year).keys()) if (inRange(day)) count--
    }
    for (const day of closures.keys()) {
      const dayOfWeek = weekday(day)
      if (inRange(day) && dayOfWeek !== 0 && dayOfWeek !== 6 && !bankHolidayName(day)) count--
    }
    return sign * count
  }

  function nextWorkingDay(day: string): string {
    return addWorkingDays(day, 1)
  }

  function onOrAfterWorkingDay(day: string): string {
    return isWorkingDay(day) ? day : nextWorkingDay(day)
  }

  function explainWorkingDays(day: string, n: number): WorkingDaysExplanation {
    const { date, skipped } = walk(day, n)
    const sum = `${formatDate(day)} ${n < 0 ? '-' : '+'} ${Math.abs(n)} working ${Math.abs(n) === 1 ? 'day' : 'days'}`
    // Weekends go without saying in a count of working days; holidays and closures are the surprise.
    const named = skipped
      .filter(({ day: skippedDay }) => weekday(skippedDay) !== 0 && weekday(skippedDay) !== 6)
      .map(({ day: skippedDay, reason }) => `${reason} (${shortDate(skippedDay, day)})`)
    const text =
      named.length === 0
        ? `${formatDate(date)}: ${sum}`
        : `${formatDate(date)}: ${sum}, skipping ${list(named)}`
    return { date, skipped, text }
  }

  return {
    isWorkingDay,
    nonWorkingReason,
    addWorkingDays,
    workingDaysBetween,
    nextWorkingDay,
    onOrAfterWorkingDay,
    explainWorkingDays,
  }
}

// The year is left out when it is the start date's, so '(29 March)' but '(1 January 2025)' from December 2024.
function shortDate(day: string, start: string): string {
  return day.slice(0, 4) === start.slice(0, 4) ? formatDayMonth(day) : formatDate(day)
}

function list(items: string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`
}
