import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import { attachment } from '../../platform/documents/download.ts'
import { notFound } from '../../platform/http/errors.ts'
import { isBusinessTeam, isUuid, meetingFromUrl, viewerOfRequest } from '../meetings/meetings.access.ts'
import { meetingHeader, meetingPath, meetingTitle } from '../meetings/meetings.labels.ts'
import { actionsAgencyRoutes } from './actions.agency.routes.ts'
import { actionsApi } from './actions.api.ts'
import { actionFromUrl } from './actions.context.ts'
import { actionsEditRoutes } from './actions.edit.routes.ts'
import { actionPath, actionSourceText, actionsRegisterPath } from './actions.labels.ts'
import { extensionsOf, responseFile, responsesOf } from './actions.queries.ts'
import { actionsRegisterRoutes } from './actions.register.routes.ts'
import { actionRegisterRows, ragContext } from './actions.register.ts'
import { actionDeadline, actionRagLabels, isLateResponse } from './actions.rules.ts'

const views = 'modules/actions/views/actions'

const flashes: Record<string, string> = {
  created: 'Action added',
  updated: 'Action changed',
  closed: 'Action closed',
}

const extensionLabels = {
  pending: { text: 'Waiting for a decision', classes: 'govuk-tag--yellow' },
  approved: { text: 'Approved', classes: 'govuk-tag--green' },
  refused: { text: 'Refused', classes: 'govuk-tag--red' },
}

const fileSize = (bytes: number) =>
  bytes < 1024
    ? `${bytes} bytes`
    : bytes < 1024 * 1024
      ? `${Math.round(bytes / 1024)} KB`
      : `${(bytes / 1024 / 1024).toFixed(1)} MB`

/**
 * Actions: a meeting's Actions tab, one action's page and its response files; the forms
 * (actions.edit.routes.ts), the register and its exports, an agency's actions and the API are
 * registered from here.
 */
export async function actionsRoutes(app: FastifyInstance, ctx: AppContext) {
  const view = { permission: 'actions:view' as const }
  const today = () => londonDate(ctx.now())

  app.get('/p/:slug/meetings/:meeting/actions', { config: view }, async (request, reply) => {
    const { meeting, group } = await meetingFromUrl(ctx, request, today())
    const partnership = request.partnership!
    const viewer = viewerOfRequest(request)
    const { window } = await ragContext(ctx.db, partnership.id, today())
    const rows = await actionRegisterRows(ctx.db, {
      partnershipId: partnership.id,
      viewer,
      window,
      filter: { meetingId: meeting.id },
      sort: 'reference',
      order: 'asc',
    })
    const base = meetingPath(partnership.slug, meeting.id)
    return reply.render(`${views}/meeting.njk`, {
      title: `Actions: ${meetingTitle(meeting, group.name)}`,
      header: meetingHeader(partnership.slug, meeting, group, 'actions'),
      actions: rows.map((r) => ({
        href: actionPath(partnership.slug, r.id),
        reference: r.reference,
        description: r.description,
        agency: r.ownerAgencyName,
        person: r.ownerPersonName,
        dueOn: r.dueOn,
        rag: actionRagLabels[r.rag],
        lastResponseOn: r.lastResponseOn,
      })),
      canEdit: isBusinessTeam(viewer.role),
      cancelled: meeting.cancelledAt !== null,
      addHref: `/p/${partnership.slug}/actions/new?meeting=${meeting.id}`,
      issueHref: `${base}/actions/issue`,
      registerHref: `${actionsRegisterPath(partnership.slug)}?meeting=${meeting.id}`,
    })
  })

  app.get('/p/:slug/actions/:action', { config: view }, async (request, reply) => {
    const { detail, rag, canEdit } = await actionFromUrl(ctx, request)
    const slug = request.partnership!.slug
    const { action } = detail
    const [responses, extensions] = await Promise.all([
      responsesOf(ctx.db, action.id),
      extensionsOf(ctx.db, action.id),
    ])
    const extension = extensions
      .filter((e) => e.decision === 'approved' && e.newDueOn === action.dueOn && e.decidedAt)
      .at(-1)
    const deadline = actionDeadline(
      action,
      extension?.decidedAt ? londonDate(extension.decidedAt) : null,
      rag.rules,
      rag.calendar,
    )
    const base = actionPath(slug, action.id)
    const query = request.query as Record<string, string | undefined>
    const flash = Object.keys(flashes).find((key) => query[key] !== undefined)
    const open = action.closedAt === null
    const issued = action.issueId !== null
    return reply.render(`${views}/action.njk`, {
      title: `Action ${action.reference}`,
      action,
      base,
      rag: actionRagLabels[detail.rag],
      source: {
        text: actionSourceText({ groupName: detail.group.name, ...detail }),
        meeting: detail.meeting && {
          text: meetingTitle(detail.meeting, detail.group.name),
          href: meetingPath(slug, detail.meeting.id),
          actionsHref: `${meetingPath(slug, detail.meeting.id)}/actions`,
        },
        item: detail.item && `${detail.item.position}. ${detail.item.title}`,
        decision: detail.decision && {
          text: `${detail.decision.reference}: ${detail.decision.text}`,
          href: `/p/${slug}/decisions/${detail.decision.id}`,
        },
      },
      group: { name: detail.group.name, href: `/p/${slug}/groups/${detail.group.slug}` },
      agency: { name: detail.agency.name, href: `/p/${slug}/agencies/${detail.agency.id}/actions` },
      person: detail.person,
      createdByName: detail.createdByName,
      closedByName: detail.closedByName,
      deadline,
      responses: responses.map((r) => ({
        ...r,
        late: isLateResponse(r),
        files: r.files.map((f) => ({
          ...f,
          sizeText: fileSize(f.size),
          href: `${base}/responses/${r.id}/files/${f.id}`,
        })),
      })),
      extensions: extensions.map((e) => ({ ...e, tag: extensionLabels[e.decision ?? 'pending'] })),
      canRespond: open && issued && (canEdit || detail.isOwner),
      canEdit: canEdit && open && !issued,
      canClose: canEdit && open,
      registerHref: actionsRegisterPath(slug),
      flash: flash ? flashes[flash] : undefined,
    })
  })

  app.get(
    '/p/:slug/actions/:action/responses/:response/files/:file',
    { config: view },
    async (request, reply) => {
      const { detail } = await actionFromUrl(ctx, request)
      const { response, file: fileId } = request.params as { response: string; file: string }
      if (!isUuid(response) || !isUuid(fileId)) throw notFound()
      const file = await responseFile(ctx.db, detail.action.id, response, fileId)
      if (!file) throw notFound()
      return reply
        .header('content-disposition', attachment(file.filename))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .type(file.contentType)
        .send(Buffer.from(file.content))
    },
  )

  await actionsEditRoutes(app, ctx)
  await actionsRegisterRoutes(app, ctx)
  await actionsAgencyRoutes(app, ctx)
  await actionsApi(app, ctx)
}
