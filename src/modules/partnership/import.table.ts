import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { partnerships } from './partnership.table.ts'

export const importKinds = ['agencies', 'people', 'memberships'] as const
export type ImportKind = (typeof importKinds)[number]

export interface ImportRow {
  /** The row's number in the file, as a spreadsheet shows it (the header is row 1). */
  line: number
  values: Record<string, string>
  problems: string[]
}

/**
 * An uploaded register waiting for confirmation: parsed and checked, nothing saved yet. Once
 * confirmed (or abandoned) it stays as the record of what was imported.
 */
export const imports = pgTable(
  'imports',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    kind: text('kind', { enum: importKinds }).notNull(),
    fileName: text('file_name').notNull(),
    rows: jsonb('rows').$type<ImportRow[]>().notNull(),
    createdBy: uuid('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true, mode: 'date' }),
    summary: jsonb('summary').$type<Record<string, number>>(),
  },
  (t) => [index('imports_partnership_created_idx').on(t.partnershipId, t.createdAt)],
)
