import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { AppContext } from '../../app.ts'
import { createCalendarRepository } from '../../platform/calendar/calendar.repository.ts'
import { forbidden, notFound } from '../../platform/http/errors.ts'
import { type FormErrors, formValues, parseForm } from '../../platform/http/forms.ts'
import { computeDeadline, getRuleSet } from '../../platform/rules/rules.service.ts'
import { type MeetingAccess, meetingFromUrl } from './meetings.access.ts'
import { meetingTitle } from './meetings.labels.ts'
import type { Meeting } from './meetings.table.ts'
import { paperCirculationRoutes } from './papers.circulate.routes.ts'
import { papersCirculations, type RecipientStatus } from './papers.circulation.ts'
import { attachmentDisposition } from './papers.filetype.ts'
import { papersPages, papersViews as views } from './papers.pages.ts'
import {
  fileSizeText,
  paperFile,
  papersForMeeting,
  versionsForMeeting,
  withdrawPaper,
} from './papers.service.ts'
import type { Paper } from './papers.table.ts'
import { paperUploadRoutes } from './papers.upload.routes.ts'

const statusTags: Record<RecipientStatus, { text: string; classes: string }> = {
  waiting: { text: 'Not sent yet', classes: 'govuk-tag--grey' },
  outbox: { text: 'Sent to the outbox', classes: 'govuk-tag--light-blue' },
  delivered: { text: 'Delivered', classes: 'govuk-tag--green' },
  failed: { text: 'Failed', classes: 'govuk-tag--red' },
  digest: { text: 'In the daily digest', classes: 'govuk-tag--blue' },
}

/** The flash after a change, from the query the redirect carried. */
function flashFrom(query: Record<string, string | undefined>): string | undefined {
  const count = (key: string) => Number(query[key] ?? 0)
  const people = (n: number) => (n === 1 ? '1 member' : `${n} members`)
  if (query.uploaded !== undefined) return 'Paper uploaded'
  if (query.version !== undefined) return 'New version uploaded'
  if (query.withdrawn !== undefined) return 'Paper withdrawn'
  if (query.nothing !== undefined) return 'All papers have already been circulated: nothing was sent'
  if (query.nobody !== undefined) return 'No member of the group has an e-mail address: nothing was sent'
  const failed = count('failed')
  const failure = failed ? `; ${people(failed)} could not be sent to yet (see below)` : ''
  if (query.circulated !== undefined) return `Papers circulated to ${people(count('circulated'))}${failure}`
  if (query.resent !== undefined) return `Papers sent to ${people(count('resent'))}${failure}`
  return undefined
}

const withdrawForm = z.object({
  reason: z
    .string({ error: 'Enter why the paper is withdrawn' })
    .trim()
    .min(1, 'Enter why the paper is withdrawn')
    .max(1000, 'The reason must be 1,000 characters or fewer'),
})

/** A meeting's papers: the list with lateness, uploads and versions, downloads, and circulation. */
export async function papersRoutes(app: FastifyInstance, ctx: AppContext) {
  const view = { permission: 'meetings:view' as const }
  const edit = { permission: 'meetings:edit' as const }
  const pages = papersPages(ctx)
  const { today, base, change, header, openMeeting, paperFromUrl, itemLabels } = pages

  async function deadlineOf(partnershipId: string, meeting: Meeting) {
    const [rules, calendar] = await Promise.all([
      getRuleSet(ctx.db, partnershipId),
      createCalendarRepository(ctx.db).calendarFor(partnershipId),
    ])
    return computeDeadline(rules, 'papersBeforeMeeting', meeting.heldOn, calendar)
  }

  app.get('/p/:slug/meetings/:meeting/papers', { config: view }, async (request, reply) => {
    const access = await meetingFromUrl(ctx, request, today())
    const { meeting, group } = access
    const path = base(request, access)
    const deadline = await deadlineOf(request.partnership!.id, meeting)
    const [result, labels, versions, circulations] = await Promise.all([
      papersForMeeting(ctx.db, meeting.id, {
        canSeeRestricted: access.canSeeRestricted,
        deadline: deadline.date,
        today: today(),
        includeWithdrawn: access.canEdit,
      }),
      itemLabels(meeting.id),
      versionsForMeeting(ctx.db, meeting.id),
      access.canEdit ? papersCirculations(ctx.db, meeting.id) : Promise.resolve([]),
    ])
    const rows = result.papers.map((p) => ({
      id: p.id,
      title: p.title,
      restricted: p.restricted,
      late: p.late,
      item: p.agendaItemId ? (labels.get(p.agendaItemId) ?? '') : '',
      latest: {
        filename: p.latest.filename,
        size: fileSizeText(p.latest.size),
        version: p.latest.version,
        uploadedAt: p.latest.uploadedAt,
        uploadedBy: p.latest.uploadedBy,
        href: `${path}/papers/${p.id}/download`,
      },
      versions: p.versions,
      earlier: (versions.get(p.id) ?? []).slice(1).map((v) => ({
        text: `Version ${v.version}: ${v.filename}, ${fileSizeText(v.size)}`,
        uploadedAt: v.uploadedAt,
        href: `${path}/papers/${p.id}/versions/${v.version}`,
      })),
      circulatedAt: p.firstCirculatedAt,
      toCirculate: p.toCirculate,
      withdrawn: p.withdrawnAt ? { at: p.withdrawnAt, reason: p.withdrawnReason } : null,
    }))
    return reply.render(`${views}/papers.njk`, {
      title: `Papers: ${meetingTitle(meeting, group.name)}`,
      header: header(request, access),
      base: path,
      deadline,
      count: result.count,
      lateCount: result.lateCount,
      papers: rows.filter((r) => !r.withdrawn),
      withdrawnPapers: rows.filter((r) => r.withdrawn),
      toCirculate: rows.filter((r) => !r.withdrawn && r.toCirculate).length,
      circulations: circulations.map((c) => ({
        ...c,
        recipients: c.recipients.map((r) => ({ ...r, tag: statusTags[r.status] })),
      })),
      canEdit: access.canEdit && !meeting.cancelledAt,
      flash: flashFrom(request.query as Record<string, string | undefined>),
    })
  })

  // -------------------------------------------------------------------------------------------
  // Downloads

  async function sendVersion(request: FastifyRequest, reply: FastifyReply, version: number | 'latest') {
    const access = await meetingFromUrl(ctx, request, today())
    const paper = await paperFromUrl(request, access)
    if (paper.restricted && !access.canSeeRestricted)
      throw forbidden('This paper is for the group’s members only')
    if (paper.withdrawnAt && !access.canEdit) throw notFound('This paper was withdrawn')
    const file = await paperFile(ctx.db, paper.id, version)
    if (!file) throw notFound()
    return reply
      .header('content-disposition', attachmentDisposition(file.filename))
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-store')
      .type(file.contentType)
      .send(file.content)
  }

  app.get('/p/:slug/meetings/:meeting/papers/:paper/download', { config: view }, async (request, reply) =>
    sendVersion(request, reply, 'latest'),
  )

  app.get(
    '/p/:slug/meetings/:meeting/papers/:paper/versions/:version',
    { config: view },
    async (request, reply) => {
      const { version } = request.params as { version: string }
      if (!/^\d{1,6}$/.test(version)) throw notFound()
      return sendVersion(request, reply, Number(version))
    },
  )

  // -------------------------------------------------------------------------------------------
  // Withdrawing a paper

  function showWithdraw(
    request: FastifyRequest,
    reply: FastifyReply,
    access: MeetingAccess,
    paper: Paper,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    return reply.status(errors ? 400 : 200).render(`${views}/withdraw.njk`, {
      title: `Withdraw a paper: ${meetingTitle(access.meeting, access.group.name)}`,
      header: header(request, access),
      pageHeading: `Withdraw “${paper.title}”`,
      base: base(request, access),
      paper,
      values,
      errors,
    })
  }

  app.get('/p/:slug/meetings/:meeting/papers/:paper/withdraw', { config: edit }, async (request, reply) => {
    const access = await openMeeting(request)
    const paper = await paperFromUrl(request, access)
    if (paper.withdrawnAt) return reply.redirect(`${base(request, access)}/papers`, 303)
    return showWithdraw(request, reply, access, paper, {})
  })

  app.post('/p/:slug/meetings/:meeting/papers/:paper/withdraw', { config: edit }, async (request, reply) => {
    const access = await openMeeting(request)
    const paper = await paperFromUrl(request, access)
    if (paper.withdrawnAt) return reply.redirect(`${base(request, access)}/papers`, 303)
    const values = formValues(request.body)
    const form = parseForm(withdrawForm, values)
    if (!form.ok) return showWithdraw(request, reply, access, paper, values, form.errors)
    await withdrawPaper(ctx.db, change(request), {
      meetingId: access.meeting.id,
      paperId: paper.id,
      reason: form.data.reason,
    })
    return reply.redirect(`${base(request, access)}/papers?withdrawn=1`, 303)
  })

  paperUploadRoutes(app, ctx, pages)
  paperCirculationRoutes(app, ctx, pages)
}
