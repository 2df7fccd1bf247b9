import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { can } from '../../platform/access/policy.ts'
import { createCalendarRepository } from '../../platform/calendar/calendar.repository.ts'
import { appError, notFound } from '../../platform/http/errors.ts'
import { type FormErrors, formValues } from '../../platform/http/forms.ts'
import { pagination } from '../../platform/http/pagination.ts'
import { computeDeadline, getRuleSet } from '../../platform/rules/rules.service.ts'
import { dateItems, isFieldProblems, problemErrors } from '../partnership/agencies.form.ts'
import { londonDay } from '../partnership/agencies.problems.ts'
import { listGroups } from '../partnership/groups.service.ts'
import { editableMeetingFromUrl, isUuid, type MeetingAccess, viewerOfRequest } from './meetings.access.ts'
import { meetingPath, meetingPlace, meetingTimes, meetingTitle } from './meetings.labels.ts'
import {
  cancelMeeting,
  createMeeting,
  extraordinaryRequestFor,
  type NoticeOutcome,
  updateMeeting,
} from './meetings.service.ts'
import type { Meeting } from './meetings.table.ts'
import { changeOf, meetingNotify } from './schedule.context.ts'
import {
  dateFields,
  meetingOrder,
  meetingValues,
  readCancelForm,
  readChangeForm,
  readMeetingForm,
} from './schedule.form.ts'
import { generateRoutes } from './schedule.generate.routes.ts'
import { listMeetings, type Period, periods } from './schedule.list.ts'
import { formatDayDate } from './schedule.rules.ts'

const views = 'modules/meetings/views/schedule'

/** The part of the list's address that reports how many members a notice reached. */
export const noticeQuery = (notice: NoticeOutcome | null) =>
  notice
    ? `&sent=${notice.sent}${notice.withoutEmail.length ? `&missing=${notice.withoutEmail.length}` : ''}`
    : ''

const kindItems = [
  { value: 'ordinary', text: 'Ordinary', hint: { text: 'One of the group’s planned meetings' } },
  {
    value: 'extraordinary',
    text: 'Extraordinary',
    hint: { text: 'Called for a particular reason, outside the plan' },
  },
]

/** The place in a few words, for a table: the room, "Online", or both. */
const shortPlace = (m: Pick<Meeting, 'location' | 'onlineUrl'>) =>
  m.location
    ? m.onlineUrl
      ? `${m.location} and online`
      : m.location
    : m.onlineUrl
      ? 'Online'
      : 'To be confirmed'

/** The calendar: the list of meetings, scheduling one, changing one and cancelling one. */
export async function scheduleRoutes(app: FastifyInstance, ctx: AppContext) {
  const view = { permission: 'meetings:view' as const }
  const edit = { permission: 'meetings:edit' as const }
  const base = (request: FastifyRequest) => `/p/${request.partnership!.slug}/meetings`
  const today = () => londonDay(ctx.now())

  app.get('/p/:slug/meetings', { config: view }, async (request, reply) => {
    const partnership = request.partnership!
    const q = request.query as Record<string, string | undefined>
    const period: Period = periods.includes(q.period as Period) ? (q.period as Period) : 'upcoming'
    const page = /^\d{1,6}$/.test(q.page ?? '') ? Math.max(1, Number(q.page)) : 1
    const allGroups = await listGroups(ctx.db, partnership.id, today())
    const group = q.group ? allGroups.find((g) => g.slug === q.group) : undefined
    const result = await listMeetings(ctx.db, {
      partnershipId: partnership.id,
      viewer: viewerOfRequest(request),
      today: today(),
      query: { period, groupId: group?.id, page },
    })
    const href = (changes: { period?: Period; page?: number }) => {
      const params = new URLSearchParams()
      const p = changes.period ?? period
      if (p !== 'upcoming') params.set('period', p)
      if (group) params.set('group', group.slug)
      const n = changes.page ?? 1
      if (n > 1) params.set('page', String(n))
      const search = params.toString()
      return search ? `${base(request)}?${search}` : base(request)
    }
    return reply.render(`${views}/list.njk`, {
      title: period === 'past' ? 'Past meetings' : 'Meetings',
      base: base(request),
      period,
      group,
      canEdit: can(request.actor, 'meetings:edit', { partnershipId: partnership.id }),
      periodItems: [
        { text: 'Upcoming', href: href({ period: 'upcoming' }), active: period === 'upcoming' },
        { text: 'Past meetings', href: href({ period: 'past' }), active: period === 'past' },
      ],
      groupItems: [
        { value: '', text: 'All groups' },
        ...allGroups.map((g) => ({
          value: g.slug,
          text: g.closedOn && g.closedOn <= today() ? `${g.name} (closed)` : g.name,
        })),
      ],
      rows: result.rows.map((m) => ({
        href: meetingPath(partnership.slug, m.id),
        title: meetingTitle(m, m.groupName),
        groupName: m.groupName,
        date: formatDayDate(m.heldOn),
        times: meetingTimes(m),
        place: shortPlace(m),
        extraordinary: m.kind === 'extraordinary',
        cancelled: m.cancelledAt !== null,
        isToday: m.heldOn === today(),
      })),
      total: result.total,
      pagination: pagination({ page, pages: result.pages }, href),
      banner: banner(q, partnership.slug),
    })
  })

  // ---- Scheduling one meeting ----

  async function groupItems(partnershipId: string) {
    const open = (await listGroups(ctx.db, partnershipId, today())).filter(
      (g) => g.partnershipId === partnershipId && (g.closedOn === null || g.closedOn > today()),
    )
    return [{ value: '', text: 'Choose a group' }, ...open.map((g) => ({ value: g.id, text: g.name }))]
  }

  /** The request an extraordinary meeting answers, and the date the rules say it is due by. */
  async function requestFor(request: FastifyRequest, id: unknown) {
    if (typeof id !== 'string' || !id) return null
    const partnershipId = request.partnership!.id
    const found = await extraordinaryRequestFor(ctx.db, partnershipId, id)
    if (!found) return null
    const [rules, calendar] = await Promise.all([
      getRuleSet(ctx.db, partnershipId),
      createCalendarRepository(ctx.db).calendarFor(partnershipId),
    ])
    return { ...found, due: computeDeadline(rules, 'extraordinaryMeetingWithin', found.receivedOn, calendar) }
  }

  async function showNew(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    return reply.status(errors ? 400 : 200).render(`${views}/form.njk`, {
      title: 'Schedule a meeting',
      heading: 'Schedule a meeting',
      action: `${base(request)}/new`,
      backHref: base(request),
      buttonText: 'Schedule the meeting and send invitations',
      values,
      errors,
      editing: false,
      groupItems: await groupItems(request.partnership!.id),
      kindItems,
      extraordinaryRequest: await requestFor(request, values.extraordinaryRequestId),
      heldOnItems: dateItems('heldOn', values, errors?.fields.heldOn),
    })
  }

  app.get('/p/:slug/meetings/new', { config: edit }, async (request, reply) => {
    const { request: requestId } = request.query as { request?: string }
    if (requestId === undefined) return showNew(request, reply, { kind: 'ordinary' })
    const found = await extraordinaryRequestFor(ctx.db, request.partnership!.id, requestId)
    if (!found) throw notFound()
    return showNew(request, reply, {
      groupId: found.groupId,
      kind: 'extraordinary',
      reason: found.reasons,
      extraordinaryRequestId: found.id,
    })
  })

  app.post('/p/:slug/meetings/new', { config: edit }, async (request, reply) => {
    const values = formValues(request.body)
    const form = readMeetingForm(values)
    if (!form.ok) return showNew(request, reply, values, form.errors)
    try {
      const { meeting, notice } = await createMeeting(ctx.db, {
        change: changeOf(ctx, request),
        fields: form.data,
        notify: meetingNotify(ctx),
      })
      return reply.redirect(`${base(request)}?scheduled=${meeting.id}${noticeQuery(notice)}`, 303)
    } catch (error) {
      if (!isFieldProblems(error)) throw error
      return showNew(request, reply, values, problemErrors(error, meetingOrder, dateFields))
    }
  })

  // ---- Changing and cancelling a meeting ----

  async function editable(request: FastifyRequest) {
    const access = await editableMeetingFromUrl(ctx, request, today())
    if (access.meeting.cancelledAt) {
      throw appError('cancelled', 'This meeting was cancelled: it cannot be changed', 409)
    }
    return access
  }

  function showEdit(
    reply: FastifyReply,
    access: MeetingAccess,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    const { meeting, group } = access
    const slug = reply.request.partnership!.slug
    const title = meetingTitle(meeting, group.name)
    return reply.status(errors ? 400 : 200).render(`${views}/form.njk`, {
      title: `Change ${title}`,
      heading: 'Change the meeting',
      caption: title,
      action: `${meetingPath(slug, meeting.id)}/edit`,
      backHref: meetingPath(slug, meeting.id),
      buttonText: 'Save changes',
      values,
      errors,
      editing: true,
      meeting,
      groupName: group.name,
      extraordinary: meeting.kind === 'extraordinary',
      cancelHref: `${meetingPath(slug, meeting.id)}/cancel`,
      heldOnItems: dateItems('heldOn', values, errors?.fields.heldOn),
    })
  }

  app.get('/p/:slug/meetings/:meeting/edit', { config: edit }, async (request, reply) => {
    const access = await editable(request)
    return showEdit(reply, access, meetingValues(access.meeting))
  })

  app.post('/p/:slug/meetings/:meeting/edit', { config: edit }, async (request, reply) => {
    const access = await editable(request)
    const values = formValues(request.body)
    const form = readChangeForm(values, access.meeting)
    if (!form.ok) return showEdit(reply, access, values, form.errors)
    try {
      const { changed, notice } = await updateMeeting(ctx.db, {
        change: changeOf(ctx, request),
        meetingId: access.meeting.id,
        fields: form.data,
        notify: meetingNotify(ctx),
      })
      const flag = changed.length ? 'updated' : 'unchanged'
      return reply.redirect(`${base(request)}?${flag}=${access.meeting.id}${noticeQuery(notice)}`, 303)
    } catch (error) {
      if (!isFieldProblems(error)) throw error
      return showEdit(reply, access, values, problemErrors(error, meetingOrder, dateFields))
    }
  })

  function showCancel(
    reply: FastifyReply,
    access: MeetingAccess,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    const { meeting, group } = access
    const slug = reply.request.partnership!.slug
    const title = meetingTitle(meeting, group.name)
    return reply.status(errors ? 400 : 200).render(`${views}/cancel.njk`, {
      title: `Cancel ${title}`,
      meetingTitle: title,
      action: `${meetingPath(slug, meeting.id)}/cancel`,
      backHref: meetingPath(slug, meeting.id),
      summary: [
        { key: { text: 'Group' }, value: { text: group.name } },
        { key: { text: 'Date' }, value: { text: formatDayDate(meeting.heldOn) } },
        { key: { text: 'Time' }, value: { text: meetingTimes(meeting) } },
        { key: { text: 'Place' }, value: { text: meetingPlace(meeting) } },
      ],
      values,
      errors,
    })
  }

  app.get('/p/:slug/meetings/:meeting/cancel', { config: edit }, async (request, reply) =>
    showCancel(reply, await editable(request), {}),
  )

  app.post('/p/:slug/meetings/:meeting/cancel', { config: edit }, async (request, reply) => {
    const access = await editable(request)
    const values = formValues(request.body)
    const form = readCancelForm(values)
    if (!form.ok) return showCancel(reply, access, values, form.errors)
    try {
      const { notice } = await cancelMeeting(ctx.db, {
        change: changeOf(ctx, request),
        meetingId: access.meeting.id,
        reason: form.data.reason,
        notify: meetingNotify(ctx),
      })
      return reply.redirect(`${base(request)}?cancelled=${access.meeting.id}${noticeQuery(notice)}`, 303)
    } catch (error) {
      if (!isFieldProblems(error)) throw error
      return showCancel(reply, access, values, problemErrors(error, ['cancelledReason']))
    }
  })

  await generateRoutes(app, ctx)
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

/** The banner after a change, from the list's address (`?scheduled=<id>&sent=4`). */
function banner(q: Record<string, string | undefined>, slug: string) {
  const number = (key: string) => (/^\d{1,6}$/.test(q[key] ?? '') ? Number(q[key]) : null)
  const sent = number('sent')
  const missing = number('missing')
  const reached = (what: string) =>
    sent === null ? '' : `${what} ${sent === 1 ? 'was' : 'were'} sent to ${count(sent, 'member', 'members')}.`
  const lines: string[] = []
  let heading: string | null = null
  let meetingId: string | null = null
  const id = (key: string) => (q[key] && isUuid(q[key]) ? q[key] : null)
  if (id('scheduled')) {
    heading = 'Meeting scheduled'
    meetingId = id('scheduled')
    lines.push(reached('Invitations'))
  } else if (id('updated')) {
    heading = 'Meeting changed'
    meetingId = id('updated')
    lines.push(
      sent === null
        ? 'Members were not sent an update: nothing they need to know changed.'
        : reached('Updates'),
    )
  } else if (id('unchanged')) {
    heading = 'Nothing was changed'
    meetingId = id('unchanged')
  } else if (id('cancelled')) {
    heading = 'Meeting cancelled'
    meetingId = id('cancelled')
    lines.push(reached('Cancellations'))
  } else if (number('generated') !== null) {
    heading = `${count(number('generated')!, 'meeting', 'meetings')} scheduled`
    lines.push(
      sent === null ? '' : `${count(sent, 'invitation was', 'invitations were')} sent, one for each meeting.`,
    )
  }
  if (!heading) return null
  if (missing) {
    lines.push(
      `${count(missing, 'member has', 'members have')} no e-mail address and ${missing === 1 ? 'was' : 'were'} not sent one: tell them another way.`,
    )
  }
  return {
    heading,
    lines: lines.filter(Boolean),
    href: meetingId ? meetingPath(slug, meetingId) : null,
  }
}
