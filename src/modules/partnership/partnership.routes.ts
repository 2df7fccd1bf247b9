import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'
import { listPartnershipSummaries, partnershipOverview } from './partnership.repository.ts'

export async function partnershipRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/', { config: { permission: 'public' } }, async (request, reply) => {
    const partnerships = await listPartnershipSummaries(ctx.db)
    const mine = partnerships.filter((p) => request.actor?.roles?.has(p.id))
    return reply.render('modules/partnership/views/start.njk', {
      title: 'Multi-agency safeguarding arrangements',
      partnerships,
      mine,
    })
  })

  app.get('/p/:slug', { config: { permission: 'partnership:view' } }, async (request, reply) => {
    const partnership = request.partnership!
    return reply.render('modules/partnership/views/overview.njk', {
      title: partnership.name,
      role: request.actor?.roles?.get(partnership.id),
      ...(await partnershipOverview(ctx.db, partnership.id)),
    })
  })
}
