import { and, asc, count, eq, gt, gte, isNull, lte, min, type SQL, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import { createCalendarRepository } from '../../platform/calendar/calendar.repository.ts'
import type { DbOrTx } from '../../platform/db/client.ts'
import { computeDeadline, getRuleSet } from '../../platform/rules/rules.service.ts'
import { agencies, groups, memberships, people } from '../partnership/structure.table.ts'
import { attendance } from './attendance.table.ts'
import { type DecisionState, decisionState, decisionStateSql } from './decisions.rules.ts'
import { decisions } from './decisions.table.ts'
import { inviteesOn } from './invitees.ts'
import { canSeeMeeting, type MeetingViewer, meetingAccess, visibleMeetings } from './meetings.access.ts'
import { agendaItems, meetings } from './meetings.table.ts'
import { minutesDeadlines, minutesStatusText } from './minutes.rules.ts'
import { minutes } from './minutes.table.ts'
import { isPaperLate } from './papers.rules.ts'
import { papers, paperVersions } from './papers.table.ts'

/**
 * An API token acts for its partnership as a reader outside every group: it sees the meetings of
 * groups that are not confidential, as a scrutineer does, and no restricted paper.
 */
export const apiViewer: MeetingViewer = { role: 'scrutineer', userId: null }

export interface PageOptions {
  limit: number
  offset: number
}

const groupRef = { id: groups.id, slug: groups.slug, name: groups.name }

/** The partnership's meetings the API may give, oldest first (newest last), one page and the total. */
export async function listApiMeetings(
  db: DbOrTx,
  partnershipId: string,
  filter: { from?: string; to?: string; group?: string } & PageOptions,
  today: string,
) {
  const where = and(
    eq(meetings.partnershipId, partnershipId),
    visibleMeetings(apiViewer, today),
    filter.from ? gte(meetings.heldOn, filter.from) : undefined,
    filter.to ? lte(meetings.heldOn, filter.to) : undefined,
    filter.group ? eq(groups.slug, filter.group) : undefined,
  )
  const [rows, totals] = await Promise.all([
    db
      .select({ meeting: meetings, group: groupRef })
      .from(meetings)
      .innerJoin(groups, eq(groups.id, meetings.groupId))
      .where(where)
      .orderBy(asc(meetings.heldOn), asc(meetings.startsAt), asc(meetings.id))
      .limit(filter.limit)
      .offset(filter.offset),
    db
      .select({ total: count() })
      .from(meetings)
      .innerJoin(groups, eq(groups.id, meetings.groupId))
      .where(where),
  ])
  return { rows, total: Number(totals[0]?.total ?? 0) }
}

// Spelled out in full: in a query on `decisions` alone Drizzle leaves column names unqualified,
// and `id` inside the subquery would then be the objection's own.
const objectionCount = sql<number>`(select count(*)::int from decision_objections o
  where o.decision_id = "decisions"."id")`

const decisionColumns = {
  id: decisions.id,
  reference: decisions.reference,
  text: decisions.text,
  outcome: decisions.outcome,
  implementationOn: decisions.implementationOn,
  agendaItemId: decisions.agendaItemId,
  deferredToMeetingId: decisions.deferredToMeetingId,
  reconsiderationMeetingId: decisions.reconsiderationMeetingId,
  withdrawnAt: decisions.withdrawnAt,
  withdrawnReason: decisions.withdrawnReason,
  objections: objectionCount,
}

/** One meeting with everything the API tells about it, or null when the token may not see it. */
export async function apiMeetingDetail(db: DbOrTx, partnershipId: string, meetingId: string, today: string) {
  const access = await meetingAccess(db, partnershipId, meetingId, apiViewer, today)
  // A confidential group's meeting is not found, rather than refused: a token learns nothing of it.
  if (!access || !canSeeMeeting(apiViewer, access.group, false)) return null
  const { meeting, group } = access
  const deputy = alias(people, 'deputy_person')
  const [
    agenda,
    paperRows,
    versions,
    invitees,
    attendanceRows,
    minutesRows,
    next,
    decisionRows,
    rules,
    calendar,
  ] = await Promise.all([
    db
      .select()
      .from(agendaItems)
      .where(and(eq(agendaItems.meetingId, meeting.id), isNull(agendaItems.withdrawnAt)))
      .orderBy(asc(agendaItems.position), asc(agendaItems.id)),
    db
      .select({
        id: papers.id,
        title: papers.title,
        agendaItemId: papers.agendaItemId,
        restricted: papers.restricted,
        firstCirculatedAt: papers.firstCirculatedAt,
        withdrawnAt: papers.withdrawnAt,
        withdrawnReason: papers.withdrawnReason,
      })
      .from(papers)
      .where(eq(papers.meetingId, meeting.id))
      .orderBy(asc(papers.createdAt), asc(papers.id)),
    // Metadata only: the content column is never read here.
    db
      .select({
        paperId: paperVersions.paperId,
        version: paperVersions.version,
        filename: paperVersions.filename,
        contentType: paperVersions.contentType,
        size: paperVersions.size,
        uploadedAt: paperVersions.uploadedAt,
      })
      .from(paperVersions)
      .innerJoin(papers, eq(papers.id, paperVersions.paperId))
      .where(and(eq(papers.meetingId, meeting.id), eq(papers.restricted, false))),
    inviteesOn(db, group.id, meeting.heldOn),
    db
      .select({
        membershipId: attendance.membershipId,
        role: memberships.role,
        personName: people.name,
        agencyName: agencies.name,
        statutoryRole: agencies.statutoryRole,
        intent: attendance.intent,
        outcome: attendance.outcome,
        deputyName: attendance.deputyName,
        deputyPersonName: deputy.name,
      })
      .from(attendance)
      .innerJoin(memberships, eq(memberships.id, attendance.membershipId))
      .innerJoin(people, eq(people.id, attendance.personId))
      .leftJoin(agencies, eq(agencies.id, memberships.agencyId))
      .leftJoin(deputy, eq(deputy.id, attendance.deputyId))
      .where(eq(attendance.meetingId, meeting.id)),
    db
      .select({
        status: minutes.status,
        sentToChairAt: minutes.sentToChairAt,
        approvedAt: minutes.approvedAt,
        circulatedAt: minutes.circulatedAt,
        agreedAt: minutes.agreedAt,
      })
      .from(minutes)
      .where(eq(minutes.meetingId, meeting.id)),
    db
      .select({ heldOn: min(meetings.heldOn) })
      .from(meetings)
      .where(
        and(
          eq(meetings.partnershipId, partnershipId),
          eq(meetings.groupId, group.id),
          gt(meetings.heldOn, meeting.heldOn),
          isNull(meetings.cancelledAt),
        ),
      ),
    db
      .select(decisionColumns)
      .from(decisions)
      .where(eq(decisions.meetingId, meeting.id))
      .orderBy(asc(decisions.reference), asc(decisions.id)),
    getRuleSet(db, partnershipId),
    createCalendarRepository(db).calendarFor(partnershipId),
  ])

  const latest = new Map<string, (typeof versions)[number]>()
  for (const v of versions) {
    const seen = latest.get(v.paperId)
    if (!seen || v.version > seen.version) latest.set(v.paperId, v)
  }
  const papersDeadline = computeDeadline(rules, 'papersBeforeMeeting', meeting.heldOn, calendar)
  const live = paperRows.filter((p) => p.withdrawnAt === null)

  const said = new Map(attendanceRows.map((a) => [a.membershipId, a]))
  const seats = invitees.map((i) => {
    const a = said.get(i.membershipId)
    said.delete(i.membershipId)
    return {
      membershipId: i.membershipId,
      role: i.role,
      personName: i.name,
      agencyName: i.agencyName,
      partnerAgency: i.partnerAgency,
      intent: a?.intent ?? null,
      outcome: a?.outcome ?? null,
      deputyName: a ? (a.deputyPersonName ?? a.deputyName) : null,
    }
  })
  // Someone recorded against a seat that has since been changed still counts for the meeting.
  for (const a of said.values()) {
    seats.push({
      membershipId: a.membershipId,
      role: a.role,
      personName: a.personName,
      agencyName: a.agencyName,
      partnerAgency: a.statutoryRole !== null,
      intent: a.intent,
      outcome: a.outcome,
      deputyName: a.deputyPersonName ?? a.deputyName,
    })
  }
  const counts = { seats: seats.length, present: 0, deputy: 0, apologies: 0, absent: 0, notRecorded: 0 }
  for (const s of seats) {
    if (s.outcome) counts[s.outcome]++
    else counts.notRecorded++
  }
  const attending = counts.present + counts.deputy
  const recorded = counts.notRecorded < counts.seats

  const minutesRow = minutesRows[0] ?? null
  const deadlines = minutesDeadlines({
    heldOn: meeting.heldOn,
    minutes: minutesRow,
    nextMeetingOn: next[0]?.heldOn ?? null,
    rules,
    calendar,
    today,
  })

  return {
    meeting,
    group,
    agenda,
    papers: live
      .filter((p) => !p.restricted)
      .map((p) => ({
        ...p,
        late: isPaperLate(p.firstCirculatedAt, papersDeadline.date, today),
        latestVersion: latest.get(p.id) ?? null,
      })),
    papersDeadline: {
      due: papersDeadline.date,
      explanation: papersDeadline.explanation,
      latePapers: live.filter((p) => isPaperLate(p.firstCirculatedAt, papersDeadline.date, today)).length,
    },
    attendance: { seats, counts },
    quorum: {
      required: group.quorum,
      attending,
      met: group.quorum === null || !recorded ? null : attending >= group.quorum,
    },
    minutes: {
      status: minutesRow?.status ?? ('none' as const),
      statusText: minutesStatusText[minutesRow?.status ?? 'none'],
      sentToChairAt: minutesRow?.sentToChairAt ?? null,
      approvedAt: minutesRow?.approvedAt ?? null,
      circulatedAt: minutesRow?.circulatedAt ?? null,
      agreedAt: minutesRow?.agreedAt ?? null,
      deadlines,
    },
    decisions: decisionRows.map((d) => ({ ...d, state: decisionState(d, Number(d.objections), today) })),
  }
}

/** The partnership's decisions the API may give, with their state today, by meeting date then reference. */
export async function listApiDecisions(
  db: DbOrTx,
  partnershipId: string,
  filter: { state?: DecisionState; group?: string } & PageOptions,
  today: string,
) {
  const state = decisionStateSql(today)
  const where: SQL | undefined = and(
    eq(decisions.partnershipId, partnershipId),
    visibleMeetings(apiViewer, today),
    filter.state ? sql`${state} = ${filter.state}` : undefined,
    filter.group ? eq(groups.slug, filter.group) : undefined,
  )
  const [rows, totals] = await Promise.all([
    db
      .select({
        ...decisionColumns,
        state,
        meeting: { id: meetings.id, heldOn: meetings.heldOn, kind: meetings.kind },
        group: groupRef,
      })
      .from(decisions)
      .innerJoin(meetings, eq(meetings.id, decisions.meetingId))
      .innerJoin(groups, eq(groups.id, meetings.groupId))
      .where(where)
      .orderBy(asc(meetings.heldOn), asc(decisions.reference), asc(decisions.id))
      .limit(filter.limit)
      .offset(filter.offset),
    db
      .select({ total: count() })
      .from(decisions)
      .innerJoin(meetings, eq(meetings.id, decisions.meetingId))
      .innerJoin(groups, eq(groups.id, meetings.groupId))
      .where(where),
  ])
  return { rows, total: Number(totals[0]?.total ?? 0) }
}
