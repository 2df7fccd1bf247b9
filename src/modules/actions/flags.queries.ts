import { type SQL, sql } from 'drizzle-orm'
import { type DbOrTx, queryRows } from '../../platform/db/client.ts'
import { isBusinessTeam, type MeetingViewer } from '../meetings/meetings.access.ts'
import type { MeetingKind } from '../meetings/meetings.table.ts'

// Reading attendance flags: the meetings each one stands for, and the flags of a partnership
// for its pages. Every list is one query, whatever the number of flags.

export interface MissedMeeting {
  id: string
  heldOn: string
  kind: MeetingKind
}

/**
 * The meetings a flag stands for: its seat's run of consecutive empty meetings ending at the
 * flag's meeting (the group's held, not cancelled meetings, numbered in order; a run is a stretch
 * of consecutive numbers). One query for any number of flags, picked by `flagsWhere` (a
 * condition on `f`, the attendance_flags rows).
 */
export async function missedMeetings(db: DbOrTx, flagsWhere: SQL): Promise<Map<string, MissedMeeting[]>> {
  const rows = await queryRows<{ flag_id: string; id: string; held_on: string; kind: MeetingKind }>(
    db,
    sql`with f as (select f.id, f.membership_id, f.meeting_id, f.group_id from attendance_flags f where ${flagsWhere}),
      held as (
        select m.id, m.held_on, m.kind,
          row_number() over (partition by m.group_id order by m.held_on, m.starts_at, m.id) as ord
        from meetings m
        where m.cancelled_at is null and m.group_id in (select group_id from f)),
      empty as (
        select a.membership_id, h.id as meeting_id, h.held_on, h.kind, h.ord,
          h.ord - row_number() over (partition by a.membership_id order by h.ord) as island
        from attendance a join held h on h.id = a.meeting_id
        where a.membership_id in (select membership_id from f) and a.outcome in ('apologies', 'absent'))
      select f.id as flag_id, e2.meeting_id as id, e2.held_on::text as held_on, e2.kind
      from f
      join empty e1 on e1.membership_id = f.membership_id and e1.meeting_id = f.meeting_id
      join empty e2 on e2.membership_id = f.membership_id and e2.island = e1.island and e2.ord <= e1.ord
      order by f.id, e2.ord`,
  )
  const byFlag = new Map<string, MissedMeeting[]>()
  for (const r of rows) {
    const list = byFlag.get(r.flag_id) ?? []
    list.push({ id: r.id, heldOn: r.held_on, kind: r.kind })
    byFlag.set(r.flag_id, list)
  }
  return byFlag
}

export interface FlagRow {
  id: string
  groupId: string
  groupName: string
  groupSlug: string
  membershipId: string
  personId: string
  personName: string
  agencyName: string | null
  meetingId: string
  meetingHeldOn: string
  meetingKind: MeetingKind
  raisedOn: string
  agendaItemId: string | null
  /** The Strategic Group meeting whose agenda lists the flag. */
  reportedTo: {
    meetingId: string
    heldOn: string
    kind: MeetingKind
    groupName: string
    cancelled: boolean
  } | null
  closedAt: Date | null
  closedReason: string | null
  closedByName: string | null
}

interface RawFlag {
  id: string
  group_id: string
  group_name: string
  group_slug: string
  membership_id: string
  person_id: string
  person_name: string
  agency_name: string | null
  meeting_id: string
  meeting_held_on: string
  meeting_kind: MeetingKind
  raised_on: string
  agenda_item_id: string | null
  sg_meeting_id: string | null
  sg_held_on: string | null
  sg_kind: MeetingKind | null
  sg_group_name: string | null
  sg_cancelled: boolean | null
  closed_at: Date | string | null
  closed_reason: string | null
  closed_by_name: string | null
}

const flagColumns = sql`f.id, f.group_id, g.name as group_name, g.slug as group_slug, f.membership_id,
  f.person_id, pe.name as person_name, ag.name as agency_name, f.meeting_id,
  fm.held_on::text as meeting_held_on, fm.kind as meeting_kind, f.raised_on::text as raised_on,
  f.agenda_item_id, sgm.id as sg_meeting_id, sgm.held_on::text as sg_held_on, sgm.kind as sg_kind,
  sgg.name as sg_group_name, sgm.cancelled_at is not null as sg_cancelled,
  f.closed_at, f.closed_reason, u.name as closed_by_name`

const flagJoins = sql`from attendance_flags f
  join groups g on g.id = f.group_id
  join memberships ms on ms.id = f.membership_id
  join people pe on pe.id = f.person_id
  left join agencies ag on ag.id = coalesce(ms.agency_id, pe.agency_id)
  join meetings fm on fm.id = f.meeting_id
  left join agenda_items ai on ai.id = f.agenda_item_id
  left join meetings sgm on sgm.id = ai.meeting_id
  left join groups sgg on sgg.id = sgm.group_id
  left join users u on u.id = f.closed_by_id`

function toFlag(r: RawFlag): FlagRow {
  return {
    id: r.id,
    groupId: r.group_id,
    groupName: r.group_name,
    groupSlug: r.group_slug,
    membershipId: r.membership_id,
    personId: r.person_id,
    personName: r.person_name,
    agencyName: r.agency_name,
    meetingId: r.meeting_id,
    meetingHeldOn: r.meeting_held_on,
    meetingKind: r.meeting_kind,
    raisedOn: r.raised_on,
    agendaItemId: r.agenda_item_id,
    reportedTo:
      r.sg_meeting_id && r.sg_held_on && r.sg_kind
        ? {
            meetingId: r.sg_meeting_id,
            heldOn: r.sg_held_on,
            kind: r.sg_kind,
            groupName: r.sg_group_name ?? '',
            cancelled: r.sg_cancelled === true,
          }
        : null,
    closedAt: r.closed_at === null ? null : new Date(r.closed_at),
    closedReason: r.closed_reason,
    closedByName: r.closed_by_name,
  }
}

/**
 * Which flags the viewer may see: all for the business team; for partners and scrutineers
 * (the other roles with compliance:view) those of groups that are not confidential, or that
 * they sit on. A confidential group's members are named only to those who may see them.
 */
export function visibleFlagGroups(viewer: MeetingViewer | undefined, groupColumn: SQL): SQL {
  if (!viewer || isBusinessTeam(viewer.role)) return sql`true`
  const member = viewer.userId
    ? sql`exists (select 1 from memberships vm join people vp on vp.id = vm.person_id
        where vm.group_id = ${groupColumn} and vp.user_id = ${viewer.userId})`
    : sql`false`
  return sql`(not exists (select 1 from groups vg where vg.id = ${groupColumn} and vg.confidential) or ${member})`
}

export interface FlagList {
  open: FlagRow[]
  closed: FlagRow[]
  closedTotal: number
}

/** The partnership's open flags (all), and a page of its closed ones, most recently closed first. */
export async function listFlags(
  db: DbOrTx,
  partnershipId: string,
  options: {
    viewer?: MeetingViewer
    groupId?: string
    agencyId?: string
    closedPage?: number
    pageSize?: number
  } = {},
): Promise<FlagList & { missed: Map<string, MissedMeeting[]> }> {
  const pageSize = options.pageSize ?? 25
  const offset = ((options.closedPage ?? 1) - 1) * pageSize
  const conditions = [visibleFlagGroups(options.viewer, sql`f.group_id`)]
  if (options.groupId) conditions.push(sql`f.group_id = ${options.groupId}`)
  if (options.agencyId) {
    conditions.push(sql`exists (select 1 from memberships fms join people fpe on fpe.id = fms.person_id
      where fms.id = f.membership_id and coalesce(fms.agency_id, fpe.agency_id) = ${options.agencyId})`)
  }
  const visible = sql.join(conditions, sql` and `)
  const [open, closed, [count]] = await Promise.all([
    queryRows<RawFlag>(
      db,
      sql`select ${flagColumns} ${flagJoins}
        where f.partnership_id = ${partnershipId} and f.closed_at is null and ${visible}
        order by fm.held_on desc, g.name, pe.name, f.id`,
    ),
    queryRows<RawFlag>(
      db,
      sql`select ${flagColumns} ${flagJoins}
        where f.partnership_id = ${partnershipId} and f.closed_at is not null and ${visible}
        order by f.closed_at desc, f.id limit ${pageSize} offset ${offset}`,
    ),
    queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from attendance_flags f
        where f.partnership_id = ${partnershipId} and f.closed_at is not null and ${visible}`,
    ),
  ])
  const ids = [...open, ...closed].map((r) => r.id)
  const missed = ids.length
    ? await missedMeetings(
        db,
        sql`f.id in (${sql.join(
          ids.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})`,
      )
    : new Map<string, MissedMeeting[]>()
  return { open: open.map(toFlag), closed: closed.map(toFlag), closedTotal: Number(count?.n ?? 0), missed }
}

/** One flag of the partnership, or null. */
export async function findFlag(db: DbOrTx, partnershipId: string, flagId: string): Promise<FlagRow | null> {
  const [row] = await queryRows<RawFlag>(
    db,
    sql`select ${flagColumns} ${flagJoins} where f.partnership_id = ${partnershipId} and f.id = ${flagId}`,
  )
  return row ? toFlag(row) : null
}
