import { and, eq, or, type SQL, sql } from 'drizzle-orm'
import type { FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import type { Role } from '../../platform/auth/auth.table.ts'
import type { DbOrTx } from '../../platform/db/client.ts'
import { prepared } from '../../platform/db/prepared.ts'
import { forbidden, notFound } from '../../platform/http/errors.ts'
import { type Group, groups, memberships, people } from '../partnership/structure.table.ts'
import { type Meeting, meetings } from './meetings.table.ts'

/**
 * Who may see a meeting. Administrators and the business team see every meeting; a person who
 * sits on the group (on the meeting's day or today) sees its meetings; partners and scrutineers
 * see the meetings of groups that are not confidential; the member role sees only its own groups'.
 * Restricted papers are for the group's members and the business team only.
 */
export interface MeetingViewer {
  role: Role | null
  userId: string | null
}

export interface MeetingAccess {
  meeting: Meeting
  group: Pick<Group, 'id' | 'slug' | 'name' | 'kind' | 'confidential' | 'quorum' | 'standardItems'>
  viewer: MeetingViewer & {
    /** The viewer's directory entries that hold (or held) a seat on the group around this meeting. */
    isMember: boolean
    /** Chair of the group on the meeting's day or today: approves the minutes. */
    isChair: boolean
  }
  /** May run the meeting's business: agenda, papers, attendance, minutes, decisions. */
  canEdit: boolean
  canSeeRestricted: boolean
}

export const isBusinessTeam = (role: Role | null | undefined) =>
  role === 'administrator' || role === 'business_team'

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export const isUuid = (value: string) => uuidPattern.test(value)

export function viewerOfRequest(request: FastifyRequest): MeetingViewer {
  const actor = request.actor
  const role = actor && actor.kind !== 'token' ? (actor.roles.get(request.partnership!.id) ?? null) : null
  return { role, userId: request.user?.id ?? null }
}

export function canSeeMeeting(viewer: MeetingViewer, group: Pick<Group, 'confidential'>, isMember: boolean) {
  if (isBusinessTeam(viewer.role)) return true
  if (isMember) return true
  if (group.confidential) return false
  return viewer.role === 'partner' || viewer.role === 'scrutineer'
}

/**
 * SQL for "the viewer sits on the meeting's group": a seat (or a deputy's seat) whose dates cover
 * the meeting's day or `today`. Used in lists so that what a page shows and what it opens agree.
 */
export function sitsOnGroupOf(userId: string, today: string, meetingTable = meetings): SQL {
  return sql`exists (select 1 from ${memberships} join ${people} on ${people.id} = ${memberships.personId}
    where ${memberships.groupId} = ${meetingTable.groupId} and ${people.userId} = ${userId}
    and ${memberships.startsOn} <= greatest(${meetingTable.heldOn}, ${today}::date)
    and (${memberships.endsOn} is null or ${memberships.endsOn} >= least(${meetingTable.heldOn}, ${today}::date)))`
}

/** The condition a list of meetings adds so that it shows only those the viewer may open. */
export function visibleMeetings(viewer: MeetingViewer, today: string): SQL {
  if (isBusinessTeam(viewer.role)) return sql`true`
  const member = viewer.userId ? sitsOnGroupOf(viewer.userId, today) : sql`false`
  if (viewer.role === 'partner' || viewer.role === 'scrutineer') {
    return or(
      sql`not exists (select 1 from ${groups} where ${groups.id} = ${meetings.groupId} and ${groups.confidential})`,
      member,
    )!
  }
  return member
}

interface SeatRow {
  role: string
  startsOn: string
  endsOn: string | null
}

const covers = (seat: SeatRow, day: string) =>
  seat.startsOn <= day && (seat.endsOn === null || seat.endsOn >= day)

/**
 * The meeting, its group and the viewer's seats on the group, in one prepared query: every
 * meeting page runs it first.
 */
function meetingWithSeats(db: DbOrTx) {
  return prepared(db, 'meeting_access', (name) =>
    db
      .select({
        meeting: meetings,
        group: {
          id: groups.id,
          slug: groups.slug,
          name: groups.name,
          kind: groups.kind,
          confidential: groups.confidential,
          quorum: groups.quorum,
          standardItems: groups.standardItems,
        },
        seats: sql<SeatRow[] | null>`(select json_agg(json_build_object('role', ${memberships.role},
            'startsOn', ${memberships.startsOn}, 'endsOn', ${memberships.endsOn}))
          from ${memberships} join ${people} on ${people.id} = ${memberships.personId}
          where ${memberships.groupId} = ${groups.id} and ${people.userId} = ${sql.placeholder('userId')})`,
      })
      .from(meetings)
      .innerJoin(groups, eq(groups.id, meetings.groupId))
      .where(
        and(
          eq(meetings.id, sql.placeholder('meetingId')),
          eq(meetings.partnershipId, sql.placeholder('partnershipId')),
        ),
      )
      .prepare(name),
  )
}

/** A meeting of the partnership with what the viewer may do to it, or null when it does not exist. */
export async function meetingAccess(
  db: DbOrTx,
  partnershipId: string,
  meetingId: string,
  viewer: MeetingViewer,
  today: string,
): Promise<MeetingAccess | null> {
  if (!isUuid(meetingId)) return null
  // A viewer without an account (an API token) matches no seat: the nil UUID is nobody's.
  const [row] = await meetingWithSeats(db).execute({
    meetingId,
    partnershipId,
    userId: viewer.userId ?? '00000000-0000-0000-0000-000000000000',
  })
  if (!row) return null
  const seats = row.seats ?? []
  const days = [row.meeting.heldOn, today]
  const isMember = seats.some((s) => days.some((d) => covers(s, d)))
  const isChair = seats.some((s) => s.role === 'chair' && days.some((d) => covers(s, d)))
  const businessTeam = isBusinessTeam(viewer.role)
  return {
    meeting: row.meeting,
    group: row.group,
    viewer: { ...viewer, isMember, isChair },
    canEdit: businessTeam,
    canSeeRestricted: businessTeam || isMember,
  }
}

/**
 * The meeting named in the URL (`:meeting`) if the viewer may see it: 404 when it is not the
 * partnership's (or not a meeting), 403 when it is but the viewer may not open it.
 */
export async function meetingFromUrl(
  ctx: AppContext,
  request: FastifyRequest,
  today: string,
): Promise<MeetingAccess> {
  const { meeting: id } = request.params as { meeting: string }
  const viewer = viewerOfRequest(request)
  const access = await meetingAccess(ctx.db, request.partnership!.id, id, viewer, today)
  if (!access) throw notFound()
  if (!canSeeMeeting(viewer, access.group, access.viewer.isMember)) {
    throw forbidden('This meeting is for its group’s members')
  }
  return access
}

/** The meeting from the URL for a change only the business team makes. */
export async function editableMeetingFromUrl(ctx: AppContext, request: FastifyRequest, today: string) {
  const access = await meetingFromUrl(ctx, request, today)
  if (!access.canEdit) throw forbidden()
  return access
}
