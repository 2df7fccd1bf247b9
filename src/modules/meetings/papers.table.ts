import { boolean, index, integer, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { users } from '../../platform/auth/auth.table.ts'
import { bytes, created, instant } from '../../platform/db/columns.ts'
import { outbox } from '../../platform/notify/notify.table.ts'
import { partnerships } from '../partnership/partnership.table.ts'
import { people } from '../partnership/structure.table.ts'
import { agendaItems, meetings } from './meetings.table.ts'

/**
 * A paper for a meeting, optionally under an agenda item. Its content lives in paper_versions.
 * A restricted paper is seen by the group's members (and the business team) only. Whether it was
 * late is computed from `firstCirculatedAt` against the papersBeforeMeeting rule.
 */
export const papers = pgTable(
  'papers',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id, { onDelete: 'restrict' }),
    agendaItemId: uuid('agenda_item_id').references(() => agendaItems.id, { onDelete: 'restrict' }),
    title: text('title').notNull(),
    restricted: boolean('restricted').notNull().default(false),
    firstCirculatedAt: instant('first_circulated_at'),
    withdrawnAt: instant('withdrawn_at'),
    withdrawnReason: text('withdrawn_reason'),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'restrict' }),
    createdAt: created(),
  },
  (t) => [
    index('papers_meeting_idx').on(t.meetingId),
    index('papers_partnership_idx').on(t.partnershipId, t.createdAt),
  ],
)

/** One uploaded file of a paper; a new upload is a new version, the old ones are kept. */
export const paperVersions = pgTable(
  'paper_versions',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    paperId: uuid('paper_id')
      .notNull()
      .references(() => papers.id, { onDelete: 'restrict' }),
    version: integer('version').notNull(),
    filename: text('filename').notNull(),
    /** The type read from the content, never the one the browser claimed. */
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    content: bytes('content').notNull(),
    uploadedById: uuid('uploaded_by_id').references(() => users.id, { onDelete: 'restrict' }),
    uploadedAt: created(),
  },
  (t) => [uniqueIndex('paper_versions_paper_version_idx').on(t.paperId, t.version)],
)

export const circulationKinds = ['papers', 'minutes', 'cancellation', 'invitation', 'update'] as const
export type CirculationKind = (typeof circulationKinds)[number]

/**
 * One sending of papers, minutes or a notice to a meeting's members. Recipients are written
 * first; each is sent by writing its outbox message and recording it, so a circulation
 * interrupted part-way is finished by sending only to the recipients without a message.
 */
export const circulations = pgTable(
  'circulations',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id, { onDelete: 'restrict' }),
    kind: text('kind', { enum: circulationKinds }).notNull(),
    subject: text('subject').notNull(),
    message: text('message').notNull().default(''),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'restrict' }),
    createdAt: created(),
  },
  (t) => [index('circulations_meeting_idx').on(t.meetingId, t.createdAt)],
)

export const circulationRecipients = pgTable(
  'circulation_recipients',
  {
    circulationId: uuid('circulation_id')
      .notNull()
      .references(() => circulations.id, { onDelete: 'restrict' }),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'restrict' }),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    email: text('email').notNull(),
    /** The message written for this recipient; null until it is sent. */
    outboxId: uuid('outbox_id').references(() => outbox.id, { onDelete: 'restrict' }),
    /** When the person chose a daily digest, the notice went there instead of the outbox. */
    digested: boolean('digested').notNull().default(false),
    sentAt: instant('sent_at'),
  },
  (t) => [primaryKey({ columns: [t.circulationId, t.personId] })],
)

export type Paper = typeof papers.$inferSelect
export type PaperVersion = typeof paperVersions.$inferSelect
export type Circulation = typeof circulations.$inferSelect
