import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { notFound } from '../../platform/http/errors.ts'
import { type FormErrors, formValues } from '../../platform/http/forms.ts'
import { dateInputValues, dateItems, isFieldProblems, problemErrors } from './agencies.form.ts'
import { londonDay } from './agencies.problems.ts'
import { groupFromUrl } from './groups.access.ts'
import { groupDateFields, groupOrder, groupValues, readCloseForm, readGroupForm } from './groups.form.ts'
import { groupKindHints, groupKindLabels } from './groups.labels.ts'
import { closeGroup, createGroup, listGroups, updateGroup, type VisibleGroup } from './groups.service.ts'
import { groupKinds } from './structure.table.ts'

const views = 'modules/partnership/views/groups'

const kindItems = groupKinds.map((value) => ({
  value,
  text: groupKindLabels[value],
  hint: { text: groupKindHints[value] },
}))

/** Adding, changing and closing the partnership's own groups: the business team's pages. */
export async function groupEditRoutes(app: FastifyInstance, ctx: AppContext) {
  const config = { permission: 'structure:edit' as const }
  const base = (request: FastifyRequest) => `/p/${request.partnership!.slug}/groups`
  const change = (request: FastifyRequest) => ({
    partnershipId: request.partnership!.id,
    actorId: request.user!.id,
    now: ctx.now(),
    requestId: request.id,
  })

  /** The partnership's own open groups a group may report to (never itself). */
  async function parentItems(request: FastifyRequest, except?: string) {
    const all = await listGroups(ctx.db, request.partnership!.id, londonDay(ctx.now()))
    return [
      { value: '', text: 'No other group' },
      ...all
        .filter((g) => g.partnershipId && !g.closedOn && g.id !== except)
        .map((g) => ({ value: g.id, text: g.name })),
    ]
  }

  async function showForm(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { group?: VisibleGroup; values: Record<string, unknown>; errors?: FormErrors },
  ) {
    const { group, values, errors } = options
    return reply.status(errors ? 400 : 200).render(`${views}/form.njk`, {
      title: group ? `Change ${group.name}` : 'Add a group',
      heading: group ? `Change ${group.name}` : 'Add a group',
      buttonText: group ? 'Save changes' : 'Add group',
      action: group ? `${base(request)}/${group.slug}/edit` : `${base(request)}/new`,
      backHref: group ? `${base(request)}/${group.slug}` : base(request),
      values,
      errors,
      kindItems,
      parentItems: await parentItems(request, group?.id),
      dateItems: Object.fromEntries(groupDateFields.map((f) => [f, dateItems(f, values, errors?.fields[f])])),
    })
  }

  /** Only the partnership's own open groups are changed here; a shared group belongs to its collaboration. */
  async function ownGroup(request: FastifyRequest) {
    const group = await groupFromUrl(ctx, request)
    if (group.partnershipId !== request.partnership!.id) throw notFound()
    return group
  }

  app.get('/p/:slug/groups/new', { config }, async (request, reply) =>
    showForm(request, reply, { values: { kind: 'subgroup', confidential: 'no' } }),
  )

  app.post('/p/:slug/groups/new', { config }, async (request, reply) => {
    const values = formValues(request.body)
    const form = readGroupForm(values)
    if (!form.ok) return showForm(request, reply, { values, errors: form.errors })
    try {
      const group = await createGroup(ctx.db, { ...change(request), fields: form.data })
      return reply.redirect(`${base(request)}/${group.slug}?added=1`, 303)
    } catch (error) {
      if (!isFieldProblems(error)) throw error
      return showForm(request, reply, {
        values,
        errors: problemErrors(error, groupOrder, groupDateFields),
      })
    }
  })

  app.get('/p/:slug/groups/:group/edit', { config }, async (request, reply) => {
    const group = await ownGroup(request)
    return showForm(request, reply, { group, values: groupValues(group) })
  })

  app.post('/p/:slug/groups/:group/edit', { config }, async (request, reply) => {
    const group = await ownGroup(request)
    const values = formValues(request.body)
    const form = readGroupForm(values)
    if (!form.ok) return showForm(request, reply, { group, values, errors: form.errors })
    try {
      const { changed } = await updateGroup(ctx.db, { ...change(request), id: group.id, fields: form.data })
      return reply.redirect(`${base(request)}/${group.slug}?${changed.length ? 'saved' : 'unchanged'}=1`, 303)
    } catch (error) {
      if (!isFieldProblems(error)) throw error
      return showForm(request, reply, {
        group,
        values,
        errors: problemErrors(error, groupOrder, groupDateFields),
      })
    }
  })

  function showClose(
    reply: FastifyReply,
    group: VisibleGroup,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    return reply.status(errors ? 400 : 200).render(`${views}/close.njk`, {
      title: `Close ${group.name}`,
      group,
      values,
      errors,
      dateItems: { closedOn: dateItems('closedOn', values, errors?.fields.closedOn) },
    })
  }

  app.get('/p/:slug/groups/:group/close', { config }, async (request, reply) => {
    const group = await ownGroup(request)
    if (group.closedOn) return reply.redirect(`${base(request)}/${group.slug}`, 303)
    return showClose(reply, group, dateInputValues('closedOn', londonDay(ctx.now())))
  })

  app.post('/p/:slug/groups/:group/close', { config }, async (request, reply) => {
    const group = await ownGroup(request)
    const values = formValues(request.body)
    const form = readCloseForm(values)
    if (!form.ok) return showClose(reply, group, values, form.errors)
    try {
      await closeGroup(ctx.db, { ...change(request), id: group.id, ...form.data })
      return reply.redirect(`${base(request)}/${group.slug}?closed=1`, 303)
    } catch (error) {
      if (!isFieldProblems(error)) throw error
      return showClose(reply, group, values, problemErrors(error, ['closedOn', 'closedReason'], ['closedOn']))
    }
  })
}
