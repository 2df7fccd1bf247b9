import { eq, sql } from 'drizzle-orm'
import type { DbOrTx } from '../../platform/db/client.ts'
import { prepared } from '../../platform/db/prepared.ts'
import type { AttendanceIntent, AttendanceOutcome } from './attendance.table.ts'
import type { DecisionOutcome } from './decisions.table.ts'
import type { AgendaItemKind } from './meetings.table.ts'
import { meetings } from './meetings.table.ts'
import type { MinutesStatus } from './minutes.table.ts'

// The overview page reads everything in one statement: on a 2-core server each round trip to
// PostgreSQL costs more CPU (and a socket write) than the rows it brings back. JSON keeps the
// shape; timestamps arrive as ISO text and are turned back into dates by the caller.

export interface OverviewAgendaItem {
  id: string
  position: number
  kind: AgendaItemKind
  title: string
  description: string
  presenter: string
  durationMinutes: number | null
  decisionNeeded: boolean
  previousMeetingId: string | null
}

export interface OverviewPaper {
  id: string
  agendaItemId: string | null
  title: string
  restricted: boolean
  firstCirculatedAt: string | null
  version: number
  filename: string
  size: number
}

export interface OverviewSeat {
  membershipId: string
  role: string
  name: string
  agencyName: string | null
  intent: AttendanceIntent | null
  intendedDeputy: string | null
  outcome: AttendanceOutcome | null
  deputy: string | null
}

export interface OverviewDecision {
  id: string
  agendaItemId: string
  reference: string
  text: string
  outcome: DecisionOutcome
  implementationOn: string | null
  reconsiderationMeetingId: string | null
  withdrawnAt: string | null
  objections: number
}

export interface OverviewMinutes {
  status: MinutesStatus
  sentToChairAt: string | null
  approvedAt: string | null
  circulatedAt: string | null
  agreedAt: string | null
}

export interface OverviewData {
  agenda: OverviewAgendaItem[]
  papers: OverviewPaper[]
  seats: OverviewSeat[]
  decisions: OverviewDecision[]
  minutes: OverviewMinutes | null
  nextMeetingOn: string | null
  closureDays: { day: string; reason: string }[]
  ruleSettings: { key: string; value: unknown }[]
}

const p = {
  meetingId: sql.placeholder('meetingId'),
  groupId: sql.placeholder('groupId'),
  day: sql.placeholder('day'),
  partnershipId: sql.placeholder('partnershipId'),
  restricted: sql.placeholder('restricted'),
}

function overviewQuery(db: DbOrTx) {
  return prepared(db, 'meeting_overview', (name) =>
    db
      .select({
        agenda: sql<OverviewAgendaItem[]>`(select coalesce(json_agg(a order by a.position), '[]') from (
          select id, position, kind, title, description, presenter, duration_minutes as "durationMinutes",
            decision_needed as "decisionNeeded", previous_meeting_id as "previousMeetingId"
          from agenda_items where meeting_id = ${p.meetingId} and withdrawn_at is null) a)`,
        papers: sql<OverviewPaper[]>`(select coalesce(json_agg(x order by x.created, x.id), '[]') from (
          select pa.id, pa.agenda_item_id as "agendaItemId", pa.title, pa.restricted,
            pa.first_circulated_at as "firstCirculatedAt", pa.created_at as created, v.version, v.filename, v.size
          from papers pa
          join lateral (select version, filename, size from paper_versions pv
            where pv.paper_id = pa.id order by pv.version desc limit 1) v on true
          where pa.meeting_id = ${p.meetingId} and pa.withdrawn_at is null
            and (${p.restricted}::boolean or not pa.restricted)) x)`,
        seats: sql<OverviewSeat[]>`(select coalesce(json_agg(s order by s.rank, s.name), '[]') from (
          select m.id as "membershipId", m.role, pe.name, ag.name as "agencyName",
            at.intent, (select d.name from people d where d.id = at.intent_deputy_id) as "intendedDeputy",
            at.outcome, coalesce((select d.name from people d where d.id = at.deputy_id), at.deputy_name) as deputy,
            case m.role when 'chair' then 0 when 'vice_chair' then 1 else 2 end as rank
          from memberships m
          join people pe on pe.id = m.person_id
          left join agencies ag on ag.id = m.agency_id
          left join attendance at on at.meeting_id = ${p.meetingId} and at.membership_id = m.id
          where m.group_id = ${p.groupId} and m.role <> 'deputy'
            and m.starts_on <= ${p.day}::date and (m.ends_on is null or m.ends_on >= ${p.day}::date)) s)`,
        decisions: sql<OverviewDecision[]>`(select coalesce(json_agg(d order by d.reference), '[]') from (
          select de.id, de.agenda_item_id as "agendaItemId", de.reference, de.text, de.outcome,
            de.implementation_on as "implementationOn", de.reconsideration_meeting_id as "reconsiderationMeetingId",
            de.withdrawn_at as "withdrawnAt",
            (select count(*)::int from decision_objections o where o.decision_id = de.id) as objections
          from decisions de where de.meeting_id = ${p.meetingId}) d)`,
        minutes: sql<OverviewMinutes | null>`(select row_to_json(mi) from (
          select status, sent_to_chair_at as "sentToChairAt", approved_at as "approvedAt",
            circulated_at as "circulatedAt", agreed_at as "agreedAt"
          from minutes where meeting_id = ${p.meetingId}) mi)`,
        nextMeetingOn: sql<string | null>`(select min(n.held_on)::text from meetings n
          where n.group_id = ${p.groupId} and n.held_on > ${p.day}::date and n.cancelled_at is null)`,
        closureDays: sql<
          { day: string; reason: string }[]
        >`(select coalesce(json_agg(json_build_object('day', c.day, 'reason', c.reason)), '[]')
          from closure_days c where c.partnership_id = ${p.partnershipId})`,
        ruleSettings: sql<
          { key: string; value: unknown }[]
        >`(select coalesce(json_agg(json_build_object('key', r.key, 'value', r.value)), '[]')
          from rule_settings r where r.partnership_id = ${p.partnershipId})`,
      })
      .from(meetings)
      .where(eq(meetings.id, p.meetingId))
      .prepare(name),
  )
}

/** Everything the overview shows about a meeting, in one round trip. */
export async function overviewData(
  db: DbOrTx,
  meeting: { id: string; groupId: string; heldOn: string; partnershipId: string },
  canSeeRestricted: boolean,
): Promise<OverviewData> {
  const [row] = await overviewQuery(db).execute({
    meetingId: meeting.id,
    groupId: meeting.groupId,
    day: meeting.heldOn,
    partnershipId: meeting.partnershipId,
    restricted: canSeeRestricted,
  })
  if (!row) throw new Error(`No meeting ${meeting.id}`)
  return row
}
