import { pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { partnerships } from '../../modules/partnership/partnership.table.ts'
import { users } from '../auth/auth.table.ts'
import { bytes, created } from '../db/columns.ts'

export const documentTemplateKinds = ['minutes', 'letter'] as const
export type DocumentTemplateKind = (typeof documentTemplateKinds)[number]

/** A partnership's own Word template for a kind of document; without one, the built-in template is used. */
export const documentTemplates = pgTable(
  'document_templates',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    kind: text('kind', { enum: documentTemplateKinds }).notNull(),
    filename: text('filename').notNull(),
    content: bytes('content').notNull(),
    uploadedById: uuid('uploaded_by_id').references(() => users.id, { onDelete: 'restrict' }),
    uploadedAt: created(),
  },
  (t) => [uniqueIndex('document_templates_kind_idx').on(t.partnershipId, t.kind)],
)

export type DocumentTemplate = typeof documentTemplates.$inferSelect
