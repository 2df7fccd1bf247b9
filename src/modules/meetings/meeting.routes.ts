import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'
import { londonDay } from '../partnership/agencies.problems.ts'
import { meetingOverview } from './meeting.service.ts'
import { meetingFromUrl } from './meetings.access.ts'

/** A meeting's overview: what it is, its agenda with papers and decisions, its seats and its deadlines. */
export async function meetingRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get(
    '/p/:slug/meetings/:meeting',
    { config: { permission: 'meetings:view' } },
    async (request, reply) => {
      const today = londonDay(ctx.now())
      const access = await meetingFromUrl(ctx, request, today)
      const overview = await meetingOverview(ctx.db, access, { today, slug: request.partnership!.slug })
      return reply.render('modules/meetings/views/meeting/overview.njk', {
        title: overview.header.title,
        ...overview,
      })
    },
  )
}
