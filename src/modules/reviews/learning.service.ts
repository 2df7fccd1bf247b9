import { randomUUID } from 'node:crypto'
import { and, asc, eq, gt, inArray, max } from 'drizzle-orm'
import { auditChange, type ChangeContext, fieldChanges } from '../../platform/audit/audit.service.ts'
import type { WorkingCalendar } from '../../platform/calendar/calendar.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import type { Db, DbOrTx } from '../../platform/db/client.ts'
import { notFound } from '../../platform/http/errors.ts'
import { type ActionRag, actionRag, lastAnswerOnSql } from '../actions/actions.rules.ts'
import { type ActionInput, createAction, DUPLICATE_WINDOW_MS } from '../actions/actions.service.ts'
import { type Action, actions } from '../actions/actions.table.ts'
import { isUuid } from '../meetings/meetings.access.ts'
import { FieldProblems, throwIfAny } from '../partnership/agencies.problems.ts'
import { agencies, people } from '../partnership/structure.table.ts'
import { futureDateMessage } from './reviews.dates.ts'
import { defaultGroupOf } from './reviews.repository.ts'
import {
  type ReviewRecommendation,
  reviewCases,
  reviewRecommendationActions,
  reviewRecommendations,
} from './reviews.table.ts'

// A review's learning: its recommendations, each turned into actions through the action matrix
// (the action and its link to the recommendation commit together), with evidence of impact.
// Every change is audited in its transaction on the recommendation.

export const MAX_RECOMMENDATION = 5000

export const learningMessages = {
  text: 'Enter the recommendation',
  tooLong: `The recommendation must be ${MAX_RECOMMENDATION.toLocaleString('en-GB')} characters or fewer`,
  impact: 'Enter the evidence of impact',
  duplicate: 'This recommendation has already been recorded',
}

/** Refuses an action that names its case: the action register is seen well beyond the case's record. */
export const caseNamedMessage = (reference: string) =>
  `Do not name the case (${reference}) in the action: the action register is seen by people outside the review`

/** Whether the text names the case: its reference anywhere in it, whatever the letters' case or spacing. */
export function namesCase(text: string, reference: string): boolean {
  const squash = (value: string) => value.toLowerCase().replace(/\s+/g, ' ').trim()
  const named = squash(reference)
  return named !== '' && squash(text).includes(named)
}

/** The case's recommendation, or a 404 (also for an id that is not one). */
export async function findRecommendation(
  db: DbOrTx,
  caseId: string,
  recommendationId: string,
  forUpdate = false,
): Promise<ReviewRecommendation> {
  if (!isUuid(recommendationId)) throw notFound()
  const query = db
    .select()
    .from(reviewRecommendations)
    .where(and(eq(reviewRecommendations.id, recommendationId), eq(reviewRecommendations.caseId, caseId)))
  const [row] = forUpdate ? await query.for('update') : await query
  if (!row) throw notFound()
  return row
}

function checkText(value: string): string {
  const text = value.trim()
  if (!text) throw new FieldProblems({ text: learningMessages.text })
  if (text.length > MAX_RECOMMENDATION) throw new FieldProblems({ text: learningMessages.tooLong })
  return text
}

/** Adds a recommendation numbered after the case's last (the case is locked while it is numbered). */
export async function addRecommendation(
  db: Db,
  change: ChangeContext,
  caseId: string,
  text: string,
): Promise<ReviewRecommendation> {
  const checked = checkText(text)
  return db.transaction(async (tx) => {
    const [review] = await tx
      .select({ id: reviewCases.id })
      .from(reviewCases)
      .where(and(eq(reviewCases.id, caseId), eq(reviewCases.partnershipId, change.partnershipId)))
      .for('update')
    if (!review) throw notFound()
    // A form sent twice: the same text for the same case within a minute is recorded once.
    const since = new Date(change.now.getTime() - DUPLICATE_WINDOW_MS)
    const [twin] = await tx
      .select({ id: reviewRecommendations.id })
      .from(reviewRecommendations)
      .where(
        and(
          eq(reviewRecommendations.caseId, review.id),
          eq(reviewRecommendations.text, checked),
          gt(reviewRecommendations.createdAt, since),
        ),
      )
      .limit(1)
    if (twin) throw new FieldProblems({ text: learningMessages.duplicate })
    const [last] = await tx
      .select({ number: max(reviewRecommendations.number) })
      .from(reviewRecommendations)
      .where(eq(reviewRecommendations.caseId, review.id))
    const values = {
      id: randomUUID(),
      partnershipId: change.partnershipId,
      caseId: review.id,
      number: (last?.number ?? 0) + 1,
      text: checked,
      createdAt: change.now,
    }
    const [row] = await tx.insert(reviewRecommendations).values(values).returning()
    await auditChange(tx, change, { type: 'review_recommendation', id: values.id }, 'create', null, {
      caseId: review.id,
      number: values.number,
      text: checked,
    })
    return row!
  })
}

export async function updateRecommendation(
  db: Db,
  change: ChangeContext,
  caseId: string,
  recommendationId: string,
  text: string,
): Promise<{ changed: boolean }> {
  const checked = checkText(text)
  return db.transaction(async (tx) => {
    const rec = await findRecommendation(tx, caseId, recommendationId, true)
    if (rec.text === checked) return { changed: false }
    await tx.update(reviewRecommendations).set({ text: checked }).where(eq(reviewRecommendations.id, rec.id))
    await auditChange(
      tx,
      change,
      { type: 'review_recommendation', id: rec.id },
      'update',
      { text: rec.text },
      { text: checked },
    )
    return { changed: true }
  })
}

/** Records what has changed because of a recommendation, and when (today or earlier). */
export async function recordImpact(
  db: Db,
  change: ChangeContext,
  caseId: string,
  recommendationId: string,
  input: { impactEvidence: string; impactRecordedOn: string },
): Promise<{ changed: boolean }> {
  const today = londonDate(change.now)
  const problems: Record<string, string> = {}
  const evidence = input.impactEvidence.trim()
  if (!evidence) problems.impactEvidence = learningMessages.impact
  if (input.impactRecordedOn > today) {
    problems.impactRecordedOn = futureDateMessage('The date of the evidence', today)
  }
  throwIfAny(problems)
  return db.transaction(async (tx) => {
    const rec = await findRecommendation(tx, caseId, recommendationId, true)
    const after = { impactEvidence: evidence, impactRecordedOn: input.impactRecordedOn }
    const diff = fieldChanges(rec, after, ['impactEvidence', 'impactRecordedOn'])
    if (diff.changed.length === 0) return { changed: false }
    await tx.update(reviewRecommendations).set(after).where(eq(reviewRecommendations.id, rec.id))
    await auditChange(
      tx,
      change,
      { type: 'review_recommendation', id: rec.id },
      'impact',
      diff.before,
      diff.after,
    )
    return { changed: true }
  })
}

/**
 * Turns a recommendation into a standalone action of a group (through the action matrix's own
 * createAction, with its checks and numbering); the link to the recommendation and its audit
 * entry are written in the action's transaction, so a refused action leaves no link. The action
 * must not name the case: the action register is seen by people outside the review.
 */
export async function actionFromRecommendation(
  db: Db,
  change: ChangeContext,
  caseId: string,
  recommendationId: string,
  input: Pick<ActionInput, 'description' | 'ownerAgencyId' | 'ownerPersonId' | 'groupId'>,
): Promise<Action> {
  const rec = await findRecommendation(db, caseId, recommendationId)
  const [review] = await db
    .select({ reference: reviewCases.reference })
    .from(reviewCases)
    .where(and(eq(reviewCases.id, caseId), eq(reviewCases.partnershipId, change.partnershipId)))
  if (!review) throw notFound()
  // The action is seen by everyone who sees its group's actions, not only by those the case's
  // record is for: it must not say which case it came from.
  const problems: Record<string, string> = {}
  if (namesCase(input.description, review.reference))
    problems.description = caseNamedMessage(review.reference)
  if (!input.groupId) problems.groupId = 'Select the group the action belongs to'
  throwIfAny(problems)
  return createAction(
    db,
    change,
    {
      description: input.description,
      ownerAgencyId: input.ownerAgencyId,
      ownerPersonId: input.ownerPersonId ?? null,
      groupId: input.groupId,
    },
    async (tx, action) => {
      const id = randomUUID()
      await tx.insert(reviewRecommendationActions).values({
        id,
        partnershipId: change.partnershipId,
        recommendationId: rec.id,
        actionId: action.id,
        createdAt: change.now,
      })
      await auditChange(tx, change, { type: 'review_recommendation', id: rec.id }, 'action_created', null, {
        actionId: action.id,
        reference: action.reference,
      })
    },
  )
}

/**
 * The group a recommendation's action goes to by default: the case's own, else the partnership's
 * Learning and Practice Review Group (open today), else none.
 */
export async function defaultActionGroup(
  db: DbOrTx,
  review: { partnershipId: string; groupId: string | null },
  today: string,
): Promise<string | null> {
  if (review.groupId) return review.groupId
  return (await defaultGroupOf(db, review.partnershipId, today))?.id ?? null
}

export interface RecommendationAction {
  id: string
  reference: string
  description: string
  ownerAgency: string
  ownerPerson: string | null
  dueOn: string | null
  rag: ActionRag
}

/** The case's recommendations in order, each with the actions it became and their RAG status today. */
export async function recommendationsOf(
  db: DbOrTx,
  caseId: string,
  options: { today: string; calendar: WorkingCalendar; reminderDays: number },
): Promise<(ReviewRecommendation & { actions: RecommendationAction[] })[]> {
  const recs = await db
    .select()
    .from(reviewRecommendations)
    .where(eq(reviewRecommendations.caseId, caseId))
    .orderBy(asc(reviewRecommendations.number))
  if (recs.length === 0) return []
  const linked = await db
    .select({
      recommendationId: reviewRecommendationActions.recommendationId,
      action: {
        id: actions.id,
        reference: actions.reference,
        description: actions.description,
        issueId: actions.issueId,
        dueOn: actions.dueOn,
        closedAt: actions.closedAt,
      },
      lastAnswerOn: lastAnswerOnSql,
      ownerAgency: agencies.name,
      ownerPerson: people.name,
    })
    .from(reviewRecommendationActions)
    .innerJoin(actions, eq(actions.id, reviewRecommendationActions.actionId))
    .innerJoin(agencies, eq(agencies.id, actions.ownerAgencyId))
    .leftJoin(people, eq(people.id, actions.ownerPersonId))
    .where(
      inArray(
        reviewRecommendationActions.recommendationId,
        recs.map((r) => r.id),
      ),
    )
    .orderBy(asc(actions.reference))
  const byRec = Map.groupBy(linked, (l) => l.recommendationId)
  return recs.map((rec) => ({
    ...rec,
    actions: (byRec.get(rec.id) ?? []).map((l) => ({
      id: l.action.id,
      reference: l.action.reference,
      description: l.action.description,
      ownerAgency: l.ownerAgency,
      ownerPerson: l.ownerPerson,
      dueOn: l.action.dueOn,
      rag: actionRag(l.action, l.lastAnswerOn, options.today, options.calendar, options.reminderDays),
    })),
  }))
}
