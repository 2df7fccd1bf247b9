import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { recordAudit } from '../../platform/audit/audit.service.ts'
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
  /**
   * The board, the report and its CSV name the cases the viewer may see: each opening is audited,
   * like a case's own page, and so is each refusal. Entity: the partnership's reviews as a whole.
   */
  const audit = (request: FastifyRequest, action: string) =>
    recordAudit(
      ctx.db,
      {
        partnershipId: request.partnership!.id,
        actorId: request.user?.id ?? null,
        entityType: 'reviews',
        entityId: request.partnership!.id,
        action,
        after: { path: request.url.split('?')[0], query: request.query ?? {} },
        requestId: request.id,
      },
      ctx.now(),
    )
  /** Refuses those outside the audience; true when the page may be shown. */
  const allowed = async (request: FastifyRequest, reply: FastifyReply, action: string) => {
    const { partnershipId, viewer } = input(request)
    if (await mayUseOverview(ctx.db, partnershipId, viewer)) {
      await audit(request, action)
      return true
    }
    await audit(request, 'reviews.view_refused')
    await reply.status(403).render(`${views}/refused.njk`, {
      title: 'You do not have permission to see this page',
      listHref: reviewsPath(request.partnership!.slug),
    })
    return false
  }

  app.get('/p/:slug/reviews/board', { config }, async (request, reply) => {
    if (!(await allowed(request, reply, 'reviews.board.viewed'))) return reply
    const page = await boardPage(ctx.db, input(request))
    return reply.render(`${views}/board.njk`, { title: 'Reviews board', ...page })
  })

  app.get('/p/:slug/reviews/report', { config }, async (request, reply) => {
    if (!(await allowed(request, reply, 'reviews.report.viewed'))) return reply
    const page = await reportPage(ctx.db, input(request))
    return reply.render(`${views}/report.njk`, {
      title: `Annual report figures, ${page.year.label}`,
      ...page,
    })
  })

  app.get('/p/:slug/reviews/report.csv', { config }, async (request, reply) => {
    if (!(await allowed(request, reply, 'reviews.report.exported'))) return reply
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
