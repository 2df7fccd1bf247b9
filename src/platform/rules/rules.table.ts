import { jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { partnerships } from '../../modules/partnership/partnership.table.ts'

/**
 * A partnership's changes to its rule set. A rule with no row here has its default (from the
 * seeds); a row holds the value the partnership chose, so defaults can improve without a migration.
 */
export const ruleSettings = pgTable(
  'rule_settings',
  {
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    key: text('key').notNull(),
    value: jsonb('value').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    updatedBy: uuid('updated_by'),
  },
  (t) => [primaryKey({ columns: [t.partnershipId, t.key] })],
)
