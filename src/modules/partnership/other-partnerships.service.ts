import { randomUUID } from 'node:crypto'
import { and, asc, eq, ne, sql } from 'drizzle-orm'
import { auditChange, type ChangeContext, fieldChanges } from '../../platform/audit/audit.service.ts'
import type { Db, Tx } from '../../platform/db/client.ts'
import { notFound } from '../../platform/http/errors.ts'
import { FieldProblems, isUniqueViolation, throwIfAny } from './agencies.problems.ts'
import { dueStatus, type ReviewDue } from './agency-reviews.service.ts'
import { type otherPartnershipKinds, otherPartnerships } from './structure.table.ts'

export type OtherPartnershipKind = (typeof otherPartnershipKinds)[number]
export type OtherPartnership = typeof otherPartnerships.$inferSelect

export const otherPartnershipKindLabels: Record<OtherPartnershipKind, string> = {
  health_and_wellbeing_board: 'Health and Wellbeing Board',
  adults_safeguarding_board: 'Safeguarding Adults Board',
  community_safety_partnership: 'Community Safety Partnership',
  channel_panel: 'Channel panel',
  family_justice_board: 'Local Family Justice Board',
  mappa: 'MAPPA strategic management board',
  domestic_abuse_board: 'Domestic Abuse Partnership Board',
  other: 'Other',
}

export interface OtherPartnershipFields {
  name: string
  kind: OtherPartnershipKind
  /** The joint protocol: how the two partnerships work together. */
  protocol: string
  protocolReviewDue: string | null
}

type Change = ChangeContext

const fieldNames = ['name', 'kind', 'protocol', 'protocolReviewDue'] as const
const LOCK = 7_303_003

export function listOtherPartnerships(db: Db, partnershipId: string): Promise<OtherPartnership[]> {
  return db
    .select()
    .from(otherPartnerships)
    .where(eq(otherPartnerships.partnershipId, partnershipId))
    .orderBy(asc(sql`lower(${otherPartnerships.name})`))
}

export async function getOtherPartnership(db: Db, partnershipId: string, id: string) {
  const [row] = await db
    .select()
    .from(otherPartnerships)
    .where(and(eq(otherPartnerships.partnershipId, partnershipId), eq(otherPartnerships.id, id)))
  return row ?? null
}

/** The joint protocol's review status, or null when no review date is set. */
export function protocolReview(
  row: Pick<OtherPartnership, 'protocolReviewDue'>,
  today: string,
): ReviewDue | null {
  return row.protocolReviewDue ? dueStatus(row.protocolReviewDue, today) : null
}

export async function createOtherPartnership(
  db: Db,
  input: Change & { fields: OtherPartnershipFields },
): Promise<OtherPartnership> {
  const fields = normalise(input.fields)
  try {
    return await db.transaction(async (tx) => {
      await lock(tx, input.partnershipId)
      await check(tx, input.partnershipId, fields)
      const [row] = await tx
        .insert(otherPartnerships)
        .values({ id: randomUUID(), partnershipId: input.partnershipId, ...fields, createdAt: input.now })
        .returning()
      if (!row) throw new Error('Inserting an other partnership returned no row')
      await audit(tx, input, row.id, 'create', null, pick(row))
      return row
    })
  } catch (error) {
    throw duplicateProblem(error, fields.name)
  }
}

/**
 * Other partnerships are edited, never deleted or ended: the table keeps no end date, and the
 * audit log keeps every earlier version of the protocol.
 */
export async function updateOtherPartnership(
  db: Db,
  input: Change & { id: string; fields: OtherPartnershipFields },
): Promise<{ row: OtherPartnership; changed: string[] }> {
  const fields = normalise(input.fields)
  try {
    return await db.transaction(async (tx) => {
      await lock(tx, input.partnershipId)
      const [current] = await tx
        .select()
        .from(otherPartnerships)
        .where(
          and(eq(otherPartnerships.partnershipId, input.partnershipId), eq(otherPartnerships.id, input.id)),
        )
      if (!current) throw notFound()
      await check(tx, input.partnershipId, fields, current.id)
      const before = pick(current)
      const after = pick({ ...current, ...fields })
      const diff = fieldChanges(before, after, fieldNames)
      const changed = diff.changed
      if (changed.length === 0) return { row: current, changed: [] }
      const [row] = await tx
        .update(otherPartnerships)
        .set(fields)
        .where(eq(otherPartnerships.id, current.id))
        .returning()
      if (!row) throw notFound()
      await audit(tx, input, row.id, 'update', diff.before, diff.after)
      return { row, changed }
    })
  } catch (error) {
    throw duplicateProblem(error, fields.name)
  }
}

function normalise(fields: OtherPartnershipFields): OtherPartnershipFields {
  return {
    ...fields,
    name: fields.name.trim(),
    protocol: fields.protocol.trim(),
    protocolReviewDue: fields.protocolReviewDue || null,
  }
}

async function check(tx: Tx, partnershipId: string, fields: OtherPartnershipFields, exceptId?: string) {
  const problems: Record<string, string> = {}
  if (!fields.name) problems.name = 'Enter the name of the partnership'
  else if (fields.name.length > 200) problems.name = 'Name must be 200 characters or fewer'
  else {
    // The unique index compares names exactly; people do not: "MAPPA board" and "Mappa Board" are one.
    const [same] = await tx
      .select({ id: otherPartnerships.id })
      .from(otherPartnerships)
      .where(
        and(
          eq(otherPartnerships.partnershipId, partnershipId),
          sql`lower(${otherPartnerships.name}) = lower(${fields.name})`,
          exceptId ? ne(otherPartnerships.id, exceptId) : undefined,
        ),
      )
      .limit(1)
    if (same) problems.name = `A partnership called ${fields.name} already exists`
  }
  if (fields.protocol.length > 20_000) problems.protocol = 'The protocol must be 20,000 characters or fewer'
  throwIfAny(problems)
}

// One change at a time per partnership, so the case-insensitive name check cannot be raced.
async function lock(tx: Tx, partnershipId: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(${LOCK}, hashtext(${partnershipId}))`)
}

function duplicateProblem(error: unknown, name: string): unknown {
  return isUniqueViolation(error, 'other_partnerships_name_idx')
    ? new FieldProblems({ name: `A partnership called ${name} already exists` })
    : error
}

function pick(row: OtherPartnershipFields) {
  return Object.fromEntries(fieldNames.map((f) => [f, row[f] ?? null])) as Record<
    (typeof fieldNames)[number],
    string | null
  >
}

const audit = (
  tx: Tx,
  change: Change,
  id: string,
  action: string,
  before: Record<string, unknown> | null,
  after: Record<string, unknown>,
) => auditChange(tx, change, { type: 'other_partnership', id }, action, before, after)
