import type { FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import { editableReviewFromUrl, type ReviewAccess, reviewFromUrl } from './reviews.access.ts'
import { type ReviewTab, reviewHeader } from './reviews.labels.ts'
import { type CaseSummary, caseSummary, type SummaryContext, summaryContext } from './reviews.queries.ts'
import type { ReviewCase } from './reviews.table.ts'

// What every tab of a case page needs: the rules and calendar of today, the case's stage and
// deadlines, and the header with the tabs.

export interface CaseView {
  context: SummaryContext
  summary: CaseSummary
  header: ReturnType<typeof reviewHeader>
}

/** The summary and header of a case already opened (and checked) in this request. */
export async function caseView(
  ctx: AppContext,
  request: FastifyRequest,
  review: ReviewCase,
  tab: ReviewTab,
): Promise<CaseView> {
  const context = await summaryContext(ctx.db, review.partnershipId, londonDate(ctx.now()))
  const summary = await caseSummary(ctx.db, review, context, { reread: false })
  return { context, summary, header: reviewHeader(request.partnership!.slug, review, summary.stage, tab) }
}

/**
 * Opens the case named in the URL once (reviewFromUrl: one `review.viewed` for a GET;
 * editableReviewFromUrl with `edit`) and gives its tab's summary and header.
 */
export async function casePage(
  ctx: AppContext,
  request: FastifyRequest,
  tab: ReviewTab,
  options: { edit?: boolean } = {},
): Promise<CaseView & { access: ReviewAccess }> {
  const access = options.edit ? await editableReviewFromUrl(ctx, request) : await reviewFromUrl(ctx, request)
  return { access, ...(await caseView(ctx, request, access.review, tab)) }
}
