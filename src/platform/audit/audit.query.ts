import { and, asc, desc, eq, gte, ilike, lt, or, type SQL, sql } from 'drizzle-orm'
import { z } from 'zod'
import { users } from '../auth/auth.table.ts'
import type { DbOrTx } from '../db/client.ts'
import { auditLog } from './audit.table.ts'
import { isIsoDay, londonDayEnd, londonDayStart } from './london.ts'

const text = (label: string, max: number) =>
  z.string().trim().max(max, `${label} must be ${max} characters or fewer`).default('')
const day = (label: string) =>
  z
    .string()
    .trim()
    .default('')
    .refine((v) => v === '' || isIsoDay(v), `${label} must be a real date, like 2025-03-27`)

export const auditFilterSchema = z
  .object({
    person: text('Person', 200),
    entityType: text('Record type', 100),
    action: text('Action', 100),
    entityId: text('Record id', 200),
    from: day('Date from'),
    to: day('Date to'),
  })
  .refine((f) => !f.from || !f.to || !isIsoDay(f.from) || !isIsoDay(f.to) || f.from <= f.to, {
    message: 'Date to must be the same as or after date from',
    path: ['to'],
  })
export type AuditFilters = z.output<typeof auditFilterSchema>
export const filterNames = ['person', 'entityType', 'action', 'entityId', 'from', 'to'] as const

/** The query string as single strings: a repeated parameter keeps its first value. */
export function queryValues(query: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    const first = Array.isArray(value) ? value[0] : value
    if (typeof first === 'string') out[key] = first
  }
  return out
}

/** The filters that are set, as a query string (without a leading "?"). */
export function filterQuery(filters: Partial<AuditFilters>, without?: keyof AuditFilters): string {
  const params = new URLSearchParams()
  for (const name of filterNames) {
    const value = filters[name]
    if (value && name !== without) params.set(name, value)
  }
  return params.toString()
}

// A person's words are matched literally: % and _ would otherwise be wildcards.
const contains = (value: string) => `%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

function conditions(partnershipId: string, f: AuditFilters): SQL[] {
  const where: SQL[] = [eq(auditLog.partnershipId, partnershipId)]
  if (f.person) where.push(or(ilike(users.email, contains(f.person)), ilike(users.name, contains(f.person)))!)
  // Types and actions are written in lower case by the code that records them.
  if (f.entityType) where.push(eq(auditLog.entityType, f.entityType.toLowerCase()))
  if (f.action) where.push(eq(auditLog.action, f.action.toLowerCase()))
  if (f.entityId) where.push(ilike(auditLog.entityId, contains(f.entityId)))
  if (f.from) where.push(gte(auditLog.at, londonDayStart(f.from)))
  if (f.to) where.push(lt(auditLog.at, londonDayEnd(f.to)))
  return where
}

// Keyset pagination on (at, seq), the order of the (partnership_id, at) index with seq to break
// ties. The cursor is an entry's seq; its `at` is read back in the query, so no timestamp
// precision is lost in a URL. The plain `at` bound lets the index narrow the scan.
const cursorAt = (seq: number) => sql`(select c.at from audit_log c where c.seq = ${seq})`
const olderThan = (seq: number) =>
  sql`${auditLog.at} <= ${cursorAt(seq)} and (${auditLog.at}, ${auditLog.seq}) < (select c.at, c.seq from audit_log c where c.seq = ${seq})`
const newerThan = (seq: number) =>
  sql`${auditLog.at} >= ${cursorAt(seq)} and (${auditLog.at}, ${auditLog.seq}) > (select c.at, c.seq from audit_log c where c.seq = ${seq})`

export interface Page {
  /** Entries older than this seq (the next page). */
  before?: number
  /** Entries newer than this seq (the previous page). */
  after?: number
  limit: number
}

const summary = {
  id: auditLog.id,
  seq: auditLog.seq,
  at: auditLog.at,
  entityType: auditLog.entityType,
  entityId: auditLog.entityId,
  action: auditLog.action,
  actorId: auditLog.actorId,
  actorName: users.name,
  actorEmail: users.email,
}

/** One page of a partnership's entries, newest first. */
export async function listAuditEntries(db: DbOrTx, partnershipId: string, filters: AuditFilters, page: Page) {
  const where = conditions(partnershipId, filters)
  const newer = page.after !== undefined
  if (page.before !== undefined) where.push(olderThan(page.before))
  if (page.after !== undefined) where.push(newerThan(page.after))
  const rows = await db
    .select(summary)
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(and(...where))
    .orderBy(...(newer ? [asc(auditLog.at), asc(auditLog.seq)] : [desc(auditLog.at), desc(auditLog.seq)]))
    .limit(page.limit + 1)
  const more = rows.length > page.limit
  const entries = rows.slice(0, page.limit)
  if (newer) entries.reverse()
  return {
    entries,
    // Coming back from an older page, there are older entries; going forward, newer ones.
    hasNewer: newer ? more : page.before !== undefined,
    hasOlder: newer ? true : more,
  }
}

const full = { ...summary, before: auditLog.before, after: auditLog.after, requestId: auditLog.requestId }

export async function getAuditEntry(db: DbOrTx, partnershipId: string, id: string) {
  const [row] = await db
    .select({ ...full, prevHash: auditLog.prevHash, hash: auditLog.hash })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(and(eq(auditLog.id, id), eq(auditLog.partnershipId, partnershipId)))
  return row ?? null
}

/** Every matching entry, newest first, read in batches so a large export never sits in memory. */
export async function* eachAuditEntry(
  db: DbOrTx,
  partnershipId: string,
  filters: AuditFilters,
  options: { max: number; batch?: number },
) {
  const batch = options.batch ?? 1000
  let before: number | undefined
  let sent = 0
  while (sent < options.max) {
    const where = conditions(partnershipId, filters)
    if (before !== undefined) where.push(olderThan(before))
    const rows = await db
      .select({ ...full, hash: auditLog.hash })
      .from(auditLog)
      .leftJoin(users, eq(users.id, auditLog.actorId))
      .where(and(...where))
      .orderBy(desc(auditLog.at), desc(auditLog.seq))
      .limit(Math.min(batch, options.max - sent))
    for (const row of rows) yield row
    sent += rows.length
    const last = rows.at(-1)
    if (!last || rows.length < batch) return
    before = last.seq
  }
}
