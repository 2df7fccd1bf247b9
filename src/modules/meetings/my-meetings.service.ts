import { and, asc, eq, gte, inArray, isNotNull, isNull, lte, or, type SQL, sql } from 'drizzle-orm'
import { addCalendarDays, addMonths } from '../../platform/calendar/dates.ts'
import type { DbOrTx } from '../../platform/db/client.ts'
import { getRuleSet } from '../../platform/rules/rules.service.ts'
import { currentOn } from '../partnership/groups.repository.ts'
import { groups, type MembershipRole, memberships, people } from '../partnership/structure.table.ts'
import { attendance } from './attendance.table.ts'
import { partnerSupporters } from './meetings.reminders.ts'
import { extraordinaryRequests, type Meeting, meetings } from './meetings.table.ts'
import { minutes } from './minutes.table.ts'
import { papers } from './papers.table.ts'

/** How far ahead "My meetings" looks, and how far ahead it asks for apologies. */
export const UPCOMING_MONTHS = 3
export const APOLOGIES_DAYS = 14

export interface MyMeeting {
  meeting: Pick<
    Meeting,
    'id' | 'heldOn' | 'startsAt' | 'endsAt' | 'location' | 'onlineUrl' | 'kind' | 'cancelledAt'
  >
  groupName: string
  groupSlug: string
  /** The seats the person holds on the day (usually one). */
  roles: MembershipRole[]
  /** A seat (not a designated deputy's) with nothing said yet about attending. */
  awaitingIntent: boolean
}

export interface MyPaper {
  id: string
  title: string
  restricted: boolean
  firstCirculatedAt: Date
  meetingId: string
}

export interface MinutesAwaiting {
  meetingId: string
  heldOn: string
  kind: Meeting['kind']
  groupName: string
  sentToChairAt: Date | null
}

export interface RequestAwaiting {
  id: string
  groupName: string
  receivedOn: string
  reasons: string
  supporters: number
  needed: number
  /** One of the person's directory entries supports it already. */
  supportedByMe: boolean
}

export type MyMeetingsPage =
  | { linked: false }
  | {
      linked: true
      meetings: MyMeeting[]
      apologies: MyMeeting[]
      papers: MyPaper[]
      /** Chairs a group today, or has minutes waiting: the approval section is shown. */
      isChair: boolean
      minutes: MinutesAwaiting[]
      requests: RequestAwaiting[]
    }

const coversDay = (day: SQL | string) =>
  and(lte(memberships.startsOn, day), or(isNull(memberships.endsOn), gte(memberships.endsOn, day)))!

/**
 * What a signed-in person has to do for their meetings in a partnership, from their directory
 * entries (people linked to their account). A fixed number of queries whatever the number of
 * meetings: people, seats today, meetings with seats, papers, minutes, requests, rules.
 */
export async function myMeetings(
  db: DbOrTx,
  input: { partnershipId: string; userId: string; today: string },
): Promise<MyMeetingsPage> {
  const { partnershipId, userId, today } = input
  const mine = await db
    .select({ id: people.id })
    .from(people)
    .where(and(eq(people.partnershipId, partnershipId), eq(people.userId, userId)))
  if (mine.length === 0) return { linked: false }
  const personIds = mine.map((p) => p.id)
  const until = addMonths(today, UPCOMING_MONTHS)
  const apologiesUntil = addCalendarDays(today, APOLOGIES_DAYS)

  const [seatsToday, seatRows, minutesRows, rules] = await Promise.all([
    db
      .select({ groupId: memberships.groupId, role: memberships.role })
      .from(memberships)
      .where(and(inArray(memberships.personId, personIds), currentOn(memberships, today))),
    db
      .select({
        meeting: {
          id: meetings.id,
          heldOn: meetings.heldOn,
          startsAt: meetings.startsAt,
          endsAt: meetings.endsAt,
          location: meetings.location,
          onlineUrl: meetings.onlineUrl,
          kind: meetings.kind,
          cancelledAt: meetings.cancelledAt,
        },
        groupName: groups.name,
        groupSlug: groups.slug,
        role: memberships.role,
        intent: attendance.intent,
      })
      .from(meetings)
      .innerJoin(groups, eq(groups.id, meetings.groupId))
      .innerJoin(
        memberships,
        and(
          eq(memberships.groupId, meetings.groupId),
          inArray(memberships.personId, personIds),
          coversDay(sql`${meetings.heldOn}`),
        ),
      )
      .leftJoin(
        attendance,
        and(eq(attendance.meetingId, meetings.id), eq(attendance.membershipId, memberships.id)),
      )
      .where(
        and(
          eq(meetings.partnershipId, partnershipId),
          gte(meetings.heldOn, today),
          lte(meetings.heldOn, until),
        ),
      )
      .orderBy(asc(meetings.startsAt), asc(meetings.id)),
    db
      .select({
        meetingId: meetings.id,
        heldOn: meetings.heldOn,
        kind: meetings.kind,
        groupName: groups.name,
        sentToChairAt: minutes.sentToChairAt,
      })
      .from(minutes)
      .innerJoin(meetings, eq(meetings.id, minutes.meetingId))
      .innerJoin(groups, eq(groups.id, meetings.groupId))
      .where(
        and(
          eq(minutes.partnershipId, partnershipId),
          eq(minutes.status, 'with_chair'),
          isNull(meetings.cancelledAt),
          sql`exists (select 1 from ${memberships} where ${memberships.groupId} = ${meetings.groupId}
            and ${memberships.role} = 'chair' and ${inArray(memberships.personId, personIds)}
            and (${coversDay(sql`${meetings.heldOn}`)} or ${coversDay(today)}))`,
        ),
      )
      .orderBy(asc(meetings.heldOn), asc(meetings.id)),
    getRuleSet(db, partnershipId),
  ])

  const byMeeting = new Map<string, MyMeeting>()
  for (const row of seatRows) {
    const entry = byMeeting.get(row.meeting.id) ?? {
      meeting: row.meeting,
      groupName: row.groupName,
      groupSlug: row.groupSlug,
      roles: [],
      awaitingIntent: false,
    }
    if (!entry.roles.includes(row.role)) entry.roles.push(row.role)
    if (row.role !== 'deputy' && row.intent === null) entry.awaitingIntent = true
    byMeeting.set(row.meeting.id, entry)
  }
  const upcoming = [...byMeeting.values()]
  const live = upcoming.filter((m) => m.meeting.cancelledAt === null)

  const groupIds = [...new Set(seatsToday.map((s) => s.groupId))]
  const [paperRows, requestRows] = await Promise.all([
    live.length
      ? db
          .select({
            id: papers.id,
            title: papers.title,
            restricted: papers.restricted,
            firstCirculatedAt: papers.firstCirculatedAt,
            meetingId: papers.meetingId,
          })
          .from(papers)
          .where(
            and(
              inArray(
                papers.meetingId,
                live.map((m) => m.meeting.id),
              ),
              isNotNull(papers.firstCirculatedAt),
              isNull(papers.withdrawnAt),
            ),
          )
          .orderBy(asc(papers.firstCirculatedAt), asc(papers.title))
      : Promise.resolve([]),
    groupIds.length
      ? db
          .select({
            id: extraordinaryRequests.id,
            groupName: groups.name,
            receivedOn: extraordinaryRequests.receivedOn,
            reasons: extraordinaryRequests.reasons,
            supporters: partnerSupporters(),
            supportedByMe: sql<boolean>`exists (select 1 from extraordinary_supporters s
              where s.request_id = ${extraordinaryRequests.id} and ${inArray(sql`s.person_id`, personIds)})`,
          })
          .from(extraordinaryRequests)
          .innerJoin(groups, eq(groups.id, extraordinaryRequests.groupId))
          .where(
            and(
              eq(extraordinaryRequests.partnershipId, partnershipId),
              inArray(extraordinaryRequests.groupId, groupIds),
              isNull(extraordinaryRequests.withdrawnAt),
              sql`not exists (select 1 from ${meetings} where ${meetings.extraordinaryRequestId} = ${extraordinaryRequests.id}
                and ${meetings.cancelledAt} is null)`,
            ),
          )
          .orderBy(asc(extraordinaryRequests.receivedOn), asc(extraordinaryRequests.id))
      : Promise.resolve([]),
  ])
  const order = new Map(upcoming.map((m, i) => [m.meeting.id, i]))
  const needed = rules.extraordinaryMeetingSupporters
  return {
    linked: true,
    meetings: upcoming,
    apologies: live.filter((m) => m.awaitingIntent && m.meeting.heldOn <= apologiesUntil),
    papers: paperRows
      .map((p) => ({ ...p, firstCirculatedAt: p.firstCirculatedAt! }))
      .sort((a, b) => order.get(a.meetingId)! - order.get(b.meetingId)!),
    isChair: seatsToday.some((s) => s.role === 'chair') || minutesRows.length > 0,
    minutes: minutesRows,
    requests: requestRows
      .map((r) => ({ ...r, supporters: Number(r.supporters), needed }))
      .filter((r) => r.supporters < needed),
  }
}
