import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { AppContext } from '../../app.ts'
import { can } from '../../platform/access/policy.ts'
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
import { londonDay } from './agencies.problems.ts'
import { dueTags } from './agency-reviews.routes.ts'
import {
  createOtherPartnership,
  getOtherPartnership,
  listOtherPartnerships,
  type OtherPartnership,
  type OtherPartnershipFields,
  otherPartnershipKindLabels,
  protocolReview,
  updateOtherPartnership,
} from './other-partnerships.service.ts'
import { otherPartnershipKinds } from './structure.table.ts'

const views = 'modules/partnership/views/agencies'
const order = ['name', 'kind', 'protocol', 'protocolReviewDue'] as const

const form = z.object({
  name: z
    .string({ error: 'Enter the name of the partnership' })
    .trim()
    .min(1, 'Enter the name of the partnership')
    .max(200, 'Name must be 200 characters or fewer'),
  kind: z.enum(otherPartnershipKinds, { error: 'Select the kind of partnership' }),
  protocol: z
    .string()
    .trim()
    .max(20_000, 'The protocol must be 20,000 characters or fewer')
    .optional()
    .transform((v) => v ?? ''),
})

function readForm(values: Record<string, unknown>) {
  const parsed = form.safeParse(values)
  const due = readDateInput(values, 'protocolReviewDue', 'the date the protocol is next reviewed', false)
  const found: Record<string, FieldError | DateError> = {}
  if (!parsed.success) {
    for (const issue of parsed.error.issues) found[String(issue.path[0])] ??= { text: issue.message }
  }
  if (!due.ok) found.protocolReviewDue = due.error
  if (!parsed.success || !due.ok) return { ok: false as const, errors: formErrors(order, found) }
  const fields: OtherPartnershipFields = { ...parsed.data, protocolReviewDue: due.value }
  return { ok: true as const, fields }
}

const kindItems = otherPartnershipKinds.map((value) => ({ value, text: otherPartnershipKindLabels[value] }))

/** The other strategic partnerships the arrangements work with, and their joint protocols. */
export async function otherPartnershipRoutes(app: FastifyInstance, ctx: AppContext) {
  const view = { permission: 'structure:view' as const }
  const edit = { permission: 'structure:edit' as const }
  const base = (request: FastifyRequest) => `/p/${request.partnership!.slug}/other-partnerships`
  const review = (row: OtherPartnership) => {
    const due = protocolReview(row, londonDay(ctx.now()))
    return due ? { ...due, tag: dueTags[due.status] } : null
  }

  app.get('/p/:slug/other-partnerships', { config: view }, async (request, reply) => {
    const partnership = request.partnership!
    const rows = await listOtherPartnerships(ctx.db, partnership.id)
    return reply.render(`${views}/other-partnerships.njk`, {
      title: 'Other partnerships',
      rows: rows.map((row) => ({
        ...row,
        kindLabel: otherPartnershipKindLabels[row.kind],
        review: review(row),
      })),
      canEdit: can(request.actor, 'structure:edit', { partnershipId: partnership.id }),
    })
  })

  async function find(request: FastifyRequest) {
    const { id } = request.params as { id: string }
    const row = isUuid(id) ? await getOtherPartnership(ctx.db, request.partnership!.id, id) : null
    if (!row) throw notFound()
    return row
  }

  function showForm(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { row?: OtherPartnership; values: Record<string, unknown>; errors?: FormErrors },
  ) {
    const { row, values, errors } = options
    return reply.status(errors ? 400 : 200).render(`${views}/other-partnership-form.njk`, {
      title: row ? `Change ${row.name}` : 'Add a partnership',
      heading: row ? `Change ${row.name}` : 'Add a partnership',
      action: row ? `${base(request)}/${row.id}/edit` : `${base(request)}/new`,
      backHref: row ? `${base(request)}/${row.id}` : base(request),
      buttonText: row ? 'Save changes' : 'Add partnership',
      kindItems,
      values,
      errors,
      dateItems: {
        protocolReviewDue: dateItems('protocolReviewDue', values, errors?.fields.protocolReviewDue),
      },
    })
  }

  const change = (request: FastifyRequest) => ({
    partnershipId: request.partnership!.id,
    actorId: request.user!.id,
    now: ctx.now(),
    requestId: request.id,
  })

  app.get('/p/:slug/other-partnerships/new', { config: edit }, async (request, reply) =>
    showForm(request, reply, { values: {} }),
  )

  app.post('/p/:slug/other-partnerships/new', { config: edit }, async (request, reply) => {
    const values = formValues(request.body)
    const parsed = readForm(values)
    if (!parsed.ok) return showForm(request, reply, { values, errors: parsed.errors })
    try {
      const row = await createOtherPartnership(ctx.db, { ...change(request), fields: parsed.fields })
      return reply.redirect(`${base(request)}/${row.id}?added=1`, 303)
    } catch (error) {
      if (!isFieldProblems(error)) throw error
      return showForm(request, reply, { values, errors: problemErrors(error, order, ['protocolReviewDue']) })
    }
  })

  app.get('/p/:slug/other-partnerships/:id', { config: view }, async (request, reply) => {
    const row = await find(request)
    const query = request.query as { added?: string; saved?: string }
    return reply.render(`${views}/other-partnership.njk`, {
      title: row.name,
      row,
      kindLabel: otherPartnershipKindLabels[row.kind],
      review: review(row),
      canEdit: can(request.actor, 'structure:edit', { partnershipId: request.partnership!.id }),
      flash: query.added ? 'Partnership added' : query.saved ? 'Changes saved' : undefined,
    })
  })

  app.get('/p/:slug/other-partnerships/:id/edit', { config: edit }, async (request, reply) => {
    const row = await find(request)
    const values = {
      name: row.name,
      kind: row.kind,
      protocol: row.protocol,
      ...dateInputValues('protocolReviewDue', row.protocolReviewDue),
    }
    return showForm(request, reply, { row, values })
  })

  app.post('/p/:slug/other-partnerships/:id/edit', { config: edit }, async (request, reply) => {
    const row = await find(request)
    const values = formValues(request.body)
    const parsed = readForm(values)
    if (!parsed.ok) return showForm(request, reply, { row, values, errors: parsed.errors })
    try {
      await updateOtherPartnership(ctx.db, { ...change(request), id: row.id, fields: parsed.fields })
      return reply.redirect(`${base(request)}/${row.id}?saved=1`, 303)
    } catch (error) {
      if (!isFieldProblems(error)) throw error
      return showForm(request, reply, {
        row,
        values,
        errors: problemErrors(error, order, ['protocolReviewDue']),
      })
    }
  })
}
