import { z } from 'zod'
import { formErrors, readDateInput } from './agencies.form.ts'
import { issuesByField, type Parsed } from './groups.form.ts'
import type { MembershipFields } from './memberships.service.ts'
import { membershipRoles } from './structure.table.ts'

const id = (message: string) =>
  z
    .string({ error: message })
    .regex(/^[0-9a-f-]{36}$/i, message)
    .transform((v) => v.toLowerCase())
const optionalId = (message: string) =>
  z
    .string()
    .optional()
    .transform((v) => v || null)
    .refine((v) => v === null || /^[0-9a-f-]{36}$/i.test(v), message)

const seatForm = z.object({
  personId: id('Select the person'),
  role: z.enum(membershipRoles, { error: 'Select the person’s role in the group' }),
  deputyForId: optionalId('Select the member this person is a deputy for'),
  agencyId: optionalId('Select an agency from the list'),
  ruleException: z
    .string()
    .trim()
    .max(2000, 'The reason must be 2,000 characters or fewer')
    .optional()
    .transform((v) => v || null),
})

export const seatOrder = [
  'personId',
  'role',
  'deputyForId',
  'agencyId',
  'startsOn',
  'endsOn',
  'ruleException',
] as const
export const seatDateFields = ['startsOn', 'endsOn'] as const

export function readSeatForm(values: Record<string, unknown>): Parsed<MembershipFields> {
  const parsed = seatForm.safeParse(values)
  const found = parsed.success ? {} : issuesByField(parsed.error.issues)
  const startsOn = readDateInput(values, 'startsOn', 'the date the seat starts', true)
  const endsOn = readDateInput(values, 'endsOn', 'the date the seat ends', false)
  if (!startsOn.ok) found.startsOn = startsOn.error
  if (!endsOn.ok) found.endsOn = endsOn.error
  if (parsed.success && parsed.data.role === 'deputy' && !parsed.data.deputyForId)
    found.deputyForId = { text: 'Select the member this person is a deputy for' }
  if (!parsed.success || !startsOn.ok || !endsOn.ok || !startsOn.value || found.deputyForId)
    return { ok: false, errors: formErrors(seatOrder, found) }
  return {
    ok: true,
    data: {
      ...parsed.data,
      deputyForId: parsed.data.role === 'deputy' ? parsed.data.deputyForId : null,
      startsOn: startsOn.value,
      endsOn: endsOn.value,
    },
  }
}

const endForm = z.object({
  endedReason: z
    .string({ error: 'Enter why the seat is ending' })
    .trim()
    .min(1, 'Enter why the seat is ending')
    .max(2000, 'The reason must be 2,000 characters or fewer'),
})

export function readEndSeatForm(values: Record<string, unknown>): Parsed<{ endsOn: string; reason: string }> {
  const parsed = endForm.safeParse(values)
  const endsOn = readDateInput(values, 'endsOn', 'the date the seat ends', true)
  const found = parsed.success ? {} : issuesByField(parsed.error.issues)
  if (!endsOn.ok) found.endsOn = endsOn.error
  if (!parsed.success || !endsOn.ok || !endsOn.value)
    return { ok: false, errors: formErrors(['endsOn', 'endedReason'], found) }
  return { ok: true, data: { endsOn: endsOn.value, reason: parsed.data.endedReason } }
}
