import { eq, max, sql } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.ts'
import { prepared } from '../db/prepared.ts'
import { auditLog } from './audit.table.ts'

/**
 * The sequence number of the partnership's newest audit entry: every change to what a partnership
 * holds writes one in its own transaction, so a figure computed at one version is still true while
 * the version stands. One backward step of an index (audit_log_partnership_seq_idx).
 */
export async function partnershipVersion(db: DbOrTx, partnershipId: string): Promise<number> {
  const query = prepared(db, 'partnership_version', (name) =>
    db
      .select({ seq: max(auditLog.seq) })
      .from(auditLog)
      .where(eq(auditLog.partnershipId, sql.placeholder('partnershipId')))
      .prepare(name),
  )
  const [row] = await query.execute({ partnershipId })
  return Number(row?.seq ?? 0)
}
