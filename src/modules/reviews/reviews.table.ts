import { sql } from 'drizzle-orm'
import { check, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { users } from '../../platform/auth/auth.table.ts'
import { bytes, created, day, instant } from '../../platform/db/columns.ts'
import { actions } from '../actions/actions.table.ts'
import { partnerships } from '../partnership/partnership.table.ts'
import { agencies, groups, people } from '../partnership/structure.table.ts'

/**
 * The procedure a review follows: Working Together 2023 (serious incident notification, rapid
 * review, local child safeguarding practice review), or a Serious Case Review handed over from the
 * old board under Working Together 2015.
 */
export const reviewProcedures = ['wt2023', 'scr2015'] as const
export type ReviewProcedure = (typeof reviewProcedures)[number]

/** What the safeguarding partners decided after the rapid review. */
export const reviewDecisions = [
  'local_review',
  'national_review',
  'single_agency',
  'other_learning',
  'no_further_review',
] as const
export type ReviewDecision = (typeof reviewDecisions)[number]

/**
 * A case, known only by its reference ("Child Q"): never a child's name. One record carries the
 * case from the serious incident through the rapid review and the partners' decision to the
 * review, its publication and the sends. Its stage and deadlines are computed from these dates.
 */
export const reviewCases = pgTable(
  'review_cases',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    reference: text('reference').notNull(),
    procedure: text('procedure', { enum: reviewProcedures }).notNull().default('wt2023'),
    /** What happened, in a few lines, without names. */
    summary: text('summary').notNull().default(''),
    /** The group that oversees it (the Learning and Practice Review Group): recommendations' actions go to it. */
    groupId: uuid('group_id').references(() => groups.id, { onDelete: 'restrict' }),
    // Serious incident notification.
    becameAwareOn: day('became_aware_on'),
    notifiedOn: day('notified_on'),
    // Rapid review.
    rapidReviewMeetingOn: day('rapid_review_meeting_on'),
    rapidReviewCompletedOn: day('rapid_review_completed_on'),
    rapidReviewConclusions: text('rapid_review_conclusions'),
    panelResponse: text('panel_response'),
    panelResponseOn: day('panel_response_on'),
    // The safeguarding partners' decision.
    decision: text('decision', { enum: reviewDecisions }),
    decisionRationale: text('decision_rationale'),
    decidedOn: day('decided_on'),
    // The review.
    termsOfReference: text('terms_of_reference'),
    reviewerName: text('reviewer_name'),
    reviewerOrganisation: text('reviewer_organisation'),
    familyInvolvement: text('family_involvement'),
    finalReportOn: day('final_report_on'),
    publishedOn: day('published_on'),
    /** Where the published report can be read. */
    publicationUrl: text('publication_url'),
    /** A published review's title, the only thing shown to those outside the review. */
    publishedTitle: text('published_title'),
    closedOn: day('closed_on'),
    closedReason: text('closed_reason'),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'restrict' }),
    createdAt: created(),
  },
  (t) => [
    uniqueIndex('review_cases_reference_idx').on(t.partnershipId, sql`lower(${t.reference})`),
    index('review_cases_published_idx').on(t.partnershipId, t.publishedOn),
    check(
      'review_cases_notified_check',
      sql`${t.notifiedOn} is null or ${t.becameAwareOn} is null or ${t.notifiedOn} >= ${t.becameAwareOn}`,
    ),
    check(
      'review_cases_decision_check',
      sql`${t.decision} is null or (${t.decidedOn} is not null and coalesce(${t.decisionRationale}, '') <> '')`,
    ),
  ],
)

/** An agency involved with the case: its people may not sit on the review's panel without an override. */
export const reviewAgencies = pgTable(
  'review_agencies',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    caseId: uuid('case_id')
      .notNull()
      .references(() => reviewCases.id, { onDelete: 'restrict' }),
    agencyId: uuid('agency_id')
      .notNull()
      .references(() => agencies.id, { onDelete: 'restrict' }),
    involvement: text('involvement').notNull().default(''),
    createdAt: created(),
  },
  (t) => [uniqueIndex('review_agencies_case_agency_idx').on(t.caseId, t.agencyId)],
)

/** A safeguarding partner told of the serious incident, and when. */
export const reviewPartnerNotices = pgTable(
  'review_partner_notices',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    caseId: uuid('case_id')
      .notNull()
      .references(() => reviewCases.id, { onDelete: 'restrict' }),
    agencyId: uuid('agency_id')
      .notNull()
      .references(() => agencies.id, { onDelete: 'restrict' }),
    toldOn: day('told_on').notNull(),
    createdAt: created(),
  },
  (t) => [uniqueIndex('review_partner_notices_case_agency_idx').on(t.caseId, t.agencyId)],
)

/** Information asked of an agency for the rapid review (a chronology, a summary), with its own deadline. */
export const reviewInformationRequests = pgTable(
  'review_information_requests',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    caseId: uuid('case_id')
      .notNull()
      .references(() => reviewCases.id, { onDelete: 'restrict' }),
    agencyId: uuid('agency_id')
      .notNull()
      .references(() => agencies.id, { onDelete: 'restrict' }),
    requestedOn: day('requested_on').notNull(),
    dueOn: day('due_on').notNull(),
    receivedOn: day('received_on'),
    note: text('note').notNull().default(''),
    createdAt: created(),
  },
  (t) => [
    uniqueIndex('review_information_requests_case_agency_idx').on(t.caseId, t.agencyId),
    check('review_information_requests_due_check', sql`${t.dueOn} >= ${t.requestedOn}`),
    check(
      'review_information_requests_received_check',
      sql`${t.receivedOn} is null or ${t.receivedOn} >= ${t.requestedOn}`,
    ),
  ],
)

/**
 * A seat on a review's panel, drawn from the Individual Practice Review Group. `agencyId` is the
 * agency the person sat for when added; an agency involved in the case needs `overrideReason`.
 */
export const reviewPanelMembers = pgTable(
  'review_panel_members',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    caseId: uuid('case_id')
      .notNull()
      .references(() => reviewCases.id, { onDelete: 'restrict' }),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'restrict' }),
    agencyId: uuid('agency_id').references(() => agencies.id, { onDelete: 'restrict' }),
    overrideReason: text('override_reason'),
    addedById: uuid('added_by_id').references(() => users.id, { onDelete: 'restrict' }),
    addedAt: instant('added_at').notNull(),
    removedAt: instant('removed_at'),
    removedReason: text('removed_reason'),
  },
  (t) => [
    uniqueIndex('review_panel_members_current_idx')
      .on(t.caseId, t.personId)
      .where(sql`${t.removedAt} is null`),
    index('review_panel_members_person_idx').on(t.personId),
  ],
)

/** A step of the review with its due date: terms of reference agreed, first draft, publication. */
export const reviewMilestones = pgTable(
  'review_milestones',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    caseId: uuid('case_id')
      .notNull()
      .references(() => reviewCases.id, { onDelete: 'restrict' }),
    title: text('title').notNull(),
    dueOn: day('due_on').notNull(),
    doneOn: day('done_on'),
    position: integer('position').notNull(),
    createdAt: created(),
  },
  (t) => [index('review_milestones_case_idx').on(t.caseId, t.position)],
)

/** A draft of the report: when it came, when and to whom it was circulated; the file if uploaded. */
export const reviewDrafts = pgTable(
  'review_drafts',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    caseId: uuid('case_id')
      .notNull()
      .references(() => reviewCases.id, { onDelete: 'restrict' }),
    version: integer('version').notNull(),
    receivedOn: day('received_on').notNull(),
    circulatedOn: day('circulated_on'),
    circulatedTo: text('circulated_to'),
    note: text('note').notNull().default(''),
    filename: text('filename'),
    contentType: text('content_type'),
    size: integer('size'),
    content: bytes('content'),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'restrict' }),
    createdAt: created(),
  },
  (t) => [uniqueIndex('review_drafts_case_version_idx').on(t.caseId, t.version)],
)

/** Where a published report must go: the national panel and Foundations (the What Works Centre). */
export const reviewSendRecipients = ['national_panel', 'foundations'] as const
export type ReviewSendRecipient = (typeof reviewSendRecipients)[number]

export const reviewSends = pgTable(
  'review_sends',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    caseId: uuid('case_id')
      .notNull()
      .references(() => reviewCases.id, { onDelete: 'restrict' }),
    recipient: text('recipient', { enum: reviewSendRecipients }).notNull(),
    sentOn: day('sent_on').notNull(),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'restrict' }),
    createdAt: created(),
  },
  (t) => [uniqueIndex('review_sends_case_recipient_idx').on(t.caseId, t.recipient)],
)

/** A recommendation of a review; each is turned into actions through the action matrix. */
export const reviewRecommendations = pgTable(
  'review_recommendations',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    caseId: uuid('case_id')
      .notNull()
      .references(() => reviewCases.id, { onDelete: 'restrict' }),
    number: integer('number').notNull(),
    text: text('text').notNull(),
    /** What has changed because of it, and how we know. */
    impactEvidence: text('impact_evidence'),
    impactRecordedOn: day('impact_recorded_on'),
    createdAt: created(),
  },
  (t) => [uniqueIndex('review_recommendations_case_number_idx').on(t.caseId, t.number)],
)

/** The actions a recommendation became (owned by the actions module; linked here). */
export const reviewRecommendationActions = pgTable(
  'review_recommendation_actions',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    recommendationId: uuid('recommendation_id')
      .notNull()
      .references(() => reviewRecommendations.id, { onDelete: 'restrict' }),
    actionId: uuid('action_id')
      .notNull()
      .references(() => actions.id, { onDelete: 'restrict' }),
    createdAt: created(),
  },
  (t) => [
    uniqueIndex('review_recommendation_actions_idx').on(t.recommendationId, t.actionId),
    index('review_recommendation_actions_action_idx').on(t.actionId),
  ],
)

/** A review from elsewhere: a national review or another area's, and the local learning taken from it. */
export const externalReviewSources = ['national', 'other_area'] as const

export const externalReviews = pgTable(
  'external_reviews',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    title: text('title').notNull(),
    source: text('source', { enum: externalReviewSources }).notNull(),
    /** The other area, or the national panel. */
    origin: text('origin').notNull().default(''),
    publishedOn: day('published_on'),
    url: text('url'),
    localLearning: text('local_learning').notNull().default(''),
    loggedOn: day('logged_on').notNull(),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'restrict' }),
    createdAt: created(),
  },
  (t) => [index('external_reviews_partnership_idx').on(t.partnershipId, t.loggedOn)],
)

/**
 * A learning briefing: a short published summary of what a review (ours or one from elsewhere)
 * teaches practitioners. Briefings are public once published.
 */
export const learningBriefings = pgTable(
  'learning_briefings',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    caseId: uuid('case_id').references(() => reviewCases.id, { onDelete: 'restrict' }),
    externalReviewId: uuid('external_review_id').references(() => externalReviews.id, {
      onDelete: 'restrict',
    }),
    title: text('title').notNull(),
    summary: text('summary').notNull(),
    publishedOn: day('published_on'),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'restrict' }),
    createdAt: created(),
  },
  (t) => [
    index('learning_briefings_partnership_idx').on(t.partnershipId, t.publishedOn),
    index('learning_briefings_case_idx').on(t.caseId),
  ],
)

export type ReviewCase = typeof reviewCases.$inferSelect
export type ReviewPanelMember = typeof reviewPanelMembers.$inferSelect
export type ReviewMilestone = typeof reviewMilestones.$inferSelect
export type ReviewInformationRequest = typeof reviewInformationRequests.$inferSelect
export type ReviewRecommendation = typeof reviewRecommendations.$inferSelect
export type ExternalReview = typeof externalReviews.$inferSelect
export type LearningBriefing = typeof learningBriefings.$inferSelect
