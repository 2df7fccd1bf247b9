import { sql } from 'drizzle-orm'
import { check, index, pgTable, text, uuid } from 'drizzle-orm/pg-core'
import { users } from '../../platform/auth/auth.table.ts'
import { created, day, instant } from '../../platform/db/columns.ts'
import { partnerships } from '../partnership/partnership.table.ts'
import { agencies } from '../partnership/structure.table.ts'
import { agendaItems, meetings } from './meetings.table.ts'

/** Consensus, or (without it) deferred to a later meeting or referred to the Strategic Group. */
export const decisionOutcomes = ['consensus', 'deferred', 'referred'] as const
export type DecisionOutcome = (typeof decisionOutcomes)[number]

/**
 * A decision recorded against an agenda item. Its state (agreed, suspended by an objection,
 * implemented, deferred, referred) follows from these fields and the date: it is computed.
 */
export const decisions = pgTable(
  'decisions',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id, { onDelete: 'restrict' }),
    agendaItemId: uuid('agenda_item_id')
      .notNull()
      .references(() => agendaItems.id, { onDelete: 'restrict' }),
    reference: text('reference').notNull(),
    text: text('text').notNull(),
    outcome: text('outcome', { enum: decisionOutcomes }).notNull(),
    deferredToMeetingId: uuid('deferred_to_meeting_id').references(() => meetings.id, {
      onDelete: 'restrict',
    }),
    implementationOn: day('implementation_on'),
    /** The meeting that reconsiders it after an objection. */
    reconsiderationMeetingId: uuid('reconsideration_meeting_id').references(() => meetings.id, {
      onDelete: 'restrict',
    }),
    withdrawnAt: instant('withdrawn_at'),
    withdrawnReason: text('withdrawn_reason'),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'restrict' }),
    createdAt: created(),
  },
  (t) => [
    index('decisions_partnership_idx').on(t.partnershipId, t.createdAt),
    index('decisions_meeting_idx').on(t.meetingId),
    check(
      'decisions_outcome_check',
      sql`(${t.outcome} <> 'consensus' or ${t.implementationOn} is not null) and (${t.outcome} <> 'deferred' or ${t.deferredToMeetingId} is not null)`,
    ),
  ],
)

/** A partner agency's written objection, received before the implementation date. */
export const decisionObjections = pgTable(
  'decision_objections',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    decisionId: uuid('decision_id')
      .notNull()
      .references(() => decisions.id, { onDelete: 'restrict' }),
    agencyId: uuid('agency_id')
      .notNull()
      .references(() => agencies.id, { onDelete: 'restrict' }),
    receivedOn: day('received_on').notNull(),
    reasons: text('reasons').notNull(),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'restrict' }),
    createdAt: created(),
  },
  (t) => [index('decision_objections_decision_idx').on(t.decisionId)],
)

export type Decision = typeof decisions.$inferSelect
export type DecisionObjection = typeof decisionObjections.$inferSelect
