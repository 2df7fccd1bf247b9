import type { DecisionOutcome } from './decisions.table.ts'

/** How a decision was reached, in words. */
export const decisionOutcomeLabels: Record<DecisionOutcome, string> = {
  consensus: 'By consensus',
  deferred: 'No consensus: deferred to a later meeting',
  referred: 'No consensus: referred to the Strategic Group',
}

export const decisionPath = (slug: string, decisionId: string) => `/p/${slug}/decisions/${decisionId}`
