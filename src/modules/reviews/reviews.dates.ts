import { formatDate } from '../../platform/calendar/dates.ts'
import { type DateError, readDateInput } from '../partnership/agencies.form.ts'

// A date that records something that happened is today or earlier. The module has two wordings
// for the same rule ("or in the past" on most pages, "or earlier" on the review tab's forms);
// each page keeps its own.

export type PastEnding = 'or in the past' | 'or earlier'

const sentence = (label: string) => `${label.charAt(0).toUpperCase()}${label.slice(1)}`

/** "<Label> must be today (2 March 2026) or in the past" (or "… or earlier"). */
export function futureDateMessage(
  label: string,
  today: string,
  ending: PastEnding = 'or in the past',
): string {
  return `${sentence(label)} must be today (${formatDate(today)}) ${ending}`
}

/** The message when the date is after today, else null. */
export function futureProblem(
  date: string | null | undefined,
  today: string,
  label: string,
  ending: PastEnding = 'or in the past',
): string | null {
  if (!date || date <= today) return null
  return futureDateMessage(label, today, ending)
}

/** Reads a date box set that records something that happened: optional or not, never after today. */
export function readPastDate(
  values: Record<string, unknown>,
  name: string,
  label: string,
  required: boolean,
  today: string,
): { value: string | null; error?: DateError } {
  const read = readDateInput(values, name, label, required)
  if (!read.ok) return { value: null, error: read.error }
  const future = futureProblem(read.value, today, label)
  if (future) return { value: null, error: { text: future, parts: ['day', 'month', 'year'] } }
  return { value: read.value }
}
