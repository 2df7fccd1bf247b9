import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import { changeOf } from '../../platform/http/change.ts'
import { forbidden, notFound } from '../../platform/http/errors.ts'
import { type FormErrors, formValues } from '../../platform/http/forms.ts'
import { dateItems, isFieldProblems, problemErrors } from '../partnership/agencies.form.ts'
import {
  objectionFormOrder,
  readObjectionForm,
  readReconsiderationForm,
  readWithdrawForm,
} from './decisions.form.ts'
import { decisionOutcomeLabels, decisionPath } from './decisions.labels.ts'
import {
  activeAgencies,
  arrangeReconsideration,
  objectionClosedReason,
  recordObjection,
} from './decisions.objections.ts'
import { type DecisionRow, findDecision, objectionsFor, strategicGroupOf } from './decisions.queries.ts'
import { decisionStateLabels } from './decisions.rules.ts'
import { implementationDeadline, laterMeetingsOf, withdrawDecision } from './decisions.service.ts'
import {
  canSeeMeeting,
  isUuid,
  type MeetingAccess,
  meetingAccess,
  viewerOfRequest,
} from './meetings.access.ts'
import { meetingPath, meetingTimes, meetingTitle } from './meetings.labels.ts'

const views = 'modules/meetings/views/decisions'

const flashes: Record<string, string> = {
  recorded: 'Decision recorded',
  objected:
    'Objection recorded: the decision is suspended and the group and the business team have been told',
  reconsideration: 'Reconsideration meeting arranged',
  withdrawn: 'Decision withdrawn',
}

interface DecisionContext {
  decision: DecisionRow
  access: MeetingAccess
  title: string
}

/** One decision's page, and what the business team does to it: objections, reconsideration, withdrawal. */
export async function decisionObjectionRoutes(app: FastifyInstance, ctx: AppContext) {
  const view = { permission: 'meetings:view' as const }
  const edit = { permission: 'meetings:edit' as const }
  const today = () => londonDate(ctx.now())
  const change = (request: FastifyRequest) => changeOf(ctx, request)

  /** The decision in the URL if the viewer may see its meeting: 404 when it is not the partnership's, 403 otherwise. */
  async function decisionFromUrl(request: FastifyRequest, forEdit = false): Promise<DecisionContext> {
    const { decision: id } = request.params as { decision: string }
    const partnershipId = request.partnership!.id
    const decision = isUuid(id) ? await findDecision(ctx.db, partnershipId, id, today()) : null
    if (!decision) throw notFound()
    const viewer = viewerOfRequest(request)
    const access = await meetingAccess(ctx.db, partnershipId, decision.meetingId, viewer, today())
    if (!access) throw notFound()
    if (!canSeeMeeting(viewer, access.group, access.viewer.isMember)) {
      throw forbidden('This decision is for its group’s members')
    }
    if (forEdit && !access.canEdit) throw forbidden()
    return { decision, access, title: meetingTitle(access.meeting, access.group.name) }
  }

  const decisionUrl = (request: FastifyRequest, id: string) => decisionPath(request.partnership!.slug, id)

  app.get('/p/:slug/decisions/:decision', { config: view }, async (request, reply) => {
    const { decision, access, title } = await decisionFromUrl(request)
    const slug = request.partnership!.slug
    const [objections, deadline, strategic] = await Promise.all([
      objectionsFor(ctx.db, [decision.id]),
      implementationDeadline(ctx.db, request.partnership!.id, access.meeting.heldOn),
      decision.outcome === 'referred' ? strategicGroupOf(ctx.db, request.partnership!.id, today()) : null,
    ])
    const query = request.query as Record<string, string | undefined>
    const flash = Object.keys(flashes).find((key) => query[key] !== undefined)
    const withdrawn = decision.withdrawnAt !== null
    const groupName = access.group.name
    return reply.render(`${views}/decision.njk`, {
      title: `Decision ${decision.reference}`,
      decision,
      meeting: { title, href: meetingPath(slug, access.meeting.id) },
      decisionsHref: `${meetingPath(slug, access.meeting.id)}/decisions`,
      outcome: decisionOutcomeLabels[decision.outcome],
      state: decisionStateLabels[decision.state],
      deadline,
      deferredTo: decision.deferredTo && {
        text: meetingTitle(decision.deferredTo, groupName),
        href: meetingPath(slug, decision.deferredTo.id),
      },
      reconsideration: decision.reconsideration && {
        text: meetingTitle(decision.reconsideration, groupName),
        href: meetingPath(slug, decision.reconsideration.id),
      },
      strategic: strategic && {
        name: strategic.name,
        next: strategic.nextMeeting && {
          text: meetingTitle(strategic.nextMeeting, strategic.name),
          href: meetingPath(slug, strategic.nextMeeting.id),
        },
      },
      objections,
      canEdit: access.canEdit,
      canObject: access.canEdit && objectionClosedReason(decision) === null,
      canReconsider: access.canEdit && !withdrawn && objections.length > 0,
      canWithdraw: access.canEdit && !withdrawn,
      base: decisionUrl(request, decision.id),
      flash: flash ? flashes[flash] : undefined,
    })
  })

  // ---------------------------------------------------------------------------------------------
  // An objection

  async function showObjection(
    request: FastifyRequest,
    reply: FastifyReply,
    context: DecisionContext,
    options: { values: Record<string, unknown>; errors?: FormErrors; status?: number },
  ) {
    const { decision } = context
    const agencies = await activeAgencies(ctx.db, request.partnership!.id, today())
    const { values, errors } = options
    return reply.status(options.status ?? (errors ? 400 : 200)).render(`${views}/objection.njk`, {
      title: `Record an objection to decision ${decision.reference}`,
      decision,
      meetingTitle: context.title,
      base: decisionUrl(request, decision.id),
      closedReason: objectionClosedReason(decision),
      values,
      errors,
      agencyItems: [
        { value: '', text: 'Choose an agency' },
        ...agencies.map((a) => ({ value: a.id, text: a.name })),
      ],
      dateItems: dateItems('receivedOn', values, errors?.fields.receivedOn),
    })
  }

  app.get('/p/:slug/decisions/:decision/objections/new', { config: edit }, async (request, reply) => {
    const context = await decisionFromUrl(request, true)
    return showObjection(request, reply, context, { values: {} })
  })

  app.post('/p/:slug/decisions/:decision/objections/new', { config: edit }, async (request, reply) => {
    const context = await decisionFromUrl(request, true)
    const values = formValues(request.body)
    const closed = objectionClosedReason(context.decision)
    if (closed) {
      const errors = { list: [{ text: closed, href: '#main-content' }], fields: {} }
      return showObjection(request, reply, context, { values, errors, status: 409 })
    }
    const form = readObjectionForm(values)
    if (!form.ok) return showObjection(request, reply, context, { values, errors: form.errors })
    try {
      const url = `${ctx.config.PUBLIC_URL}${decisionUrl(request, context.decision.id)}`
      await recordObjection(ctx.db, ctx.outbox, change(request), context.decision.id, form.data, {
        decisionUrl: url,
      })
      return reply.redirect(`${decisionUrl(request, context.decision.id)}?objected=1`, 303)
    } catch (error) {
      if (!isFieldProblems(error)) throw error
      const errors = problemErrors(error, objectionFormOrder, ['receivedOn'])
      return showObjection(request, reply, context, { values, errors })
    }
  })

  // ---------------------------------------------------------------------------------------------
  // A reconsideration meeting, after an objection

  async function showReconsideration(
    request: FastifyRequest,
    reply: FastifyReply,
    context: DecisionContext,
    options: { values: Record<string, unknown>; errors?: FormErrors; status?: number },
  ) {
    const { decision, access } = context
    const [later, objections] = await Promise.all([
      laterMeetingsOf(ctx.db, access.meeting),
      objectionsFor(ctx.db, [decision.id]),
    ])
    const { values, errors } = options
    const closedReason = decision.withdrawnAt
      ? 'This decision was withdrawn'
      : objections.length === 0
        ? 'A reconsideration is arranged after an objection: none has been recorded against this decision'
        : null
    return reply.status(options.status ?? (errors ? 400 : 200)).render(`${views}/reconsideration.njk`, {
      title: `Arrange a reconsideration meeting for decision ${decision.reference}`,
      decision,
      meetingTitle: context.title,
      base: decisionUrl(request, decision.id),
      closedReason,
      values,
      errors,
      meetingItems: later.map((m) => ({
        value: m.id,
        text: meetingTitle(m, access.group.name),
        hint: { text: meetingTimes(m) },
        checked: values.meetingId === m.id,
      })),
      newMeetingHref: `/p/${request.partnership!.slug}/meetings/new`,
    })
  }

  app.get('/p/:slug/decisions/:decision/reconsideration', { config: edit }, async (request, reply) => {
    const context = await decisionFromUrl(request, true)
    return showReconsideration(request, reply, context, {
      values: { meetingId: context.decision.reconsideration?.id ?? '' },
    })
  })

  app.post('/p/:slug/decisions/:decision/reconsideration', { config: edit }, async (request, reply) => {
    const context = await decisionFromUrl(request, true)
    const values = formValues(request.body)
    const form = readReconsiderationForm(values)
    if (!form.ok) return showReconsideration(request, reply, context, { values, errors: form.errors })
    try {
      await arrangeReconsideration(ctx.db, change(request), context.decision.id, form.data.meetingId)
      return reply.redirect(`${decisionUrl(request, context.decision.id)}?reconsideration=1`, 303)
    } catch (error) {
      if (isFieldProblems(error)) {
        return showReconsideration(request, reply, context, {
          values,
          errors: problemErrors(error, ['meetingId']),
        })
      }
      const code = (error as { code?: string }).code
      if (code === 'no_objection' || code === 'decision_withdrawn') {
        const errors = { list: [{ text: (error as Error).message, href: '#main-content' }], fields: {} }
        return showReconsideration(request, reply, context, { values, errors, status: 409 })
      }
      throw error
    }
  })

  // ---------------------------------------------------------------------------------------------
  // Withdrawing a decision recorded in error

  function showWithdraw(
    request: FastifyRequest,
    reply: FastifyReply,
    context: DecisionContext,
    options: { values: Record<string, unknown>; errors?: FormErrors; status?: number },
  ) {
    const { decision } = context
    return reply.status(options.status ?? (options.errors ? 400 : 200)).render(`${views}/withdraw.njk`, {
      title: `Withdraw decision ${decision.reference}`,
      decision,
      meetingTitle: context.title,
      base: decisionUrl(request, decision.id),
      values: options.values,
      errors: options.errors,
    })
  }

  app.get('/p/:slug/decisions/:decision/withdraw', { config: edit }, async (request, reply) => {
    const context = await decisionFromUrl(request, true)
    if (context.decision.withdrawnAt) return reply.redirect(decisionUrl(request, context.decision.id), 303)
    return showWithdraw(request, reply, context, { values: {} })
  })

  app.post('/p/:slug/decisions/:decision/withdraw', { config: edit }, async (request, reply) => {
    const context = await decisionFromUrl(request, true)
    if (context.decision.withdrawnAt) return reply.redirect(decisionUrl(request, context.decision.id), 303)
    const values = formValues(request.body)
    const form = readWithdrawForm(values)
    if (!form.ok) return showWithdraw(request, reply, context, { values, errors: form.errors })
    await withdrawDecision(ctx.db, change(request), context.decision.id, form.data.reason)
    return reply.redirect(`${decisionUrl(request, context.decision.id)}?withdrawn=1`, 303)
  })
}
