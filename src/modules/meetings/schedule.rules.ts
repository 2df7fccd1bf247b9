import {
  addCalendarDays,
  addMonths,
  formatDate,
  type WorkingCalendar,
} from '../../platform/calendar/calendar.ts'
import { toUtcMs, weekday } from '../../platform/calendar/dates.ts'
import type { Group } from '../partnership/structure.table.ts'

// The calendar's date arithmetic: plain functions of dates, a group's cadence and the working-day
// calendar (bank holidays and the partnership's closure days), with no database and no clock.

/** A meeting's length when its group does not say: two hours. */
export const DEFAULT_MEETING_MINUTES = 120

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const

/** "Monday 6 April 2026". */
export const formatDayDate = (day: string) => `${WEEKDAYS[weekday(day)]} ${formatDate(day)}`

export interface Cadence {
  /** Meetings in the twelve months from the first one. */
  count: number
  transitional: boolean
  /** "6 meetings a year", or "6 meetings a year during the transitional period (until 31 March 2027)". */
  text: string
}

/**
 * How many meetings a year the group holds, as of `today`: its transitional cadence while the
 * transitional period lasts (up to and including `transitionalUntil`), otherwise its usual one.
 * Null when the group has no cadence (it meets when needed).
 */
export function cadenceOf(
  group: Pick<Group, 'meetingsPerYear' | 'transitionalMeetingsPerYear' | 'transitionalUntil'>,
  today: string,
): Cadence | null {
  const plural = (n: number) => `${n} ${n === 1 ? 'meeting' : 'meetings'} a year`
  if (group.transitionalMeetingsPerYear && group.transitionalUntil && group.transitionalUntil >= today) {
    const n = group.transitionalMeetingsPerYear
    return {
      count: n,
      transitional: true,
      text: `${plural(n)} during the transitional period (until ${formatDate(group.transitionalUntil)})`,
    }
  }
  if (group.meetingsPerYear) {
    return { count: group.meetingsPerYear, transitional: false, text: plural(group.meetingsPerYear) }
  }
  return null
}

/**
 * The planned dates of `count` meetings spread evenly over the twelve months from `first`.
 * Up to 12 a year they fall at whole months from the first date (every 2 months for 6 a year;
 * when 12 does not divide evenly, the gaps differ by at most a month); more than 12 a year are
 * spread evenly in days. Each is counted from `first`, so a 31st clamped to a short month does not
 * drift the dates after it.
 */
export function plannedDates(first: string, count: number): string[] {
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`Not a number of meetings: ${count}`)
  if (count <= 12) {
    return Array.from({ length: count }, (_, i) => addMonths(first, Math.floor((i * 12) / count)))
  }
  const yearDays = Math.round((toUtcMs(addMonths(first, 12)) - toUtcMs(first)) / 86_400_000)
  return Array.from({ length: count }, (_, i) => addCalendarDays(first, Math.floor((i * yearDays) / count)))
}

export interface WorkingDayMove {
  /** The working day the meeting is held on. */
  date: string
  /** The day it was planned for. */
  planned: string
  moved: boolean
  /** Why it moved ("Moved from Monday 6 April 2026 (Easter Monday) to Tuesday 7 April 2026"), or null. */
  explanation: string | null
}

/**
 * `planned` if it is a working day, otherwise the next working day after it, saying which days
 * were skipped and why. `after` (a date already taken) pushes the result past it too.
 */
export function toWorkingDay(planned: string, calendar: WorkingCalendar, after?: string): WorkingDayMove {
  const skipped: { day: string; reason: string }[] = []
  let date = planned
  for (;;) {
    const reason = calendar.nonWorkingReason(date)
    const taken = after !== undefined && date <= after
    if (reason === undefined && !taken) break
    skipped.push({ day: date, reason: reason ?? 'another meeting in this series' })
    date = addCalendarDays(date, 1)
  }
  if (skipped.length === 0) return { date, planned, moved: false, explanation: null }
  const reasons = skipped.map((s) => `${formatDate(s.day)} is ${describe(s.reason)}`)
  return {
    date,
    planned,
    moved: true,
    explanation: `Moved from ${formatDayDate(planned)} to ${formatDayDate(date)}: ${joinAnd(reasons)}`,
  }
}

function describe(reason: string): string {
  if (reason === 'Saturday' || reason === 'Sunday') return `a ${reason}`
  if (reason === 'another meeting in this series') return 'taken by another meeting in this series'
  return `not a working day (${reason})`
}

export interface ProposedMeeting extends WorkingDayMove {
  /** 1 for the first meeting of the series. */
  number: number
}

/** The dates of a year of meetings: planned at an even interval, each moved to a working day. */
export function proposeYear(first: string, count: number, calendar: WorkingCalendar): ProposedMeeting[] {
  const result: ProposedMeeting[] = []
  for (const [i, planned] of plannedDates(first, count).entries()) {
    const move = toWorkingDay(planned, calendar, result.at(-1)?.date)
    result.push({ number: i + 1, ...move })
  }
  return result
}

const TIME = /^(\d{1,2})[:.](\d{2})\s*(am|pm)?$|^(\d{1,2})\s*(am|pm)$/i

/**
 * A time as people type it ("14:00", "9.30", "2pm", "2:30pm") as "HH:MM", or null when it is not
 * a time of day.
 */
export function parseTime(input: string): string | null {
  const match = TIME.exec(input.trim())
  if (!match) return null
  let hours = Number(match[1] ?? match[4])
  const minutes = Number(match[2] ?? '0')
  const half = (match[3] ?? match[5])?.toLowerCase()
  if (half) {
    if (hours < 1 || hours > 12) return null
    if (half === 'pm' && hours !== 12) hours += 12
    if (half === 'am' && hours === 12) hours = 0
  }
  if (hours > 23 || minutes > 59) return null
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`
}

/** "HH:MM" plus whole minutes, or null when that passes midnight (a meeting ends on its day). */
export function addMinutesToTime(time: string, minutes: number): string | null {
  const [h, m] = time.split(':').map(Number) as [number, number]
  const total = h * 60 + m + minutes
  if (total >= 24 * 60) return null
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`
}

/** Whole minutes from one "HH:MM" to another on the same day (negative when `to` is earlier). */
export function minutesBetween(from: string, to: string): number {
  const [fh, fm] = from.split(':').map(Number) as [number, number]
  const [th, tm] = to.split(':').map(Number) as [number, number]
  return th * 60 + tm - (fh * 60 + fm)
}

function joinAnd(items: string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`
}
