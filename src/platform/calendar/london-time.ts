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

const HOUR_MS = 3_600_000

// London's offset changes only on the hour (01:00 UTC), so it is looked up once per UTC hour and
// the rest is arithmetic: formatToParts costs about 10 µs a call, and a meeting page with 50
// papers and 30 agenda items asks for a London date or time a hundred times.
const offsets = new Map<number, number>()

function offsetAt(ms: number): number {
  const hour = Math.floor(ms / HOUR_MS)
  let offset = offsets.get(hour)
  if (offset === undefined) {
    const parts = Object.fromEntries(
      partsFormat.formatToParts(new Date(hour * HOUR_MS)).map((p) => [p.type, p.value]),
    )
    const wall = Date.UTC(
      Number(parts.year),
      Number(parts.month) - 1,
      Number(parts.day),
      Number(parts.hour),
      Number(parts.minute),
    )
    offset = wall - hour * HOUR_MS
    if (offsets.size > 100_000) offsets.clear()
    offsets.set(hour, offset)
  }
  return offset
}

const pad = (n: number) => String(n).padStart(2, '0')

function londonParts(at: Date) {
  const ms = at.getTime()
  if (Number.isNaN(ms)) throw new RangeError('Invalid time value')
  const wall = new Date(ms + offsetAt(ms))
  return {
    day: `${wall.getUTCFullYear()}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}`,
    time: `${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}`,
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
