import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { formatDate } from '../../platform/calendar/dates.ts'
import { type FormErrors, formValues } from '../../platform/http/forms.ts'
import { dateItems, isFieldProblems, problemErrors } from '../partnership/agencies.form.ts'
import { londonDay } from '../partnership/agencies.problems.ts'
import { durationInWords } from '../partnership/groups.labels.ts'
import { listGroups } from '../partnership/groups.service.ts'
import { type GeneratePreview, generateMeetings, previewMeetings } from './meetings.service.ts'
import { changeOf, meetingNotify } from './schedule.context.ts'
import { generateFieldNames, generateOrder, readGenerateForm } from './schedule.form.ts'
import { formatDayDate } from './schedule.rules.ts'

const views = 'modules/meetings/views/schedule'

/** The typed answers of the year's form, as strings, to carry between its pages. */
const carried = (values: Record<string, unknown>) =>
  Object.fromEntries(generateFieldNames.map((name) => [name, String(values[name] ?? '')]))

/** Generating a year of a group's meetings: the question page, the check page, and creating them. */
export async function generateRoutes(app: FastifyInstance, ctx: AppContext) {
  const config = { permission: 'meetings:edit' as const }
  const base = (request: FastifyRequest) => `/p/${request.partnership!.slug}/meetings`
  const today = () => londonDay(ctx.now())

  async function showForm(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    const partnershipId = request.partnership!.id
    const open = (await listGroups(ctx.db, partnershipId, today())).filter(
      (g) => g.partnershipId === partnershipId && (g.closedOn === null || g.closedOn > today()),
    )
    return reply.status(errors ? 400 : 200).render(`${views}/generate.njk`, {
      title: 'Generate a year of meetings',
      action: `${base(request)}/generate`,
      backHref: base(request),
      values,
      errors,
      groupItems: [
        { value: '', text: 'Choose a group' },
        ...open.map((g) => ({ value: g.id, text: g.name })),
      ],
      firstOnItems: dateItems('firstOn', values, errors?.fields.firstOn),
    })
  }

  function showCheck(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, unknown>,
    preview: GeneratePreview,
  ) {
    const answers = carried(values)
    const changeHref = `${base(request)}/generate?${new URLSearchParams(answers).toString()}`
    const place = [preview.location, preview.onlineUrl ? `online: ${preview.onlineUrl}` : '']
      .filter(Boolean)
      .join(', ')
    const row = (key: string, value: string, field: string) => ({
      key: { text: key },
      value: { text: value },
      actions: {
        items: [{ href: `${changeHref}#${field}`, text: 'Change', visuallyHiddenText: key.toLowerCase() }],
      },
    })
    return reply.render(`${views}/generate-check.njk`, {
      title: 'Check the meetings before they are created',
      action: `${base(request)}/generate`,
      backHref: changeHref,
      answers,
      preview,
      summary: [
        row('Group', preview.group.name, 'groupId'),
        row('How often', preview.cadence.text, 'groupId'),
        row('First meeting', formatDate(preview.meetings[0]?.planned ?? ''), 'firstOn-day'),
        row(
          'Time',
          `${preview.startTime} to ${preview.endTime} (${durationInWords(preview.durationMinutes)})`,
          'startTime',
        ),
        row('Place', place || 'To be confirmed', 'location'),
      ],
      rows: preview.meetings.map((m) => ({
        number: m.number,
        date: formatDayDate(m.date),
        explanation: m.explanation,
        conflict: m.conflict,
      })),
      leftOut: preview.leftOut.map((l) => ({ date: formatDayDate(l.date), reason: l.reason })),
      conflicts: preview.conflicts.map(formatDate),
    })
  }

  app.get('/p/:slug/meetings/generate', { config }, async (request, reply) => {
    const q = request.query as Record<string, unknown>
    // The check page's "Change" links bring the answers back in the address.
    const values = q.groupId !== undefined ? carried(q) : {}
    return showForm(request, reply, values)
  })

  app.post('/p/:slug/meetings/generate', { config }, async (request, reply) => {
    const values = formValues(request.body)
    const form = readGenerateForm(values)
    if (!form.ok) return showForm(request, reply, values, form.errors)
    try {
      if (values.confirm === 'yes') {
        const { meetings, notice } = await generateMeetings(ctx.db, {
          change: changeOf(ctx, request),
          fields: form.data,
          notify: meetingNotify(ctx),
        })
        const missing = notice.withoutEmail.length ? `&missing=${notice.withoutEmail.length}` : ''
        return reply.redirect(
          `${base(request)}?generated=${meetings.length}&sent=${notice.sent}${missing}`,
          303,
        )
      }
      const preview = await previewMeetings(ctx.db, {
        partnershipId: request.partnership!.id,
        today: today(),
        fields: form.data,
      })
      return showCheck(request, reply, values, preview)
    } catch (error) {
      if (!isFieldProblems(error)) throw error
      return showForm(request, reply, values, problemErrors(error, generateOrder, ['firstOn']))
    }
  })
}
