import { and, asc, eq, isNull, ne, sql } from 'drizzle-orm'
import { createCalendarRepository } from '../../platform/calendar/calendar.repository.ts'
import { londonTime } from '../../platform/calendar/london-time.ts'
import { type DbOrTx, queryRows } from '../../platform/db/client.ts'
import { prepared } from '../../platform/db/prepared.ts'
import { computeDeadline, getRuleSet } from '../../platform/rules/rules.service.ts'
import { currentOn } from '../partnership/groups.repository.ts'
import { agencies, memberships, people } from '../partnership/structure.table.ts'
import { attendance } from './attendance.table.ts'
import { timelinessTag } from './deadlines.ts'
import { decisionState, decisionStateLabels } from './decisions.rules.ts'
import { decisions } from './decisions.table.ts'
import type { MeetingAccess } from './meetings.access.ts'
import { meetingHeader, meetingPath } from './meetings.labels.ts'
import { agendaItems, meetings } from './meetings.table.ts'
import { minutesDeadlines, minutesStatusText } from './minutes.rules.ts'
import { minutes } from './minutes.table.ts'
import { isPaperLate } from './papers.rules.ts'

interface PaperRow {
  id: string
  agendaItemId: string | null
  title: string
  restricted: boolean
  firstCirculatedAt: Date | null
  version: number
  filename: string
  size: number
}

/** Papers of a meeting with their latest version's name and size (never the content), in one query. */
function papersOf(db: DbOrTx, meetingId: string, canSeeRestricted: boolean) {
  return queryRows<PaperRow>(
    db,
    sql`select p.id, p.agenda_item_id as "agendaItemId", p.title, p.restricted,
        p.first_circulated_at as "firstCirculatedAt", v.version, v.filename, v.size
      from papers p
      join lateral (select version, filename, size from paper_versions pv
        where pv.paper_id = p.id order by pv.version desc limit 1) v on true
      where p.meeting_id = ${meetingId} and p.withdrawn_at is null
        ${canSeeRestricted ? sql`` : sql`and not p.restricted`}
      order by p.created_at, p.id`,
  )
}

const meetingId = sql.placeholder('meetingId')

/** The invitees on the day (members, not deputies) with what was said and recorded about their seat. */
function seatsOf(db: DbOrTx) {
  const deputy = sql<
    string | null
  >`coalesce((select name from ${people} d where d.id = ${attendance.deputyId}), ${attendance.deputyName})`
  const intended = sql<
    string | null
  >`(select name from ${people} d where d.id = ${attendance.intentDeputyId})`
  return prepared(db, 'meeting_overview_seats', (name) =>
    db
      .select({
        membershipId: memberships.id,
        role: memberships.role,
        name: people.name,
        agencyName: agencies.name,
        intent: attendance.intent,
        intendedDeputy: intended,
        outcome: attendance.outcome,
        deputy,
      })
      .from(memberships)
      .innerJoin(people, eq(people.id, memberships.personId))
      .leftJoin(agencies, eq(agencies.id, memberships.agencyId))
      .leftJoin(
        attendance,
        and(eq(attendance.meetingId, meetingId), eq(attendance.membershipId, memberships.id)),
      )
      .where(
        and(
          eq(memberships.groupId, sql.placeholder('groupId')),
          ne(memberships.role, 'deputy'),
          currentOn(memberships, sql.placeholder('day')),
        ),
      )
      .orderBy(
        sql`case ${memberships.role} when 'chair' then 0 when 'vice_chair' then 1 else 2 end`,
        asc(people.name),
      )
      .prepare(name),
  )
}

function agendaOf(db: DbOrTx) {
  return prepared(db, 'meeting_overview_agenda', (name) =>
    db
      .select()
      .from(agendaItems)
      .where(and(eq(agendaItems.meetingId, meetingId), isNull(agendaItems.withdrawnAt)))
      .orderBy(asc(agendaItems.position))
      .prepare(name),
  )
}

// Columns are spelled with their table: on a one-table query Drizzle leaves them bare, and a bare
// "id" inside the subquery would be the objection's own.
function decisionsOf(db: DbOrTx) {
  return prepared(db, 'meeting_overview_decisions', (name) =>
    db
      .select({
        id: decisions.id,
        agendaItemId: decisions.agendaItemId,
        reference: decisions.reference,
        text: decisions.text,
        outcome: decisions.outcome,
        implementationOn: decisions.implementationOn,
        reconsiderationMeetingId: decisions.reconsiderationMeetingId,
        withdrawnAt: decisions.withdrawnAt,
        objections: sql<number>`(select count(*)::int from "decision_objections" o where o."decision_id" = "decisions"."id")`,
      })
      .from(decisions)
      .where(eq(decisions.meetingId, meetingId))
      .orderBy(asc(decisions.reference))
      .prepare(name),
  )
}

/** The meeting's minutes (if any) and the date of the group's next meeting, where they are agreed. */
function minutesOf(db: DbOrTx) {
  return prepared(db, 'meeting_overview_minutes', (name) =>
    db
      .select({
        status: minutes.status,
        sentToChairAt: minutes.sentToChairAt,
        approvedAt: minutes.approvedAt,
        circulatedAt: minutes.circulatedAt,
        agreedAt: minutes.agreedAt,
        nextMeetingOn: sql<string | null>`(select min(n.held_on)::text from ${meetings} n
          where n.group_id = ${meetings.groupId} and n.held_on > ${meetings.heldOn} and n.cancelled_at is null)`,
      })
      .from(meetings)
      .leftJoin(minutes, eq(minutes.meetingId, meetings.id))
      .where(eq(meetings.id, meetingId))
      .prepare(name),
  )
}

const outcomeText = {
  present: 'Present',
  deputy: 'Deputy attended',
  apologies: 'Apologies',
  absent: 'Absent',
} as const

/**
 * Everything the meeting's overview page shows, read in a fixed number of queries whatever the
 * size of the meeting: the agenda with its papers and decisions, the seats, the deadlines.
 */
export async function meetingOverview(
  db: DbOrTx,
  access: MeetingAccess,
  options: { today: string; slug: string },
) {
  const { meeting, group } = access
  const { today, slug } = options
  const [rules, calendar, items, paperRows, seats, decisionRows, [minutesRow]] = await Promise.all([
    getRuleSet(db, meeting.partnershipId),
    createCalendarRepository(db).calendarFor(meeting.partnershipId),
    agendaOf(db).execute({ meetingId: meeting.id }),
    papersOf(db, meeting.id, access.canSeeRestricted),
    seatsOf(db).execute({ meetingId: meeting.id, groupId: group.id, day: meeting.heldOn }),
    decisionsOf(db).execute({ meetingId: meeting.id }),
    minutesOf(db).execute({ meetingId: meeting.id }),
  ])
  const base = meetingPath(slug, meeting.id)
  const papersDeadline = computeDeadline(rules, 'papersBeforeMeeting', meeting.heldOn, calendar)

  const papers = paperRows.map((p) => ({
    ...p,
    // Raw SQL hands timestamps back as text on node-postgres.
    late: isPaperLate(p.firstCirculatedAt && new Date(p.firstCirculatedAt), papersDeadline.date, today),
    href: `${base}/papers/${p.id}/download`,
  }))
  const papersByItem = Map.groupBy(papers, (p) => p.agendaItemId ?? '')
  const decisionsByItem = Map.groupBy(
    decisionRows.map((d) => {
      const state = decisionState(d, d.objections, today)
      return { ...d, state, tag: decisionStateLabels[state] }
    }),
    (d) => d.agendaItemId,
  )
  // Start times follow from the meeting's start and each item's allotted minutes.
  let clock = meeting.startsAt.getTime()
  const agenda = items.map((item, index) => {
    const startsAt = londonTime(new Date(clock))
    clock += (item.durationMinutes ?? 0) * 60_000
    return {
      number: index + 1,
      ...item,
      startsAt: item.durationMinutes ? startsAt : null,
      papers: papersByItem.get(item.id) ?? [],
      decisions: decisionsByItem.get(item.id) ?? [],
    }
  })

  const filled = seats.filter((s) => s.outcome === 'present' || s.outcome === 'deputy').length
  const quorum = group.quorum ? { needed: group.quorum, filled, met: filled >= group.quorum } : null
  const minutesSteps = minutesDeadlines({
    heldOn: meeting.heldOn,
    minutes: minutesRow?.status ? { ...minutesRow, status: minutesRow.status } : null,
    nextMeetingOn: minutesRow?.nextMeetingOn ?? null,
    rules,
    calendar,
    today,
  }).map((step) => ({ ...step, tag: timelinessTag(step) }))

  return {
    header: meetingHeader(slug, meeting, group, 'overview'),
    base,
    meeting,
    group,
    agenda,
    unfiled: papersByItem.get('') ?? [],
    papers: {
      count: papers.length,
      late: papers.filter((p) => p.late).length,
      deadline: papersDeadline,
    },
    seats: seats.map((s) => ({
      ...s,
      said:
        s.intent === 'apologies'
          ? 'Apologies'
          : s.intent === 'deputy'
            ? `Deputy: ${s.intendedDeputy ?? ''}`
            : '',
      recorded: s.outcome
        ? outcomeText[s.outcome] + (s.outcome === 'deputy' && s.deputy ? `: ${s.deputy}` : '')
        : '',
    })),
    quorum,
    minutes: {
      status: minutesRow?.status ?? 'none',
      statusText: minutesStatusText[minutesRow?.status ?? 'none'],
      steps: minutesSteps,
    },
    held: meeting.heldOn <= today,
    canEdit: access.canEdit,
    isMember: access.viewer.isMember,
    cancelled: meeting.cancelledAt !== null,
  }
}

export type MeetingOverview = Awaited<ReturnType<typeof meetingOverview>>
