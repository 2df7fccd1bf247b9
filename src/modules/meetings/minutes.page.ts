import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { formatDate } from '../../platform/calendar/dates.ts'
import { londonDate, londonTime } from '../../platform/calendar/london-time.ts'
import { changeOf } from '../../platform/http/change.ts'
import { AppError } from '../../platform/http/errors.ts'
import type { FormErrors } from '../../platform/http/forms.ts'
import { timelinessTag } from './deadlines.ts'
import type { MeetingAccess } from './meetings.access.ts'
import { meetingHeader, meetingPath, meetingTitle } from './meetings.labels.ts'
import { minutesStatusText } from './minutes.rules.ts'
import { canReadMinutes, meetingDay, minutedItems, minutesHistory, minutesState } from './minutes.service.ts'

// What every minutes page shares: the links, the change context, and the minutes page itself,
// which also answers a refused step (a stale form, minutes not ready) with the reason.

export const views = 'modules/meetings/views/minutes'

const flashes: Record<string, string> = {
  saved: 'Draft minutes saved',
  unchanged: 'Nothing was changed',
  uploaded: 'Minutes file uploaded',
  sent: 'Draft minutes sent to the chair',
  approved: 'Minutes approved',
  returned: 'Minutes returned to the business team',
  circulated: 'Approved minutes circulated to the group’s members',
  agreed: 'Agreement of the minutes recorded',
}

const historyLabels: Record<string, string> = {
  create: 'Drafting started',
  upload: 'Minutes file uploaded',
  send_to_chair: 'Sent to the chair',
  return: 'Returned to the business team',
  approve: 'Approved by the chair',
  circulate: 'Circulated to the group’s members',
  agree: 'Agreed for accuracy',
}

const statusColours: Record<string, string> = {
  none: 'govuk-tag--grey',
  drafting: 'govuk-tag--yellow',
  with_chair: 'govuk-tag--blue',
  approved: 'govuk-tag--turquoise',
  circulated: 'govuk-tag--purple',
  agreed: 'govuk-tag--green',
}

export const fieldError = (field: string, text: string): FormErrors => ({
  list: [{ text, href: `#${field}` }],
  fields: { [field]: { text } },
})

/** What happened to the minutes, for the MOJ timeline. */
function timelineItems(history: Awaited<ReturnType<typeof minutesHistory>>) {
  return history.map((entry) => {
    const after = (entry.after ?? {}) as Record<string, unknown>
    const details = [`At ${londonTime(entry.at)}.`]
    if (entry.action === 'return' && after.reason) details.push(`Reason: ${after.reason}`)
    if (entry.action === 'upload' && after.filename) details.push(`File: ${after.filename}`)
    if (entry.action === 'agree' && typeof after.agreedAtMeetingOn === 'string')
      details.push(`At the meeting of ${formatDate(after.agreedAtMeetingOn)}.`)
    if (entry.action === 'agree' && after.corrections) details.push(`Corrections: ${after.corrections}`)
    return {
      label: { text: historyLabels[entry.action] ?? entry.action },
      byline: entry.actorName ? { text: entry.actorName } : undefined,
      datetime: { timestamp: entry.at.toISOString() },
      text: details.join(' '),
      attributes: { 'data-testid': `minutes-step-${entry.action}` },
    }
  })
}

/** The helpers of the minutes routes, bound to the app's context. */
export function minutesPage(ctx: AppContext) {
  const view = { permission: 'meetings:view' as const }
  const edit = { permission: 'meetings:edit' as const }
  const today = () => londonDate(ctx.now())
  const change = (request: FastifyRequest) => changeOf(ctx, request)
  const base = (request: FastifyRequest, access: MeetingAccess) =>
    `${meetingPath(request.partnership!.slug, access.meeting.id)}/minutes`
  const minutesUrl = (request: FastifyRequest, access: MeetingAccess) =>
    `${ctx.config.PUBLIC_URL}${base(request, access)}`
  const titleOf = (access: MeetingAccess) => meetingTitle(access.meeting, access.group.name)
  const done = (request: FastifyRequest, access: MeetingAccess, flash: string) =>
    `${base(request, access)}?${flash}=1`

  async function showMinutes(
    request: FastifyRequest,
    reply: FastifyReply,
    access: MeetingAccess,
    options: { problem?: string; status?: number } = {},
  ) {
    const { meeting, group } = access
    const partnershipId = request.partnership!.id
    const { row, status, deadlines } = await minutesState(ctx.db, meeting, today())
    const readable = canReadMinutes(access, status)
    const [items, history, agreedAt] = await Promise.all([
      readable ? minutedItems(ctx.db, meeting.id) : [],
      row ? minutesHistory(ctx.db, partnershipId, row.id) : [],
      row?.agreedAtMeetingId ? meetingDay(ctx.db, row.agreedAtMeetingId) : null,
    ])
    const business = access.canEdit
    const cancelled = meeting.cancelledAt !== null
    const query = request.query as Record<string, string | undefined>
    const flash = Object.keys(flashes).find((key) => query[key] !== undefined)
    return reply.status(options.status ?? 200).render(`${views}/minutes.njk`, {
      title: `Minutes: ${titleOf(access)}`,
      header: meetingHeader(request.partnership!.slug, meeting, group, 'minutes'),
      base: base(request, access),
      status,
      statusText: minutesStatusText[status],
      statusClasses: statusColours[status],
      row,
      readable,
      cancelled,
      returnedReason: status === 'drafting' ? row?.returnedReason : null,
      agreedAt,
      deadlines: deadlines.map((d) => ({ ...d, tag: timelinessTag(d) })),
      timeline: timelineItems(history),
      items: items.map((item, index) => ({
        number: index + 1,
        title: item.title,
        presenter: item.presenter,
        notes: row?.itemNotes[item.id] ?? '',
      })),
      can: {
        draft: business && !cancelled && (status === 'none' || status === 'drafting'),
        send: business && status === 'drafting',
        decide: access.viewer.isChair && status === 'with_chair',
        circulate: business && status === 'approved',
        agree: business && status === 'circulated',
        manageTemplates: request.actor?.kind === 'person' && access.viewer.role === 'administrator',
      },
      waitingForChair: status === 'with_chair' && !access.viewer.isChair,
      flash: flash ? flashes[flash] : undefined,
      problem: options.problem,
    })
  }

  /** Runs a workflow step; a refusal (stale form, not ready) shows the minutes page with why. */
  async function attempt(
    request: FastifyRequest,
    reply: FastifyReply,
    access: MeetingAccess,
    run: () => Promise<string>,
  ) {
    try {
      const flash = await run()
      return reply.redirect(done(request, access, flash), 303)
    } catch (error) {
      if (error instanceof AppError && (error.status === 400 || error.status === 409)) {
        return showMinutes(request, reply, access, { problem: error.message, status: error.status })
      }
      throw error
    }
  }

  return { view, edit, today, change, base, minutesUrl, titleOf, done, showMinutes, attempt }
}
