import { index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { users } from '../../platform/auth/auth.table.ts'
import { created, day, instant } from '../../platform/db/columns.ts'
import { agendaItems, meetings } from '../meetings/meetings.table.ts'
import { partnerships } from '../partnership/partnership.table.ts'
import { agencies, groups, memberships, people } from '../partnership/structure.table.ts'
import { actions } from './actions.table.ts'

export const failureKinds = ['unanswered', 'late'] as const

/**
 * An agency's compliance failure: an action not answered by its deadline. Written by the sweep
 * once the deadline has passed (unanswered), and marked late with the date when the answer
 * comes. One per action and deadline, so the sweep can run any number of times.
 */
export const complianceFailures = pgTable(
  'compliance_failures',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    agencyId: uuid('agency_id')
      .notNull()
      .references(() => agencies.id, { onDelete: 'restrict' }),
    actionId: uuid('action_id')
      .notNull()
      .references(() => actions.id, { onDelete: 'restrict' }),
    dueOn: day('due_on').notNull(),
    kind: text('kind', { enum: failureKinds }).notNull(),
    respondedOn: day('responded_on'),
    /** The escalation letter that listed it. */
    letterId: uuid('letter_id').references(() => escalationLetters.id, { onDelete: 'restrict' }),
    createdAt: created(),
  },
  (t) => [
    uniqueIndex('compliance_failures_action_due_idx').on(t.actionId, t.dueOn),
    index('compliance_failures_agency_idx').on(t.partnershipId, t.agencyId, t.dueOn),
  ],
)

/**
 * A letter to an agency's executive member about its failures. Drafted from the partnership's
 * letter template; recording it as sent tells the strategic partners.
 */
export const escalationLetters = pgTable(
  'escalation_letters',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    agencyId: uuid('agency_id')
      .notNull()
      .references(() => agencies.id, { onDelete: 'restrict' }),
    addresseeName: text('addressee_name').notNull(),
    addresseeTitle: text('addressee_title').notNull().default(''),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    senderName: text('sender_name').notNull(),
    senderTitle: text('sender_title').notNull().default(''),
    sentOn: day('sent_on'),
    sentAt: instant('sent_at'),
    sentById: uuid('sent_by_id').references(() => users.id, { onDelete: 'restrict' }),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'restrict' }),
    createdAt: created(),
  },
  (t) => [index('escalation_letters_agency_idx').on(t.partnershipId, t.agencyId)],
)

/**
 * A seat empty (neither the member nor a deputy attended) at consecutive meetings of a group:
 * reported to the Strategic Group (an item on its next agenda) until closed with a reason.
 */
export const attendanceFlags = pgTable(
  'attendance_flags',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'restrict' }),
    membershipId: uuid('membership_id')
      .notNull()
      .references(() => memberships.id, { onDelete: 'restrict' }),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'restrict' }),
    /** The last of the consecutive meetings with the seat empty. */
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id, { onDelete: 'restrict' }),
    raisedOn: day('raised_on').notNull(),
    agendaItemId: uuid('agenda_item_id').references(() => agendaItems.id, { onDelete: 'restrict' }),
    closedAt: instant('closed_at'),
    closedReason: text('closed_reason'),
    closedById: uuid('closed_by_id').references(() => users.id, { onDelete: 'restrict' }),
    createdAt: created(),
  },
  (t) => [
    uniqueIndex('attendance_flags_seat_meeting_idx').on(t.membershipId, t.meetingId),
    index('attendance_flags_partnership_idx').on(t.partnershipId, t.raisedOn),
  ],
)

export type ComplianceFailure = typeof complianceFailures.$inferSelect
export type EscalationLetter = typeof escalationLetters.$inferSelect
export type AttendanceFlag = typeof attendanceFlags.$inferSelect
