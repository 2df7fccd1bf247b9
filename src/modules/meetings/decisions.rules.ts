import { type SQL, sql } from 'drizzle-orm'
import type { Decision } from './decisions.table.ts'

/**
 * A decision's state, from its fields, its objections and the date:
 * - withdrawn: recorded in error and withdrawn with a reason;
 * - deferred / referred: no consensus: to a later meeting, or to the Strategic Group;
 * - suspended: a partner agency objected in writing before the implementation date, and no
 *   reconsideration meeting is set yet; reconsideration: that meeting is set;
 * - implemented: the implementation date has come with no objection; agreed: it has not come yet.
 */
export type DecisionState =
  | 'withdrawn'
  | 'deferred'
  | 'referred'
  | 'suspended'
  | 'reconsideration'
  | 'implemented'
  | 'agreed'

export const decisionStates: readonly DecisionState[] = [
  'agreed',
  'implemented',
  'suspended',
  'reconsideration',
  'deferred',
  'referred',
  'withdrawn',
]

export function decisionState(
  decision: Pick<Decision, 'outcome' | 'implementationOn' | 'reconsiderationMeetingId' | 'withdrawnAt'>,
  objectionCount: number,
  today: string,
): DecisionState {
  if (decision.withdrawnAt) return 'withdrawn'
  if (decision.outcome === 'deferred') return 'deferred'
  if (decision.outcome === 'referred') return 'referred'
  if (objectionCount > 0) return decision.reconsiderationMeetingId ? 'reconsideration' : 'suspended'
  return decision.implementationOn && decision.implementationOn <= today ? 'implemented' : 'agreed'
}

export const decisionStateLabels: Record<DecisionState, { text: string; classes: string }> = {
  agreed: { text: 'Agreed: awaiting implementation', classes: 'govuk-tag--blue' },
  implemented: { text: 'Implemented', classes: 'govuk-tag--green' },
  suspended: { text: 'Suspended: objection received', classes: 'govuk-tag--red' },
  reconsideration: { text: 'Reconsideration arranged', classes: 'govuk-tag--orange' },
  deferred: { text: 'Deferred', classes: 'govuk-tag--grey' },
  referred: { text: 'Referred to the Strategic Group', classes: 'govuk-tag--purple' },
  withdrawn: { text: 'Withdrawn', classes: 'govuk-tag--grey' },
}

/**
 * The same state as SQL on `today`, for the register's filters and counts. Columns are named with
 * their table, so the objections subquery cannot bind to its own columns when the outer query
 * reads `decisions` alone (Drizzle leaves single-table columns unqualified).
 */
export const decisionStateSql = (today: string): SQL<DecisionState> => sql<DecisionState>`case
  when "decisions"."withdrawn_at" is not null then 'withdrawn'
  when "decisions"."outcome" = 'deferred' then 'deferred'
  when "decisions"."outcome" = 'referred' then 'referred'
  when exists (select 1 from "decision_objections" o where o."decision_id" = "decisions"."id")
    then case when "decisions"."reconsideration_meeting_id" is null then 'suspended' else 'reconsideration' end
  when "decisions"."implementation_on" <= ${today}::date then 'implemented'
  else 'agreed' end`
