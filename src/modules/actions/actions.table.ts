import { sql } from 'drizzle-orm'
import { check, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { users } from '../../platform/auth/auth.table.ts'
import { bytes, created, day, instant } from '../../platform/db/columns.ts'
import { decisions } from '../meetings/decisions.table.ts'
import { agendaItems, meetings } from '../meetings/meetings.table.ts'
import { partnerships } from '../partnership/partnership.table.ts'
import { agencies, groups, people } from '../partnership/structure.table.ts'

/**
 * An action: something an agency must do, from a meeting's agenda item or decision, or set
 * standalone for a group. Its response deadline (`dueOn`) comes when the action matrix is issued
 * and moves only by an approved extension. RAG status and lateness are computed from dates.
 */
export const actions = pgTable(
  'actions',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'restrict' }),
    meetingId: uuid('meeting_id').references(() => meetings.id, { onDelete: 'restrict' }),
    agendaItemId: uuid('agenda_item_id').references(() => agendaItems.id, { onDelete: 'restrict' }),
    decisionId: uuid('decision_id').references(() => decisions.id, { onDelete: 'restrict' }),
    reference: text('reference').notNull(),
    description: text('description').notNull(),
    ownerAgencyId: uuid('owner_agency_id')
      .notNull()
      .references(() => agencies.id, { onDelete: 'restrict' }),
    ownerPersonId: uuid('owner_person_id').references(() => people.id, { onDelete: 'restrict' }),
    /** The action matrix issue that sent it to its owner; null until issued. */
    issueId: uuid('issue_id').references(() => actionMatrixIssues.id, { onDelete: 'restrict' }),
    issuedOn: day('issued_on'),
    /** The response deadline in force (the rule's date, or an approved extension's). */
    dueOn: day('due_on'),
    closedAt: instant('closed_at'),
    closedReason: text('closed_reason'),
    closedById: uuid('closed_by_id').references(() => users.id, { onDelete: 'restrict' }),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'restrict' }),
    createdAt: created(),
  },
  (t) => [
    uniqueIndex('actions_reference_idx').on(t.partnershipId, t.reference),
    index('actions_agency_due_idx').on(t.partnershipId, t.ownerAgencyId, t.dueOn),
    index('actions_meeting_idx').on(t.meetingId),
    index('actions_issue_idx').on(t.issueId),
    index('actions_open_due_idx').on(t.dueOn).where(sql`${t.closedAt} is null`),
  ],
)

/** One issue of a meeting's action matrix: every owner agency is sent its actions, due back by `dueOn`. */
export const actionMatrixIssues = pgTable(
  'action_matrix_issues',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id, { onDelete: 'restrict' }),
    issuedOn: day('issued_on').notNull(),
    dueOn: day('due_on').notNull(),
    issuedById: uuid('issued_by_id').references(() => users.id, { onDelete: 'restrict' }),
    createdAt: created(),
  },
  (t) => [index('action_matrix_issues_meeting_idx').on(t.meetingId)],
)

/** An owner's answer to an action. `dueOn` is the deadline in force when it came: late when after it. */
export const actionResponses = pgTable(
  'action_responses',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    actionId: uuid('action_id')
      .notNull()
      .references(() => actions.id, { onDelete: 'restrict' }),
    text: text('text').notNull(),
    respondedOn: day('responded_on').notNull(),
    respondedAt: instant('responded_at').notNull(),
    dueOn: day('due_on'),
    byUserId: uuid('by_user_id').references(() => users.id, { onDelete: 'restrict' }),
    byPersonId: uuid('by_person_id').references(() => people.id, { onDelete: 'restrict' }),
    /** Answered through a response link rather than signed in. */
    linkId: uuid('link_id').references(() => actionLinks.id, { onDelete: 'restrict' }),
  },
  (t) => [
    index('action_responses_action_idx').on(t.actionId, t.respondedAt),
    index('action_responses_partnership_idx').on(t.partnershipId, t.respondedOn),
  ],
)

export const actionResponseFiles = pgTable(
  'action_response_files',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    responseId: uuid('response_id')
      .notNull()
      .references(() => actionResponses.id, { onDelete: 'restrict' }),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    content: bytes('content').notNull(),
  },
  (t) => [index('action_response_files_response_idx').on(t.responseId)],
)

/**
 * A single-use, expiring link for someone without an account to answer their agency's actions
 * from one issue. Only the SHA-256 of the token is kept.
 */
export const actionLinks = pgTable(
  'action_links',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    issueId: uuid('issue_id')
      .notNull()
      .references(() => actionMatrixIssues.id, { onDelete: 'restrict' }),
    agencyId: uuid('agency_id')
      .notNull()
      .references(() => agencies.id, { onDelete: 'restrict' }),
    personId: uuid('person_id').references(() => people.id, { onDelete: 'restrict' }),
    email: text('email').notNull(),
    tokenHash: text('token_hash').notNull(),
    expiresAt: instant('expires_at').notNull(),
    usedAt: instant('used_at'),
    createdAt: created(),
  },
  (t) => [
    uniqueIndex('action_links_token_idx').on(t.tokenHash),
    index('action_links_issue_idx').on(t.issueId),
  ],
)

export const extensionDecisions = ['approved', 'refused'] as const

/** A request for more time, decided by the business team with a reason (and a new date when approved). */
export const actionExtensions = pgTable(
  'action_extensions',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    actionId: uuid('action_id')
      .notNull()
      .references(() => actions.id, { onDelete: 'restrict' }),
    requestedOn: day('requested_on').notNull(),
    requestedById: uuid('requested_by_id').references(() => users.id, { onDelete: 'restrict' }),
    proposedDueOn: day('proposed_due_on').notNull(),
    reason: text('reason').notNull(),
    decision: text('decision', { enum: extensionDecisions }),
    decisionReason: text('decision_reason'),
    newDueOn: day('new_due_on'),
    decidedAt: instant('decided_at'),
    decidedById: uuid('decided_by_id').references(() => users.id, { onDelete: 'restrict' }),
    createdAt: created(),
  },
  (t) => [
    index('action_extensions_action_idx').on(t.actionId),
    check(
      'action_extensions_approved_check',
      sql`${t.decision} is distinct from 'approved' or ${t.newDueOn} is not null`,
    ),
  ],
)

export type Action = typeof actions.$inferSelect
export type ActionMatrixIssue = typeof actionMatrixIssues.$inferSelect
export type ActionResponse = typeof actionResponses.$inferSelect
export type ActionLink = typeof actionLinks.$inferSelect
export type ActionExtension = typeof actionExtensions.$inferSelect
