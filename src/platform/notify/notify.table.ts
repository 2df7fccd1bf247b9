import { boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { users } from '../auth/auth.table.ts'

/**
 * The outbox: every message is written here in the same transaction as the change that caused
 * it, and a sender delivers it later. Status: pending -> sending -> sent, or failed after the last
 * attempt. A message left in `sending` by a crash is never resent automatically (it may have gone).
 */
export const outbox = pgTable(
  'outbox',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id'),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    textBody: text('text_body').notNull(),
    htmlBody: text('html_body'),
    /** Small text attachments (an invitation's .ics), written with the message. */
    attachments: jsonb('attachments').$type<MessageAttachment[]>().notNull().default([]),
    status: text('status', { enum: ['pending', 'sending', 'sent', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    index('outbox_status_next_idx').on(t.status, t.nextAttemptAt),
    index('outbox_partnership_created_idx').on(t.partnershipId, t.createdAt),
  ],
)

export interface MessageAttachment {
  filename: string
  contentType: string
  /** The attachment's text (iCalendar is text). */
  content: string
}

export type OutboxMessage = typeof outbox.$inferSelect

/** A person who asked for one daily e-mail instead of single notices. */
export const notificationPreferences = pgTable('notification_preferences', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'restrict' }),
  dailyDigest: boolean('daily_digest').notNull().default(false),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
})

/** A notice held for a person's daily digest; the digest job sends them together and stamps them. */
export const digestItems = pgTable(
  'digest_items',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id'),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    textBody: text('text_body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    digestedAt: timestamp('digested_at', { withTimezone: true, mode: 'date' }),
    outboxId: uuid('outbox_id').references(() => outbox.id, { onDelete: 'restrict' }),
  },
  (t) => [index('digest_items_pending_idx').on(t.digestedAt, t.userId)],
)

/**
 * Reminders already sent, by a key that names the record, the deadline and the step
 * ("minutes-to-chair:<meeting>:2026-03-16:before"): a sweep run twice sends nothing twice.
 */
export const sentReminders = pgTable('sent_reminders', {
  key: text('key').primaryKey(),
  partnershipId: uuid('partnership_id'),
  sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
})
