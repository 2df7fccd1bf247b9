import { sql } from 'drizzle-orm'
import {
  type AnyPgColumn,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { users } from '../../platform/auth/auth.table.ts'
import { partnerships } from './partnership.table.ts'

const created = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow()
const day = (name: string) => date(name, { mode: 'string' })

/** Several partnerships working together (SET: Southend, Essex and Thurrock), owning shared groups. */
export const collaborations = pgTable('collaborations', {
  id: uuid('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  createdAt: created(),
})

export const collaborationMembers = pgTable(
  'collaboration_members',
  {
    collaborationId: uuid('collaboration_id')
      .notNull()
      .references(() => collaborations.id, { onDelete: 'restrict' }),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
  },
  (t) => [
    primaryKey({ columns: [t.collaborationId, t.partnershipId] }),
    index('collaboration_members_partnership_idx').on(t.partnershipId),
  ],
)

export const agencyKinds = [
  'statutory_partner',
  'relevant_agency',
  'education',
  'voluntary',
  'other',
] as const
export const sectors = [
  'local_authority',
  'police',
  'health',
  'education',
  'probation',
  'youth_justice',
  'fire',
  'ambulance',
  'housing',
  'voluntary',
  'faith',
  'sport',
  'other',
] as const
export const statutoryRoles = ['local_authority', 'police', 'health'] as const

export const agencies = pgTable(
  'agencies',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    name: text('name').notNull(),
    kind: text('kind', { enum: agencyKinds }).notNull(),
    sector: text('sector', { enum: sectors }).notNull(),
    /** For the three statutory safeguarding partners: which one this is. */
    statutoryRole: text('statutory_role', { enum: statutoryRoles }),
    /** Working Together 2023: the lead partner (chief executive, chief constable, ICB chief executive). */
    leadPartnerTitle: text('lead_partner_title'),
    /** The person the lead partner has named to act for them. */
    delegatedPartnerTitle: text('delegated_partner_title'),
    /** Who escalation letters go to. */
    executiveName: text('executive_name'),
    executiveTitle: text('executive_title'),
    executiveEmail: text('executive_email'),
    activeFrom: day('active_from'),
    activeTo: day('active_to'),
    closedReason: text('closed_reason'),
    createdAt: created(),
  },
  (t) => [
    uniqueIndex('agencies_partnership_name_idx').on(t.partnershipId, sql`lower(${t.name})`),
    check(
      'agencies_dates_check',
      sql`${t.activeTo} is null or ${t.activeFrom} is null or ${t.activeTo} >= ${t.activeFrom}`,
    ),
  ],
)

/** The yearly review of who the relevant agencies are: what was kept, changed, added or removed, and why. */
export const agencyReviews = pgTable(
  'agency_reviews',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    reviewedOn: day('reviewed_on').notNull(),
    nextDueOn: day('next_due_on').notNull(),
    outcomes: jsonb('outcomes')
      .$type<{ agency: string; decision: 'kept' | 'changed' | 'added' | 'removed'; reason: string }[]>()
      .notNull(),
    recordedBy: uuid('recorded_by'),
    createdAt: created(),
  },
  (t) => [index('agency_reviews_partnership_idx').on(t.partnershipId, t.reviewedOn)],
)

/** A person the partnership works with: may or may not sign in (userId links an account). */
export const people = pgTable(
  'people',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    name: text('name').notNull(),
    jobTitle: text('job_title').notNull().default(''),
    agencyId: uuid('agency_id').references(() => agencies.id, { onDelete: 'restrict' }),
    email: text('email'),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'restrict' }),
    leftOn: day('left_on'),
    createdAt: created(),
  },
  (t) => [
    index('people_partnership_name_idx').on(t.partnershipId, t.name),
    uniqueIndex('people_partnership_email_idx').on(t.partnershipId, sql`lower(${t.email})`),
  ],
)

export const groupKinds = [
  'strategic',
  'executive',
  'subgroup',
  'review_panel',
  'task_and_finish',
  'external',
  'other',
] as const

export interface StandardItem {
  title: string
  /** Months (1–12) the item is on the agenda; every meeting when absent. */
  months?: number[]
}

/**
 * A board, sub-group, panel or task-and-finish group. It belongs to one partnership, or to a
 * collaboration (then its members come from any partnership in it).
 */
export const groups = pgTable(
  'groups',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id').references(() => partnerships.id, { onDelete: 'restrict' }),
    collaborationId: uuid('collaboration_id').references(() => collaborations.id, { onDelete: 'restrict' }),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    kind: text('kind', { enum: groupKinds }).notNull(),
    accountableToId: uuid('accountable_to_id').references((): AnyPgColumn => groups.id, {
      onDelete: 'restrict',
    }),
    purpose: text('purpose').notNull().default(''),
    termsOfReference: text('terms_of_reference').notNull().default(''),
    meetingsPerYear: integer('meetings_per_year'),
    meetingMinutes: integer('meeting_minutes'),
    /** A different cadence for a transitional year. */
    transitionalMeetingsPerYear: integer('transitional_meetings_per_year'),
    transitionalUntil: day('transitional_until'),
    quorum: integer('quorum'),
    confidential: boolean('confidential').notNull().default(false),
    /** Task-and-finish groups end. */
    endsOn: day('ends_on'),
    standardItems: jsonb('standard_items').$type<StandardItem[]>().notNull().default([]),
    closedOn: day('closed_on'),
    closedReason: text('closed_reason'),
    createdAt: created(),
  },
  (t) => [
    check('groups_owner_check', sql`(${t.partnershipId} is null) <> (${t.collaborationId} is null)`),
    uniqueIndex('groups_partnership_slug_idx').on(t.partnershipId, t.slug),
    uniqueIndex('groups_collaboration_slug_idx').on(t.collaborationId, t.slug),
    index('groups_accountable_idx').on(t.accountableToId),
  ],
)

export const membershipRoles = [
  'chair',
  'vice_chair',
  'member',
  'deputy',
  'observer',
  'lay_member',
  'business_manager',
  'minute_taker',
] as const
export type MembershipRole = (typeof membershipRoles)[number]

/** A seat on a group: who, in what role, for which agency, from when to when. History is kept. */
export const memberships = pgTable(
  'memberships',
  {
    id: uuid('id').primaryKey(),
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'restrict' }),
    /** The person's partnership (for a collaboration's group, the partnership they come from). */
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'restrict' }),
    role: text('role', { enum: membershipRoles }).notNull(),
    agencyId: uuid('agency_id').references(() => agencies.id, { onDelete: 'restrict' }),
    /** For a designated deputy: the membership they deputise for. */
    deputyForId: uuid('deputy_for_id').references((): AnyPgColumn => memberships.id, {
      onDelete: 'restrict',
    }),
    startsOn: day('starts_on').notNull(),
    endsOn: day('ends_on'),
    endedReason: text('ended_reason'),
    /** Why a rule (chair from a partner agency, one-year tenure, ...) was knowingly broken. */
    ruleException: text('rule_exception'),
    createdAt: created(),
  },
  (t) => [
    index('memberships_group_idx').on(t.groupId, t.startsOn),
    index('memberships_partnership_person_idx').on(t.partnershipId, t.personId),
    check('memberships_dates_check', sql`${t.endsOn} is null or ${t.endsOn} >= ${t.startsOn}`),
  ],
)

export const otherPartnershipKinds = [
  'health_and_wellbeing_board',
  'adults_safeguarding_board',
  'community_safety_partnership',
  'channel_panel',
  'family_justice_board',
  'mappa',
  'domestic_abuse_board',
  'other',
] as const

/** The other strategic partnerships the arrangements work with, and the joint protocol's review date. */
export const otherPartnerships = pgTable(
  'other_partnerships',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    name: text('name').notNull(),
    kind: text('kind', { enum: otherPartnershipKinds }).notNull(),
    protocol: text('protocol').notNull().default(''),
    protocolReviewDue: day('protocol_review_due'),
    createdAt: created(),
  },
  (t) => [uniqueIndex('other_partnerships_name_idx').on(t.partnershipId, t.name)],
)

export type Agency = typeof agencies.$inferSelect
export type Person = typeof people.$inferSelect
export type Group = typeof groups.$inferSelect
export type Membership = typeof memberships.$inferSelect
