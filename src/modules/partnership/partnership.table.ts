import { jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'

/** A partnership is the unit of data: every partnership-scoped row carries its id. */
export const partnerships = pgTable('partnerships', {
  id: uuid('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  shortName: text('short_name').notNull(),
  area: text('area').notNull(),
  vision: text('vision').notNull().default(''),
  aims: jsonb('aims').$type<string[]>().notNull().default([]),
  principles: jsonb('principles').$type<string[]>().notNull().default([]),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
})

export type Partnership = typeof partnerships.$inferSelect
export type NewPartnership = typeof partnerships.$inferInsert
