import { createHash, randomUUID } from 'node:crypto'
import { asc, sql } from 'drizzle-orm'
import { type DbOrTx, queryRows } from '../db/client.ts'
import { auditLog } from './audit.table.ts'

export interface AuditEvent {
  partnershipId?: string | null
  actorId?: string | null
  entityType: string
  entityId: string
  action: string
  before?: unknown
  after?: unknown
  requestId?: string | null
}

const GENESIS = ''
// One lock for the whole chain: entries are appended one at a time, so every entry's prev_hash
// is the hash of the entry before it, even with several processes writing.
const CHAIN_LOCK = 7_303_001

/**
 * Appends an entry. Call it with the transaction that makes the change, so the change and its
 * record commit or fail together.
 */
export async function recordAudit(db: DbOrTx, event: AuditEvent, at: Date = new Date()): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(${CHAIN_LOCK})`)
  const [previous] = await queryRows<{ seq: string | number; hash: string }>(
    db,
    sql`select seq, hash from audit_log order by seq desc limit 1`,
  )
  const entry = {
    id: randomUUID(),
    seq: previous ? Number(previous.seq) + 1 : 1,
    partnershipId: event.partnershipId ?? null,
    actorId: event.actorId ?? null,
    at,
    entityType: event.entityType,
    entityId: event.entityId,
    action: event.action,
    before: event.before ?? null,
    after: event.after ?? null,
    requestId: event.requestId ?? null,
    prevHash: previous?.hash ?? GENESIS,
  }
  await db.insert(auditLog).values({ ...entry, hash: hashEntry(entry) })
}

type Hashable = Omit<typeof auditLog.$inferSelect, 'hash'>

/** The hash covers every field, in a fixed order, with JSON values in canonical (sorted-key) form. */
export function hashEntry(entry: Hashable): string {
  const fields = [
    entry.id,
    String(entry.seq),
    entry.partnershipId ?? '',
    entry.actorId ?? '',
    entry.at.toISOString(),
    entry.entityType,
    entry.entityId,
    entry.action,
    canonical(entry.before),
    canonical(entry.after),
    entry.requestId ?? '',
    entry.prevHash,
  ]
  return createHash('sha256').update(fields.join('\u001f')).digest('hex')
}

function canonical(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  )
}

export interface VerifyResult {
  ok: boolean
  checked: number
  problems: string[]
}

/** Walks the chain in order and reports the first entries whose hash or link does not hold. */
export async function verifyAuditLog(db: DbOrTx, batchSize = 5000): Promise<VerifyResult> {
  const problems: string[] = []
  let previousHash = GENESIS
  let expectedSeq = 1
  let checked = 0
  for (;;) {
    const rows = await db
      .select()
      .from(auditLog)
      .where(sql`${auditLog.seq} >= ${expectedSeq}`)
      .orderBy(asc(auditLog.seq))
      .limit(batchSize)
    if (rows.length === 0) break
    for (const row of rows) {
      if (row.seq !== expectedSeq) problems.push(`entry ${expectedSeq} is missing (next is ${row.seq})`)
      if (row.prevHash !== previousHash) problems.push(`entry ${row.seq} does not follow the entry before it`)
      if (hashEntry(row) !== row.hash) problems.push(`entry ${row.seq} was altered after it was written`)
      previousHash = row.hash
      expectedSeq = row.seq + 1
      checked++
    }
    if (problems.length > 100) break
  }
  return { ok: problems.length === 0, checked, problems }
}

/** Who makes a change, in which partnership, and when: what every audited service function is given. */
export interface ChangeContext {
  partnershipId: string
  actorId: string | null
  now: Date
  requestId?: string
}

/** The audit entry for one record changed under `change`, written in the change's transaction. */
export function auditChange(
  tx: DbOrTx,
  change: ChangeContext,
  entity: { type: string; id: string },
  action: string,
  before: unknown,
  after: unknown,
) {
  return recordAudit(
    tx,
    {
      partnershipId: change.partnershipId,
      actorId: change.actorId,
      entityType: entity.type,
      entityId: entity.id,
      action,
      before,
      after,
      requestId: change.requestId,
    },
    change.now,
  )
}

/**
 * Which of `fields` an update changes, and their values before and after (for the audit entry).
 * Values are compared as JSON, so lists and objects (standard agenda items) compare by content.
 */
export function fieldChanges<F extends string>(
  before: Record<F, unknown>,
  after: Record<F, unknown>,
  fields: readonly F[],
): { changed: F[]; before: Record<string, unknown>; after: Record<string, unknown> } {
  const changed = fields.filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]))
  return {
    changed,
    before: Object.fromEntries(changed.map((f) => [f, before[f]])),
    after: Object.fromEntries(changed.map((f) => [f, after[f]])),
  }
}
