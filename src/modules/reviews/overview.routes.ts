import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { viewerOfRequest } from '../meetings/meetings.access.ts'
import { londonDay } from '../partnership/agencies.problems.ts'
import { reportCsv, reportPage } from './overview.report.ts'
import { boardPage, lastCompleteYear, mayUseOverview, readYear, reportingYear } from './overview.service.ts'
import { reviewsPath } from './reviews.labels.ts'

const config = { permission: 'reviews:view' as const }
const views = 'modules/reviews/views/overview'

/**
 * The reviews board and the annual report's figures: for the business team, the partners and the
 * members of a review's panel (who see their own cases only). Anyone else is refused with a link
 * to the published reviews, which everyone may read.
 */
export async function overviewRoutes(app: FastifyInstance, ctx: AppContext) {
  const input = (request: FastifyRequest) => {
    const partnership = request.partnership!
    return {
      partnershipId: partnership.id,
      slug: partnership.slug,
      viewer: viewerOfRequest(request),
      today: londonDay(ctx.now()),
      query: (request.query ?? {}) as Record<string, unknown>,
    }
  }
  /** Refuses those outside the audience; true when the page may be shown. */
  const allowed = async (request: FastifyRequest, reply: FastifyReply) => {
    const { partnershipId, viewer } = input(request)
    if (await mayUseOverview(ctx.db, partnershipId, viewer)) return true
    await reply.status(403).render(`${views}/refused.njk`, {
      title: 'You do not have permission to see this page',
      listHref: reviewsPath(request.partnership!.slug),
    })
    return false
  }

  app.get('/p/:slug/reviews/board', { config }, async (request, reply) => {
    if (!(await allowed(request, reply))) return reply
    const page = await boardPage(ctx.db, input(request))
    return reply.render(`${views}/board.njk`, { title: 'Reviews board', ...page })
  })

  app.get('/p/:slug/reviews/report', { config }, async (request, reply) => {
    if (!(await allowed(request, reply))) return reply
    const page = await reportPage(ctx.db, input(request))
    return reply.render(`${views}/report.njk`, {
      title: `Annual report figures, ${page.year.label}`,
      ...page,
    })
  })

  app.get('/p/:slug/reviews/report.csv', { config }, async (request, reply) => {
    if (!(await allowed(request, reply))) return reply
    const base = input(request)
    const problems = { list: [], fields: {} }
    const start = readYear(base.query.year, problems) ?? lastCompleteYear(base.today)
    const year = reportingYear(start)
    const csv = await reportCsv(ctx.db, { ...base, year })
    return reply
      .type('text/csv; charset=utf-8')
      .header(
        'content-disposition',
        `attachment; filename="reviews-${base.slug}-${year.from}-to-${year.to}.csv"`,
      )
      .header('cache-control', 'no-store')
      .send(csv)
  })
}
