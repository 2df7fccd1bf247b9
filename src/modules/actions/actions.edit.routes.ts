import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { AppContext } from '../../app.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import { changeOf } from '../../platform/http/change.ts'
import { notFound } from '../../platform/http/errors.ts'
import { type FormErrors, formValues, parseForm } from '../../platform/http/forms.ts'
import { meetingPath } from '../meetings/meetings.labels.ts'
import { isFieldProblems, problemErrors } from '../partnership/agencies.form.ts'
import { type ActionContext, actionFromUrl } from './actions.context.ts'
import { actionPath, actionSourceText, actionsRegisterPath } from './actions.labels.ts'
import { meetingItems, openGroups, ownerChoices } from './actions.queries.ts'
import {
  type ActionSource,
  alreadyClosedMessage,
  closeAction,
  createAction,
  editClosedReason,
  resolveActionSource,
  sourceClosedReason,
  updateAction,
} from './actions.service.ts'

const views = 'modules/actions/views/actions'

const text = z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string())

/** Every field as a string: the rules (actions.service.ts) say what is wrong, all at once. */
const actionForm = z.object({
  meetingId: text,
  agendaItemId: text,
  decisionId: text,
  groupId: text,
  description: text,
  ownerAgencyId: text,
  ownerPersonId: text,
})

const fieldOrder = [
  'meetingId',
  'decisionId',
  'groupId',
  'agendaItemId',
  'description',
  'ownerAgencyId',
  'ownerPersonId',
] as const

const closeForm = z.object({
  reason: z
    .string({ error: 'Enter why the action is closed' })
    .trim()
    .min(1, 'Enter why the action is closed')
    .max(1000, 'The reason must be 1,000 characters or fewer'),
})

const pageError = (message: string): FormErrors => ({
  list: [{ text: message, href: '#main-content' }],
  fields: {},
})

interface FormOptions {
  values: Record<string, unknown>
  errors?: FormErrors
  status?: number
}

/** Adding an action, changing it before it is issued, and closing it: the business team. */
export async function actionsEditRoutes(app: FastifyInstance, ctx: AppContext) {
  const edit = { permission: 'actions:edit' as const }
  const today = () => londonDate(ctx.now())

  async function choices(request: FastifyRequest, values: Record<string, unknown>) {
    const { agencies, people } = await ownerChoices(ctx.db, request.partnership!.id, today())
    return {
      agencyItems: [
        { value: '', text: 'Select an agency' },
        ...agencies.map((a) => ({ value: a.id, text: a.name })),
      ],
      personItems: [
        { value: '', text: 'No one in particular' },
        ...people.map((p) => ({ value: p.id, text: p.agencyName ? `${p.name} (${p.agencyName})` : p.name })),
      ],
      values,
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Adding an action

  async function showNew(
    request: FastifyRequest,
    reply: FastifyReply,
    source: ActionSource | null,
    options: FormOptions,
  ) {
    const slug = request.partnership!.slug
    const [common, groups, items] = await Promise.all([
      choices(request, options.values),
      source ? Promise.resolve([]) : openGroups(ctx.db, request.partnership!.id, today()),
      source?.meeting && !source.decision ? meetingItems(ctx.db, source.meeting.id) : Promise.resolve([]),
    ])
    const back = source?.meeting
      ? `${meetingPath(slug, source.meeting.id)}/actions`
      : actionsRegisterPath(slug)
    return reply.status(options.status ?? (options.errors ? 400 : 200)).render(`${views}/form.njk`, {
      title: 'Add an action',
      heading: 'Add an action',
      formAction: `/p/${slug}/actions/new`,
      back,
      submitText: 'Add action',
      errors: options.errors,
      source: source && {
        groupName: source.group.name,
        rows: [
          {
            key: { text: 'From' },
            value: { text: actionSourceText({ groupName: source.group.name, ...source }) },
          },
          ...(source.decision
            ? [
                {
                  key: { text: 'Decision' },
                  value: { text: `${source.decision.reference}: ${source.decision.text}` },
                },
              ]
            : []),
        ],
      },
      closedReason: source ? sourceClosedReason(source, today()) : null,
      groupItems: source
        ? null
        : [{ value: '', text: 'Select a group' }, ...groups.map((g) => ({ value: g.id, text: g.name }))],
      itemItems: items.length
        ? [
            { value: '', text: 'Not from a particular item' },
            ...items.map((i) => ({ value: i.id, text: `${i.position}. ${i.title}` })),
          ]
        : null,
      ...common,
    })
  }

  app.get('/p/:slug/actions/new', { config: edit }, async (request, reply) => {
    const query = request.query as Record<string, string | undefined>
    const values = {
      meetingId: query.meeting ?? '',
      agendaItemId: query.item ?? '',
      decisionId: query.decision ?? '',
      groupId: query.group ?? '',
    }
    const named = values.meetingId || values.agendaItemId || values.decisionId
    const { source, problems } = named
      ? await resolveActionSource(ctx.db, request.partnership!.id, values)
      : { source: null, problems: {} }
    // A link that names a meeting, item or decision that is not the partnership's leads nowhere.
    if (named && (!source || Object.keys(problems).length > 0)) throw notFound()
    if (source?.meeting) values.meetingId = source.meeting.id
    return showNew(request, reply, source, { values })
  })

  app.post('/p/:slug/actions/new', { config: edit }, async (request, reply) => {
    const values = formValues(request.body)
    const form = parseForm(actionForm, values)
    if (!form.ok) return showNew(request, reply, null, { values, errors: form.errors })
    const input = form.data
    const partnershipId = request.partnership!.id
    const named = input.meetingId || input.agendaItemId || input.decisionId
    const { source } = named ? await resolveActionSource(ctx.db, partnershipId, input) : { source: null }
    try {
      const action = await createAction(ctx.db, changeOf(ctx, request), {
        ...input,
        groupId: named ? null : input.groupId,
        ownerPersonId: input.ownerPersonId || null,
      })
      return reply.redirect(`${actionPath(request.partnership!.slug, action.id)}?created=1`, 303)
    } catch (error) {
      if (isFieldProblems(error)) {
        const errors = problemErrors(error, fieldOrder)
        return showNew(request, reply, source, { values, errors })
      }
      if ((error as { code?: string }).code === 'action_source_closed') {
        return showNew(request, reply, source, {
          values,
          errors: pageError((error as Error).message),
          status: 409,
        })
      }
      throw error
    }
  })

  // ---------------------------------------------------------------------------------------------
  // Changing an action before it is issued

  async function showEdit(
    request: FastifyRequest,
    reply: FastifyReply,
    context: ActionContext,
    options: FormOptions,
  ) {
    const { detail } = context
    const slug = request.partnership!.slug
    const common = await choices(request, options.values)
    return reply.status(options.status ?? (options.errors ? 400 : 200)).render(`${views}/form.njk`, {
      title: `Change action ${detail.action.reference}`,
      heading: `Change action ${detail.action.reference}`,
      formAction: `${actionPath(slug, detail.action.id)}/edit`,
      back: actionPath(slug, detail.action.id),
      submitText: 'Save changes',
      errors: options.errors,
      source: {
        groupName: detail.group.name,
        rows: [
          {
            key: { text: 'From' },
            value: { text: actionSourceText({ groupName: detail.group.name, ...detail }) },
          },
        ],
      },
      closedReason: editClosedReason(detail.action),
      groupItems: null,
      itemItems: null,
      ...common,
    })
  }

  app.get('/p/:slug/actions/:action/edit', { config: edit }, async (request, reply) => {
    const context = await actionFromUrl(ctx, request)
    const { action } = context.detail
    return showEdit(request, reply, context, {
      values: {
        description: action.description,
        ownerAgencyId: action.ownerAgencyId,
        ownerPersonId: action.ownerPersonId ?? '',
      },
    })
  })

  app.post('/p/:slug/actions/:action/edit', { config: edit }, async (request, reply) => {
    const context = await actionFromUrl(ctx, request)
    const values = formValues(request.body)
    const form = parseForm(actionForm, values)
    if (!form.ok) return showEdit(request, reply, context, { values, errors: form.errors })
    try {
      await updateAction(ctx.db, changeOf(ctx, request), context.detail.action.id, {
        description: form.data.description,
        ownerAgencyId: form.data.ownerAgencyId,
        ownerPersonId: form.data.ownerPersonId || null,
      })
      return reply.redirect(
        `${actionPath(request.partnership!.slug, context.detail.action.id)}?updated=1`,
        303,
      )
    } catch (error) {
      if (isFieldProblems(error)) {
        return showEdit(request, reply, context, { values, errors: problemErrors(error, fieldOrder) })
      }
      if ((error as { code?: string }).code === 'action_locked') {
        return showEdit(request, reply, context, {
          values,
          errors: pageError((error as Error).message),
          status: 409,
        })
      }
      throw error
    }
  })

  // ---------------------------------------------------------------------------------------------
  // Closing an action

  function showClose(
    request: FastifyRequest,
    reply: FastifyReply,
    context: ActionContext,
    options: FormOptions,
  ) {
    const { detail } = context
    return reply.status(options.status ?? (options.errors ? 400 : 200)).render(`${views}/close.njk`, {
      title: `Close action ${detail.action.reference}`,
      action: detail.action,
      agencyName: detail.agency.name,
      base: actionPath(request.partnership!.slug, detail.action.id),
      closed: detail.action.closedAt !== null,
      values: options.values,
      errors: options.errors,
    })
  }

  app.get('/p/:slug/actions/:action/close', { config: edit }, async (request, reply) => {
    const context = await actionFromUrl(ctx, request)
    return showClose(request, reply, context, { values: {} })
  })

  app.post('/p/:slug/actions/:action/close', { config: edit }, async (request, reply) => {
    const context = await actionFromUrl(ctx, request)
    const values = formValues(request.body)
    const refusedAsClosed = () =>
      showClose(request, reply, context, { values, errors: pageError(alreadyClosedMessage), status: 409 })
    if (context.detail.action.closedAt) return refusedAsClosed()
    const form = parseForm(closeForm, values)
    if (!form.ok) return showClose(request, reply, context, { values, errors: form.errors })
    try {
      await closeAction(ctx.db, changeOf(ctx, request), context.detail.action.id, form.data.reason)
    } catch (error) {
      if ((error as { code?: string }).code === 'action_closed') return refusedAsClosed()
      throw error
    }
    return reply.redirect(`${actionPath(request.partnership!.slug, context.detail.action.id)}?closed=1`, 303)
  })
}
