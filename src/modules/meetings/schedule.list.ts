import { and, asc, desc, eq, gte, lt, sql } from 'drizzle-orm'
import type { DbOrTx } from '../../platform/db/client.ts'
import { groups } from '../partnership/structure.table.ts'
import { type MeetingViewer, visibleMeetings } from './meetings.access.ts'
import { meetings } from './meetings.table.ts'

export const periods = ['upcoming', 'past'] as const
export type Period = (typeof periods)[number]

export const MEETINGS_PER_PAGE = 25

export interface MeetingListQuery {
  period: Period
  /** A group's id, or undefined for every group. */
  groupId?: string
  page: number
}

/**
 * One page of the partnership's meetings the viewer may open, in one query: upcoming ones (today
 * and later) soonest first, or past ones latest first, with how many there are in all.
 */
export async function listMeetings(
  db: DbOrTx,
  input: { partnershipId: string; viewer: MeetingViewer; today: string; query: MeetingListQuery },
) {
  const { query, today } = input
  const upcoming = query.period === 'upcoming'
  const rows = await db
    .select({
      id: meetings.id,
      kind: meetings.kind,
      heldOn: meetings.heldOn,
      startsAt: meetings.startsAt,
      endsAt: meetings.endsAt,
      location: meetings.location,
      onlineUrl: meetings.onlineUrl,
      cancelledAt: meetings.cancelledAt,
      groupName: groups.name,
      groupSlug: groups.slug,
      total: sql<number>`count(*) over ()`.mapWith(Number),
    })
    .from(meetings)
    .innerJoin(groups, eq(groups.id, meetings.groupId))
    .where(
      and(
        eq(meetings.partnershipId, input.partnershipId),
        upcoming ? gte(meetings.heldOn, today) : lt(meetings.heldOn, today),
        query.groupId ? eq(meetings.groupId, query.groupId) : undefined,
        visibleMeetings(input.viewer, today),
      ),
    )
    .orderBy(
      upcoming ? asc(meetings.startsAt) : desc(meetings.startsAt),
      asc(sql`lower(${groups.name})`),
      asc(meetings.id),
    )
    .limit(MEETINGS_PER_PAGE)
    .offset((query.page - 1) * MEETINGS_PER_PAGE)
  const total = rows[0]?.total ?? 0
  return {
    rows: rows.map(({ total: _total, ...row }) => row),
    total,
    pages: Math.max(1, Math.ceil(total / MEETINGS_PER_PAGE)),
  }
}
