import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import { changeOf } from '../../platform/http/change.ts'
import type { FormErrors } from '../../platform/http/forms.ts'
import { formValues } from '../../platform/http/forms.ts'
import { dateItems, isFieldProblems, problemErrors } from '../partnership/agencies.form.ts'
import { decisionFormOrder, readDecisionForm } from './decisions.form.ts'
import { decisionOutcomeLabels, decisionPath } from './decisions.labels.ts'
import { decisionObjectionRoutes } from './decisions.objections.routes.ts'
import {
  type DecisionRow,
  decisionItems,
  meetingDecisionRows,
  objectionsFor,
  strategicGroupOf,
} from './decisions.queries.ts'
import { decisionRegisterRoutes } from './decisions.register.routes.ts'
import { decisionStateLabels } from './decisions.rules.ts'
import {
  implementationDeadline,
  laterMeetingsOf,
  recordClosedReason,
  recordDecision,
} from './decisions.service.ts'
import { editableMeetingFromUrl, type MeetingAccess, meetingFromUrl } from './meetings.access.ts'
import { meetingHeader, meetingPath, meetingTimes, meetingTitle } from './meetings.labels.ts'

const views = 'modules/meetings/views/decisions'

/** What a decision's row shows everywhere: how it was reached (with where it went) and its state tag. */
export function decisionSummary(slug: string, groupName: string, row: DecisionRow) {
  return {
    id: row.id,
    href: decisionPath(slug, row.id),
    reference: row.reference,
    item: `${row.itemPosition}. ${row.itemTitle}`,
    text: row.text,
    outcome: decisionOutcomeLabels[row.outcome],
    deferredTo: row.deferredTo
      ? {
          text: meetingTitle(row.deferredTo, groupName),
          href: meetingPath(slug, row.deferredTo.id),
        }
      : null,
    implementationOn: row.implementationOn,
    state: decisionStateLabels[row.state],
    stateKey: row.state,
    objectionCount: row.objectionCount,
  }
}

/** A meeting's decisions, and recording one (the business team, on or after the meeting's day). */
export async function decisionsRoutes(app: FastifyInstance, ctx: AppContext) {
  const view = { permission: 'meetings:view' as const }
  const edit = { permission: 'meetings:edit' as const }
  const today = () => londonDate(ctx.now())
  const change = (request: FastifyRequest) => changeOf(ctx, request)

  app.get('/p/:slug/meetings/:meeting/decisions', { config: view }, async (request, reply) => {
    const access = await meetingFromUrl(ctx, request, today())
    const { meeting, group } = access
    const slug = request.partnership!.slug
    const [rows, deadline] = await Promise.all([
      meetingDecisionRows(ctx.db, meeting.id, today()),
      implementationDeadline(ctx.db, request.partnership!.id, meeting.heldOn),
    ])
    const objections = await objectionsFor(
      ctx.db,
      rows.filter((r) => r.objectionCount > 0).map((r) => r.id),
    )
    return reply.render(`${views}/meeting.njk`, {
      title: `Decisions: ${meetingTitle(meeting, group.name)}`,
      header: meetingHeader(slug, meeting, group, 'decisions'),
      base: meetingPath(slug, meeting.id),
      deadline,
      decisions: rows.map((r) => ({
        ...decisionSummary(slug, group.name, r),
        objections: objections.filter((o) => o.decisionId === r.id),
      })),
      canEdit: access.canEdit,
      closedReason: recordClosedReason(meeting, today()),
    })
  })

  async function showRecord(
    request: FastifyRequest,
    reply: FastifyReply,
    access: MeetingAccess,
    options: { values: Record<string, unknown>; errors?: FormErrors; status?: number },
  ) {
    const { meeting, group } = access
    const partnership = request.partnership!
    const [items, later, strategic, deadline] = await Promise.all([
      decisionItems(ctx.db, meeting.id),
      laterMeetingsOf(ctx.db, meeting),
      strategicGroupOf(ctx.db, partnership.id, today()),
      implementationDeadline(ctx.db, partnership.id, meeting.heldOn),
    ])
    const { values, errors } = options
    return reply.status(options.status ?? (errors ? 400 : 200)).render(`${views}/record.njk`, {
      title: `Record a decision: ${meetingTitle(meeting, group.name)}`,
      meetingTitle: meetingTitle(meeting, group.name),
      base: meetingPath(partnership.slug, meeting.id),
      closedReason: recordClosedReason(meeting, today()),
      values,
      errors,
      deadline,
      itemItems: [
        { value: '', text: 'Choose an agenda item' },
        ...items.map((i) => ({
          value: i.id,
          text: `${i.position}. ${i.title}${i.decisionNeeded ? ' (decision needed)' : ''}`,
        })),
      ],
      hasItems: items.length > 0,
      laterItems: [
        { value: '', text: later.length ? 'Choose a meeting' : 'No later meeting is scheduled' },
        ...later.map((m) => ({ value: m.id, text: `${meetingTitle(m, group.name)}, ${meetingTimes(m)}` })),
      ],
      hasLater: later.length > 0,
      strategic: strategic && {
        name: strategic.name,
        href: `/p/${partnership.slug}/groups/${strategic.slug}`,
        next: strategic.nextMeeting && {
          text: meetingTitle(strategic.nextMeeting, strategic.name),
          href: meetingPath(partnership.slug, strategic.nextMeeting.id),
        },
      },
      newMeetingHref: `/p/${partnership.slug}/meetings/new`,
      dateItems: dateItems('implementationOn', values, errors?.fields.implementationOn),
    })
  }

  app.get('/p/:slug/meetings/:meeting/decisions/new', { config: edit }, async (request, reply) => {
    const access = await editableMeetingFromUrl(ctx, request, today())
    const { item } = request.query as { item?: string }
    return showRecord(request, reply, access, { values: { agendaItemId: item ?? '' } })
  })

  app.post('/p/:slug/meetings/:meeting/decisions/new', { config: edit }, async (request, reply) => {
    const access = await editableMeetingFromUrl(ctx, request, today())
    const values = formValues(request.body)
    const closed = recordClosedReason(access.meeting, today())
    if (closed) {
      const errors = { list: [{ text: closed, href: '#main-content' }], fields: {} }
      return showRecord(request, reply, access, { values, errors, status: 409 })
    }
    const form = readDecisionForm(values)
    if (!form.ok) return showRecord(request, reply, access, { values, errors: form.errors })
    try {
      const decision = await recordDecision(ctx.db, change(request), access.meeting.id, form.data)
      return reply.redirect(`${decisionPath(request.partnership!.slug, decision.id)}?recorded=1`, 303)
    } catch (error) {
      if (!isFieldProblems(error)) throw error
      const errors = problemErrors(error, decisionFormOrder, ['implementationOn'])
      return showRecord(request, reply, access, { values, errors })
    }
  })

  await decisionObjectionRoutes(app, ctx)
  await decisionRegisterRoutes(app, ctx)
}
