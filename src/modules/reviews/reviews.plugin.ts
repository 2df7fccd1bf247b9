import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'
import { externalReviewsRoutes } from './external.routes.ts'
import { incidentRoutes } from './incident.routes.ts'
import { learningRoutes } from './learning.routes.ts'
import { overviewRoutes } from './overview.routes.ts'
import { panelRoutes } from './panel.routes.ts'
import { progressRoutes } from './progress.routes.ts'
import { publicationRoutes } from './publication.routes.ts'
import { reviewsApi } from './reviews.api.ts'
import { reviewsRoutes } from './reviews.routes.ts'

/**
 * The reviews module: serious incidents, rapid reviews, the partners' decisions, local child
 * safeguarding practice reviews with their panels, publication and learning. Confidential: see
 * reviews.access.ts.
 */
export async function reviewsModule(app: FastifyInstance, ctx: AppContext) {
  await app.register(reviewsRoutes, ctx)
  await app.register(incidentRoutes, ctx)
  await app.register(panelRoutes, ctx)
  await app.register(progressRoutes, ctx)
  await app.register(publicationRoutes, ctx)
  await app.register(learningRoutes, ctx)
  await app.register(externalReviewsRoutes, ctx)
  await app.register(overviewRoutes, ctx)
  await app.register(reviewsApi, ctx)
}
