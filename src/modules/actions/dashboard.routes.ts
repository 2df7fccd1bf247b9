import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'
import { viewerOfRequest } from '../meetings/meetings.access.ts'
import { londonDay } from '../partnership/agencies.problems.ts'
import { cachedDashboardPage } from './dashboard.cache.ts'

/** The compliance dashboard (compliance:view): figures, charts and tables, filtered by a GET form. */
export async function dashboardRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/p/:slug/dashboard', { config: { permission: 'compliance:view' } }, async (request, reply) => {
    const partnership = request.partnership!
    const page = await cachedDashboardPage(ctx.db, {
      partnershipId: partnership.id,
      slug: partnership.slug,
      viewer: viewerOfRequest(request),
      today: londonDay(ctx.now()),
      query: (request.query ?? {}) as Record<string, unknown>,
    })
    return reply.render('modules/actions/views/dashboard/dashboard.njk', {
      title: 'Compliance dashboard',
      ...page,
    })
  })
}
