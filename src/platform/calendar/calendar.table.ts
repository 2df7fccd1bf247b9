import { date, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core'
import { partnerships } from '../../modules/partnership/partnership.table.ts'

/** A partnership's own closure days (for example the days between Christmas and New Year). */
export const closureDays = pgTable(
  'closure_days',
  {
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    day: date('day', { mode: 'string' }).notNull(),
    reason: text('reason').notNull(),
  },
  (t) => [primaryKey({ columns: [t.partnershipId, t.day] })],
)
