import { sql } from 'drizzle-orm'
import { bigint, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'

/**
 * The audit log: append-only (a trigger in the migrations refuses UPDATE and DELETE) and chained:
 * each entry's hash covers its content and the previous entry's hash, so `audit:verify` can prove
 * that nothing was altered or removed.
 */
/**
 * Entries that record a read, not a change: a confidential record viewed (or refused), an export.
 * By convention their action ends in `.viewed`, `.view_refused` or `.exported`.
 */
export const notAReadSql =
  "action not like '%.viewed' and action not like '%.view_refused' and action not like '%.exported'"

export const auditLog = pgTable(
  'audit_log',
  {
    id: uuid('id').primaryKey(),
    seq: bigint('seq', { mode: 'number' }).notNull().unique(),
    partnershipId: uuid('partnership_id'),
    actorId: uuid('actor_id'),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    action: text('action').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
    requestId: text('request_id'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    index('audit_log_partnership_at_idx').on(t.partnershipId, t.at),
    // The partnership's last change (not a read): a version of everything it holds, for caches
    // (audit.version.ts). Reads are audited too (a confidential record viewed, an export), but
    // they change nothing, so they are left out of the version.
    index('audit_log_partnership_change_idx')
      .on(t.partnershipId, t.seq)
      .where(
        sql.raw(
          `action not like '%.viewed' and action not like '%.view_refused' and action not like '%.exported'`,
        ),
      ),
    // A record's history (the timeline on its page) is read by entity.
    index('audit_log_entity_idx').on(t.entityType, t.entityId, t.at),
  ],
)

export type AuditEntry = typeof auditLog.$inferSelect
