import { randomUUID } from 'node:crypto'
import { and, asc, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm'
import { auditChange, type ChangeContext, fieldChanges } from '../../platform/audit/audit.service.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import type { Db, DbOrTx } from '../../platform/db/client.ts'
import { notFound } from '../../platform/http/errors.ts'
import { isUuid } from '../meetings/meetings.access.ts'
import { FieldProblems, isUniqueViolation } from '../partnership/agencies.problems.ts'
import { agencies, groups, people } from '../partnership/structure.table.ts'
import { futureProblem } from './reviews.dates.ts'
import { defaultGroupOf } from './reviews.repository.ts'
import {
  type ReviewCase,
  type ReviewProcedure,
  reviewAgencies,
  reviewCases,
  reviewPanelMembers,
  reviewProcedures,
} from './reviews.table.ts'

// Opening a case (a new serious incident, or a Serious Case Review handed over under the 2015
// procedure) and changing its details. Every change is audited in its transaction; what a form
// field breaks comes back as FieldProblems keyed by that field's name.

export const MAX_REFERENCE = 60
export const MAX_SUMMARY = 2000
/** The overseeing group a new case gets when none is chosen. */
export const referenceTakenMessage = (reference: string) =>
  `There is already a case with the reference ${reference}: choose another reference`

export interface CaseInput {
  reference: string
  procedure: ReviewProcedure
  summary?: string | null
  /** Required for a new serious incident (wt2023); not asked for a handed-over SCR. */
  becameAwareOn?: string | null
  /** The overseeing group; empty for the default (the Learning and Practice Review Group). */
  groupId?: string | null
  agencyIds?: readonly string[]
}

export interface CaseChange {
  reference: string
  summary?: string | null
  groupId?: string | null
  agencyIds?: readonly string[]
}

const isoDate = /^\d{4}-\d{2}-\d{2}$/

function checkReference(raw: string, problems: Record<string, string>): string {
  const reference = raw.trim().replace(/\s+/g, ' ')
  if (!reference) problems.reference = 'Enter the case reference, for example Child Q'
  else if (reference.length > MAX_REFERENCE)
    problems.reference = `The reference must be ${MAX_REFERENCE} characters or fewer`
  return reference
}

function checkSummary(raw: string | null | undefined, problems: Record<string, string>): string {
  const summary = (raw ?? '').trim()
  if (summary.length > MAX_SUMMARY)
    problems.summary = `The summary must be ${MAX_SUMMARY.toLocaleString('en-GB')} characters or fewer`
  return summary
}

/** Another case of the partnership already known by this reference (any case), or null. */
async function referenceTaken(
  tx: DbOrTx,
  partnershipId: string,
  reference: string,
  exceptId: string | null,
): Promise<boolean> {
  const [row] = await tx
    .select({ id: reviewCases.id })
    .from(reviewCases)
    .where(
      and(
        eq(reviewCases.partnershipId, partnershipId),
        sql`lower(${reviewCases.reference}) = lower(${reference})`,
        exceptId ? sql`${reviewCases.id} <> ${exceptId}` : undefined,
      ),
    )
    .limit(1)
  return Boolean(row)
}

const openGroup = (today: string) => or(isNull(groups.closedOn), gt(groups.closedOn, today))

/** The partnership's open groups, by name: the choices of overseeing group. */
export function openGroupsOf(db: DbOrTx, partnershipId: string, today: string) {
  return db
    .select({ id: groups.id, name: groups.name })
    .from(groups)
    .where(and(eq(groups.partnershipId, partnershipId), openGroup(today)))
    .orderBy(asc(groups.name))
}

/** The partnership's agencies, by name: the choices of involved agencies. */
export function agenciesOf(db: DbOrTx, partnershipId: string) {
  return db
    .select({ id: agencies.id, name: agencies.name, activeTo: agencies.activeTo })
    .from(agencies)
    .where(eq(agencies.partnershipId, partnershipId))
    .orderBy(asc(agencies.name))
}

async function checkGroup(
  tx: DbOrTx,
  partnershipId: string,
  groupId: string | null | undefined,
  today: string,
  problems: Record<string, string>,
): Promise<string | null> {
  if (!groupId) return (await defaultGroupOf(tx, partnershipId, today))?.id ?? null
  const [row] = isUuid(groupId)
    ? await tx
        .select({ id: groups.id })
        .from(groups)
        .where(and(eq(groups.id, groupId), eq(groups.partnershipId, partnershipId), openGroup(today)))
    : []
  if (!row) problems.groupId = 'Select one of the partnership’s open groups'
  return row?.id ?? null
}

async function checkAgencies(
  tx: DbOrTx,
  partnershipId: string,
  agencyIds: readonly string[] | undefined,
  problems: Record<string, string>,
): Promise<string[]> {
  const ids = [...new Set(agencyIds ?? [])]
  if (ids.length === 0) return []
  const valid = ids.filter(isUuid)
  const found =
    valid.length === 0
      ? []
      : await tx
          .select({ id: agencies.id })
          .from(agencies)
          .where(and(eq(agencies.partnershipId, partnershipId), inArray(agencies.id, valid)))
  if (found.length !== ids.length) problems.agencyIds = 'Select agencies from the list'
  return ids.sort()
}

function checkAwareOn(
  procedure: ReviewProcedure,
  raw: string | null | undefined,
  today: string,
  problems: Record<string, string>,
): string | null {
  if (procedure !== 'wt2023') return null
  if (!raw) {
    problems.becameAwareOn = 'Enter the date the partnership became aware of the serious incident'
    return null
  }
  if (!isoDate.test(raw) || Number.isNaN(Date.parse(`${raw}T00:00:00Z`))) {
    problems.becameAwareOn = 'The date the partnership became aware must be a real date'
    return null
  }
  const future = futureProblem(raw, today, 'the date the partnership became aware')
  if (future) problems.becameAwareOn = future
  return raw
}

/** Runs a change, turning a clash on the reference's unique index (a form sent twice at once) into its message. */
async function guardReference<T>(reference: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (isUniqueViolation(error, 'review_cases_reference_idx'))
      throw new FieldProblems({ reference: referenceTakenMessage(reference) })
    throw error
  }
}

/**
 * Opens a case. The reference is the partnership's own ("Child Q"), unique whatever its case:
 * a form sent twice records one case and the second gets the reference-taken message.
 */
export async function createCase(db: Db, change: ChangeContext, input: CaseInput): Promise<ReviewCase> {
  const today = londonDate(change.now)
  const problems: Record<string, string> = {}
  const reference = checkReference(input.reference ?? '', problems)
  const procedure = (reviewProcedures as readonly string[]).includes(input.procedure) ? input.procedure : null
  if (!procedure) problems.procedure = 'Select whether this is a new serious incident or a handed-over review'
  const summary = checkSummary(input.summary, problems)
  const becameAwareOn = procedure ? checkAwareOn(procedure, input.becameAwareOn, today, problems) : null
  return guardReference(reference, () =>
    db.transaction(async (tx) => {
      const groupId = await checkGroup(tx, change.partnershipId, input.groupId, today, problems)
      const agencyIds = await checkAgencies(tx, change.partnershipId, input.agencyIds, problems)
      if (!problems.reference && (await referenceTaken(tx, change.partnershipId, reference, null)))
        problems.reference = referenceTakenMessage(reference)
      if (!procedure || Object.keys(problems).length > 0) throw new FieldProblems(problems)

      const values = {
        id: randomUUID(),
        partnershipId: change.partnershipId,
        reference,
        procedure,
        summary,
        groupId,
        becameAwareOn,
        createdById: change.actorId,
        createdAt: change.now,
      }
      const [row] = await tx.insert(reviewCases).values(values).returning()
      if (agencyIds.length > 0) {
        await tx.insert(reviewAgencies).values(
          agencyIds.map((agencyId) => ({
            id: randomUUID(),
            partnershipId: change.partnershipId,
            caseId: values.id,
            agencyId,
            createdAt: change.now,
          })),
        )
      }
      await auditChange(tx, change, { type: 'review_case', id: values.id }, 'create', null, {
        reference,
        procedure,
        summary,
        groupId,
        becameAwareOn,
        agencyIds,
      })
      return row!
    }),
  )
}

/** The involved agencies' ids of a case, sorted. */
export async function involvedAgencyIds(db: DbOrTx, caseId: string): Promise<string[]> {
  const rows = await db
    .select({ agencyId: reviewAgencies.agencyId })
    .from(reviewAgencies)
    .where(eq(reviewAgencies.caseId, caseId))
  return rows.map((r) => r.agencyId).sort()
}

/**
 * Changes a case's reference, summary, overseeing group and involved agencies (the list given
 * replaces the set; the audit entry names the agencies added and removed). Nothing changed,
 * nothing written.
 */
/** Current panel members, without an override, who sit for one of `agencyIds`. */
function seatedWithoutOverride(tx: DbOrTx, caseId: string, agencyIds: string[]) {
  return tx
    .select({ name: people.name, agencyName: agencies.name })
    .from(reviewPanelMembers)
    .innerJoin(people, eq(people.id, reviewPanelMembers.personId))
    .innerJoin(agencies, eq(agencies.id, reviewPanelMembers.agencyId))
    .where(
      and(
        eq(reviewPanelMembers.caseId, caseId),
        isNull(reviewPanelMembers.removedAt),
        isNull(reviewPanelMembers.overrideReason),
        inArray(reviewPanelMembers.agencyId, agencyIds),
      ),
    )
    .orderBy(asc(people.name))
}

export async function updateCase(
  db: Db,
  change: ChangeContext,
  caseId: string,
  input: CaseChange,
): Promise<ReviewCase> {
  const today = londonDate(change.now)
  const problems: Record<string, string> = {}
  const reference = checkReference(input.reference ?? '', problems)
  const summary = checkSummary(input.summary, problems)
  return guardReference(reference, () =>
    db.transaction(async (tx) => {
      if (!isUuid(caseId)) throw notFound()
      const [review] = await tx
        .select()
        .from(reviewCases)
        .where(and(eq(reviewCases.id, caseId), eq(reviewCases.partnershipId, change.partnershipId)))
        .for('update')
      if (!review) throw notFound()
      // The group stays as it is when none is given (it may have closed since); a new one must be open.
      const groupId =
        !input.groupId || input.groupId === review.groupId
          ? review.groupId
          : await checkGroup(tx, change.partnershipId, input.groupId, today, problems)
      const agencyIds = await checkAgencies(tx, change.partnershipId, input.agencyIds, problems)
      if (!problems.reference && (await referenceTaken(tx, change.partnershipId, reference, review.id)))
        problems.reference = referenceTakenMessage(reference)
      if (Object.keys(problems).length > 0) throw new FieldProblems(problems)

      const current = await involvedAgencyIds(tx, review.id)
      const added = agencyIds.filter((id) => !current.includes(id))
      const removed = current.filter((id) => !agencyIds.includes(id))
      // The independence rule holds for the panel already seated: an agency newly named as
      // involved may not have a member on the panel who sits without an override.
      const seated = added.length ? await seatedWithoutOverride(tx, review.id, added) : []
      if (seated.length > 0) {
        throw new FieldProblems({
          agencyIds: seated
            .map(
              (m) =>
                `${m.name} sits on this review’s panel for ${m.agencyName}: remove them from the panel (and add them again with an override if they should stay) before naming ${m.agencyName} as involved`,
            )
            .join('. '),
        })
      }
      const after = { reference, summary, groupId }
      const diff = fieldChanges(review, after, ['reference', 'summary', 'groupId'])
      if (diff.changed.length === 0 && added.length === 0 && removed.length === 0) return review

      const [row] = diff.changed.length
        ? await tx.update(reviewCases).set(diff.after).where(eq(reviewCases.id, review.id)).returning()
        : [review]
      if (removed.length > 0) {
        await tx
          .delete(reviewAgencies)
          .where(and(eq(reviewAgencies.caseId, review.id), inArray(reviewAgencies.agencyId, removed)))
      }
      if (added.length > 0) {
        await tx.insert(reviewAgencies).values(
          added.map((agencyId) => ({
            id: randomUUID(),
            partnershipId: change.partnershipId,
            caseId: review.id,
            agencyId,
            createdAt: change.now,
          })),
        )
      }
      const agencyChange =
        added.length || removed.length ? { agenciesAdded: added, agenciesRemoved: removed } : {}
      await auditChange(tx, change, { type: 'review_case', id: review.id }, 'update', diff.before, {
        ...diff.after,
        ...agencyChange,
      })
      return row!
    }),
  )
}
