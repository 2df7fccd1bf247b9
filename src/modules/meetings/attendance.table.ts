import { index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { users } from '../../platform/auth/auth.table.ts'
import { created, instant } from '../../platform/db/columns.ts'
import { partnerships } from '../partnership/partnership.table.ts'
import { memberships, people } from '../partnership/structure.table.ts'
import { meetings } from './meetings.table.ts'

/** What a member said before the meeting. */
export const attendanceIntents = ['apologies', 'deputy'] as const
/** What happened on the day. A seat is empty when the outcome is apologies or absent. */
export const attendanceOutcomes = ['present', 'deputy', 'apologies', 'absent'] as const
export type AttendanceIntent = (typeof attendanceIntents)[number]
export type AttendanceOutcome = (typeof attendanceOutcomes)[number]

/**
 * A seat at a meeting: the invitees are the group's members on the day, so a row exists only once
 * something is said or recorded about a seat. One row per meeting and seat (membership).
 */
export const attendance = pgTable(
  'attendance',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id, { onDelete: 'restrict' }),
    membershipId: uuid('membership_id')
      .notNull()
      .references(() => memberships.id, { onDelete: 'restrict' }),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'restrict' }),
    intent: text('intent', { enum: attendanceIntents }),
    intentDeputyId: uuid('intent_deputy_id').references(() => people.id, { onDelete: 'restrict' }),
    intentNote: text('intent_note'),
    intentAt: instant('intent_at'),
    outcome: text('outcome', { enum: attendanceOutcomes }),
    /** Who sat in the seat when the outcome is `deputy`: a person in the directory, or a name. */
    deputyId: uuid('deputy_id').references(() => people.id, { onDelete: 'restrict' }),
    deputyName: text('deputy_name'),
    recordedAt: instant('recorded_at'),
    recordedById: uuid('recorded_by_id').references(() => users.id, { onDelete: 'restrict' }),
    createdAt: created(),
  },
  (t) => [
    uniqueIndex('attendance_meeting_seat_idx').on(t.meetingId, t.membershipId),
    index('attendance_partnership_idx').on(t.partnershipId, t.meetingId),
    index('attendance_membership_idx').on(t.membershipId),
  ],
)

export type Attendance = typeof attendance.$inferSelect
