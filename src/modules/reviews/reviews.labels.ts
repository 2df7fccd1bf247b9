import { formatDate } from '../../platform/calendar/dates.ts'
import type { ReviewStage } from './reviews.rules.ts'
import type { ReviewCase, ReviewDecision, ReviewProcedure } from './reviews.table.ts'

export const stageLabels: Record<ReviewStage, string> = {
  notification: 'Serious incident notification',
  rapid_review: 'Rapid review',
  decision: 'Partners’ decision',
  review: 'Review in progress',
  sending: 'Published: sending to the national panel and Foundations',
  closed: 'Closed',
}

/** The GOV.UK tag colour of each stage. */
export const stageColours: Record<ReviewStage, string> = {
  notification: 'red',
  rapid_review: 'orange',
  decision: 'yellow',
  review: 'blue',
  sending: 'purple',
  closed: 'grey',
}

export const decisionLabels: Record<ReviewDecision, string> = {
  local_review: 'Local child safeguarding practice review',
  national_review: 'Referral for a national review',
  single_agency: 'Single-agency review',
  other_learning: 'Other learning review',
  no_further_review: 'No further review',
}

export const procedureLabels: Record<ReviewProcedure, string> = {
  wt2023: 'Working Together 2023',
  scr2015: 'Serious Case Review (2015 procedure, handed over)',
}

/** Said beside every free-text field of a review: cases are known by reference, never by name. */
export const noNamesHint =
  'Do not enter a child’s or family member’s name. Refer to the case by its reference.'

export const reviewsPath = (slug: string) => `/p/${slug}/reviews`
export const reviewPath = (slug: string, caseId: string) => `/p/${slug}/reviews/${caseId}`

/** The tabs of a review's pages, in the order they are shown. */
export const reviewTabs = [
  { key: 'overview', path: '', text: 'Overview' },
  { key: 'incident', path: '/incident', text: 'Incident and rapid review' },
  { key: 'decision', path: '/decision', text: 'Decision' },
  { key: 'review', path: '/review', text: 'Review' },
  { key: 'panel', path: '/panel', text: 'Panel' },
  { key: 'publication', path: '/publication', text: 'Publication' },
  { key: 'learning', path: '/learning', text: 'Learning' },
] as const

export type ReviewTab = (typeof reviewTabs)[number]['key']

/** What every page of a review passes to `views/review/_header.njk`. */
export function reviewHeader(
  slug: string,
  review: Pick<ReviewCase, 'id' | 'reference' | 'procedure' | 'publishedOn'>,
  stage: ReviewStage,
  active: ReviewTab,
) {
  const base = reviewPath(slug, review.id)
  return {
    title: review.reference,
    listHref: reviewsPath(slug),
    stage: { text: stageLabels[stage], classes: `govuk-tag--${stageColours[stage]}` },
    procedure: review.procedure === 'scr2015' ? procedureLabels.scr2015 : null,
    published: review.publishedOn ? formatDate(review.publishedOn) : null,
    tabs: reviewTabs.map((t) => ({ text: t.text, href: base + t.path, active: t.key === active })),
  }
}
