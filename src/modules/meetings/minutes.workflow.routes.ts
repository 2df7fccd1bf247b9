import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { AppContext } from '../../app.ts'
import { AppError } from '../../platform/http/errors.ts'
import { type FormErrors, formValues, parseForm } from '../../platform/http/forms.ts'
import { inviteesOn } from './invitees.ts'
import { editableMeetingFromUrl, type MeetingAccess, meetingFromUrl } from './meetings.access.ts'
import { meetingHeader, meetingTitle } from './meetings.labels.ts'
import { fieldError, minutesPage, views } from './minutes.page.ts'
import { agreementChoices, minutesOf } from './minutes.service.ts'
import {
  approveMinutes,
  circulateMinutes,
  recordAgreement,
  returnMinutes,
  sendMinutesToChair,
  sendToChairProblem,
} from './minutes.workflow.ts'

const returnSchema = z.object({
  reason: z
    .string({ error: 'Say why the minutes are returned' })
    .trim()
    .min(1, 'Say why the minutes are returned')
    .max(5000, 'The reason must be 5,000 characters or fewer'),
})

const agreeSchema = z.object({
  agreedAtMeetingId: z
    .string({ error: 'Choose the meeting' })
    .min(1, 'Choose the meeting at which the minutes were agreed'),
  corrections: z
    .string()
    .trim()
    .max(20_000, 'The corrections must be 20,000 characters or fewer')
    .optional()
    .default(''),
})

/**
 * The minutes' workflow, each step a POST (with a confirm page where it matters): send to the
 * chair, the chair approves or returns, circulate, record agreement at a later meeting.
 */
export async function minutesWorkflowRoutes(app: FastifyInstance, ctx: AppContext) {
  const { view, edit, today, change, base, minutesUrl, titleOf, done, showMinutes, attempt } =
    minutesPage(ctx)

  app.get('/p/:slug/meetings/:meeting/minutes/send', { config: edit }, async (request, reply) => {
    const access = await editableMeetingFromUrl(ctx, request, today())
    const row = await minutesOf(ctx.db, access.meeting.id)
    const problem = sendToChairProblem(access.meeting, row, ctx.now())
    if (row && row.status !== 'drafting')
      return showMinutes(request, reply, access, { problem: problem!, status: 409 })
    const chairs = (await inviteesOn(ctx.db, access.meeting.groupId, access.meeting.heldOn)).filter(
      (i) => i.role === 'chair',
    )
    return reply.render(`${views}/send.njk`, {
      title: `Send the draft minutes to the chair: ${titleOf(access)}`,
      header: meetingHeader(request.partnership!.slug, access.meeting, access.group, 'minutes'),
      base: base(request, access),
      problem,
      chairs,
    })
  })

  app.post('/p/:slug/meetings/:meeting/minutes/send', { config: edit }, async (request, reply) => {
    const access = await editableMeetingFromUrl(ctx, request, today())
    return attempt(request, reply, access, async () => {
      await sendMinutesToChair(ctx.db, ctx.outbox, change(request), {
        meeting: access.meeting,
        title: titleOf(access),
        minutesUrl: minutesUrl(request, access),
      })
      return 'sent'
    })
  })

  app.post('/p/:slug/meetings/:meeting/minutes/approve', { config: view }, async (request, reply) => {
    const access = await meetingFromUrl(ctx, request, today())
    return attempt(request, reply, access, async () => {
      await approveMinutes(ctx.db, change(request), {
        meeting: access.meeting,
        isChair: access.viewer.isChair,
      })
      return 'approved'
    })
  })

  function showReturn(
    request: FastifyRequest,
    reply: FastifyReply,
    access: MeetingAccess,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    return reply.status(errors ? 400 : 200).render(`${views}/return.njk`, {
      title: `Return the minutes to the business team: ${titleOf(access)}`,
      header: meetingHeader(request.partnership!.slug, access.meeting, access.group, 'minutes'),
      base: base(request, access),
      values,
      errors,
    })
  }

  /** Only the chair decides on the draft. */
  async function chairsMeeting(request: FastifyRequest) {
    const access = await meetingFromUrl(ctx, request, today())
    if (!access.viewer.isChair) {
      throw new AppError('forbidden', 'Only the group’s chair approves or returns the minutes', 403)
    }
    return access
  }

  app.get('/p/:slug/meetings/:meeting/minutes/return', { config: view }, async (request, reply) =>
    showReturn(request, reply, await chairsMeeting(request), {}),
  )

  app.post('/p/:slug/meetings/:meeting/minutes/return', { config: view }, async (request, reply) => {
    const access = await chairsMeeting(request)
    const form = parseForm(returnSchema, request.body)
    if (!form.ok) return showReturn(request, reply, access, form.values, form.errors)
    return attempt(request, reply, access, async () => {
      await returnMinutes(ctx.db, ctx.outbox, change(request), {
        meeting: access.meeting,
        isChair: access.viewer.isChair,
        reason: form.data.reason,
        title: titleOf(access),
        minutesUrl: minutesUrl(request, access),
      })
      return 'returned'
    })
  })

  app.get('/p/:slug/meetings/:meeting/minutes/circulate', { config: edit }, async (request, reply) => {
    const access = await editableMeetingFromUrl(ctx, request, today())
    const row = await minutesOf(ctx.db, access.meeting.id)
    if (row?.status !== 'approved') {
      const problem =
        row && row.status !== 'drafting' && row.status !== 'with_chair'
          ? 'These minutes have already been circulated'
          : 'The minutes can be circulated once the chair has approved them'
      return showMinutes(request, reply, access, { problem, status: 409 })
    }
    const invitees = await inviteesOn(ctx.db, access.meeting.groupId, access.meeting.heldOn)
    return reply.render(`${views}/circulate.njk`, {
      title: `Circulate the approved minutes: ${titleOf(access)}`,
      header: meetingHeader(request.partnership!.slug, access.meeting, access.group, 'minutes'),
      base: base(request, access),
      recipients: invitees.filter((i) => i.email),
      withoutEmail: invitees.filter((i) => !i.email),
    })
  })

  app.post('/p/:slug/meetings/:meeting/minutes/circulate', { config: edit }, async (request, reply) => {
    const access = await editableMeetingFromUrl(ctx, request, today())
    return attempt(request, reply, access, async () => {
      await circulateMinutes(ctx.db, ctx.outbox, change(request), {
        meeting: access.meeting,
        title: titleOf(access),
        minutesUrl: minutesUrl(request, access),
      })
      return 'circulated'
    })
  })

  async function showAgree(
    request: FastifyRequest,
    reply: FastifyReply,
    access: MeetingAccess,
    options: { values?: Record<string, unknown>; errors?: FormErrors } = {},
  ) {
    const choices = await agreementChoices(ctx.db, access.meeting, today())
    const values = options.values ?? { agreedAtMeetingId: choices.defaultId ?? '', corrections: '' }
    return reply.status(options.errors ? 400 : 200).render(`${views}/agree.njk`, {
      title: `Record agreement of the minutes: ${titleOf(access)}`,
      header: meetingHeader(request.partnership!.slug, access.meeting, access.group, 'minutes'),
      base: base(request, access),
      meetingItems: choices.meetings.map((m) => ({
        value: m.id,
        text: meetingTitle(m, access.group.name),
        hint: m.pointsHere
          ? { text: 'Its agenda has these minutes under “Minutes of the last meeting”' }
          : undefined,
        checked: values.agreedAtMeetingId === m.id,
      })),
      values,
      errors: options.errors,
    })
  }

  async function agreeable(request: FastifyRequest, reply: FastifyReply) {
    const access = await editableMeetingFromUrl(ctx, request, today())
    const row = await minutesOf(ctx.db, access.meeting.id)
    if (row?.status === 'circulated') return { access, refused: null }
    const problem =
      row?.status === 'agreed'
        ? 'These minutes have already been agreed'
        : 'The minutes can be recorded as agreed once they have been circulated'
    return { access, refused: await showMinutes(request, reply, access, { problem, status: 409 }) }
  }

  app.get('/p/:slug/meetings/:meeting/minutes/agree', { config: edit }, async (request, reply) => {
    const { access, refused } = await agreeable(request, reply)
    return refused ?? showAgree(request, reply, access)
  })

  app.post('/p/:slug/meetings/:meeting/minutes/agree', { config: edit }, async (request, reply) => {
    const { access, refused } = await agreeable(request, reply)
    if (refused) return refused
    const form = parseForm(agreeSchema, request.body)
    if (!form.ok) return showAgree(request, reply, access, { values: form.values, errors: form.errors })
    try {
      await recordAgreement(ctx.db, change(request), {
        meeting: access.meeting,
        agreedAtMeetingId: form.data.agreedAtMeetingId,
        corrections: form.data.corrections,
        today: today(),
      })
    } catch (error) {
      if (error instanceof AppError && error.code === 'agreement_meeting') {
        return showAgree(request, reply, access, {
          values: formValues(request.body),
          errors: fieldError('agreedAtMeetingId', error.message),
        })
      }
      if (error instanceof AppError && (error.status === 400 || error.status === 409)) {
        return showMinutes(request, reply, access, { problem: error.message, status: error.status })
      }
      throw error
    }
    return reply.redirect(done(request, access, 'agreed'), 303)
  })
}
