import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { AppContext } from '../../app.ts'
import type { ChangeContext } from '../../platform/audit/audit.service.ts'
import { createCalendarRepository } from '../../platform/calendar/calendar.repository.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import { forbidden, notFound } from '../../platform/http/errors.ts'
import type { FieldError } from '../../platform/http/forms.ts'
import { type FormErrors, formValues } from '../../platform/http/forms.ts'
import { getRuleSet } from '../../platform/rules/rules.service.ts'
import {
  type DateError,
  dateInputValues,
  dateItems,
  formErrors,
  readDateInput,
} from '../partnership/agencies.form.ts'
import { issuesByField } from '../partnership/groups.form.ts'
import {
  createRequest,
  findRequest,
  groupsSatOn,
  listRequests,
  notPartnerMessage,
  openGroups,
  partnerSeat,
  personOfUser,
  possibleRequesters,
  type RequestRow,
  requestDeadline,
  requestState,
  sitsOnGroup,
  supportersOf,
  supportRequest,
  withdrawRequest,
} from './extraordinary.service.ts'
import { isBusinessTeam, isUuid, viewerOfRequest } from './meetings.access.ts'
import { meetingPath } from './meetings.labels.ts'

const views = 'modules/meetings/views/extraordinary'

const flashes: Record<string, string> = {
  created: 'Request sent: the business team has been told',
  supported: 'Your support has been recorded',
  withdrawn: 'Request withdrawn',
}

const reasonsField = z
  .string({ error: 'Enter the reasons for the meeting' })
  .trim()
  .min(1, 'Enter the reasons for the meeting')
  .max(5000, 'The reasons must be 5,000 characters or fewer')

const memberForm = z.object({
  groupId: z.string({ error: 'Choose the group' }).min(1, 'Choose the group'),
  reasons: reasonsField,
})

const onBehalfForm = memberForm.extend({
  requestedById: z
    .string({ error: 'Choose the member who made the request' })
    .min(1, 'Choose the member who made the request'),
})

const withdrawForm = z.object({
  reason: z
    .string({ error: 'Enter why the request is withdrawn' })
    .trim()
    .min(1, 'Enter why the request is withdrawn')
    .max(2000, 'The reason must be 2,000 characters or fewer'),
})

const newOrder = ['groupId', 'requestedById', 'receivedOn', 'reasons']

/** Requests for an extraordinary meeting: the list, a new request, a request's page, support and withdrawal. */
export async function extraordinaryRoutes(app: FastifyInstance, ctx: AppContext) {
  const view = { permission: 'meetings:view' as const }
  const edit = { permission: 'meetings:edit' as const }
  const today = () => londonDate(ctx.now())
  const base = (request: FastifyRequest) => `/p/${request.partnership!.slug}/extraordinary-requests`
  const businessTeam = (request: FastifyRequest) => isBusinessTeam(viewerOfRequest(request).role)
  const change = (request: FastifyRequest): ChangeContext & { actorId: string } => ({
    partnershipId: request.partnership!.id,
    actorId: request.user!.id,
    now: ctx.now(),
    requestId: request.id,
  })

  /** The rules and calendar that give each request its deadline and state. */
  async function stater(partnershipId: string) {
    const [rules, calendar] = await Promise.all([
      getRuleSet(ctx.db, partnershipId),
      createCalendarRepository(ctx.db).calendarFor(partnershipId),
    ])
    const needed = rules.extraordinaryMeetingSupporters
    const day = today()
    return (row: RequestRow) => {
      const deadline = requestDeadline(rules, row.receivedOn, calendar)
      const status = requestState({
        withdrawn: row.withdrawnAt !== null,
        supporters: row.supporters,
        needed,
        meetingOn: row.meetingOn,
        deadline: deadline.date,
        today: day,
      })
      return { ...row, needed, deadline, status }
    }
  }

  /** The request in the URL: 404 if it is not the partnership's; 403 unless the viewer sits on its group. */
  async function requestFromUrl(request: FastifyRequest) {
    const { request: id } = request.params as { request: string }
    if (!isUuid(id)) throw notFound()
    const row = await findRequest(ctx.db, request.partnership!.id, id)
    if (!row) throw notFound()
    if (!businessTeam(request)) {
      const userId = request.user?.id
      if (!userId || !(await sitsOnGroup(ctx.db, row.groupId, userId, today()))) {
        throw forbidden('Requests for an extraordinary meeting are for the members of the group')
      }
    }
    return row
  }

  app.get('/p/:slug/extraordinary-requests', { config: view }, async (request, reply) => {
    const partnership = request.partnership!
    const team = businessTeam(request)
    const [rows, state] = await Promise.all([
      listRequests(ctx.db, partnership.id, { businessTeam: team, userId: request.user?.id ?? null }, today()),
      stater(partnership.id),
    ])
    return reply.render(`${views}/list.njk`, {
      title: 'Requests for extraordinary meetings',
      base: base(request),
      businessTeam: team,
      requests: rows.map(state),
    })
  })

  // -------------------------------------------------------------------------------------------
  // A new request

  async function showNew(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { values?: Record<string, unknown>; errors?: FormErrors } = {},
  ) {
    const partnership = request.partnership!
    const team = businessTeam(request)
    const day = today()
    const groups = team
      ? await openGroups(ctx.db, partnership.id, day)
      : await groupsSatOn(ctx.db, partnership.id, request.user!.id, day)
    const requesters = team ? await possibleRequesters(ctx.db, partnership.id, day) : []
    const values = options.values ?? {
      groupId: groups.length === 1 ? groups[0]!.id : '',
      ...(team ? dateInputValues('receivedOn', day) : {}),
    }
    const { errors } = options
    return reply.status(errors ? 400 : 200).render(`${views}/new.njk`, {
      title: 'Ask for an extraordinary meeting',
      base: base(request),
      onBehalf: team,
      groupItems: groups.map((g) => ({ value: g.id, text: g.name })),
      requesterItems: [
        { value: '', text: 'Choose a member' },
        ...requesters.map((p) => ({
          value: p.id,
          text: p.agencyName ? `${p.name}, ${p.agencyName}` : p.name,
        })),
      ].map((item) => ({ ...item, selected: item.value === String(values.requestedById ?? '') })),
      receivedOnItems: dateItems('receivedOn', values, errors?.fields.receivedOn),
      values,
      errors,
    })
  }

  app.get('/p/:slug/extraordinary-requests/new', { config: view }, async (request, reply) =>
    showNew(request, reply),
  )

  app.post('/p/:slug/extraordinary-requests/new', { config: view }, async (request, reply) => {
    const partnership = request.partnership!
    const team = businessTeam(request)
    const values = formValues(request.body)
    const day = today()
    const found: Record<string, FieldError | DateError> = {}
    let data: { groupId: string; reasons: string; requestedById: string | null; receivedOn: string | null }
    if (team) {
      const parsed = onBehalfForm.safeParse(values)
      if (!parsed.success) Object.assign(found, issuesByField(parsed.error.issues))
      const receivedOn = readDateInput(values, 'receivedOn', 'the date the request was received', true)
      if (!receivedOn.ok) found.receivedOn = receivedOn.error
      else if (receivedOn.value && receivedOn.value > day) {
        found.receivedOn = {
          text: 'The date received must be today or in the past',
          parts: ['day', 'month', 'year'],
        }
      }
      data = {
        groupId: parsed.data?.groupId ?? '',
        reasons: parsed.data?.reasons ?? '',
        requestedById: parsed.data?.requestedById ?? null,
        receivedOn: receivedOn.ok ? receivedOn.value : null,
      }
    } else {
      const mine = await groupsSatOn(ctx.db, partnership.id, request.user!.id, day)
      if (mine.length === 0) throw forbidden('You can ask for an extraordinary meeting of a group you sit on')
      const parsed = memberForm.safeParse(values)
      if (!parsed.success) Object.assign(found, issuesByField(parsed.error.issues))
      else if (!mine.some((g) => g.id === parsed.data.groupId))
        found.groupId = { text: 'Choose one of your groups' }
      const person = await personOfUser(ctx.db, partnership.id, request.user!.id)
      data = {
        groupId: parsed.data?.groupId ?? '',
        reasons: parsed.data?.reasons ?? '',
        requestedById: person?.id ?? null,
        receivedOn: day,
      }
    }
    if (Object.keys(found).length || !data.requestedById || !data.receivedOn) {
      return showNew(request, reply, { values, errors: formErrors(newOrder, found) })
    }
    if (!isUuid(data.groupId)) {
      return showNew(request, reply, {
        values,
        errors: formErrors(newOrder, { groupId: { text: 'Choose a group from the list' } }),
      })
    }
    if (!isUuid(data.requestedById)) {
      return showNew(request, reply, {
        values,
        errors: formErrors(newOrder, { requestedById: { text: 'Choose a member from the list' } }),
      })
    }
    const publicBase = `${ctx.config.PUBLIC_URL}${base(request)}`
    const result = await createRequest(ctx.db, ctx.outbox, change(request), {
      groupId: data.groupId,
      requestedById: data.requestedById,
      reasons: data.reasons,
      receivedOn: data.receivedOn,
      link: (id) => `${publicBase}/${id}`,
    })
    if (!result.ok) {
      const problems: Record<string, FieldError | DateError> = {}
      for (const [field, text] of Object.entries(result.problems)) {
        problems[field] = field === 'receivedOn' ? { text, parts: ['day', 'month', 'year'] } : { text }
      }
      return showNew(request, reply, { values, errors: formErrors(newOrder, problems) })
    }
    return reply.redirect(`${base(request)}/${result.request.id}?created=1`, 303)
  })

  // -------------------------------------------------------------------------------------------
  // A request's page

  app.get('/p/:slug/extraordinary-requests/:request', { config: view }, async (request, reply) => {
    const row = await requestFromUrl(request)
    const partnership = request.partnership!
    const [state, supporters, seat] = await Promise.all([
      stater(partnership.id),
      supportersOf(ctx.db, row.id),
      request.user ? partnerSeat(ctx.db, row.groupId, request.user.id, today()) : null,
    ])
    const item = state(row)
    const query = request.query as Record<string, string | undefined>
    const flash = Object.keys(flashes).find((key) => query[key] !== undefined)
    const supported = seat !== null && supporters.some((s) => s.personId === seat.personId)
    const open = row.withdrawnAt === null
    return reply.render(`${views}/detail.njk`, {
      title: `Request for an extraordinary meeting of ${row.groupName}`,
      base: base(request),
      item,
      supporters,
      meetingHref: row.meetingId ? meetingPath(partnership.slug, row.meetingId) : null,
      canSupport: open && seat !== null && !supported,
      supported,
      businessTeam: businessTeam(request),
      canSchedule: open && businessTeam(request) && row.meetingId === null,
      scheduleHref: `/p/${partnership.slug}/meetings/new?request=${row.id}`,
      canWithdraw: open && businessTeam(request),
      flash: flash ? flashes[flash] : undefined,
    })
  })

  // -------------------------------------------------------------------------------------------
  // Support

  async function showSupport(
    request: FastifyRequest,
    reply: FastifyReply,
    row: RequestRow,
    status = 200,
    message?: string,
  ) {
    const [state, seat, supporters] = await Promise.all([
      stater(request.partnership!.id),
      partnerSeat(ctx.db, row.groupId, request.user!.id, today()),
      supportersOf(ctx.db, row.id),
    ])
    const supported = seat !== null && supporters.some((s) => s.personId === seat.personId)
    const refusal =
      message ??
      (row.withdrawnAt
        ? 'This request has been withdrawn'
        : !seat
          ? notPartnerMessage
          : supported
            ? 'You have already supported this request'
            : null)
    return reply.status(status).render(`${views}/support.njk`, {
      title: `Support the request for an extraordinary meeting of ${row.groupName}`,
      base: base(request),
      item: state(row),
      refusal,
    })
  }

  app.get('/p/:slug/extraordinary-requests/:request/support', { config: view }, async (request, reply) => {
    const row = await requestFromUrl(request)
    return showSupport(request, reply, row)
  })

  app.post('/p/:slug/extraordinary-requests/:request/support', { config: view }, async (request, reply) => {
    const row = await requestFromUrl(request)
    const rules = await getRuleSet(ctx.db, request.partnership!.id)
    const result = await supportRequest(ctx.db, ctx.outbox, change(request), {
      requestId: row.id,
      needed: rules.extraordinaryMeetingSupporters,
      link: `${ctx.config.PUBLIC_URL}${base(request)}/${row.id}`,
    })
    if (result === 'already') {
      return showSupport(request, reply, row, 409, 'You have already supported this request')
    }
    return reply.redirect(`${base(request)}/${row.id}?supported=1`, 303)
  })

  // -------------------------------------------------------------------------------------------
  // Withdrawal, by the business team

  async function showWithdraw(
    request: FastifyRequest,
    reply: FastifyReply,
    row: RequestRow,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    const state = await stater(request.partnership!.id)
    return reply.status(errors ? 400 : 200).render(`${views}/withdraw.njk`, {
      title: `Withdraw the request for an extraordinary meeting of ${row.groupName}`,
      base: base(request),
      item: state(row),
      values,
      errors,
    })
  }

  app.get('/p/:slug/extraordinary-requests/:request/withdraw', { config: edit }, async (request, reply) => {
    const row = await requestFromUrl(request)
    if (row.withdrawnAt) return reply.redirect(`${base(request)}/${row.id}`, 303)
    return showWithdraw(request, reply, row, {})
  })

  app.post('/p/:slug/extraordinary-requests/:request/withdraw', { config: edit }, async (request, reply) => {
    const row = await requestFromUrl(request)
    const values = formValues(request.body)
    const parsed = withdrawForm.safeParse(values)
    if (!parsed.success) {
      return showWithdraw(
        request,
        reply,
        row,
        values,
        formErrors(['reason'], issuesByField(parsed.error.issues)),
      )
    }
    await withdrawRequest(ctx.db, change(request), { requestId: row.id, reason: parsed.data.reason })
    return reply.redirect(`${base(request)}/${row.id}?withdrawn=1`, 303)
  })
}
