import { and, eq, type SQL, sql } from 'drizzle-orm'
import type { FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { recordAudit } from '../../platform/audit/audit.service.ts'
import type { Role } from '../../platform/auth/auth.table.ts'
import type { DbOrTx } from '../../platform/db/client.ts'
import { forbidden, notFound } from '../../platform/http/errors.ts'
import { isBusinessTeam, isUuid, type MeetingViewer, viewerOfRequest } from '../meetings/meetings.access.ts'
import { type ReviewCase, reviewCases } from './reviews.table.ts'

/**
 * Who sees a review's record: the business team, the safeguarding partners (the partner role) and
 * the people on the review's own panel (current seats). Everyone else, scrutineers and members
 * included, sees only what is published: a published review's reference, title, date and link.
 * Every opening of a record is written to the audit log, and so is every refusal.
 */
export type ReviewViewer = MeetingViewer

export const seesEveryReview = (role: Role | null | undefined) => isBusinessTeam(role) || role === 'partner'

/**
 * SQL: the viewer sits on the case's panel now (their seat not removed, and they have not left).
 * `caseId` is the column or value naming the case.
 */
export function onPanelOf(userId: string | null, caseId: SQL | typeof reviewCases.id = reviewCases.id): SQL {
  if (!userId) return sql`false`
  // Qualified by hand: in a select list Drizzle writes a single table's columns without their
  // table, and "id" would then be ambiguous inside the subquery.
  const outer = caseId === reviewCases.id ? sql`"review_cases"."id"` : caseId
  return sql`exists (select 1 from "review_panel_members" rpm join "people" pe on pe."id" = rpm."person_id"
    where rpm."case_id" = ${outer} and rpm."removed_at" is null
    and pe."user_id" = ${userId} and (pe."left_on" is null or pe."left_on" > current_date))`
}

/** SQL for lists: the cases whose whole record the viewer may see. */
export function visibleReviewRecords(viewer: ReviewViewer): SQL {
  if (seesEveryReview(viewer.role)) return sql`true`
  return onPanelOf(viewer.userId)
}

/** SQL for lists: the cases anyone in the partnership may see in outline (published). */
export const publishedReviews = (): SQL => sql`${reviewCases.publishedOn} is not null`

export interface ReviewAccess {
  review: ReviewCase
  viewer: ReviewViewer & { onPanel: boolean }
  /** The business team: records each step. */
  canEdit: boolean
}

/** A case of the partnership and what the viewer may do with it; null when it is not one. */
export async function reviewAccess(
  db: DbOrTx,
  partnershipId: string,
  caseId: string,
  viewer: ReviewViewer,
): Promise<(ReviewAccess & { canSee: boolean }) | null> {
  if (!isUuid(caseId)) return null
  const [row] = await db
    .select({ review: reviewCases, onPanel: onPanelOf(viewer.userId).mapWith(Boolean) })
    .from(reviewCases)
    .where(and(eq(reviewCases.id, caseId), eq(reviewCases.partnershipId, partnershipId)))
  if (!row) return null
  return {
    review: row.review,
    viewer: { ...viewer, onPanel: row.onPanel },
    canSee: seesEveryReview(viewer.role) || row.onPanel,
    canEdit: isBusinessTeam(viewer.role),
  }
}

/**
 * The case named in the URL (`:review`) if the viewer may open it: 404 when it is not the
 * partnership's, 403 (audited as refused) when the viewer is outside the business team, the
 * partners and its panel. A page view (GET) is audited as `review.viewed`; a change is audited
 * by the service that makes it.
 */
export async function reviewFromUrl(ctx: AppContext, request: FastifyRequest): Promise<ReviewAccess> {
  const { review: id } = request.params as { review: string }
  const partnershipId = request.partnership!.id
  const viewer = viewerOfRequest(request)
  const access = await reviewAccess(ctx.db, partnershipId, id, viewer)
  if (!access) throw notFound()
  if (!access.canSee || request.method === 'GET') {
    await recordAudit(
      ctx.db,
      {
        partnershipId,
        actorId: request.user?.id ?? null,
        entityType: 'review_case',
        entityId: access.review.id,
        action: access.canSee ? 'review.viewed' : 'review.view_refused',
        after: { path: request.url.split('?')[0] },
        requestId: request.id,
      },
      ctx.now(),
    )
  }
  if (!access.canSee) throw forbidden('This review is for the business team, the partners and its panel')
  return access
}

/** The case from the URL for a change only the business team makes. */
export async function editableReviewFromUrl(ctx: AppContext, request: FastifyRequest): Promise<ReviewAccess> {
  const access = await reviewFromUrl(ctx, request)
  if (!access.canEdit) throw forbidden()
  return access
}
