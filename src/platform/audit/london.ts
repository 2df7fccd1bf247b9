import { addCalendarDays, toUtcMs } from '../calendar/dates.ts'

const offsetFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  timeZoneName: 'longOffset',
})

/** Minutes Europe/London is ahead of UTC at an instant: 0 (GMT) or 60 (BST). */
function londonOffsetMinutes(at: Date): number {
  const name = offsetFormat.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? ''
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name)
  if (!match) return 0
  const minutes = Number(match[2]) * 60 + Number(match[3])
  return match[1] === '-' ? -minutes : minutes
}

/**
 * The instant a Europe/London day begins. The clocks change at 01:00 UTC, never at midnight, so
 * the offset at 00:00 UTC of the same date is the one in force at local midnight.
 */
export function londonDayStart(day: string): Date {
  const utcMidnight = toUtcMs(day)
  return new Date(utcMidnight - londonOffsetMinutes(new Date(utcMidnight)) * 60_000)
}

/** The instant the next Europe/London day begins: the end (exclusive) of a "to" date. */
export function londonDayEnd(day: string): Date {
  return londonDayStart(addCalendarDays(day, 1))
}

export function isIsoDay(day: string): boolean {
  try {
    toUtcMs(day)
    return true
  } catch {
    return false
  }
}

const dayFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'Europe/London',
})
const timeFormat = new Intl.DateTimeFormat('en-GB', {
  hour: 'numeric',
  minute: '2-digit',
  second: '2-digit',
  hour12: true,
  timeZone: 'Europe/London',
})

/** UK date and time to the second ("2 Jun 2025", "12:30:05am"): an audit trail needs the seconds. */
export function londonWhen(at: Date): { day: string; time: string } {
  return { day: dayFormat.format(at), time: timeFormat.format(at).replace(/\s/g, '').toLowerCase() }
}
