import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { AppContext } from '../../app.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import { changeOf } from '../../platform/http/change.ts'
import { appError, forbidden } from '../../platform/http/errors.ts'
import { type FormErrors, formValues, parseForm } from '../../platform/http/forms.ts'
import { roleLabels } from '../partnership/groups.labels.ts'
import {
  apologiesClosedReason,
  attendanceFor,
  type MeetingAttendance,
  outcomeFormValues,
  outcomesClosedReason,
  readOutcomeForm,
  recordIntent,
  recordOutcomes,
  type SeatAttendance,
} from './attendance.service.ts'
import { deputiesFor } from './invitees.ts'
import { editableMeetingFromUrl, type MeetingAccess, meetingFromUrl } from './meetings.access.ts'
import { meetingHeader, meetingPath, meetingPlace, meetingTimes, meetingTitle } from './meetings.labels.ts'

const views = 'modules/meetings/views/attendance'

const flashes: Record<string, string> = {
  apologies: 'Apologies sent',
  deputy: 'Deputy named: they have been told',
  attend: 'Apologies withdrawn: you are expected at the meeting',
  unchanged: 'Nothing was changed',
  recorded: 'Attendance recorded',
}

/** What a member said before the meeting, in words. */
export function intentText(seat: SeatAttendance): string {
  if (seat.intent === 'apologies') return 'Apologies'
  if (seat.intent === 'deputy') return `Deputy named: ${seat.intentDeputyName ?? 'a designated deputy'}`
  return 'Nothing said'
}

const outcomeTags = {
  present: { text: 'Present', classes: 'govuk-tag--green' },
  deputy: { text: 'Deputy attended', classes: 'govuk-tag--blue' },
  apologies: { text: 'Apologies', classes: 'govuk-tag--yellow' },
  absent: { text: 'Absent', classes: 'govuk-tag--red' },
} as const

/** What happened at a seat, as a tag (and who sat in it for a deputy). */
export function outcomeTag(seat: SeatAttendance) {
  if (!seat.outcome) return { text: 'Not recorded', classes: 'govuk-tag--grey', deputy: null }
  return { ...outcomeTags[seat.outcome], deputy: seat.outcome === 'deputy' ? seat.deputyName : null }
}

const seatLabel = (seat: SeatAttendance) =>
  `${seat.name}${seat.agencyName ? `, ${seat.agencyName}` : ''} (${roleLabels[seat.role].toLowerCase()})`

const intentSchema = z
  .object({
    seat: z.string({ error: 'Choose the seat' }).min(1, 'Choose the seat'),
    intent: z.enum(['apologies', 'deputy', 'attend'], {
      error: 'Choose whether you send apologies, send your deputy or will attend',
    }),
    note: z.string().trim().max(1000, 'The note must be 1,000 characters or fewer').optional().default(''),
    deputyId: z.string().optional().default(''),
  })
  .superRefine((form, context) => {
    if (form.intent === 'deputy' && !form.deputyId) {
      context.addIssue({ code: 'custom', path: ['deputyId'], message: 'Choose the deputy who will attend' })
    }
  })

/** A meeting's attendance: who was invited, what they said before and what happened; apologies; the record. */
export async function attendanceRoutes(app: FastifyInstance, ctx: AppContext) {
  const view = { permission: 'meetings:view' as const }
  const edit = { permission: 'meetings:edit' as const }
  const today = () => londonDate(ctx.now())
  const change = (request: FastifyRequest) => changeOf(ctx, request)
  const base = (request: FastifyRequest, access: MeetingAccess) =>
    meetingPath(request.partnership!.slug, access.meeting.id)

  app.get('/p/:slug/meetings/:meeting/attendance', { config: view }, async (request, reply) => {
    const access = await meetingFromUrl(ctx, request, today())
    const { meeting, group } = access
    const result = await attendanceFor(ctx.db, meeting, group)
    const userId = request.user?.id ?? null
    const mine = result.seats.some((s) => s.userId !== null && s.userId === userId)
    const query = request.query as Record<string, string | undefined>
    const flash = Object.keys(flashes).find((key) => query[key] !== undefined)
    return reply.render(`${views}/attendance.njk`, {
      title: `Attendance: ${meetingTitle(meeting, group.name)}`,
      header: meetingHeader(request.partnership!.slug, meeting, group, 'attendance'),
      base: base(request, access),
      counts: result.counts,
      quorum: result.quorum,
      rows: result.seats.map((s) => ({
        membershipId: s.membershipId,
        name: s.name,
        agencyName: s.agencyName ?? '',
        role: roleLabels[s.role],
        said: intentText(s),
        // A note with apologies is for the business team and the member who wrote it.
        note: access.canEdit || (userId !== null && s.userId === userId) ? s.intentNote : null,
        outcome: outcomeTag(s),
      })),
      canSendApologies: (mine || access.canEdit) && !apologiesClosedReason(meeting, ctx.now()),
      canRecord: access.canEdit && !outcomesClosedReason(meeting, today()),
      flash: flash ? flashes[flash] : undefined,
    })
  })

  // -------------------------------------------------------------------------------------------
  // Apologies or a deputy, before the meeting

  /** The seats the viewer may speak for: their own, or every seat for the business team. */
  function speakableSeats(request: FastifyRequest, access: MeetingAccess, result: MeetingAttendance) {
    if (access.canEdit) return result.seats
    const userId = request.user?.id
    const seats = result.seats.filter((s) => s.userId !== null && s.userId === userId)
    if (seats.length === 0) throw forbidden('Only the group’s members send apologies for this meeting')
    return seats
  }

  async function showApologies(
    request: FastifyRequest,
    reply: FastifyReply,
    access: MeetingAccess,
    options: { values?: Record<string, unknown>; errors?: FormErrors; status?: number } = {},
  ) {
    const { meeting, group } = access
    const result = await attendanceFor(ctx.db, meeting, group)
    const seats = speakableSeats(request, access, result)
    const closed = apologiesClosedReason(meeting, ctx.now())
    const deputies = closed
      ? []
      : await deputiesFor(
          ctx.db,
          seats.map((s) => s.membershipId),
          meeting.heldOn,
        )
    const single = seats.length === 1 ? seats[0]! : null
    const values = options.values ?? {
      seat: single?.membershipId ?? '',
      intent: single?.intent ?? '',
      note: single?.intentNote ?? '',
      deputyId: single?.intentDeputyId ?? '',
    }
    const seatName = new Map(seats.map((s) => [s.membershipId, s.name]))
    const { errors } = options
    return reply.status(options.status ?? (errors ? 400 : 200)).render(`${views}/apologies.njk`, {
      title: `Apologies or a deputy: ${meetingTitle(meeting, group.name)}`,
      header: meetingHeader(request.partnership!.slug, meeting, group, 'attendance'),
      base: base(request, access),
      closed,
      onBehalf: access.canEdit,
      single,
      saidRows: seats.map((s) => ({ key: { text: seatLabel(s) }, value: { text: intentText(s) } })),
      seatItems: seats.map((s) => ({ value: s.membershipId, text: seatLabel(s) })),
      deputyItems: deputies.map((d) => ({
        value: d.personId,
        text: single ? d.name : `${d.name} (deputy for ${seatName.get(d.deputyForId ?? '') ?? 'a member'})`,
      })),
      canWithdraw: seats.some((s) => s.intent !== null),
      values,
      errors,
    })
  }

  app.get('/p/:slug/meetings/:meeting/apologies', { config: view }, async (request, reply) => {
    const access = await meetingFromUrl(ctx, request, today())
    return showApologies(request, reply, access)
  })

  app.post('/p/:slug/meetings/:meeting/apologies', { config: view }, async (request, reply) => {
    const access = await meetingFromUrl(ctx, request, today())
    const { meeting, group } = access
    const seats = speakableSeats(request, access, await attendanceFor(ctx.db, meeting, group))
    const closed = apologiesClosedReason(meeting, ctx.now())
    if (closed) throw appError('apologies_closed', closed, 409)
    const values = formValues(request.body)
    const form = parseForm(intentSchema, values)
    if (!form.ok) return showApologies(request, reply, access, { values, errors: form.errors })
    if (!seats.some((s) => s.membershipId === form.data.seat)) {
      throw forbidden('You can only send apologies for your own seat')
    }
    const slug = request.partnership!.slug
    const outcome = await recordIntent(ctx.db, ctx.outbox, change(request), {
      meeting,
      meetingTitle: meetingTitle(meeting, group.name),
      meetingWhen: `${meetingTimes(meeting)} on the day, ${meetingPlace(meeting)}`,
      meetingLink: `${ctx.config.PUBLIC_URL}${meetingPath(slug, meeting.id)}`,
      membershipId: form.data.seat,
      choice: form.data.intent,
      note: form.data.note || null,
      deputyPersonId: form.data.intent === 'deputy' ? form.data.deputyId : null,
    })
    if (!outcome.ok) {
      const { field, text } = outcome.problem
      const errors = { list: [{ text, href: `#${field}` }], fields: { [field]: { text } } }
      return showApologies(request, reply, access, { values, errors })
    }
    const flash = outcome.changed ? form.data.intent : 'unchanged'
    return reply.redirect(`${base(request, access)}/attendance?${flash}=1`, 303)
  })

  // -------------------------------------------------------------------------------------------
  // What happened, on or after the day

  async function showRecord(
    request: FastifyRequest,
    reply: FastifyReply,
    access: MeetingAccess,
    options: { values?: Record<string, unknown>; errors?: Record<string, string> } = {},
  ) {
    const { meeting, group } = access
    const result = await attendanceFor(ctx.db, meeting, group)
    const closed = outcomesClosedReason(meeting, today())
    const deputies = closed
      ? []
      : await deputiesFor(
          ctx.db,
          result.seats.map((s) => s.membershipId),
          meeting.heldOn,
        )
    const values = options.values ?? outcomeFormValues(result.seats)
    const found = options.errors ?? {}
    const errors: FormErrors | undefined = Object.keys(found).length ? { list: [], fields: {} } : undefined
    const value = (key: string) => String(values[key] ?? '')
    const rows = result.seats.map((s) => {
      const id = s.membershipId
      const fieldError = (key: string) => {
        const text = found[`${key}-${id}`]
        if (!text) return undefined
        errors!.fields[`${key}-${id}`] = { text }
        errors!.list.push({ text, href: `#${key}-${id}` })
        return { text }
      }
      const own = deputies.filter((d) => d.deputyForId === id)
      return {
        id,
        legend: seatLabel(s),
        said: intentText(s),
        outcome: value(`outcome-${id}`),
        outcomeError: fieldError('outcome'),
        deputyItems: own.length
          ? [
              { value: '', text: 'Choose a designated deputy' },
              ...own.map((d) => ({ value: d.personId, text: d.name })),
              { value: 'other', text: 'Someone else' },
            ].map((item) => ({ ...item, selected: item.value === value(`deputy-${id}`) }))
          : null,
        deputyError: fieldError('deputy'),
        deputyName: value(`deputyName-${id}`),
        deputyNameError: fieldError('deputyName'),
      }
    })
    return reply.status(errors ? 400 : 200).render(`${views}/record.njk`, {
      title: `Record attendance: ${meetingTitle(meeting, group.name)}`,
      header: meetingHeader(request.partnership!.slug, meeting, group, 'attendance'),
      base: base(request, access),
      closed,
      rows,
      errors,
    })
  }

  app.get('/p/:slug/meetings/:meeting/attendance/record', { config: edit }, async (request, reply) => {
    const access = await editableMeetingFromUrl(ctx, request, today())
    return showRecord(request, reply, access)
  })

  app.post('/p/:slug/meetings/:meeting/attendance', { config: edit }, async (request, reply) => {
    const access = await editableMeetingFromUrl(ctx, request, today())
    const { meeting, group } = access
    const closed = outcomesClosedReason(meeting, today())
    if (closed) throw appError('attendance_not_yet', closed, 409)
    const values = formValues(request.body)
    const { seats } = await attendanceFor(ctx.db, meeting, group)
    const deputies = await deputiesFor(
      ctx.db,
      seats.map((s) => s.membershipId),
      meeting.heldOn,
    )
    const form = readOutcomeForm(values, seats, deputies)
    if (Object.keys(form.errors).length)
      return showRecord(request, reply, access, { values, errors: form.errors })
    const { changed } = await recordOutcomes(ctx.db, change(request), { meeting, rows: form.rows })
    return reply.redirect(`${base(request, access)}/attendance?${changed ? 'recorded' : 'unchanged'}=1`, 303)
  })
}
