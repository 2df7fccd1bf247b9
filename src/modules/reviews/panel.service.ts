import { randomUUID } from 'node:crypto'
import { and, asc, eq, gt, gte, isNull, lte, or, type SQL, sql } from 'drizzle-orm'
import { auditChange, type ChangeContext } from '../../platform/audit/audit.service.ts'
import type { Db, DbOrTx } from '../../platform/db/client.ts'
import { notFound } from '../../platform/http/errors.ts'
import { FieldProblems } from '../partnership/agencies.problems.ts'
import { agencies, groups, memberships, people } from '../partnership/structure.table.ts'
import { lockedCase } from './reviews.repository.ts'
import { reviewAgencies, reviewPanelMembers } from './reviews.table.ts'

// A review's panel is drawn from the Individual Practice Review Group: the current seat holders
// of the partnership's open groups of kind 'review_panel'. The independence rule: a member comes
// from an agency with no direct involvement in the case, unless an override is recorded with its
// reason (kept on the seat and shown on the panel page).

export const OVERRIDE_MIN = 10
export const REASON_MAX = 2000

export interface PanelCandidate {
  personId: string
  name: string
  agencyId: string | null
  agencyName: string | null
  /** The seat's agency is one of the case's involved agencies. */
  involved: boolean
}

export interface PanelMemberRow {
  id: string
  personId: string
  name: string
  agencyName: string | null
  overrideReason: string | null
  addedAt: Date
  addedByName: string | null
  removedAt: Date | null
  removedReason: string | null
}

/** The seat's agency: the agency the person sits for, else their own. */
const seatAgency = sql<string | null>`coalesce(${memberships.agencyId}, ${people.agencyId})`

function seatHolders(db: DbOrTx, partnershipId: string, today: string, only?: SQL) {
  return db
    .select({ personId: people.id, name: people.name, agencyId: seatAgency, agencyName: agencies.name })
    .from(memberships)
    .innerJoin(groups, eq(groups.id, memberships.groupId))
    .innerJoin(people, eq(people.id, memberships.personId))
    .leftJoin(agencies, eq(agencies.id, seatAgency))
    .where(
      and(
        eq(groups.partnershipId, partnershipId),
        eq(groups.kind, 'review_panel'),
        or(isNull(groups.closedOn), gt(groups.closedOn, today)),
        lte(memberships.startsOn, today),
        or(isNull(memberships.endsOn), gte(memberships.endsOn, today)),
        or(isNull(people.leftOn), gt(people.leftOn, today)),
        only,
      ),
    )
    .orderBy(asc(people.name), asc(memberships.startsOn))
}

async function involvedAgencies(db: DbOrTx, caseId: string): Promise<Set<string>> {
  const rows = await db
    .select({ agencyId: reviewAgencies.agencyId })
    .from(reviewAgencies)
    .where(eq(reviewAgencies.caseId, caseId))
  return new Set(rows.map((r) => r.agencyId))
}

/** One entry per person; a person with several seats counts by a seat from an uninvolved agency if any. */
function byPerson(
  rows: { personId: string; name: string; agencyId: string | null; agencyName: string | null }[],
  involved: Set<string>,
): PanelCandidate[] {
  const found = new Map<string, PanelCandidate>()
  for (const row of rows) {
    const candidate = { ...row, involved: row.agencyId !== null && involved.has(row.agencyId) }
    const seen = found.get(row.personId)
    if (!seen || (seen.involved && !candidate.involved)) found.set(row.personId, candidate)
  }
  return [...found.values()]
}

/** The people who may be added: seat holders of the review panel groups today, not on the panel now. */
export async function panelCandidates(
  db: DbOrTx,
  review: { id: string; partnershipId: string },
  today: string,
): Promise<PanelCandidate[]> {
  const notOnPanel = sql`not exists (select 1 from ${reviewPanelMembers}
    where ${reviewPanelMembers.caseId} = ${review.id} and ${reviewPanelMembers.personId} = ${people.id}
    and ${reviewPanelMembers.removedAt} is null)`
  const [rows, involved] = await Promise.all([
    seatHolders(db, review.partnershipId, today, notOnPanel),
    involvedAgencies(db, review.id),
  ])
  return byPerson(rows, involved)
}

/** Everyone who has sat on the case's panel, current first, by name. */
export async function panelMembers(db: DbOrTx, caseId: string): Promise<PanelMemberRow[]> {
  const addedBy = sql<
    string | null
  >`(select u.name from users u where u.id = ${reviewPanelMembers.addedById})`
  return db
    .select({
      id: reviewPanelMembers.id,
      personId: reviewPanelMembers.personId,
      name: people.name,
      agencyName: agencies.name,
      overrideReason: reviewPanelMembers.overrideReason,
      addedAt: reviewPanelMembers.addedAt,
      addedByName: addedBy,
      removedAt: reviewPanelMembers.removedAt,
      removedReason: reviewPanelMembers.removedReason,
    })
    .from(reviewPanelMembers)
    .innerJoin(people, eq(people.id, reviewPanelMembers.personId))
    .leftJoin(agencies, eq(agencies.id, reviewPanelMembers.agencyId))
    .where(eq(reviewPanelMembers.caseId, caseId))
    .orderBy(asc(people.name), asc(reviewPanelMembers.addedAt))
}

export type AddResult = { added: true; name: string } | { added: false; name: string }

/**
 * Adds a person to the case's panel. Refused (FieldProblems) when the person holds no current seat
 * on a review panel group, or sits for an agency involved in the case without an override reason
 * of at least OVERRIDE_MIN characters. Someone already on the panel is left as they are.
 */
export async function addPanelMember(
  db: Db,
  change: ChangeContext,
  input: { caseId: string; personId: string; overrideReason?: string | null; today: string },
): Promise<AddResult> {
  return db.transaction(async (tx) => {
    const review = await lockedCase(tx, change.partnershipId, input.caseId)
    const rows = await seatHolders(tx, review.partnershipId, input.today, eq(people.id, input.personId))
    const [candidate] = byPerson(rows, await involvedAgencies(tx, review.id))
    if (!candidate) {
      throw new FieldProblems({
        personId: 'Choose someone who sits on the Individual Practice Review Group',
      })
    }
    const [current] = await tx
      .select({ id: reviewPanelMembers.id })
      .from(reviewPanelMembers)
      .where(
        and(
          eq(reviewPanelMembers.caseId, review.id),
          eq(reviewPanelMembers.personId, candidate.personId),
          isNull(reviewPanelMembers.removedAt),
        ),
      )
    if (current) return { added: false, name: candidate.name }
    const reason = input.overrideReason?.trim() ?? ''
    if (candidate.involved) {
      if (!reason) {
        throw new FieldProblems({
          personId: `${candidate.name} is from ${candidate.agencyName}, which was involved in this case. Members come from agencies with no direct involvement; record an override with a reason to add them.`,
        })
      }
      if (reason.length < OVERRIDE_MIN) {
        throw new FieldProblems({
          overrideReason: `The reason for the override must be at least ${OVERRIDE_MIN} characters`,
        })
      }
    }
    if (reason.length > REASON_MAX) {
      throw new FieldProblems({ overrideReason: `The reason must be ${REASON_MAX} characters or fewer` })
    }
    const row = {
      id: randomUUID(),
      partnershipId: review.partnershipId,
      caseId: review.id,
      personId: candidate.personId,
      agencyId: candidate.agencyId,
      // An override is only recorded where the rule was knowingly set aside.
      overrideReason: candidate.involved ? reason : null,
      addedById: change.actorId,
      addedAt: change.now,
    }
    await tx.insert(reviewPanelMembers).values(row)
    await auditChange(tx, change, { type: 'review_panel_member', id: row.id }, 'add', null, {
      caseId: row.caseId,
      personId: row.personId,
      agencyId: row.agencyId,
      overrideReason: row.overrideReason,
    })
    return { added: true, name: candidate.name }
  })
}

/** Takes a member off the panel with the reason. A seat already ended is left as it is (false). */
export async function removePanelMember(
  db: Db,
  change: ChangeContext,
  input: { caseId: string; memberId: string; reason: string },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const review = await lockedCase(tx, change.partnershipId, input.caseId)
    const [member] = await tx
      .select()
      .from(reviewPanelMembers)
      .where(and(eq(reviewPanelMembers.id, input.memberId), eq(reviewPanelMembers.caseId, review.id)))
    if (!member) throw notFound()
    if (member.removedAt) return false
    const reason = input.reason.trim()
    if (!reason) throw new FieldProblems({ reason: 'Enter why they are leaving the panel' })
    if (reason.length > REASON_MAX) {
      throw new FieldProblems({ reason: `The reason must be ${REASON_MAX} characters or fewer` })
    }
    const after = { removedAt: change.now, removedReason: reason }
    await tx.update(reviewPanelMembers).set(after).where(eq(reviewPanelMembers.id, member.id))
    await auditChange(
      tx,
      change,
      { type: 'review_panel_member', id: member.id },
      'remove',
      { removedAt: null, removedReason: null },
      after,
    )
    return true
  })
}
