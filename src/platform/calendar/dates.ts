// Dates are ISO strings ('YYYY-MM-DD'). All maths is in UTC so that clock changes never move a day.

const DAY_MS = 86_400_000
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const

/** Midnight UTC of the day, in milliseconds. Throws on anything but a real 'YYYY-MM-DD' date. */
export function toUtcMs(day: string): number {
  const ms = ISO_DATE.test(day) ? Date.parse(`${day}T00:00:00Z`) : Number.NaN
  // Date.parse accepts 2024-02-30 as 1 March, so check the round trip.
  if (Number.isNaN(ms) || fromUtcMs(ms) !== day) throw new RangeError(`Not an ISO date (YYYY-MM-DD): ${day}`)
  return ms
}

export function fromUtcMs(ms: number): string {
  const day = new Date(ms).toISOString().slice(0, 10)
  // Years past 9999 come out as '+010000-...'.
  if (!ISO_DATE.test(day)) throw new RangeError(`Date out of range: ${day}`)
  return day
}

export function assertIsoDate(day: string): void {
  toUtcMs(day)
}

/** 0 is Sunday, 6 is Saturday. */
export function weekday(day: string): number {
  return new Date(toUtcMs(day)).getUTCDay()
}

export function addCalendarDays(day: string, n: number): string {
  assertInteger(n, 'addCalendarDays')
  return fromUtcMs(toUtcMs(day) + n * DAY_MS)
}

/** Moves by whole months, keeping the day of the month but clamping to the month's end (31 Jan + 1 = 29 Feb). */
export function addMonths(day: string, n: number): string {
  assertInteger(n, 'addMonths')
  assertIsoDate(day)
  const months = Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1 + n
  const year = Math.floor(months / 12)
  const month = months - year * 12
  const date = Math.min(Number(day.slice(8, 10)), daysInMonth(year, month))
  const result = `${pad(year, 4)}-${pad(month + 1, 2)}-${pad(date, 2)}`
  assertIsoDate(result)
  return result
}

/** GOV.UK style: '12 March 2024' (no weekday, no leading zero). */
export function formatDate(day: string): string {
  const date = new Date(toUtcMs(day))
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`
}

/** '12 March', for a date whose year the reader already knows. */
export function formatDayMonth(day: string): string {
  const date = new Date(toUtcMs(day))
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]}`
}

export function assertInteger(n: number, name: string): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${name}: ${n} is not a whole number`)
}

/** month is 0 to 11. */
function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  return month === 1 && leap ? 29 : (DAYS_IN_MONTH[month] ?? 31)
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0')
}
