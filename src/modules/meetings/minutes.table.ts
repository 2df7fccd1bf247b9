import { index, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { users } from '../../platform/auth/auth.table.ts'
import { bytes, created, instant } from '../../platform/db/columns.ts'
import { partnerships } from '../partnership/partnership.table.ts'
import { meetings } from './meetings.table.ts'

/** drafting -> with_chair -> approved -> circulated -> agreed (at the group's next meeting). */
export const minutesStatuses = ['drafting', 'with_chair', 'approved', 'circulated', 'agreed'] as const
export type MinutesStatus = (typeof minutesStatuses)[number]

/**
 * A meeting's minutes: drafted in the app (notes per agenda item, keyed by item id) or uploaded
 * as a file. Each step keeps its timestamp, so timeliness against each deadline is computed.
 */
export const minutes = pgTable(
  'minutes',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id, { onDelete: 'restrict' }),
    status: text('status', { enum: minutesStatuses }).notNull().default('drafting'),
    summary: text('summary').notNull().default(''),
    itemNotes: jsonb('item_notes').$type<Record<string, string>>().notNull().default({}),
    uploadFilename: text('upload_filename'),
    uploadContentType: text('upload_content_type'),
    uploadContent: bytes('upload_content'),
    sentToChairAt: instant('sent_to_chair_at'),
    sentToChairById: uuid('sent_to_chair_by_id').references(() => users.id, { onDelete: 'restrict' }),
    /** The chair sent the draft back: why. Cleared when it is sent again. */
    returnedReason: text('returned_reason'),
    approvedAt: instant('approved_at'),
    approvedById: uuid('approved_by_id').references(() => users.id, { onDelete: 'restrict' }),
    circulatedAt: instant('circulated_at'),
    agreedAt: instant('agreed_at'),
    agreedAtMeetingId: uuid('agreed_at_meeting_id').references(() => meetings.id, { onDelete: 'restrict' }),
    corrections: text('corrections'),
    createdAt: created(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('minutes_meeting_idx').on(t.meetingId),
    index('minutes_partnership_status_idx').on(t.partnershipId, t.status),
  ],
)

export type Minutes = typeof minutes.$inferSelect
