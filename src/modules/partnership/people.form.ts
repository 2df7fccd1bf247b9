import { z } from 'zod'
import { formErrors, readDateInput } from './agencies.form.ts'
import { emailMessage, isEmail } from './agencies.problems.ts'
import { issuesByField, type Parsed, text } from './groups.form.ts'
import type { PersonRow } from './people.repository.ts'
import type { PersonFields } from './people.service.ts'

const personForm = z.object({
  name: z
    .string({ error: 'Enter the person’s full name' })
    .trim()
    .min(1, 'Enter the person’s full name')
    .max(200, 'Name must be 200 characters or fewer'),
  jobTitle: text('Job title', 200),
  agencyId: z
    .string()
    .optional()
    .transform((v) => v || null)
    .refine((v) => v === null || /^[0-9a-f-]{36}$/i.test(v), 'Select an agency from the list'),
  email: z
    .string()
    .trim()
    .max(320, 'E-mail address must be 320 characters or fewer')
    .optional()
    .transform((v) => v || null)
    .refine((v) => v === null || isEmail(v), emailMessage),
})

export const personOrder = ['name', 'jobTitle', 'agencyId', 'email'] as const

export function readPersonForm(values: Record<string, unknown>): Parsed<PersonFields> {
  const parsed = personForm.safeParse(values)
  if (!parsed.success)
    return { ok: false, errors: formErrors(personOrder, issuesByField(parsed.error.issues)) }
  return { ok: true, data: parsed.data }
}

export function personValues(person: PersonRow): Record<string, unknown> {
  return {
    name: person.name,
    jobTitle: person.jobTitle,
    agencyId: person.agencyId ?? '',
    email: person.email ?? '',
  }
}

export function readLeaveForm(values: Record<string, unknown>): Parsed<{ leftOn: string }> {
  const leftOn = readDateInput(values, 'leftOn', 'the date they left', true)
  if (!leftOn.ok || !leftOn.value)
    return {
      ok: false,
      errors: formErrors(['leftOn'], leftOn.ok ? {} : { leftOn: leftOn.error }),
    }
  return { ok: true, data: { leftOn: leftOn.value } }
}
