import type { FieldError, FormErrors } from '../../platform/http/forms.ts'
import { FieldProblems } from './agencies.problems.ts'

// Helpers for the GOV.UK forms of the partnership's structure pages (agencies, reviews, other
// partnerships): date inputs in three boxes, and rule problems shown beside their fields.

export type DatePart = 'day' | 'month' | 'year'
export type DateError = FieldError & { parts: DatePart[] }
export type DateResult = { ok: true; value: string | null } | { ok: false; error: DateError }

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)

/**
 * Reads a `govukDateInput` (`<name>-day`, `<name>-month`, `<name>-year`) into an ISO date, with
 * the GOV.UK messages: what is missing, or that it must be a real date. `label` reads inside a
 * sentence ("the date the agency joined").
 */
export function readDateInput(
  values: Record<string, unknown>,
  name: string,
  label: string,
  required: boolean,
): DateResult {
  const raw = {
    day: String(values[`${name}-day`] ?? '').trim(),
    month: String(values[`${name}-month`] ?? '').trim(),
    year: String(values[`${name}-year`] ?? '').trim(),
  }
  const parts: DatePart[] = ['day', 'month', 'year']
  const missing = parts.filter((p) => raw[p] === '')
  if (missing.length === 3) {
    return required ? { ok: false, error: { text: `Enter ${label}`, parts } } : { ok: true, value: null }
  }
  if (missing.length > 0) {
    const what = missing.length === 2 ? `${missing[0]} and ${missing[1]}` : missing[0]
    return { ok: false, error: { text: `${capitalise(label)} must include a ${what}`, parts: missing } }
  }
  if (!/^\d{4}$/.test(raw.year)) {
    return { ok: false, error: { text: 'Year must include 4 numbers', parts: ['year'] } }
  }
  const day = /^\d{1,2}$/.test(raw.day) ? Number(raw.day) : Number.NaN
  const month = /^\d{1,2}$/.test(raw.month) ? Number(raw.month) : Number.NaN
  const iso = `${raw.year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
  const real = day >= 1 && month >= 1 && month <= 12 && new Date(`${iso}T00:00:00Z`).getUTCDate() === day
  if (!real) {
    const wrong: DatePart[] = month >= 1 && month <= 12 ? ['day'] : ['day', 'month']
    return { ok: false, error: { text: `${capitalise(label)} must be a real date`, parts: wrong } }
  }
  return { ok: true, value: iso }
}

/** An ISO date as the three boxes show it: no leading zeros. */
export function dateInputValues(name: string, iso: string | null | undefined): Record<string, string> {
  if (!iso) return { [`${name}-day`]: '', [`${name}-month`]: '', [`${name}-year`]: '' }
  return {
    [`${name}-day`]: String(Number(iso.slice(8, 10))),
    [`${name}-month`]: String(Number(iso.slice(5, 7))),
    [`${name}-year`]: iso.slice(0, 4),
  }
}

/**
 * Collects errors in the order of the page, so the error summary reads top to bottom. A date
 * field's link goes to its first box in error, as GOV.UK asks.
 */
export function formErrors(
  order: readonly string[],
  found: Record<string, FieldError | DateError>,
  start?: FormErrors,
): FormErrors {
  const all: Record<string, FieldError | DateError> = { ...start?.fields, ...found }
  const rank = (field: string) => {
    const i = order.indexOf(field)
    return i === -1 ? order.length : i
  }
  const fields = Object.keys(all).sort((a, b) => rank(a) - rank(b))
  const errors: FormErrors = { list: [], fields: {} }
  for (const field of fields) {
    const error = all[field]!
    errors.fields[field] = error
    const parts = 'parts' in error ? error.parts : undefined
    errors.list.push({ text: error.text, href: parts ? `#${field}-${parts[0] ?? 'day'}` : `#${field}` })
  }
  return errors
}

/** A rule's problems as form errors; `dates` names the fields that are date inputs. */
export function problemErrors(
  problem: FieldProblems,
  order: readonly string[],
  dates: readonly string[] = [],
): FormErrors {
  const found: Record<string, FieldError | DateError> = {}
  for (const [field, text] of Object.entries(problem.fields)) {
    found[field] = dates.includes(field) ? { text, parts: ['day', 'month', 'year'] } : { text }
  }
  return formErrors(order, found)
}

export const isFieldProblems = (error: unknown): error is FieldProblems => error instanceof FieldProblems

/** The date input's boxes with the error class on those at fault, for `govukDateInput` items. */
export function dateItems(name: string, values: Record<string, unknown>, error?: FieldError | DateError) {
  const parts =
    error && 'parts' in error ? error.parts : error ? (['day', 'month', 'year'] as DatePart[]) : []
  return (['day', 'month', 'year'] as const).map((part) => ({
    name: part,
    value: values[`${name}-${part}`],
    classes: `govuk-input--width-${part === 'year' ? 4 : 2}${parts.includes(part) ? ' govuk-input--error' : ''}`,
  }))
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** Ids in URLs are checked before they reach a uuid column, which would refuse them with a 500. */
export const isUuid = (value: string) => uuidPattern.test(value)

/** For HTML built in code (timeline entries): the template's autoescape does not reach it. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  )
}
