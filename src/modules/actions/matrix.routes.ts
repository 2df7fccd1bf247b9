import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { formatDate } from '../../platform/calendar/calendar.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import { changeOf } from '../../platform/http/change.ts'
import { notFound } from '../../platform/http/errors.ts'
import { editableMeetingFromUrl, isUuid, type MeetingAccess } from '../meetings/meetings.access.ts'
import { meetingHeader, meetingPath, meetingTitle } from '../meetings/meetings.labels.ts'
import {
  issueMatrix,
  type MatrixLetterContext,
  matrixIssues,
  matrixToIssue,
  responseDeadline,
  sendFreshLinks,
} from './matrix.service.ts'

const views = 'modules/actions/views/matrix'

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

/** Issuing a meeting's action matrix after a check-answers page, and fresh response links (the business team). */
export async function matrixRoutes(app: FastifyInstance, ctx: AppContext) {
  const edit = { permission: 'actions:edit' as const }
  const today = () => londonDate(ctx.now())
  const issuePath = (request: FastifyRequest, access: MeetingAccess) =>
    `${meetingPath(request.partnership!.slug, access.meeting.id)}/actions/issue`
  const letterContext = (request: FastifyRequest, access: MeetingAccess): MatrixLetterContext => ({
    slug: request.partnership!.slug,
    publicUrl: ctx.config.PUBLIC_URL,
    meetingTitle: meetingTitle(access.meeting, access.group.name),
  })

  app.get('/p/:slug/meetings/:meeting/actions/issue', { config: edit }, async (request, reply) => {
    const access = await editableMeetingFromUrl(ctx, request, today())
    const { meeting, group } = access
    const partnership = request.partnership!
    const [agencies, { deadline }, issues] = await Promise.all([
      matrixToIssue(ctx.db, meeting.id, today()),
      responseDeadline(ctx.db, partnership.id, today()),
      matrixIssues(ctx.db, meeting.id, ctx.now()),
    ])
    const query = request.query as { issued?: string; emails?: string; links?: string }
    const flash =
      query.issued !== undefined
        ? `The action matrix was issued: ${plural(Number(query.issued) || 0, 'action', 'actions')}, ${plural(Number(query.emails) || 0, 'e-mail', 'e-mails')} sent`
        : query.links !== undefined
          ? `${plural(Number(query.links) || 0, 'new link was', 'new links were')} sent; earlier links no longer work`
          : undefined
    const actionHref = (id: string) => `/p/${partnership.slug}/actions/${id}`
    return reply.render(`${views}/issue.njk`, {
      title: `Issue the action matrix: ${meetingTitle(meeting, group.name)}`,
      header: meetingHeader(partnership.slug, meeting, group, 'actions'),
      pageHeading: 'Check the action matrix before you issue it',
      base: meetingPath(partnership.slug, meeting.id),
      action: issuePath(request, access),
      flash,
      deadline,
      agencies: agencies.map((a) => ({
        ...a,
        actions: a.actions.map((x) => ({ ...x, href: actionHref(x.id) })),
      })),
      actionCount: agencies.reduce((n, a) => n + a.actions.length, 0),
      problems: agencies.filter((a) => a.recipients.length === 0),
      issues: issues.map((i) => ({
        ...i,
        issuedOnText: formatDate(i.issuedOn),
        dueOnText: formatDate(i.dueOn),
      })),
    })
  })

  app.post('/p/:slug/meetings/:meeting/actions/issue', { config: edit }, async (request, reply) => {
    const access = await editableMeetingFromUrl(ctx, request, today())
    const result = await issueMatrix(ctx.db, ctx.outbox, changeOf(ctx, request), {
      meetingId: access.meeting.id,
      context: letterContext(request, access),
    })
    const path = issuePath(request, access)
    if (!result) return reply.redirect(path, 303)
    return reply.redirect(`${path}?issued=${result.actions}&emails=${result.notices}`, 303)
  })

  app.post('/p/:slug/meetings/:meeting/actions/issue/links', { config: edit }, async (request, reply) => {
    const access = await editableMeetingFromUrl(ctx, request, today())
    const body = (request.body ?? {}) as { issueId?: unknown; agencyId?: unknown }
    const issueId = String(body.issueId ?? '')
    const agencyId = String(body.agencyId ?? '')
    if (!isUuid(issueId) || !isUuid(agencyId)) throw notFound()
    const result = await sendFreshLinks(ctx.db, ctx.outbox, changeOf(ctx, request), {
      meetingId: access.meeting.id,
      issueId,
      agencyId,
      context: letterContext(request, access),
    })
    return reply.redirect(`${issuePath(request, access)}?links=${result.sent}#issues`, 303)
  })
}
