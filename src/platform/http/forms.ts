import type { z } from 'zod'

export interface FieldError {
  text: string
}
export interface FormErrors {
  /** For govukErrorSummary: each message links to its field. */
  list: { text: string; href: string }[]
  /** For each field's errorMessage. */
  fields: Record<string, FieldError>
}
export type FormResult<T> =
  | { ok: true; data: T }
  | { ok: false; errors: FormErrors; values: Record<string, unknown> }

/**
 * Validates a submitted form the GOV.UK way: on failure it returns the messages for the error
 * summary and the fields, and the values exactly as typed so the page can show them again.
 * Field ids follow the field names, so `#name` links to `<input id="name">`.
 */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown): FormResult<z.output<S>> {
  const values = formValues(body)
  const parsed = schema.safeParse(values)
  if (parsed.success) return { ok: true, data: parsed.data }
  const errors: FormErrors = { list: [], fields: {} }
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? 'form')
    if (errors.fields[field]) continue
    errors.fields[field] = { text: issue.message }
    errors.list.push({ text: issue.message, href: `#${field}` })
  }
  return { ok: false, errors, values }
}

/** The body as strings, without the CSRF token (never echoed back into a page's values). */
export function formValues(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object') return {}
  const { _csrf: _ignored, ...rest } = body as Record<string, unknown>
  return rest
}

/** A page's error text: GOV.UK pages start with "Error: " when the form came back with errors. */
export function pageTitle(title: string, errors?: FormErrors | null): string {
  return errors && errors.list.length > 0 ? `Error: ${title}` : title
}
