import { z } from 'zod'
import type { FieldError, FormErrors } from '../../platform/http/forms.ts'
import { type DateError, dateInputValues, formErrors, readDateInput } from './agencies.form.ts'
import { parseStandardItems, standardItemsText } from './groups.labels.ts'
import type { GroupFields } from './groups.service.ts'
import { type Group, groupKinds } from './structure.table.ts'

// Shared by the structure pages' forms (groups, seats, people): read a form into a service's
// fields, with every problem at once and in the page's order.

export type Parsed<T> = { ok: true; data: T } | { ok: false; errors: FormErrors }

export function issuesByField(issues: readonly z.core.$ZodIssue[]): Record<string, FieldError | DateError> {
  const found: Record<string, FieldError | DateError> = {}
  for (const issue of issues) {
    const field = String(issue.path[0] ?? 'form')
    found[field] ??= { text: issue.message }
  }
  return found
}

/** An optional whole number typed in a box: empty is null, anything else must be in range. */
export const wholeNumber = (label: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (!value) return null
      const n = /^\d+$/.test(value) ? Number(value) : Number.NaN
      if (Number.isNaN(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `${label} must be a whole number from ${min} to ${max}` })
        return z.NEVER
      }
      return n
    })

export const text = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${label} must be ${max.toLocaleString('en-GB')} characters or fewer`)
    .optional()
    .transform((v) => v ?? '')

const uuidOrEmpty = (message: string) =>
  z
    .string()
    .optional()
    .transform((v) => v || null)
    .refine((v) => v === null || /^[0-9a-f-]{36}$/i.test(v), message)

const groupForm = z.object({
  name: z
    .string({ error: 'Enter the name of the group' })
    .trim()
    .min(1, 'Enter the name of the group')
    .max(200, 'Name must be 200 characters or fewer'),
  kind: z.enum(groupKinds, { error: 'Select the kind of group' }),
  accountableToId: uuidOrEmpty('Select a group from the list'),
  purpose: text('Purpose', 5000),
  termsOfReference: text('Terms of reference', 50_000),
  meetingsPerYear: wholeNumber('Meetings a year', 1, 52),
  meetingMinutes: wholeNumber('Length of a meeting', 15, 720),
  transitionalMeetingsPerYear: wholeNumber('Meetings a year in the transitional period', 1, 52),
  quorum: wholeNumber('Quorum', 1, 200),
  confidential: z.enum(['yes', 'no'], { error: 'Select whether the membership is confidential' }),
  standardItems: z.string().optional(),
})

/** The page's order, so the error summary reads top to bottom. */
export const groupOrder = [
  'name',
  'kind',
  'accountableToId',
  'purpose',
  'termsOfReference',
  'meetingsPerYear',
  'meetingMinutes',
  'transitionalMeetingsPerYear',
  'transitionalUntil',
  'quorum',
  'endsOn',
  'confidential',
  'standardItems',
] as const
export const groupDateFields = ['transitionalUntil', 'endsOn'] as const

export function readGroupForm(values: Record<string, unknown>): Parsed<GroupFields> {
  const parsed = groupForm.safeParse(values)
  const found = parsed.success ? {} : issuesByField(parsed.error.issues)
  const transitionalUntil = readDateInput(
    values,
    'transitionalUntil',
    'the end of the transitional period',
    false,
  )
  const endsOn = readDateInput(values, 'endsOn', 'the date the group ends', false)
  if (!transitionalUntil.ok) found.transitionalUntil = transitionalUntil.error
  if (!endsOn.ok) found.endsOn = endsOn.error
  const items = parseStandardItems(String(values.standardItems ?? ''))
  if (!items.ok) found.standardItems = { text: items.error }
  if (!parsed.success || !transitionalUntil.ok || !endsOn.ok || !items.ok)
    return { ok: false, errors: formErrors(groupOrder, found) }
  const { confidential, standardItems: _text, ...rest } = parsed.data
  return {
    ok: true,
    data: {
      ...rest,
      confidential: confidential === 'yes',
      transitionalUntil: transitionalUntil.value,
      endsOn: endsOn.value,
      standardItems: items.items,
    },
  }
}

/** A group's details as the form shows them. */
export function groupValues(group: Group): Record<string, unknown> {
  const number = (n: number | null) => (n === null ? '' : String(n))
  return {
    name: group.name,
    kind: group.kind,
    accountableToId: group.accountableToId ?? '',
    purpose: group.purpose,
    termsOfReference: group.termsOfReference,
    meetingsPerYear: number(group.meetingsPerYear),
    meetingMinutes: number(group.meetingMinutes),
    transitionalMeetingsPerYear: number(group.transitionalMeetingsPerYear),
    quorum: number(group.quorum),
    confidential: group.confidential ? 'yes' : 'no',
    standardItems: standardItemsText(group.standardItems),
    ...dateInputValues('transitionalUntil', group.transitionalUntil),
    ...dateInputValues('endsOn', group.endsOn),
  }
}

const closeForm = z.object({
  closedReason: z
    .string({ error: 'Enter why the group is closing' })
    .trim()
    .min(1, 'Enter why the group is closing')
    .max(2000, 'The reason must be 2,000 characters or fewer'),
})

export function readCloseForm(values: Record<string, unknown>): Parsed<{ closedOn: string; reason: string }> {
  const parsed = closeForm.safeParse(values)
  const closedOn = readDateInput(values, 'closedOn', 'the date the group closes', true)
  const found = parsed.success ? {} : issuesByField(parsed.error.issues)
  if (!closedOn.ok) found.closedOn = closedOn.error
  if (!parsed.success || !closedOn.ok || !closedOn.value)
    return { ok: false, errors: formErrors(['closedOn', 'closedReason'], found) }
  return { ok: true, data: { closedOn: closedOn.value, reason: parsed.data.closedReason } }
}
