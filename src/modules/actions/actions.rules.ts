import { type SQL, sql } from 'drizzle-orm'
import { formatDate, type WorkingCalendar } from '../../platform/calendar/calendar.ts'
import type { RuleSet } from '../../platform/rules/rules.definitions.ts'
import { computeDeadline, type Deadline } from '../../platform/rules/rules.service.ts'
import type { Action } from './actions.table.ts'

/**
 * An action's RAG status on a day, computed from its dates and its responses, never stored:
 * - closed: closed by the business team with a reason;
 * - not_issued: not yet sent to its owner in an action matrix (no deadline yet);
 * - answered: a response has come for the deadline in force (a response's `dueOn` is the
 *   deadline in force when it came, so an approved extension asks for a new answer);
 * - overdue: the deadline has passed with no answer;
 * - due_soon: the reminder day has come (the `actionReminderBefore` rule, in working days
 *   counted back from the deadline) and the deadline has not passed;
 * - open: issued, not answered, not yet due soon.
 */
export type ActionRag = 'overdue' | 'due_soon' | 'open' | 'answered' | 'closed' | 'not_issued'

/** In the order the register counts and sorts them: what needs chasing first. */
export const actionRags: readonly ActionRag[] = [
  'overdue',
  'due_soon',
  'open',
  'answered',
  'not_issued',
  'closed',
]

export const actionRagLabels: Record<ActionRag, { text: string; classes: string }> = {
  overdue: { text: 'Overdue', classes: 'govuk-tag--red' },
  due_soon: { text: 'Due soon', classes: 'govuk-tag--orange' },
  open: { text: 'Open', classes: 'govuk-tag--green' },
  answered: { text: 'Answered', classes: 'govuk-tag--blue' },
  not_issued: { text: 'Not issued yet', classes: 'govuk-tag--grey' },
  closed: { text: 'Closed', classes: 'govuk-tag--grey' },
}

export const isActionRag = (value: unknown): value is ActionRag =>
  typeof value === 'string' && (actionRags as readonly string[]).includes(value)

/** The day the owner is reminded: `reminderDays` working days before the deadline. */
export function reminderDay(dueOn: string, calendar: WorkingCalendar, reminderDays: number): string {
  return calendar.addWorkingDays(dueOn, -reminderDays)
}

/**
 * The last deadline that counts as "due soon" on `today`: an unanswered action is due soon when
 * `today <= dueOn <= dueSoonUntil`. The reminder day moves forward with the deadline, so the
 * deadlines whose reminder day has come are those up to `today + reminderDays` working days
 * (a deadline on a weekend is reminded from the working day before it, counted as the first).
 * Computed once here, so that the SQL stays a plain comparison of dates and can use the index
 * on `due_on`.
 */
export function dueSoonUntil(today: string, calendar: WorkingCalendar, reminderDays: number): string {
  return calendar.addWorkingDays(today, reminderDays)
}

export function actionRag(
  action: Pick<Action, 'closedAt' | 'issueId' | 'dueOn'>,
  /** The date of the last response for the deadline in force, or null. */
  lastResponseOn: string | null,
  today: string,
  calendar: WorkingCalendar,
  reminderDays: number,
): ActionRag {
  if (action.closedAt) return 'closed'
  if (!action.issueId || !action.dueOn) return 'not_issued'
  if (lastResponseOn) return 'answered'
  if (today > action.dueOn) return 'overdue'
  if (today >= reminderDay(action.dueOn, calendar, reminderDays)) return 'due_soon'
  return 'open'
}

// The SQL below names its columns with the table ("actions"."due_on"): in a query on `actions`
// alone Drizzle leaves column names unqualified, and in the subquery they would then bind to
// the response's own columns. Queries that use it read `actions` under its own name.

/** A response has come for the deadline in force. */
export const answeredSql = sql`exists (select 1 from "action_responses" r
  where r."action_id" = "actions"."id" and r."due_on" = "actions"."due_on")`

/** The date of the last response for the deadline in force (for actionRag), or null. */
export const lastAnswerOnSql = sql<
  string | null
>`(select max(r."responded_on")::text from "action_responses" r
  where r."action_id" = "actions"."id" and r."due_on" = "actions"."due_on")`

/** The date of the last response of any kind, or null. */
export const lastResponseOnSql = sql<
  string | null
>`(select max(r."responded_on")::text from "action_responses" r
  where r."action_id" = "actions"."id")`

/** How many responses the action has had. */
export const responseCountSql = sql<number>`(select count(*)::int from "action_responses" r
  where r."action_id" = "actions"."id")`

/**
 * "Answered" for a query that joins the summary of the partnership's responses as `resp` with
 * the deadlines they answered in `resp.dues` (see actions.register.ts): one pass over the
 * responses instead of a lookup per action, for counts and exports of a whole register.
 */
export const answeredJoinedSql = sql`coalesce("actions"."due_on" = any("resp"."dues"), false)`

/**
 * The RAG status as SQL on `today`, exactly as actionRag computes it; `until` comes from
 * dueSoonUntil(today, calendar, reminderDays). `answered` may be answeredJoinedSql when the
 * query joins the responses' summary.
 */
export const actionRagSql = (today: string, until: string, answered: SQL = answeredSql): SQL<ActionRag> =>
  sql<ActionRag>`case
  when "actions"."closed_at" is not null then 'closed'
  when "actions"."issue_id" is null or "actions"."due_on" is null then 'not_issued'
  when ${answered} then 'answered'
  when "actions"."due_on" < ${today}::date then 'overdue'
  when "actions"."due_on" <= ${until}::date then 'due_soon'
  else 'open' end`

/**
 * The condition for one RAG status, written as plain comparisons (rather than `case … = rag`)
 * so that a filter on overdue or due-soon actions can use the dates' index.
 */
export function actionRagWhere(
  rag: ActionRag,
  today: string,
  until: string,
  answered: SQL = answeredSql,
): SQL {
  const open = sql`"actions"."closed_at" is null`
  const issued = sql`"actions"."issue_id" is not null and "actions"."due_on" is not null`
  switch (rag) {
    case 'closed':
      return sql`"actions"."closed_at" is not null`
    case 'not_issued':
      return sql`(${open} and ("actions"."issue_id" is null or "actions"."due_on" is null))`
    case 'answered':
      return sql`(${open} and ${issued} and ${answered})`
    case 'overdue':
      return sql`(${open} and ${issued} and "actions"."due_on" < ${today}::date and not ${answered})`
    case 'due_soon':
      return sql`(${open} and ${issued} and "actions"."due_on" >= ${today}::date
        and "actions"."due_on" <= ${until}::date and not ${answered})`
    case 'open':
      return sql`(${open} and ${issued} and "actions"."due_on" > ${until}::date and not ${answered})`
  }
}

/** What the RAG SQL needs for a day: the day itself and the last deadline that is due soon. */
export interface RagWindow {
  today: string
  dueSoonUntil: string
}

export const ragWindow = (today: string, calendar: WorkingCalendar, reminderDays: number): RagWindow => ({
  today,
  dueSoonUntil: dueSoonUntil(today, calendar, reminderDays),
})

/** A response is late when it came after the deadline in force at the time. */
export const isLateResponse = (response: { respondedOn: string; dueOn: string | null }) =>
  response.dueOn !== null && response.respondedOn > response.dueOn

/**
 * The deadline in force with how it was reached: the rule's date counted from the issue of the
 * action matrix, or the approved extension's date; null until the action is issued. A date set
 * at issue that the rule no longer gives (the partnership changed the rule since) says so.
 */
export function actionDeadline(
  action: { issuedOn: string | null; dueOn: string | null },
  /** When the extension that set the deadline in force was approved, if one did. */
  extendedOn: string | null,
  rules: RuleSet,
  calendar: WorkingCalendar,
): Deadline | null {
  if (!action.issuedOn || !action.dueOn) return null
  if (extendedOn) {
    return {
      date: action.dueOn,
      explanation: `${formatDate(action.dueOn)}: extended on ${formatDate(extendedOn)} (the action matrix was issued on ${formatDate(action.issuedOn)})`,
    }
  }
  const ruled = computeDeadline(rules, 'actionResponse', action.issuedOn, calendar)
  if (ruled.date === action.dueOn) return ruled
  return {
    date: action.dueOn,
    explanation: `${formatDate(action.dueOn)}: set when the action matrix was issued on ${formatDate(action.issuedOn)}`,
  }
}

/** actionDeadline for many rows that share few issue dates: each date is counted once. */
export function deadlineCounter(rules: RuleSet, calendar: WorkingCalendar) {
  const known = new Map<string, Deadline | null>()
  return (action: { issuedOn: string | null; dueOn: string | null }, extendedOn: string | null) => {
    const key = `${action.issuedOn}|${action.dueOn}|${extendedOn}`
    if (!known.has(key)) known.set(key, actionDeadline(action, extendedOn, rules, calendar))
    return known.get(key) ?? null
  }
}
