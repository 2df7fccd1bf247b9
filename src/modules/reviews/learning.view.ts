import type { FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import { findRecommendation } from './learning.service.ts'
import type { ReviewAccess } from './reviews.access.ts'
import { reviewPath } from './reviews.labels.ts'
import { caseView } from './reviews.page.ts'

export const views = 'modules/reviews/views/learning'

/** The learning tab's helpers that need the app's context: its address, header and recommendation. */
export function learningPages(ctx: AppContext) {
  const today = () => londonDate(ctx.now())
  const base = (request: FastifyRequest, access: ReviewAccess) =>
    `${reviewPath(request.partnership!.slug, access.review.id)}/learning`

  async function headerOf(request: FastifyRequest, access: ReviewAccess) {
    return (await caseView(ctx, request, access.review, 'learning')).header
  }

  /** The recommendation named in the URL (`:recommendation`), or a 404. */
  const recommendationOf = (request: FastifyRequest, access: ReviewAccess) =>
    findRecommendation(
      ctx.db,
      access.review.id,
      (request.params as { recommendation: string }).recommendation,
    )

  return { today, base, headerOf, recommendationOf }
}
