import { randomUUID } from 'node:crypto'
import { and, asc, eq, gt, isNull, max, min, sql } from 'drizzle-orm'
import { auditChange, type ChangeContext, fieldChanges } from '../../platform/audit/audit.service.ts'
import type { WorkingCalendar } from '../../platform/calendar/calendar.ts'
import { addCalendarDays, addMonths, formatDate } from '../../platform/calendar/dates.ts'
import type { Db, DbOrTx } from '../../platform/db/client.ts'
import { notFound } from '../../platform/http/errors.ts'
import type { RuleSet } from '../../platform/rules/rules.definitions.ts'
import { computeDeadline } from '../../platform/rules/rules.service.ts'
import { DUPLICATE_WINDOW_MS } from '../actions/actions.service.ts'
import { detectPaperType, MAX_PAPER_BYTES, type PaperFileType } from '../meetings/papers.filetype.ts'
import { FieldProblems } from '../partnership/agencies.problems.ts'
import { futureDateMessage } from './reviews.dates.ts'
import { lockedCase } from './reviews.repository.ts'
import { type ReviewCase, reviewCases, reviewDrafts, reviewMilestones } from './reviews.table.ts'

// The review itself: its terms of reference, the independent reviewer and how the family took
// part; milestones with due dates; drafts of the report (with the file when uploaded) and when
// each went round; and the date the final report came. Every change is audited in its transaction.

export const TEXT_MAX = 10_000
export const SHORT_MAX = 200

export const progressMessages = {
  milestoneTwin: 'This milestone has already been added',
  draftTwin: (version: number) => `This draft has already been recorded (draft ${version})`,
}

/** A minute before the change: a form sent twice finds its first sending written since then. */
const twinSince = (change: ChangeContext) => new Date(change.now.getTime() - DUPLICATE_WINDOW_MS)

// ---------------------------------------------------------------------------------------------
// The review's details

export interface ReviewDetails {
  termsOfReference: string | null
  reviewerName: string | null
  reviewerOrganisation: string | null
  familyInvolvement: string | null
}
const detailFields = [
  'termsOfReference',
  'reviewerName',
  'reviewerOrganisation',
  'familyInvolvement',
] as const

/** Saves the terms of reference, the reviewer and the family's involvement (empty text is none). Returns whether anything changed. */
export async function updateReviewDetails(
  db: Db,
  change: ChangeContext,
  caseId: string,
  details: ReviewDetails,
): Promise<boolean> {
  const after = Object.fromEntries(
    detailFields.map((f) => [f, details[f]?.trim() ? details[f].trim() : null]),
  ) as unknown as ReviewDetails
  return db.transaction(async (tx) => {
    const review = await lockedCase(tx, change.partnershipId, caseId)
    const diff = fieldChanges(review, after, detailFields)
    if (diff.changed.length === 0) return false
    await tx.update(reviewCases).set(after).where(eq(reviewCases.id, review.id))
    await auditChange(tx, change, { type: 'review_case', id: review.id }, 'update', diff.before, diff.after)
    return true
  })
}

// ---------------------------------------------------------------------------------------------
// Milestones

export interface StandardMilestone {
  title: string
  dueOn: string
  /** How the date was reached, shown beside it. */
  explanation: string
}

/** The date the standard milestones count from: the partners' decision, or today for a handed-over Serious Case Review without one. */
export function standardAnchor(
  review: Pick<ReviewCase, 'decidedOn' | 'procedure'>,
  today: string,
): string | null {
  if (review.decidedOn) return review.decidedOn
  return review.procedure === 'scr2015' ? today : null
}

/**
 * The usual steps of a local review, counted from the decision. Only publication is statutory
 * (the partnership's localReviewPublishWithin rule, six months by default); the others are the
 * practice the national panel's guidance describes, spaced so that each leaves room for the next:
 * - terms of reference within a month: the reviewer is commissioned and the partners agree the
 *   scope before the panel starts;
 * - the panel's first meeting two weeks after that (six weeks from the decision), once agencies
 *   have been asked for their chronologies;
 * - the first draft two months before publication (four months), leaving time for the panel's
 *   comments, the family's sight of it and a second draft;
 * - the final report a month before publication (five months), for the partners' sign-off and the
 *   arrangements to publish.
 * Those practical dates move to the next working day when they fall on a weekend or holiday; the
 * publication date is the rule's own (a month count ignores bank holidays).
 */
export function standardMilestones(
  anchor: string,
  rules: RuleSet,
  calendar: WorkingCalendar,
): StandardMilestone[] {
  const decision = `the decision on ${formatDate(anchor)}`
  const practical = (title: string, counted: string, amount: string): StandardMilestone => {
    const dueOn = calendar.onOrAfterWorkingDay(counted)
    const moved = dueOn === counted ? '' : `, moved from ${formatDate(counted)} to a working day`
    return { title, dueOn, explanation: `${formatDate(dueOn)}: ${decision} + ${amount}${moved}` }
  }
  const publication = computeDeadline(rules, 'localReviewPublishWithin', anchor, calendar)
  return [
    practical('Terms of reference agreed', addMonths(anchor, 1), '1 month'),
    practical('Panel’s first meeting', addCalendarDays(anchor, 42), '6 weeks'),
    practical('First draft received', addMonths(anchor, 4), '4 months'),
    practical('Final report received', addMonths(anchor, 5), '5 months'),
    { title: 'Publication', dueOn: publication.date, explanation: publication.explanation },
  ]
}

export function milestonesOf(db: DbOrTx, caseId: string) {
  return db
    .select()
    .from(reviewMilestones)
    .where(eq(reviewMilestones.caseId, caseId))
    .orderBy(asc(reviewMilestones.position))
}

/**
 * Adds the standard milestones to a case that has none. Refused without an anchor date; when the
 * case has milestones already (another person, or the form sent twice), nothing is added (0).
 */
export async function addStandardMilestones(
  db: Db,
  change: ChangeContext,
  input: { caseId: string; today: string; rules: RuleSet; calendar: WorkingCalendar },
): Promise<number> {
  return db.transaction(async (tx) => {
    const review = await lockedCase(tx, change.partnershipId, input.caseId)
    const anchor = standardAnchor(review, input.today)
    if (!anchor) {
      throw new FieldProblems({
        milestones: 'Record the partners’ decision before adding the standard milestones',
      })
    }
    const existing = await milestonesOf(tx, review.id)
    if (existing.length > 0) return 0
    const rows = standardMilestones(anchor, input.rules, input.calendar).map((m, i) => ({
      id: randomUUID(),
      partnershipId: review.partnershipId,
      caseId: review.id,
      title: m.title,
      dueOn: m.dueOn,
      position: i + 1,
      createdAt: change.now,
    }))
    await tx.insert(reviewMilestones).values(rows)
    for (const row of rows) {
      await auditChange(tx, change, { type: 'review_milestone', id: row.id }, 'add', null, {
        caseId: row.caseId,
        title: row.title,
        dueOn: row.dueOn,
        position: row.position,
        standard: true,
      })
    }
    return rows.length
  })
}

/** Adds a milestone after the case's last; the same one sent twice within a minute is refused. */
export async function addMilestone(
  db: Db,
  change: ChangeContext,
  input: { caseId: string; title: string; dueOn: string },
): Promise<string> {
  return db.transaction(async (tx) => {
    const review = await lockedCase(tx, change.partnershipId, input.caseId)
    // A form sent twice: the same title and due date for the same case within a minute is added once.
    const [twin] = await tx
      .select({ id: reviewMilestones.id })
      .from(reviewMilestones)
      .where(
        and(
          eq(reviewMilestones.caseId, review.id),
          eq(reviewMilestones.title, input.title.trim()),
          eq(reviewMilestones.dueOn, input.dueOn),
          gt(reviewMilestones.createdAt, twinSince(change)),
        ),
      )
      .limit(1)
    if (twin) throw new FieldProblems({ title: progressMessages.milestoneTwin })
    const [last] = await tx
      .select({ position: max(reviewMilestones.position) })
      .from(reviewMilestones)
      .where(eq(reviewMilestones.caseId, review.id))
    const row = {
      id: randomUUID(),
      partnershipId: review.partnershipId,
      caseId: review.id,
      title: input.title.trim(),
      dueOn: input.dueOn,
      position: (last?.position ?? 0) + 1,
      createdAt: change.now,
    }
    await tx.insert(reviewMilestones).values(row)
    await auditChange(tx, change, { type: 'review_milestone', id: row.id }, 'add', null, {
      caseId: row.caseId,
      title: row.title,
      dueOn: row.dueOn,
      position: row.position,
    })
    return row.id
  })
}

async function milestoneOf(tx: DbOrTx, caseId: string, milestoneId: string) {
  const [row] = await tx
    .select()
    .from(reviewMilestones)
    .where(and(eq(reviewMilestones.id, milestoneId), eq(reviewMilestones.caseId, caseId)))
  if (!row) throw notFound()
  return row
}

export function findMilestone(db: DbOrTx, caseId: string, milestoneId: string) {
  return milestoneOf(db, caseId, milestoneId)
}

/** Records the day a milestone was met (today or earlier). The same date again changes nothing. */
export async function markMilestoneDone(
  db: Db,
  change: ChangeContext,
  input: { caseId: string; milestoneId: string; doneOn: string; today: string },
): Promise<boolean> {
  if (input.doneOn > input.today) {
    throw new FieldProblems({ doneOn: futureDateMessage('The date it was done', input.today, 'or earlier') })
  }
  return db.transaction(async (tx) => {
    const review = await lockedCase(tx, change.partnershipId, input.caseId)
    const milestone = await milestoneOf(tx, review.id, input.milestoneId)
    if (milestone.doneOn === input.doneOn) return false
    await tx
      .update(reviewMilestones)
      .set({ doneOn: input.doneOn })
      .where(eq(reviewMilestones.id, milestone.id))
    await auditChange(
      tx,
      change,
      { type: 'review_milestone', id: milestone.id },
      'done',
      { doneOn: milestone.doneOn },
      { doneOn: input.doneOn },
    )
    return true
  })
}

// ---------------------------------------------------------------------------------------------
// Drafts

export const draftTypeMessage = 'The file must be a PDF or Word document'
export const draftSizeMessage = 'The file must be smaller than 20 MB'
const draftTypes = new Set<PaperFileType['ext']>(['pdf', 'docx', 'doc'])

export type DraftFileCheck = { ok: true; type: PaperFileType } | { ok: false; error: string }

/** A draft may be a PDF or a Word document, told from its bytes as the meetings' papers are. */
export async function checkDraftFile(content: Uint8Array): Promise<DraftFileCheck> {
  if (content.byteLength >= MAX_PAPER_BYTES) return { ok: false, error: draftSizeMessage }
  const type = await detectPaperType(content)
  return type && draftTypes.has(type.ext) ? { ok: true, type } : { ok: false, error: draftTypeMessage }
}

export interface DraftUpload {
  filename: string
  content: Buffer
  type: PaperFileType
}

/** The drafts of a case, newest first, without their files' bytes. */
export function draftsOf(db: DbOrTx, caseId: string) {
  return db
    .select({
      id: reviewDrafts.id,
      version: reviewDrafts.version,
      receivedOn: reviewDrafts.receivedOn,
      circulatedOn: reviewDrafts.circulatedOn,
      circulatedTo: reviewDrafts.circulatedTo,
      note: reviewDrafts.note,
      filename: reviewDrafts.filename,
      contentType: reviewDrafts.contentType,
      size: reviewDrafts.size,
    })
    .from(reviewDrafts)
    .where(eq(reviewDrafts.caseId, caseId))
    .orderBy(sql`${reviewDrafts.version} desc`)
}
export type DraftRow = Awaited<ReturnType<typeof draftsOf>>[number]

export async function findDraft(db: DbOrTx, caseId: string, draftId: string): Promise<DraftRow | null> {
  const rows = await draftsOf(db, caseId)
  return rows.find((d) => d.id === draftId) ?? null
}

export async function draftFile(db: DbOrTx, caseId: string, draftId: string) {
  const [row] = await db
    .select({
      filename: reviewDrafts.filename,
      contentType: reviewDrafts.contentType,
      content: reviewDrafts.content,
    })
    .from(reviewDrafts)
    .where(and(eq(reviewDrafts.id, draftId), eq(reviewDrafts.caseId, caseId)))
  if (!row?.content || !row.filename || !row.contentType) return null
  return { filename: row.filename, contentType: row.contentType, content: row.content }
}

/**
 * Records a draft received (today or earlier), numbered after the case's last one; the same draft
 * sent twice within a minute is refused.
 */
export async function recordDraft(
  db: Db,
  change: ChangeContext,
  input: { caseId: string; receivedOn: string; note: string; file: DraftUpload | null; today: string },
): Promise<{ id: string; version: number }> {
  if (input.receivedOn > input.today) {
    throw new FieldProblems({
      receivedOn: futureDateMessage('The date the draft was received', input.today, 'or earlier'),
    })
  }
  return db.transaction(async (tx) => {
    const review = await lockedCase(tx, change.partnershipId, input.caseId)
    const file = input.file
    // A form sent twice: the same date and file (name and size, or none) within a minute is recorded once.
    const [twin] = await tx
      .select({ version: reviewDrafts.version })
      .from(reviewDrafts)
      .where(
        and(
          eq(reviewDrafts.caseId, review.id),
          eq(reviewDrafts.receivedOn, input.receivedOn),
          file ? eq(reviewDrafts.filename, file.filename) : isNull(reviewDrafts.filename),
          file ? eq(reviewDrafts.size, file.content.length) : isNull(reviewDrafts.size),
          gt(reviewDrafts.createdAt, twinSince(change)),
        ),
      )
      .limit(1)
    if (twin) throw new FieldProblems({ receivedOn: progressMessages.draftTwin(twin.version) })
    const [last] = await tx
      .select({ version: max(reviewDrafts.version) })
      .from(reviewDrafts)
      .where(eq(reviewDrafts.caseId, review.id))
    const row = {
      id: randomUUID(),
      partnershipId: review.partnershipId,
      caseId: review.id,
      version: (last?.version ?? 0) + 1,
      receivedOn: input.receivedOn,
      note: input.note.trim(),
      filename: file?.filename ?? null,
      contentType: file?.type.contentType ?? null,
      size: file?.content.length ?? null,
      content: file?.content ?? null,
      createdById: change.actorId,
      createdAt: change.now,
    }
    await tx.insert(reviewDrafts).values(row)
    const { content: _bytes, ...audited } = row
    await auditChange(tx, change, { type: 'review_draft', id: row.id }, 'add', null, audited)
    return { id: row.id, version: row.version }
  })
}

/** Records when a draft went round and to whom: not before it was received, not after today. */
export async function circulateDraft(
  db: Db,
  change: ChangeContext,
  input: { caseId: string; draftId: string; circulatedOn: string; circulatedTo: string; today: string },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const review = await lockedCase(tx, change.partnershipId, input.caseId)
    const draft = await findDraft(tx, review.id, input.draftId)
    if (!draft) throw notFound()
    const problems: Record<string, string> = {}
    if (input.circulatedOn > input.today) {
      problems.circulatedOn = futureDateMessage('The date it was circulated', input.today, 'or earlier')
    } else if (input.circulatedOn < draft.receivedOn) {
      problems.circulatedOn = `The draft cannot be circulated before it was received (${formatDate(draft.receivedOn)})`
    }
    if (!input.circulatedTo.trim()) problems.circulatedTo = 'Enter who the draft was circulated to'
    if (Object.keys(problems).length) throw new FieldProblems(problems)
    const after = { circulatedOn: input.circulatedOn, circulatedTo: input.circulatedTo.trim() }
    const diff = fieldChanges(draft, after, ['circulatedOn', 'circulatedTo'])
    if (diff.changed.length === 0) return false
    await tx.update(reviewDrafts).set(after).where(eq(reviewDrafts.id, draft.id))
    await auditChange(
      tx,
      change,
      { type: 'review_draft', id: draft.id },
      'circulate',
      diff.before,
      diff.after,
    )
    return true
  })
}

/**
 * Records the day the final report came: not after today, not before the first draft was received,
 * not after the review was published.
 */
export async function recordFinalReport(
  db: Db,
  change: ChangeContext,
  input: { caseId: string; finalReportOn: string; today: string },
): Promise<boolean> {
  if (input.finalReportOn > input.today) {
    throw new FieldProblems({
      finalReportOn: futureDateMessage('The date the final report was received', input.today, 'or earlier'),
    })
  }
  return db.transaction(async (tx) => {
    const review = await lockedCase(tx, change.partnershipId, input.caseId)
    const [first] = await tx
      .select({ receivedOn: min(reviewDrafts.receivedOn) })
      .from(reviewDrafts)
      .where(eq(reviewDrafts.caseId, review.id))
    if (first?.receivedOn && input.finalReportOn < first.receivedOn) {
      throw new FieldProblems({
        finalReportOn: `The final report cannot be received before the first draft (${formatDate(first.receivedOn)})`,
      })
    }
    if (review.publishedOn && input.finalReportOn > review.publishedOn) {
      throw new FieldProblems({
        finalReportOn: `The final report cannot be received after the review was published (${formatDate(review.publishedOn)})`,
      })
    }
    if (review.finalReportOn === input.finalReportOn) return false
    await tx
      .update(reviewCases)
      .set({ finalReportOn: input.finalReportOn })
      .where(eq(reviewCases.id, review.id))
    await auditChange(
      tx,
      change,
      { type: 'review_case', id: review.id },
      'final_report',
      { finalReportOn: review.finalReportOn },
      { finalReportOn: input.finalReportOn },
    )
    return true
  })
}
