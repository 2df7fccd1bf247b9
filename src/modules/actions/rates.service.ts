import { type SQL, sql } from 'drizzle-orm'
import { csvRow } from '../../platform/audit/csv.ts'
import { type DbOrTx, queryRows } from '../../platform/db/client.ts'
import type { MeetingViewer } from '../meetings/meetings.access.ts'
import { visibleFlagGroups } from './flags.queries.ts'

// Attendance rates for a period: of the seats at held meetings with an outcome recorded, how many
// were filled (the member present, or a deputy). Counted per group, per agency and per member,
// one query each, whatever the number of meetings.

export interface RateRow {
  /** The group, agency or person; null for seats without an agency. */
  id: string | null
  name: string
  /** Members only: the agency they sit for. */
  agencyName?: string | null
  /** Seats with an outcome recorded. */
  seats: number
  /** Of those, the member present or a deputy there. */
  attended: number
  /** Attended as a percentage of seats, to one decimal place; null without seats. */
  rate: number | null
}

export interface AttendanceRates {
  from: string
  to: string
  total: RateRow
  groups: RateRow[]
  agencies: RateRow[]
  members: RateRow[]
}

export interface RateOptions {
  /** The first and last days of the period, meetings held on them included. */
  from: string
  to: string
  groupId?: string
  agencyId?: string
  /** Leave confidential groups out for those who may not see who sits on them (no viewer: every group). */
  viewer?: MeetingViewer
}

export const rateOf = (seats: number, attended: number) =>
  seats === 0 ? null : Math.round((attended / seats) * 1000) / 10

interface Raw {
  id: string | null
  name: string | null
  agency_name?: string | null
  seats: number | string
  attended: number | string
}

const toRow = (r: Raw, fallback: string): RateRow => {
  const seats = Number(r.seats)
  const attended = Number(r.attended)
  return {
    id: r.id,
    name: r.name ?? fallback,
    ...(r.agency_name !== undefined ? { agencyName: r.agency_name } : {}),
    seats,
    attended,
    rate: rateOf(seats, attended),
  }
}

/**
 * The partnership's attendance rates for the period, for the dashboard and the rates page. A seat's
 * agency is the one it is held for (else the person's). Cancelled meetings, and seats with nothing
 * recorded on the day, are left out.
 */
export async function attendanceRates(
  db: DbOrTx,
  partnershipId: string,
  options: RateOptions,
): Promise<AttendanceRates> {
  const filters: SQL[] = [
    sql`a.partnership_id = ${partnershipId}`,
    sql`m.partnership_id = ${partnershipId}`,
    sql`m.cancelled_at is null`,
    sql`m.held_on between ${options.from}::date and ${options.to}::date`,
    sql`a.outcome is not null`,
    visibleFlagGroups(options.viewer, sql`m.group_id`),
  ]
  if (options.groupId) filters.push(sql`m.group_id = ${options.groupId}`)
  if (options.agencyId) filters.push(sql`coalesce(ms.agency_id, pe.agency_id) = ${options.agencyId}`)
  const seats = sql`with seat as (
      select m.group_id, coalesce(ms.agency_id, pe.agency_id) as agency_id, a.person_id,
        (a.outcome in ('present', 'deputy'))::int as attended
      from attendance a
      join meetings m on m.id = a.meeting_id
      join memberships ms on ms.id = a.membership_id
      join people pe on pe.id = a.person_id
      where ${sql.join(filters, sql` and `)})`
  const counts = sql`count(*)::int as seats, coalesce(sum(s.attended), 0)::int as attended`
  const [groups, agencies, members] = await Promise.all([
    queryRows<Raw>(
      db,
      sql`${seats} select g.id, g.name, ${counts} from seat s join groups g on g.id = s.group_id
        group by g.id, g.name order by g.name, g.id`,
    ),
    queryRows<Raw>(
      db,
      sql`${seats} select ag.id, ag.name, ${counts} from seat s left join agencies ag on ag.id = s.agency_id
        group by ag.id, ag.name order by ag.name nulls last, ag.id`,
    ),
    queryRows<Raw>(
      db,
      sql`${seats} select pe.id, pe.name, ag.name as agency_name, ${counts}
        from seat s join people pe on pe.id = s.person_id left join agencies ag on ag.id = s.agency_id
        group by pe.id, pe.name, ag.id, ag.name order by pe.name, pe.id, ag.name nulls last`,
    ),
  ])
  const groupRows = groups.map((r) => toRow(r, 'Unknown group'))
  const seatsTotal = groupRows.reduce((n, r) => n + r.seats, 0)
  const attendedTotal = groupRows.reduce((n, r) => n + r.attended, 0)
  return {
    from: options.from,
    to: options.to,
    total: {
      id: null,
      name: 'All groups',
      seats: seatsTotal,
      attended: attendedTotal,
      rate: rateOf(seatsTotal, attendedTotal),
    },
    groups: groupRows,
    agencies: agencies.map((r) => toRow(r, 'No agency')),
    members: members.map((r) => toRow(r, 'Unknown')),
  }
}

/** The rates as one CSV: a line per group, agency and member, the period on every line. */
export function ratesCsv(rates: AttendanceRates): string {
  const line = (level: string, r: RateRow) =>
    csvRow([level, r.name, r.agencyName ?? '', rates.from, rates.to, r.seats, r.attended, r.rate ?? ''])
  return [
    csvRow(['Level', 'Name', 'Agency', 'From', 'To', 'Seats recorded', 'Attended', 'Rate (%)']),
    line('All groups', rates.total),
    ...rates.groups.map((r) => line('Group', r)),
    ...rates.agencies.map((r) => line('Agency', r)),
    ...rates.members.map((r) => line('Member', r)),
  ].join('')
}
