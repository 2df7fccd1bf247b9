import { type SQL, sql } from 'drizzle-orm'
import { type DbOrTx, queryRows } from '../../platform/db/client.ts'
import { actionRagWhere } from './actions.rules.ts'
import type { DashboardFilter } from './dashboard.service.ts'

// The dashboard's queries: each scoped by the partnership first and set-based, all read in one
// statement (readAll). Names of groups and agencies come from the filter's choices, not joins.

/** A query whose rows are of type T, to be read with the others in one statement (see readAll). */
export interface Rows<T> {
  query: SQL
  /** Never set: carries the row type. */
  row?: T
}

export const rows = <T>(query: SQL): Rows<T> => ({ query })

export type RowsOf<Q> = Q extends Rows<infer T> ? T[] : never

/**
 * Several queries in one statement, each as a JSON array of its rows: one round trip and one
 * connection for the whole dashboard, rather than a connection each while a page is drawn.
 */
export async function readAll<Q extends Record<string, Rows<unknown>>>(
  db: DbOrTx,
  queries: Q,
): Promise<{ [K in keyof Q]: RowsOf<Q[K]> }> {
  const columns = Object.entries(queries).map(
    ([name, q]) =>
      sql`(select coalesce(json_agg(t), '[]'::json) from (${q.query}) t) as ${sql.identifier(name)}`,
  )
  const [row] = await queryRows<Record<string, unknown>>(db, sql`select ${sql.join(columns, sql`, `)}`)
  const parsed: Record<string, unknown> = {}
  // node-postgres and PGlite both parse json; a driver that did not would give strings.
  for (const name of Object.keys(queries)) {
    const value = row?.[name]
    parsed[name] = typeof value === 'string' ? JSON.parse(value) : (value ?? [])
  }
  return parsed as { [K in keyof Q]: RowsOf<Q[K]> }
}

export interface Scope {
  partnershipId: string
  filter: DashboardFilter
  hiddenGroupIds: string[]
}

/** The group conditions on a row's group column: the chosen group, and never a hidden one. */
function groupCondition(column: SQL, scope: Scope): SQL {
  const parts: SQL[] = []
  if (scope.filter.group) parts.push(sql`${column} = ${scope.filter.group.id}`)
  if (scope.hiddenGroupIds.length) {
    parts.push(
      sql`${column} not in (${sql.join(
        scope.hiddenGroupIds.map((id) => sql`${id}`),
        sql`, `,
      )})`,
    )
  }
  return parts.length ? sql.join(parts, sql` and `) : sql`true`
}

const agencyCondition = (column: SQL, scope: Scope): SQL =>
  scope.filter.agency ? sql`${column} = ${scope.filter.agency.id}` : sql`true`

/**
 * Overdue actions (the register's own condition: issued, open, not answered for the deadline in
 * force, and that deadline passed) whose deadline fell in the period, by owner agency. The table
 * goes by its own name, as actionRagWhere expects.
 */
export function overdueByAgency(scope: Scope, today: string) {
  return rows<{ agencyId: string; count: number }>(
    sql`select actions.owner_agency_id as "agencyId", count(*)::int as count
        from actions
        where actions.partnership_id = ${scope.partnershipId}
          and actions.due_on between ${scope.filter.from}::date and ${scope.filter.to}::date
          and ${actionRagWhere('overdue', today, today)}
          and ${groupCondition(sql`actions.group_id`, scope)} and ${agencyCondition(sql`actions.owner_agency_id`, scope)}
        group by actions.owner_agency_id`,
  )
}

/**
 * Each action's first response, when it came in the period: the owner, the issue and due dates.
 * Read from the period's responses (by the partnership's index on the response date), keeping
 * those with no earlier response to the same action.
 */
export function firstResponses(scope: Scope) {
  return rows<{
    agencyId: string
    issuedOn: string
    respondedOn: string
    dueOn: string | null
  }>(
    sql`select a.owner_agency_id as "agencyId", a.issued_on::text as "issuedOn",
          r.responded_on::text as "respondedOn", coalesce(r.due_on, a.due_on)::text as "dueOn"
        from action_responses r
        join actions a on a.id = r.action_id and a.partnership_id = ${scope.partnershipId}
        where r.partnership_id = ${scope.partnershipId}
          and r.responded_on between ${scope.filter.from}::date and ${scope.filter.to}::date
          and a.issued_on is not null
          and not exists (select 1 from action_responses e
            where e.action_id = r.action_id and (e.responded_at, e.id) < (r.responded_at, r.id))
          and ${groupCondition(sql`a.group_id`, scope)} and ${agencyCondition(sql`a.owner_agency_id`, scope)}`,
  )
}

/** Compliance failures (late or unanswered) whose deadline fell in the period, by agency. */
export function failuresByAgency(scope: Scope) {
  return rows<{ agencyId: string; late: number; unanswered: number }>(
    sql`select f.agency_id as "agencyId",
          count(*) filter (where f.kind = 'late')::int as late,
          count(*) filter (where f.kind = 'unanswered')::int as unanswered
        from compliance_failures f
        join actions a on a.id = f.action_id and a.partnership_id = ${scope.partnershipId}
        where f.partnership_id = ${scope.partnershipId}
          and f.due_on between ${scope.filter.from}::date and ${scope.filter.to}::date
          and ${groupCondition(sql`a.group_id`, scope)} and ${agencyCondition(sql`f.agency_id`, scope)}
        group by f.agency_id`,
  )
}

/** Papers of the period's meetings, counted by meeting and the London day each was first circulated. */
export function papersByMeeting(scope: Scope) {
  return rows<{
    meetingId: string
    heldOn: string
    kind: 'ordinary' | 'extraordinary'
    groupId: string
    circulatedOn: string | null
    papers: number
  }>(
    sql`select m.id as "meetingId", m.held_on::text as "heldOn", m.kind, m.group_id as "groupId",
          ((p.first_circulated_at at time zone 'Europe/London')::date)::text as "circulatedOn",
          count(*)::int as papers
        from meetings m
        join papers p on p.meeting_id = m.id and p.partnership_id = ${scope.partnershipId} and p.withdrawn_at is null
        where m.partnership_id = ${scope.partnershipId} and m.cancelled_at is null
          and m.held_on between ${scope.filter.from}::date and ${scope.filter.to}::date
          and ${groupCondition(sql`m.group_id`, scope)}
        group by m.id, 5`,
  )
}

/** The period's meetings already held, with when their draft minutes went to the chair. */
export function heldMeetings(scope: Scope, today: string) {
  return rows<{
    id: string
    heldOn: string
    kind: 'ordinary' | 'extraordinary'
    groupId: string
    /** Milliseconds since 1970: a number on both drivers, whatever their timestamp parsing. */
    sentToChairMs: number | null
  }>(
    sql`select m.id, m.held_on::text as "heldOn", m.kind, m.group_id as "groupId", (extract(epoch from mi.sent_to_chair_at) * 1000)::float8 as "sentToChairMs"
        from meetings m
        left join minutes mi on mi.meeting_id = m.id and mi.partnership_id = ${scope.partnershipId}
        where m.partnership_id = ${scope.partnershipId} and m.cancelled_at is null
          and m.held_on between ${scope.filter.from}::date and least(${scope.filter.to}::date, ${today}::date)
          and ${groupCondition(sql`m.group_id`, scope)}
        order by m.held_on, m.id`,
  )
}

/** Seats recorded and filled (present or a deputy) at the period's meetings, by group. */
export function attendanceByGroup(scope: Scope) {
  const agency = scope.filter.agency
    ? sql`and exists (select 1 from memberships s where s.id = a.membership_id and s.agency_id = ${scope.filter.agency.id})`
    : sql``
  return rows<{
    groupId: string
    meetings: number
    recorded: number
    attended: number
  }>(
    sql`select m.group_id as "groupId", count(distinct m.id)::int as meetings,
          count(*)::int as recorded,
          count(*) filter (where a.outcome in ('present', 'deputy'))::int as attended
        from meetings m
        join attendance a on a.partnership_id = ${scope.partnershipId} and a.meeting_id = m.id
          and a.outcome is not null ${agency}
        where m.partnership_id = ${scope.partnershipId} and m.cancelled_at is null
          and m.held_on between ${scope.filter.from}::date and ${scope.filter.to}::date
          and ${groupCondition(sql`m.group_id`, scope)}
        group by m.group_id`,
  )
}

/** Attendance flags still open (whatever the period: they stand until closed). */
export function openFlags(scope: Scope) {
  return rows<{
    id: string
    raisedOn: string
    meetingId: string
    heldOn: string
    kind: 'ordinary' | 'extraordinary'
    groupId: string
    personName: string
    agencyId: string | null
  }>(
    sql`select f.id, f.raised_on::text as "raisedOn", m.id as "meetingId", m.held_on::text as "heldOn",
          m.kind, f.group_id as "groupId", p.name as "personName", s.agency_id as "agencyId"
        from attendance_flags f
        join meetings m on m.id = f.meeting_id
        join people p on p.id = f.person_id
        join memberships s on s.id = f.membership_id
        where f.partnership_id = ${scope.partnershipId} and f.closed_at is null
          and ${groupCondition(sql`f.group_id`, scope)} and ${agencyCondition(sql`s.agency_id`, scope)}
        order by f.raised_on desc, f.id`,
  )
}

/** Escalation letters sent in the period, or drafted in it and not yet sent. */
export function lettersInPeriod(scope: Scope) {
  return rows<{
    id: string
    agencyId: string
    subject: string
    sentOn: string | null
    draftedOn: string
    failures: number
  }>(
    sql`select l.id, l.agency_id as "agencyId", l.subject, l.sent_on::text as "sentOn",
          ((l.created_at at time zone 'Europe/London')::date)::text as "draftedOn",
          (select count(*) from compliance_failures f
            where f.partnership_id = l.partnership_id and f.agency_id = l.agency_id and f.letter_id = l.id)::int as failures
        from escalation_letters l
        where l.partnership_id = ${scope.partnershipId}
          and coalesce(l.sent_on, (l.created_at at time zone 'Europe/London')::date)
            between ${scope.filter.from}::date and ${scope.filter.to}::date
          and ${agencyCondition(sql`l.agency_id`, scope)}
        order by coalesce(l.sent_on, (l.created_at at time zone 'Europe/London')::date) desc, l.id`,
  )
}
