import { z } from 'zod'
import { formatDate } from '../../platform/calendar/dates.ts'
import type { FormErrors } from '../../platform/http/forms.ts'
import { dateInputValues, formErrors, readDateInput } from '../partnership/agencies.form.ts'
import { issuesByField, type Parsed, text, wholeNumber } from '../partnership/groups.form.ts'
import type { AgendaItemFields } from './agenda.service.ts'
import type { AgendaItem } from './meetings.table.ts'

// The agenda's forms: an item, and who agreed the agenda. Every problem at once, in page order.

export const itemOrder = ['title', 'description', 'presenter', 'durationMinutes', 'decisionNeeded'] as const

const itemForm = z.object({
  title: z
    .string({ error: 'Enter the title of the item' })
    .trim()
    .min(1, 'Enter the title of the item')
    .max(200, 'The title must be 200 characters or fewer'),
  description: text('The description', 5000),
  presenter: text('Who presents it', 200),
  durationMinutes: wholeNumber('Minutes for the item', 1, 480),
  decisionNeeded: z.union([z.string(), z.array(z.string())]).optional(),
})

export function readItemForm(values: Record<string, unknown>): Parsed<AgendaItemFields> {
  const parsed = itemForm.safeParse(values)
  if (!parsed.success) return { ok: false, errors: formErrors(itemOrder, issuesByField(parsed.error.issues)) }
  const { decisionNeeded, ...rest } = parsed.data
  const ticked = Array.isArray(decisionNeeded) ? decisionNeeded.includes('yes') : decisionNeeded === 'yes'
  return { ok: true, data: { ...rest, decisionNeeded: ticked } }
}

/** An item as the form shows it. */
export function itemValues(item: AgendaItem): Record<string, unknown> {
  return {
    title: item.title,
    description: item.description,
    presenter: item.presenter,
    durationMinutes: item.durationMinutes === null ? '' : String(item.durationMinutes),
    decisionNeeded: item.decisionNeeded ? ['yes'] : [],
  }
}

const agreeForm = z.object({
  agreedBy: z
    .string({ error: 'Enter who agreed the agenda' })
    .trim()
    .min(1, 'Enter who agreed the agenda')
    .max(200, 'Who agreed it must be 200 characters or fewer'),
})

export function readAgreeForm(
  values: Record<string, unknown>,
  today: string,
): Parsed<{ agreedBy: string; agreedOn: string }> {
  const parsed = agreeForm.safeParse(values)
  const found = parsed.success ? {} : issuesByField(parsed.error.issues)
  const agreedOn = readDateInput(values, 'agreedOn', 'the date the agenda was agreed', true)
  if (!agreedOn.ok) found.agreedOn = agreedOn.error
  else if (agreedOn.value && agreedOn.value > today) {
    found.agreedOn = {
      text: `The date the agenda was agreed must be today (${formatDate(today)}) or in the past`,
      parts: ['day', 'month', 'year'],
    }
  }
  if (!parsed.success || !agreedOn.ok || !agreedOn.value || found.agreedOn) {
    return { ok: false, errors: formErrors(['agreedBy', 'agreedOn'], found) }
  }
  return { ok: true, data: { agreedBy: parsed.data.agreedBy, agreedOn: agreedOn.value } }
}

export function agreeValues(agreedBy: string, agreedOn: string): Record<string, unknown> {
  return { agreedBy, ...dateInputValues('agreedOn', agreedOn) }
}

export type { FormErrors }
