import { and, eq, max, sql } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.ts'
import { prepared } from '../db/prepared.ts'
import { auditLog, notAReadSql } from './audit.table.ts'

/**
 * The sequence number of the partnership's newest change in the audit log: every change to what a
 * partnership holds writes an entry in its own transaction, so a figure computed at one version is
 * still true while the version stands. Reads are left out (notAReadSql), with the same condition as
 * the partial index it steps back through (audit_log_partnership_change_idx).
 */
export async function partnershipVersion(db: DbOrTx, partnershipId: string): Promise<number> {
  const query = prepared(db, 'partnership_version', (name) =>
    db
      .select({ seq: max(auditLog.seq) })
      .from(auditLog)
      .where(and(eq(auditLog.partnershipId, sql.placeholder('partnershipId')), sql.raw(notAReadSql)))
      .prepare(name),
  )
  const [row] = await query.execute({ partnershipId })
  return Number(row?.seq ?? 0)
}
