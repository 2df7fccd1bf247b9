import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { AppContext } from '../../app.ts'
import { notFound } from '../../platform/http/errors.ts'
import { type FieldError, type FormErrors, formValues } from '../../platform/http/forms.ts'
import {
  type DateError,
  dateInputValues,
  dateItems,
  formErrors,
  isFieldProblems,
  isUuid,
  problemErrors,
  readDateInput,
} from './agencies.form.ts'
import { agencyKindHints, agencyKindLabels, sectorLabels, statutoryRoleLabels } from './agencies.labels.ts'
import { emailMessage, isEmail } from './agencies.problems.ts'
import { type AgencyFields, createAgency, endAgency, getAgency, updateAgency } from './agencies.service.ts'
import { type Agency, agencyKinds, sectors, statutoryRoles } from './structure.table.ts'

const views = 'modules/partnership/views/agencies'

const optionalText = (label: string, max = 200) =>
  z
    .string()
    .trim()
    .max(max, `${label} must be ${max} characters or fewer`)
    .optional()
    .transform((v) => v || null)

const agencyForm = z.object({
  name: z
    .string({ error: 'Enter the name of the agency' })
    .trim()
    .min(1, 'Enter the name of the agency')
    .max(200, 'Name must be 200 characters or fewer'),
  kind: z.enum(agencyKinds, { error: 'Select the kind of agency' }),
  sector: z.enum(sectors, { error: 'Select a sector' }),
  statutoryRole: z
    .preprocess(
      (v) => (v === '' ? undefined : v),
      z.enum(statutoryRoles, { error: 'Select a statutory role from the list' }).optional(),
    )
    .transform((v) => v ?? null),
  leadPartnerTitle: optionalText('Lead safeguarding partner'),
  delegatedPartnerTitle: optionalText('Delegated safeguarding partner'),
  executiveName: optionalText('Name'),
  executiveTitle: optionalText('Job title'),
  executiveEmail: optionalText('E-mail address', 320).refine((v) => !v || isEmail(v), emailMessage),
})

const endForm = z.object({
  closedReason: z
    .string({ error: 'Enter why the agency is no longer part of the arrangements' })
    .trim()
    .min(1, 'Enter why the agency is no longer part of the arrangements')
    .max(2000, 'The reason must be 2,000 characters or fewer'),
})

// The order of the fields on the page, so the error summary reads top to bottom.
const agencyOrder = [
  'name',
  'kind',
  'sector',
  'activeFrom',
  'statutoryRole',
  'leadPartnerTitle',
  'delegatedPartnerTitle',
  'executiveName',
  'executiveTitle',
  'executiveEmail',
] as const
const endOrder = ['activeTo', 'closedReason'] as const

type Parsed<T> = { ok: true; data: T } | { ok: false; errors: FormErrors }

function issuesByField(issues: readonly z.core.$ZodIssue[]): Record<string, FieldError | DateError> {
  const found: Record<string, FieldError | DateError> = {}
  for (const issue of issues) {
    const field = String(issue.path[0] ?? 'form')
    found[field] ??= { text: issue.message }
  }
  return found
}

/** Every problem of the form at once: the fields Zod checks and the date typed in three boxes. */
function readAgencyForm(values: Record<string, unknown>): Parsed<AgencyFields> {
  const parsed = agencyForm.safeParse(values)
  const activeFrom = readDateInput(values, 'activeFrom', 'the date it joined', false)
  const found = parsed.success ? {} : issuesByField(parsed.error.issues)
  if (!activeFrom.ok) found.activeFrom = activeFrom.error
  if (!parsed.success || !activeFrom.ok) return { ok: false, errors: formErrors(agencyOrder, found) }
  return { ok: true, data: { ...parsed.data, activeFrom: activeFrom.value } }
}

function readEndForm(values: Record<string, unknown>): Parsed<{ activeTo: string; closedReason: string }> {
  const parsed = endForm.safeParse(values)
  const activeTo = readDateInput(values, 'activeTo', 'the date it ended', true)
  const found = parsed.success ? {} : issuesByField(parsed.error.issues)
  if (!activeTo.ok) found.activeTo = activeTo.error
  if (!parsed.success || !activeTo.ok || !activeTo.value)
    return { ok: false, errors: formErrors(endOrder, found) }
  return { ok: true, data: { activeTo: activeTo.value, closedReason: parsed.data.closedReason } }
}

const kindItems = agencyKinds.map((value) => ({
  value,
  text: agencyKindLabels[value],
  hint: { text: agencyKindHints[value] },
}))
const sectorItems = [
  { value: '', text: 'Choose a sector' },
  ...sectors.map((value) => ({ value, text: sectorLabels[value] })),
]
const statutoryRoleItems = [
  { value: '', text: 'None: not a statutory partner' },
  ...statutoryRoles.map((value) => ({ value, text: statutoryRoleLabels[value] })),
]

function agencyValues(agency: Agency): Record<string, unknown> {
  return {
    name: agency.name,
    kind: agency.kind,
    sector: agency.sector,
    statutoryRole: agency.statutoryRole ?? '',
    leadPartnerTitle: agency.leadPartnerTitle ?? '',
    delegatedPartnerTitle: agency.delegatedPartnerTitle ?? '',
    executiveName: agency.executiveName ?? '',
    executiveTitle: agency.executiveTitle ?? '',
    executiveEmail: agency.executiveEmail ?? '',
    ...dateInputValues('activeFrom', agency.activeFrom),
  }
}

/** Adding, changing and ending agencies: the business team's and administrators' pages. */
export async function agencyEditRoutes(app: FastifyInstance, ctx: AppContext) {
  const config = { permission: 'structure:edit' as const }
  const base = (request: FastifyRequest) => `/p/${request.partnership!.slug}/agencies`

  function showForm(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { agency?: Agency; values: Record<string, unknown>; errors?: FormErrors },
  ) {
    const { agency, values, errors } = options
    const action = agency ? `${base(request)}/${agency.id}/edit` : `${base(request)}/new`
    return reply.status(errors ? 400 : 200).render(`${views}/form.njk`, {
      title: agency ? `Change ${agency.name}` : 'Add an agency',
      heading: agency ? `Change ${agency.name}` : 'Add an agency',
      buttonText: agency ? 'Save changes' : 'Add agency',
      action,
      backHref: agency ? `${base(request)}/${agency.id}` : base(request),
      values,
      errors,
      kindItems,
      sectorItems,
      statutoryRoleItems,
      dateItems: { activeFrom: dateItems('activeFrom', values, errors?.fields.activeFrom) },
    })
  }

  async function findAgency(request: FastifyRequest) {
    const { id } = request.params as { id: string }
    const agency = isUuid(id) ? await getAgency(ctx.db, request.partnership!.id, id) : null
    if (!agency) throw notFound()
    return agency
  }

  const change = (request: FastifyRequest) => ({
    partnershipId: request.partnership!.id,
    actorId: request.user!.id,
    now: ctx.now(),
    requestId: request.id,
  })

  app.get('/p/:slug/agencies/new', { config }, async (request, reply) =>
    showForm(request, reply, { values: { kind: 'relevant_agency' } }),
  )

  app.post('/p/:slug/agencies/new', { config }, async (request, reply) => {
    const values = formValues(request.body)
    const form = readAgencyForm(values)
    if (!form.ok) return showForm(request, reply, { values, errors: form.errors })
    try {
      const agency = await createAgency(ctx.db, { ...change(request), fields: form.data })
      return reply.redirect(`${base(request)}/${agency.id}?added=1`, 303)
    } catch (error) {
      if (!isFieldProblems(error)) throw error
      return showForm(request, reply, { values, errors: problemErrors(error, agencyOrder, ['activeFrom']) })
    }
  })

  app.get('/p/:slug/agencies/:id/edit', { config }, async (request, reply) => {
    const agency = await findAgency(request)
    return showForm(request, reply, { agency, values: agencyValues(agency) })
  })

  app.post('/p/:slug/agencies/:id/edit', { config }, async (request, reply) => {
    const agency = await findAgency(request)
    const values = formValues(request.body)
    const form = readAgencyForm(values)
    if (!form.ok) return showForm(request, reply, { agency, values, errors: form.errors })
    try {
      const { changed } = await updateAgency(ctx.db, { ...change(request), id: agency.id, fields: form.data })
      return reply.redirect(`${base(request)}/${agency.id}?${changed.length ? 'saved' : 'unchanged'}=1`, 303)
    } catch (error) {
      if (!isFieldProblems(error)) throw error
      return showForm(request, reply, {
        agency,
        values,
        errors: problemErrors(error, agencyOrder, ['activeFrom']),
      })
    }
  })

  function showEnd(
    reply: FastifyReply,
    agency: Agency,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    return reply.status(errors ? 400 : 200).render(`${views}/end.njk`, {
      title: `End ${agency.name}`,
      agency,
      values,
      errors,
      dateItems: { activeTo: dateItems('activeTo', values, errors?.fields.activeTo) },
    })
  }

  app.get('/p/:slug/agencies/:id/end', { config }, async (request, reply) => {
    const agency = await findAgency(request)
    if (agency.activeTo) return reply.redirect(`${base(request)}/${agency.id}`, 303)
    return showEnd(reply, agency, {})
  })

  app.post('/p/:slug/agencies/:id/end', { config }, async (request, reply) => {
    const agency = await findAgency(request)
    const values = formValues(request.body)
    const form = readEndForm(values)
    if (!form.ok) return showEnd(reply, agency, values, form.errors)
    try {
      await endAgency(ctx.db, {
        ...change(request),
        id: agency.id,
        endedOn: form.data.activeTo,
        reason: form.data.closedReason,
      })
      return reply.redirect(`${base(request)}/${agency.id}?ended=1`, 303)
    } catch (error) {
      if (!isFieldProblems(error)) throw error
      return showEnd(reply, agency, values, problemErrors(error, endOrder, ['activeTo']))
    }
  })
}
