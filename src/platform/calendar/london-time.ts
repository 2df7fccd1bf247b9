import { toUtcMs } from './dates.ts'

// Meetings are arranged in local time ("Tuesday 14:30"); the database keeps instants. These turn
// one into the other for Europe/London, whatever the server's own time zone.

const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
})

function londonParts(at: Date) {
  const parts = Object.fromEntries(partsFormat.formatToParts(at).map((p) => [p.type, p.value]))
  return {
    day: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${parts.hour}:${parts.minute}`,
  }
}

/** The Europe/London date of an instant ("2026-03-02"). */
export const londonDate = (at: Date): string => londonParts(at).day

/** The Europe/London wall-clock time of an instant ("14:30"). */
export const londonTime = (at: Date): string => londonParts(at).time

const timePattern = /^([01]\d|2[0-3]):([0-5]\d)$/

export const isTime = (value: string) => timePattern.test(value)

/**
 * The instant of a Europe/London date and wall-clock time. A time that does not exist (the hour
 * skipped when the clocks go forward) moves forward an hour, as a calendar app would.
 */
export function londonInstant(day: string, time: string): Date {
  const match = timePattern.exec(time)
  if (!match) throw new Error(`Not a time: ${time}`)
  const wall = toUtcMs(day) + (Number(match[1]) * 60 + Number(match[2])) * 60_000
  // Try the two offsets London uses (BST first, then GMT): the one that reads back is right.
  for (const offset of [60, 0]) {
    const at = new Date(wall - offset * 60_000)
    const back = londonParts(at)
    if (back.day === day && back.time === time) return at
  }
  return new Date(wall)
}
