import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'
import { notFound } from '../../platform/http/errors.ts'
import { isUuid } from './meetings.access.ts'
import { meetingTitle } from './meetings.labels.ts'
import { circulatePapers, papersRecipients, papersToCirculate, resendPapers } from './papers.circulation.ts'
import { type PapersPages, papersViews as views } from './papers.pages.ts'
import { fileSizeText } from './papers.service.ts'

/** Circulating the papers after a check-answers page, and sending again to those not yet reached. */
export function paperCirculationRoutes(app: FastifyInstance, ctx: AppContext, pages: PapersPages) {
  const edit = { permission: 'meetings:edit' as const }
  const { base, change, header, letterContext, openMeeting, itemLabels } = pages

  app.get('/p/:slug/meetings/:meeting/papers/circulate', { config: edit }, async (request, reply) => {
    const access = await openMeeting(request)
    const { meeting, group } = access
    const [pending, { recipients, cannotEmail }, labels] = await Promise.all([
      papersToCirculate(ctx.db, meeting.id),
      papersRecipients(ctx.db, meeting),
      itemLabels(meeting.id),
    ])
    const letter = letterContext(request, access)
    return reply.render(`${views}/circulate.njk`, {
      title: `Circulate the papers: ${meetingTitle(meeting, group.name)}`,
      header: header(request, access),
      pageHeading: 'Check the papers before you send them',
      base: base(request, access),
      papers: pending.map((p) => ({
        title: p.title,
        restricted: p.restricted,
        item: p.agendaItemId ? (labels.get(p.agendaItemId) ?? '') : '',
        file: `${p.latest.filename}, ${fileSizeText(p.latest.size)}`,
        updated: p.firstCirculatedAt !== null,
        version: p.latest.version,
      })),
      recipients,
      cannotEmail,
      subject: `Papers for ${letter.meetingTitle}`,
      link: letter.link,
    })
  })

  app.post('/p/:slug/meetings/:meeting/papers/circulate', { config: edit }, async (request, reply) => {
    const access = await openMeeting(request)
    const path = `${base(request, access)}/papers`
    const { recipients } = await papersRecipients(ctx.db, access.meeting)
    if (recipients.length === 0) return reply.redirect(`${path}?nobody=1`, 303)
    const result = await circulatePapers(ctx.db, ctx.outbox, change(request), {
      meetingId: access.meeting.id,
      letter: letterContext(request, access),
    })
    if (!result.delivery) return reply.redirect(`${path}?nothing=1`, 303)
    const failed = result.delivery.failed.length
    return reply.redirect(
      `${path}?circulated=${result.delivery.sent}${failed ? `&failed=${failed}` : ''}#circulations`,
      303,
    )
  })

  app.post(
    '/p/:slug/meetings/:meeting/papers/circulations/:circulation/resend',
    { config: edit },
    async (request, reply) => {
      const access = await openMeeting(request)
      const { circulation } = request.params as { circulation: string }
      if (!isUuid(circulation)) throw notFound()
      const result = await resendPapers(ctx.db, ctx.outbox, change(request), {
        meeting: access.meeting,
        circulationId: circulation,
        letter: letterContext(request, access),
      })
      const failed = result.failed.length
      return reply.redirect(
        `${base(request, access)}/papers?resent=${result.sent}${failed ? `&failed=${failed}` : ''}#circulations`,
        303,
      )
    },
  )
}
