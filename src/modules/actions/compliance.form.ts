import { formatDate } from '../../platform/calendar/dates.ts'
import type { FieldError, FormErrors } from '../../platform/http/forms.ts'
import { type DateError, formErrors, readDateInput } from '../partnership/agencies.form.ts'
import type { LetterFields } from './letters.service.ts'

// Reading the letter forms the GOV.UK way: every problem at once, in the order of the page, with
// the values kept as typed (the route shows them again).

export const letterFormOrder = [
  'addresseeName',
  'addresseeTitle',
  'subject',
  'body',
  'senderName',
  'senderTitle',
] as const

type Result<T> = { ok: true; data: T } | { ok: false; errors: FormErrors }

const text = (values: Record<string, unknown>, name: string) => String(values[name] ?? '').trim()

const limits: Record<(typeof letterFormOrder)[number], { max: number; missing?: string; label: string }> = {
  addresseeName: { max: 200, missing: 'Enter the name of the person the letter is to', label: 'The name' },
  addresseeTitle: { max: 200, label: 'The job title' },
  subject: { max: 300, missing: 'Enter the subject of the letter', label: 'The subject' },
  body: { max: 20_000, missing: 'Enter the text of the letter', label: 'The letter' },
  senderName: { max: 200, missing: 'Enter the name of the person signing the letter', label: 'The name' },
  senderTitle: { max: 200, label: 'The job title' },
}

export function readLetterForm(values: Record<string, unknown>): Result<LetterFields> {
  const found: Record<string, FieldError> = {}
  const data = {} as LetterFields
  for (const field of letterFormOrder) {
    const value = text(values, field)
    const limit = limits[field]
    if (!value && limit.missing) found[field] = { text: limit.missing }
    else if (value.length > limit.max) {
      found[field] = {
        text: `${limit.label} must be ${limit.max.toLocaleString('en-GB')} characters or fewer`,
      }
    }
    data[field] = field === 'body' ? value.replace(/\r\n?/g, '\n') : value
  }
  return Object.keys(found).length
    ? { ok: false, errors: formErrors(letterFormOrder, found) }
    : { ok: true, data }
}

/** The day a letter was sent: a real date, not in the future, not before it was drafted. */
export function readSentForm(
  values: Record<string, unknown>,
  bounds: { today: string; draftedOn: string },
): Result<{ sentOn: string }> {
  const date = readDateInput(values, 'sentOn', 'the date the letter was sent', true)
  let error: DateError | null = date.ok ? null : date.error
  const sentOn = date.ok ? date.value! : ''
  if (!error && sentOn > bounds.today) {
    error = {
      text: 'The date the letter was sent must be today or in the past',
      parts: ['day', 'month', 'year'],
    }
  } else if (!error && sentOn < bounds.draftedOn) {
    error = {
      text: `The date the letter was sent must be on or after ${formatDate(bounds.draftedOn)}, when it was drafted`,
      parts: ['day', 'month', 'year'],
    }
  }
  return error
    ? { ok: false, errors: formErrors(['sentOn'], { sentOn: error }) }
    : { ok: true, data: { sentOn } }
}
