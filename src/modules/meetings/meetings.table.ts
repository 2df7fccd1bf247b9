import { sql } from 'drizzle-orm'
import {
  type AnyPgColumn,
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { users } from '../../platform/auth/auth.table.ts'
import { created, day, instant } from '../../platform/db/columns.ts'
import { partnerships } from '../partnership/partnership.table.ts'
import { groups, people } from '../partnership/structure.table.ts'

export const meetingKinds = ['ordinary', 'extraordinary'] as const
export type MeetingKind = (typeof meetingKinds)[number]

/**
 * A meeting of a group. `heldOn` is the meeting's date in Europe/London (every deadline counts
 * from it); `startsAt`/`endsAt` are the instants. A cancelled meeting is kept with its reason.
 * `sequence` is the iCalendar SEQUENCE: raised on every change sent to invitees, so calendars
 * update the event they already have (the UID is the meeting id).
 */
export const meetings = pgTable(
  'meetings',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'restrict' }),
    kind: text('kind', { enum: meetingKinds }).notNull().default('ordinary'),
    heldOn: day('held_on').notNull(),
    startsAt: instant('starts_at').notNull(),
    endsAt: instant('ends_at').notNull(),
    location: text('location').notNull().default(''),
    onlineUrl: text('online_url'),
    /** Why an extraordinary meeting was called (by the business manager, or the request's reasons). */
    reason: text('reason'),
    extraordinaryRequestId: uuid('extraordinary_request_id').references(
      (): AnyPgColumn => extraordinaryRequests.id,
      { onDelete: 'restrict' },
    ),
    /** Who agreed the agenda (a person, or a body: the executive board's agenda is agreed by the Strategic Group). */
    agendaAgreedBy: text('agenda_agreed_by'),
    agendaAgreedOn: day('agenda_agreed_on'),
    cancelledAt: instant('cancelled_at'),
    cancelledReason: text('cancelled_reason'),
    sequence: integer('sequence').notNull().default(0),
    createdAt: created(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('meetings_partnership_held_idx').on(t.partnershipId, t.heldOn),
    index('meetings_group_held_idx').on(t.groupId, t.heldOn),
    index('meetings_extraordinary_request_idx').on(t.extraordinaryRequestId),
    check('meetings_times_check', sql`${t.endsAt} > ${t.startsAt}`),
  ],
)

export const agendaItemKinds = [
  'item',
  'standard',
  'previous_minutes',
  'action_log',
  'attendance_flags',
] as const
export type AgendaItemKind = (typeof agendaItemKinds)[number]

/** An agenda item. `previous_minutes` items name the meeting whose minutes are agreed under them. */
export const agendaItems = pgTable(
  'agenda_items',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id, { onDelete: 'restrict' }),
    position: integer('position').notNull(),
    kind: text('kind', { enum: agendaItemKinds }).notNull().default('item'),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    presenter: text('presenter').notNull().default(''),
    /** Minutes allowed for the item on the day. */
    durationMinutes: integer('duration_minutes'),
    decisionNeeded: boolean('decision_needed').notNull().default(false),
    previousMeetingId: uuid('previous_meeting_id').references((): AnyPgColumn => meetings.id, {
      onDelete: 'restrict',
    }),
    /** Items are withdrawn, not deleted, once the agenda has been agreed or papers hang off them. */
    withdrawnAt: instant('withdrawn_at'),
    createdAt: created(),
  },
  (t) => [
    index('agenda_items_meeting_idx').on(t.meetingId, t.position),
    index('agenda_items_partnership_idx').on(t.partnershipId),
  ],
)

/**
 * A member's request for an extraordinary meeting. It stands once enough partner members support
 * it (rule extraordinaryMeetingSupporters); the meeting is due within extraordinaryMeetingWithin
 * working days of `receivedOn`. Whether it stands, is scheduled or is overdue is computed.
 */
export const extraordinaryRequests = pgTable(
  'extraordinary_requests',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'restrict' }),
    requestedById: uuid('requested_by_id')
      .notNull()
      .references(() => people.id, { onDelete: 'restrict' }),
    reasons: text('reasons').notNull(),
    receivedOn: day('received_on').notNull(),
    withdrawnAt: instant('withdrawn_at'),
    withdrawnReason: text('withdrawn_reason'),
    createdAt: created(),
  },
  (t) => [index('extraordinary_requests_partnership_idx').on(t.partnershipId, t.receivedOn)],
)

export const extraordinarySupporters = pgTable(
  'extraordinary_supporters',
  {
    requestId: uuid('request_id')
      .notNull()
      .references(() => extraordinaryRequests.id, { onDelete: 'restrict' }),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'restrict' }),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    confirmedAt: instant('confirmed_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.requestId, t.personId] })],
)

/**
 * A person's calendar feed: a secret URL (only its SHA-256 is kept) that any calendar app can
 * subscribe to. Revoking it keeps the row (for the audit trail) and stops the URL working.
 */
export const calendarFeeds = pgTable(
  'calendar_feeds',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'restrict' }),
    tokenHash: text('token_hash').notNull(),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'restrict' }),
    createdAt: created(),
    lastUsedAt: instant('last_used_at'),
    revokedAt: instant('revoked_at'),
  },
  (t) => [
    uniqueIndex('calendar_feeds_token_idx').on(t.tokenHash),
    index('calendar_feeds_person_idx').on(t.partnershipId, t.personId),
  ],
)

export type Meeting = typeof meetings.$inferSelect
export type NewMeeting = typeof meetings.$inferInsert
export type AgendaItem = typeof agendaItems.$inferSelect
export type ExtraordinaryRequest = typeof extraordinaryRequests.$inferSelect
export type CalendarFeed = typeof calendarFeeds.$inferSelect
