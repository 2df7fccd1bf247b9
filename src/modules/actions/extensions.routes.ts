import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { formatDate } from '../../platform/calendar/calendar.ts'
import { changeOf } from '../../platform/http/change.ts'
import { appError, forbidden, notFound } from '../../platform/http/errors.ts'
import { type FieldError, type FormErrors, formValues } from '../../platform/http/forms.ts'
import { isBusinessTeam, isUuid, viewerOfRequest } from '../meetings/meetings.access.ts'
import {
  type DateError,
  dateInputValues,
  dateItems,
  formErrors,
  isFieldProblems,
  problemErrors,
  readDateInput,
} from '../partnership/agencies.form.ts'
import {
  decideExtension,
  type ExtensionDecision,
  extensionLimit,
  extensionRefusal,
  extensionsOf,
  findExtension,
  originalDeadline,
  REASON_MAX,
  requestExtension,
} from './extensions.service.ts'
import { actionOfPartnership, answererOf } from './responses.service.ts'

const views = 'modules/actions/views/responses'
const requestOrder = ['proposedDueOn', 'reason']
const decideOrder = ['decision', 'newDueOn', 'decisionReason']

function readReason(values: Record<string, unknown>, name: string, found: Record<string, FieldError>) {
  const reason = String(values[name] ?? '').trim()
  if (!reason) found[name] = { text: 'Enter the reason' }
  else if (reason.length > REASON_MAX) found[name] = { text: 'The reason must be 5,000 characters or fewer' }
  return reason
}

/** Asking for more time for an action (its owner or the business team) and deciding (the business team). */
export async function extensionsRoutes(app: FastifyInstance, ctx: AppContext) {
  const view = { permission: 'actions:view' as const }
  const edit = { permission: 'actions:edit' as const }
  const context = { publicUrl: ctx.config.PUBLIC_URL }

  async function actionFromUrl(request: FastifyRequest) {
    const { action: id } = request.params as { action: string }
    const row = isUuid(id) ? await actionOfPartnership(ctx.db, request.partnership!.id, id) : null
    if (!row) throw notFound()
    const original = await originalDeadline(ctx.db, row.action)
    return { ...row, original, href: `/p/${request.partnership!.slug}/actions/${row.action.id}` }
  }
  type ActionRow = Awaited<ReturnType<typeof actionFromUrl>>

  /** The action, if the viewer may ask more time for it and it can be given more. */
  async function extendable(request: FastifyRequest) {
    const row = await actionFromUrl(request)
    const who = await answererOf(ctx.db, request.partnership!.id, row.action, viewerOfRequest(request))
    if (!who.allowed) {
      throw forbidden('Only the action’s owner, their agency or the business team can ask for more time')
    }
    const refusal = extensionRefusal(row.action)
    if (refusal) throw appError('refused', refusal, 409)
    return row
  }

  function deadlines(row: ActionRow) {
    const current = row.action.dueOn!
    const original = row.original ?? current
    return {
      currentText: formatDate(current),
      originalText: formatDate(original),
      limitText: formatDate(extensionLimit(original)),
    }
  }

  async function showRequest(
    reply: FastifyReply,
    row: ActionRow,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    return reply.status(errors ? 400 : 200).render(`${views}/extension-new.njk`, {
      title: `Ask for more time: action ${row.action.reference}`,
      action: row.action,
      agencyName: row.agencyName,
      actionHref: row.href,
      formAction: `${row.href}/extensions/new`,
      ...deadlines(row),
      dateItems: dateItems('proposedDueOn', values, errors?.fields.proposedDueOn),
      values,
      errors,
    })
  }

  app.get('/p/:slug/actions/:action/extensions/new', { config: view }, async (request, reply) => {
    const row = await extendable(request)
    return showRequest(reply, row, {})
  })

  app.post('/p/:slug/actions/:action/extensions/new', { config: view }, async (request, reply) => {
    const row = await extendable(request)
    const values = formValues(request.body)
    const found: Record<string, FieldError | DateError> = {}
    const date = readDateInput(values, 'proposedDueOn', 'the new deadline you propose', true)
    if (!date.ok) found.proposedDueOn = date.error
    const reason = readReason(values, 'reason', found)
    if (Object.keys(found).length) return showRequest(reply, row, values, formErrors(requestOrder, found))
    let extensionId: string
    try {
      const extension = await requestExtension(ctx.db, ctx.outbox, changeOf(ctx, request), {
        actionId: row.action.id,
        proposedDueOn: date.ok ? date.value! : '',
        reason,
        slug: request.partnership!.slug,
        context,
      })
      extensionId = extension.id
    } catch (error) {
      if (!isFieldProblems(error)) throw error
      return showRequest(reply, row, values, problemErrors(error, requestOrder, ['proposedDueOn']))
    }
    return reply.redirect(`${row.href}/extensions/${extensionId}?requested=1`, 303)
  })

  async function requestFromUrl(request: FastifyRequest, row: ActionRow) {
    const { extension: id } = request.params as { extension: string }
    const found = isUuid(id) ? await findExtension(ctx.db, row.action.id, id) : null
    if (!found) throw notFound()
    return found
  }

  async function showDecision(
    request: FastifyRequest,
    reply: FastifyReply,
    row: ActionRow,
    options: {
      values?: Record<string, unknown>
      errors?: FormErrors
      flash?: string
      canDecide?: boolean
    } = {},
  ) {
    const extension = await requestFromUrl(request, row)
    const all = await extensionsOf(ctx.db, row.action.id)
    const requestedBy = all.find((e) => e.extension.id === extension.id)?.requestedBy ?? null
    const values = options.values ?? {
      decision: '',
      ...dateInputValues('newDueOn', extension.proposedDueOn),
    }
    return reply.status(options.errors ? 400 : 200).render(`${views}/extension-decide.njk`, {
      title: `More time for action ${row.action.reference}`,
      action: row.action,
      agencyName: row.agencyName,
      actionHref: row.href,
      formAction: `${row.href}/extensions/${extension.id}`,
      extension: {
        ...extension,
        requestedBy,
        requestedOnText: formatDate(extension.requestedOn),
        proposedText: formatDate(extension.proposedDueOn),
        newDueOnText: extension.newDueOn ? formatDate(extension.newDueOn) : null,
      },
      ...(row.action.dueOn ? deadlines(row) : {}),
      dateItems: dateItems('newDueOn', values, options.errors?.fields.newDueOn),
      values,
      errors: options.errors,
      flash: options.flash,
      canDecide: options.canDecide ?? true,
    })
  }

  // The request's page: the business team decides there; the requester and their agency follow it.
  app.get('/p/:slug/actions/:action/extensions/:extension', { config: view }, async (request, reply) => {
    const row = await actionFromUrl(request)
    const viewer = viewerOfRequest(request)
    const canDecide = isBusinessTeam(viewer.role)
    if (!canDecide && !(await answererOf(ctx.db, request.partnership!.id, row.action, viewer)).allowed) {
      throw forbidden()
    }
    const query = request.query as { decided?: string; requested?: string }
    const flash =
      query.decided !== undefined
        ? 'The decision was recorded and the requester told'
        : query.requested !== undefined
          ? 'Your request was sent to the business team'
          : undefined
    return showDecision(request, reply, row, { flash, canDecide })
  })

  app.post('/p/:slug/actions/:action/extensions/:extension', { config: edit }, async (request, reply) => {
    const row = await actionFromUrl(request)
    const extension = await requestFromUrl(request, row)
    if (extension.decision) throw appError('decided', 'This request has already been decided', 409)
    const values = formValues(request.body)
    const found: Record<string, FieldError | DateError> = {}
    const decision = String(values.decision ?? '')
    let newDueOn = ''
    if (decision !== 'approved' && decision !== 'refused') {
      found.decision = { text: 'Choose whether to approve or refuse the request' }
    }
    if (decision === 'approved') {
      const date = readDateInput(values, 'newDueOn', 'the new deadline', true)
      if (date.ok) newDueOn = date.value!
      else found.newDueOn = date.error
    }
    const reason = readReason(values, 'decisionReason', found)
    if (Object.keys(found).length) {
      return showDecision(request, reply, row, { values, errors: formErrors(decideOrder, found) })
    }
    const outcome: ExtensionDecision =
      decision === 'approved' ? { decision, newDueOn, reason } : { decision: 'refused', reason }
    try {
      await decideExtension(ctx.db, ctx.outbox, changeOf(ctx, request), {
        actionId: row.action.id,
        extensionId: extension.id,
        slug: request.partnership!.slug,
        context,
        ...outcome,
      })
    } catch (error) {
      if (!isFieldProblems(error)) throw error
      return showDecision(request, reply, row, {
        values,
        errors: problemErrors(error, decideOrder, ['newDueOn']),
      })
    }
    return reply.redirect(`${row.href}/extensions/${extension.id}?decided=1`, 303)
  })
}
