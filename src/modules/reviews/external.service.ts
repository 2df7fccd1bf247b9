import { randomUUID } from 'node:crypto'
import { and, asc, desc, eq, gt, isNotNull, type SQL, sql } from 'drizzle-orm'
import { auditChange, type ChangeContext, fieldChanges } from '../../platform/audit/audit.service.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import type { Db, DbOrTx } from '../../platform/db/client.ts'
import { notFound } from '../../platform/http/errors.ts'
import { DUPLICATE_WINDOW_MS } from '../actions/actions.service.ts'
import { isBusinessTeam, isUuid } from '../meetings/meetings.access.ts'
import { FieldProblems, throwIfAny } from '../partnership/agencies.problems.ts'
import { onPanelOf, type ReviewViewer, seesEveryReview } from './reviews.access.ts'
import { futureDateMessage } from './reviews.dates.ts'
import {
  type ExternalReview,
  type externalReviewSources,
  externalReviews,
  type LearningBriefing,
  learningBriefings,
  reviewCases,
} from './reviews.table.ts'

// Reviews from elsewhere (national reviews, other areas' reviews) with the local learning taken
// from them, and learning briefings: short summaries of what a review, ours or one from
// elsewhere, teaches. Both are public once published; a briefing names our own review only to
// those who may see its record (otherwise by its published title, once published).

export type ExternalReviewSource = (typeof externalReviewSources)[number]

export const externalSourceLabels: Record<ExternalReviewSource, string> = {
  national: 'National review',
  other_area: 'Another area’s review',
}

export interface ExternalReviewInput {
  title: string
  source: ExternalReviewSource
  origin: string
  publishedOn: string | null
  url: string
  localLearning: string
}

export const externalMessages = {
  title: 'Enter the title of the review',
  localLearning: 'Enter the local learning taken from the review',
  duplicate: 'This review has already been logged',
}

export async function findExternalReview(
  db: DbOrTx,
  partnershipId: string,
  id: string,
  forUpdate = false,
): Promise<ExternalReview> {
  if (!isUuid(id)) throw notFound()
  const query = db
    .select()
    .from(externalReviews)
    .where(and(eq(externalReviews.id, id), eq(externalReviews.partnershipId, partnershipId)))
  const [row] = forUpdate ? await query.for('update') : await query
  if (!row) throw notFound()
  return row
}

/** Logs a review from elsewhere (`id` null) or changes one; the local learning is required. */
export async function saveExternalReview(
  db: Db,
  change: ChangeContext,
  id: string | null,
  input: ExternalReviewInput,
): Promise<{ id: string; changed: boolean }> {
  const today = londonDate(change.now)
  const fields = {
    title: input.title.trim(),
    source: input.source,
    origin: input.origin.trim(),
    publishedOn: input.publishedOn,
    url: input.url.trim() || null,
    localLearning: input.localLearning.trim(),
  }
  const problems: Record<string, string> = {}
  if (!fields.title) problems.title = externalMessages.title
  if (fields.publishedOn && fields.publishedOn > today) {
    problems.publishedOn = futureDateMessage('The date it was published', today)
  }
  if (!fields.localLearning) problems.localLearning = externalMessages.localLearning
  throwIfAny(problems)
  return db.transaction(async (tx) => {
    if (id) {
      const existing = await findExternalReview(tx, change.partnershipId, id, true)
      const diff = fieldChanges(existing, fields, [
        'title',
        'source',
        'origin',
        'publishedOn',
        'url',
        'localLearning',
      ])
      if (diff.changed.length === 0) return { id, changed: false }
      await tx.update(externalReviews).set(fields).where(eq(externalReviews.id, id))
      await auditChange(tx, change, { type: 'external_review', id }, 'update', diff.before, diff.after)
      return { id, changed: true }
    }
    // A form sent twice: the same title within a minute is logged once.
    const [twin] = await tx
      .select({ id: externalReviews.id })
      .from(externalReviews)
      .where(
        and(
          eq(externalReviews.partnershipId, change.partnershipId),
          eq(externalReviews.title, fields.title),
          gt(externalReviews.createdAt, new Date(change.now.getTime() - DUPLICATE_WINDOW_MS)),
        ),
      )
      .limit(1)
    if (twin) throw new FieldProblems({ title: externalMessages.duplicate })
    const newId = randomUUID()
    await tx.insert(externalReviews).values({
      id: newId,
      partnershipId: change.partnershipId,
      ...fields,
      loggedOn: today,
      createdById: change.actorId,
      createdAt: change.now,
    })
    await auditChange(tx, change, { type: 'external_review', id: newId }, 'create', null, {
      ...fields,
      loggedOn: today,
    })
    return { id: newId, changed: true }
  })
}

/** The partnership's reviews from elsewhere, the latest logged first. */
export function listExternalReviews(db: DbOrTx, partnershipId: string) {
  return db
    .select()
    .from(externalReviews)
    .where(eq(externalReviews.partnershipId, partnershipId))
    .orderBy(desc(externalReviews.loggedOn), desc(externalReviews.createdAt))
}

// ---------------------------------------------------------------------------------------------
// Learning briefings

export interface BriefingInput {
  title: string
  summary: string
  publishedOn: string | null
}

/** What a briefing belongs to: one of our reviews, or a review from elsewhere. */
export type BriefingOwner = { caseId: string } | { externalReviewId: string }

export const briefingMessages = {
  title: 'Enter the title of the briefing',
  summary: 'Enter the summary',
  duplicate: 'This briefing has already been recorded',
}

const ownerCondition = (owner: BriefingOwner): SQL =>
  'caseId' in owner
    ? eq(learningBriefings.caseId, owner.caseId)
    : eq(learningBriefings.externalReviewId, owner.externalReviewId)

/** The briefing of that review, or a 404. */
export async function findBriefing(
  db: DbOrTx,
  partnershipId: string,
  owner: BriefingOwner,
  id: string,
  forUpdate = false,
): Promise<LearningBriefing> {
  if (!isUuid(id)) throw notFound()
  const query = db
    .select()
    .from(learningBriefings)
    .where(
      and(
        eq(learningBriefings.id, id),
        eq(learningBriefings.partnershipId, partnershipId),
        ownerCondition(owner),
      ),
    )
  const [row] = forUpdate ? await query.for('update') : await query
  if (!row) throw notFound()
  return row
}

/** Adds (`id` null) or changes a briefing of a review; a publish date is today or earlier. */
export async function saveBriefing(
  db: Db,
  change: ChangeContext,
  owner: BriefingOwner,
  id: string | null,
  input: BriefingInput,
): Promise<{ id: string; changed: boolean }> {
  const today = londonDate(change.now)
  const fields = { title: input.title.trim(), summary: input.summary.trim(), publishedOn: input.publishedOn }
  const problems: Record<string, string> = {}
  if (!fields.title) problems.title = briefingMessages.title
  if (!fields.summary) problems.summary = briefingMessages.summary
  if (fields.publishedOn && fields.publishedOn > today) {
    problems.publishedOn = futureDateMessage('The publish date', today)
  }
  throwIfAny(problems)
  return db.transaction(async (tx) => {
    if (id) {
      const existing = await findBriefing(tx, change.partnershipId, owner, id, true)
      const diff = fieldChanges(existing, fields, ['title', 'summary', 'publishedOn'])
      if (diff.changed.length === 0) return { id, changed: false }
      await tx.update(learningBriefings).set(fields).where(eq(learningBriefings.id, id))
      await auditChange(tx, change, { type: 'learning_briefing', id }, 'update', diff.before, diff.after)
      return { id, changed: true }
    }
    // The review it belongs to must be the partnership's.
    if ('caseId' in owner) {
      const [c] = await tx
        .select({ id: reviewCases.id })
        .from(reviewCases)
        .where(and(eq(reviewCases.id, owner.caseId), eq(reviewCases.partnershipId, change.partnershipId)))
      if (!c) throw notFound()
    } else {
      await findExternalReview(tx, change.partnershipId, owner.externalReviewId)
    }
    // A form sent twice: the same title for the same review within a minute is recorded once.
    const [twin] = await tx
      .select({ id: learningBriefings.id })
      .from(learningBriefings)
      .where(
        and(
          eq(learningBriefings.partnershipId, change.partnershipId),
          ownerCondition(owner),
          eq(learningBriefings.title, fields.title),
          gt(learningBriefings.createdAt, new Date(change.now.getTime() - DUPLICATE_WINDOW_MS)),
        ),
      )
      .limit(1)
    if (twin) throw new FieldProblems({ title: briefingMessages.duplicate })
    const newId = randomUUID()
    const link = {
      caseId: 'caseId' in owner ? owner.caseId : null,
      externalReviewId: 'externalReviewId' in owner ? owner.externalReviewId : null,
    }
    await tx.insert(learningBriefings).values({
      id: newId,
      partnershipId: change.partnershipId,
      ...link,
      ...fields,
      createdById: change.actorId,
      createdAt: change.now,
    })
    await auditChange(tx, change, { type: 'learning_briefing', id: newId }, 'create', null, {
      ...link,
      ...fields,
    })
    return { id: newId, changed: true }
  })
}

/** A review's briefings (ours or from elsewhere), the newest first; unpublished ones only when asked. */
export function briefingsOf(
  db: DbOrTx,
  partnershipId: string,
  owner: BriefingOwner,
  includeUnpublished: boolean,
) {
  return db
    .select()
    .from(learningBriefings)
    .where(
      and(
        eq(learningBriefings.partnershipId, partnershipId),
        ownerCondition(owner),
        includeUnpublished ? undefined : isNotNull(learningBriefings.publishedOn),
      ),
    )
    .orderBy(sql`${learningBriefings.publishedOn} desc nulls first`, asc(learningBriefings.title))
}

/** Where a briefing in the public list comes from, as far as the viewer may know. */
export type BriefingSource =
  | { kind: 'case'; caseId: string; reference: string }
  | { kind: 'published'; title: string; url: string | null }
  | { kind: 'external'; externalReviewId: string; title: string; url: string | null }
  | null

export interface BriefingListItem {
  id: string
  title: string
  summary: string
  publishedOn: string | null
  source: BriefingSource
}

/**
 * The partnership's briefings for the viewer: published ones for everyone, unpublished ones for
 * the business team only. Our own review is named by its reference (with a link) only to those
 * who may see its record; to others by its published title once published, otherwise not at all.
 */
export async function listBriefings(
  db: DbOrTx,
  partnershipId: string,
  viewer: ReviewViewer,
): Promise<BriefingListItem[]> {
  const seesCase = seesEveryReview(viewer.role)
    ? sql<boolean>`${learningBriefings.caseId} is not null`
    : sql<boolean>`${learningBriefings.caseId} is not null and ${onPanelOf(viewer.userId, sql`${learningBriefings.caseId}`)}`
  const rows = await db
    .select({
      id: learningBriefings.id,
      title: learningBriefings.title,
      summary: learningBriefings.summary,
      publishedOn: learningBriefings.publishedOn,
      caseId: learningBriefings.caseId,
      seesCase: seesCase.mapWith(Boolean),
      reference: reviewCases.reference,
      casePublishedOn: reviewCases.publishedOn,
      casePublishedTitle: reviewCases.publishedTitle,
      casePublicationUrl: reviewCases.publicationUrl,
      externalReviewId: externalReviews.id,
      externalTitle: externalReviews.title,
      externalUrl: externalReviews.url,
    })
    .from(learningBriefings)
    .leftJoin(reviewCases, eq(reviewCases.id, learningBriefings.caseId))
    .leftJoin(externalReviews, eq(externalReviews.id, learningBriefings.externalReviewId))
    .where(
      and(
        eq(learningBriefings.partnershipId, partnershipId),
        isBusinessTeam(viewer.role) ? undefined : isNotNull(learningBriefings.publishedOn),
      ),
    )
    .orderBy(sql`${learningBriefings.publishedOn} desc nulls first`, asc(learningBriefings.title))
  return rows.map((r) => {
    let source: BriefingSource = null
    if (r.caseId && r.seesCase && r.reference) {
      source = { kind: 'case', caseId: r.caseId, reference: r.reference }
    } else if (r.caseId && r.casePublishedOn && r.casePublishedTitle) {
      source = { kind: 'published', title: r.casePublishedTitle, url: r.casePublicationUrl }
    } else if (r.externalReviewId && r.externalTitle) {
      source = {
        kind: 'external',
        externalReviewId: r.externalReviewId,
        title: r.externalTitle,
        url: r.externalUrl,
      }
    }
    return { id: r.id, title: r.title, summary: r.summary, publishedOn: r.publishedOn, source }
  })
}
