import type { FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import { forbidden, notFound } from '../../platform/http/errors.ts'
import { isBusinessTeam, isUuid, type MeetingViewer, viewerOfRequest } from '../meetings/meetings.access.ts'
import { type ActionDetail, findActionDetail } from './actions.queries.ts'
import { ragContext } from './actions.register.ts'

export interface ActionContext {
  detail: ActionDetail
  viewer: MeetingViewer
  today: string
  rag: Awaited<ReturnType<typeof ragContext>>
  /** The business team: changes, closes, issues. */
  canEdit: boolean
}

/**
 * The action named in the URL (`:action`) if the viewer may see it: 404 when it is not the
 * partnership's (or not an id), 403 when it is but the viewer may not open it (the same rule as
 * the register, so what a list shows and what opens agree).
 */
export async function actionFromUrl(ctx: AppContext, request: FastifyRequest): Promise<ActionContext> {
  const { action: id } = request.params as { action: string }
  if (!isUuid(id)) throw notFound()
  const partnershipId = request.partnership!.id
  const viewer = viewerOfRequest(request)
  const today = londonDate(ctx.now())
  const rag = await ragContext(ctx.db, partnershipId, today)
  const detail = await findActionDetail(ctx.db, partnershipId, id, viewer, rag.window)
  if (!detail) throw notFound()
  if (!detail.visible) throw forbidden('This action is for its group’s members')
  return { detail, viewer, today, rag, canEdit: isBusinessTeam(viewer.role) }
}
