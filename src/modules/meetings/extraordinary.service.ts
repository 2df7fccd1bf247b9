import { randomUUID } from 'node:crypto'
import { and, asc, desc, eq, isNull, ne, or, type SQL, sql } from 'drizzle-orm'
import { auditChange, type ChangeContext } from '../../platform/audit/audit.service.ts'
import { partnershipRoles, users } from '../../platform/auth/auth.table.ts'
import type { WorkingCalendar } from '../../platform/calendar/calendar.ts'
import { formatDate } from '../../platform/calendar/dates.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import type { Db, DbOrTx } from '../../platform/db/client.ts'
import { appError, forbidden } from '../../platform/http/errors.ts'
import { sendNotices } from '../../platform/notify/notices.ts'
import type { Outbox } from '../../platform/notify/notify.service.ts'
import type { RuleSet } from '../../platform/rules/rules.definitions.ts'
import { computeDeadline, type Deadline } from '../../platform/rules/rules.service.ts'
import { currentOn, visibleTo } from '../partnership/groups.repository.ts'
import { agencies, groups, memberships, people } from '../partnership/structure.table.ts'
import { inviteesOn } from './invitees.ts'
import {
  type ExtraordinaryRequest,
  extraordinaryRequests,
  extraordinarySupporters,
  meetings,
} from './meetings.table.ts'

// ---------------------------------------------------------------------------------------------
// State: computed from dates and counts, never stored

export type RequestState = 'withdrawn' | 'scheduled' | 'overdue' | 'stands' | 'awaiting_support'

export interface RequestStatus {
  state: RequestState
  /** For a scheduled request: whether the meeting is (or was) held after the deadline. */
  late: boolean
  label: string
  tagClass: string
}

/**
 * Where a request stands: withdrawn; scheduled (a meeting not cancelled, on time or late against
 * the deadline); overdue (no meeting and the deadline has passed); stands (enough partner members
 * support it); awaiting support.
 */
export function requestState(input: {
  withdrawn: boolean
  supporters: number
  needed: number
  meetingOn: string | null
  deadline: string
  today: string
}): RequestStatus {
  if (input.withdrawn)
    return { state: 'withdrawn', late: false, label: 'Withdrawn', tagClass: 'govuk-tag--grey' }
  if (input.meetingOn !== null) {
    const late = input.meetingOn > input.deadline
    return late
      ? { state: 'scheduled', late, label: 'Scheduled: late', tagClass: 'govuk-tag--orange' }
      : { state: 'scheduled', late, label: 'Scheduled: held on time', tagClass: 'govuk-tag--green' }
  }
  if (input.today > input.deadline) {
    return { state: 'overdue', late: true, label: 'Overdue', tagClass: 'govuk-tag--red' }
  }
  if (input.supporters >= input.needed) {
    return { state: 'stands', late: false, label: 'Stands', tagClass: 'govuk-tag--blue' }
  }
  return { state: 'awaiting_support', late: false, label: 'Awaiting support', tagClass: 'govuk-tag--yellow' }
}

/** The date the meeting is due, counted from the day the request was received. */
export const requestDeadline = (rules: RuleSet, receivedOn: string, calendar: WorkingCalendar): Deadline =>
  computeDeadline(rules, 'extraordinaryMeetingWithin', receivedOn, calendar)

// ---------------------------------------------------------------------------------------------
// Reading

export interface RequestRow {
  id: string
  groupId: string
  groupName: string
  requestedById: string
  requestedByName: string
  reasons: string
  receivedOn: string
  withdrawnAt: Date | null
  withdrawnReason: string | null
  supporters: number
  meetingId: string | null
  meetingOn: string | null
}

/** "The user sits on the request's group today" as SQL (any seat, deputies included). */
function sitsOnRequestGroup(userId: string, today: string): SQL {
  return sql`exists (select 1 from ${memberships} join ${people} on ${people.id} = ${memberships.personId}
    where ${memberships.groupId} = ${extraordinaryRequests.groupId} and ${people.userId} = ${userId}
    and ${currentOn(memberships, today)})`
}

function selectRequests(db: DbOrTx) {
  return db
    .select({
      id: extraordinaryRequests.id,
      groupId: extraordinaryRequests.groupId,
      groupName: groups.name,
      requestedById: extraordinaryRequests.requestedById,
      requestedByName: people.name,
      reasons: extraordinaryRequests.reasons,
      receivedOn: extraordinaryRequests.receivedOn,
      withdrawnAt: extraordinaryRequests.withdrawnAt,
      withdrawnReason: extraordinaryRequests.withdrawnReason,
      supporters: sql<number>`(select count(*) from ${extraordinarySupporters}
        where ${extraordinarySupporters.requestId} = ${extraordinaryRequests.id})`.mapWith(Number),
      meetingId: sql<string | null>`(select ${meetings.id}::text from ${meetings}
        where ${meetings.extraordinaryRequestId} = ${extraordinaryRequests.id} and ${meetings.cancelledAt} is null
        order by ${meetings.heldOn} limit 1)`,
      meetingOn: sql<string | null>`(select ${meetings.heldOn}::text from ${meetings}
        where ${meetings.extraordinaryRequestId} = ${extraordinaryRequests.id} and ${meetings.cancelledAt} is null
        order by ${meetings.heldOn} limit 1)`,
    })
    .from(extraordinaryRequests)
    .innerJoin(groups, eq(groups.id, extraordinaryRequests.groupId))
    .innerJoin(people, eq(people.id, extraordinaryRequests.requestedById))
}

/** The requests the viewer may see: all for the business team, else those of groups they sit on. */
export function listRequests(
  db: DbOrTx,
  partnershipId: string,
  viewer: { businessTeam: boolean; userId: string | null },
  today: string,
): Promise<RequestRow[]> {
  const visible = viewer.businessTeam
    ? sql`true`
    : viewer.userId
      ? sitsOnRequestGroup(viewer.userId, today)
      : sql`false`
  return selectRequests(db)
    .where(and(eq(extraordinaryRequests.partnershipId, partnershipId), visible))
    .orderBy(desc(extraordinaryRequests.receivedOn), desc(extraordinaryRequests.createdAt))
}

export async function findRequest(db: DbOrTx, partnershipId: string, id: string): Promise<RequestRow | null> {
  const [row] = await selectRequests(db).where(
    and(eq(extraordinaryRequests.partnershipId, partnershipId), eq(extraordinaryRequests.id, id)),
  )
  return row ?? null
}

/** Who supported a request and when they confirmed. */
export function supportersOf(db: DbOrTx, requestId: string) {
  return db
    .select({
      personId: extraordinarySupporters.personId,
      name: people.name,
      agencyName: agencies.name,
      confirmedAt: extraordinarySupporters.confirmedAt,
    })
    .from(extraordinarySupporters)
    .innerJoin(people, eq(people.id, extraordinarySupporters.personId))
    .leftJoin(agencies, eq(agencies.id, people.agencyId))
    .where(eq(extraordinarySupporters.requestId, requestId))
    .orderBy(asc(extraordinarySupporters.confirmedAt))
}

/** Whether the user holds any seat on the group on `day` (deputies included): they see its requests. */
export async function sitsOnGroup(db: DbOrTx, groupId: string, userId: string, day: string) {
  const [row] = await db
    .select({ id: memberships.id })
    .from(memberships)
    .innerJoin(people, eq(people.id, memberships.personId))
    .where(and(eq(memberships.groupId, groupId), eq(people.userId, userId), currentOn(memberships, day)))
    .limit(1)
  return row !== undefined
}

const openOn = (today: string) => or(isNull(groups.closedOn), sql`${groups.closedOn} > ${today}`)!

/** The open groups on which the user holds a member's seat today (not as a designated deputy). */
export function groupsSatOn(db: DbOrTx, partnershipId: string, userId: string, today: string) {
  return db
    .selectDistinct({ id: groups.id, name: groups.name })
    .from(memberships)
    .innerJoin(people, eq(people.id, memberships.personId))
    .innerJoin(groups, eq(groups.id, memberships.groupId))
    .where(
      and(
        eq(people.userId, userId),
        eq(people.partnershipId, partnershipId),
        ne(memberships.role, 'deputy'),
        currentOn(memberships, today),
        visibleTo(partnershipId),
        openOn(today),
      ),
    )
    .orderBy(asc(groups.name))
}

/** The partnership's open groups, for the business team's choice. */
export function openGroups(db: DbOrTx, partnershipId: string, today: string) {
  return db
    .select({ id: groups.id, name: groups.name })
    .from(groups)
    .where(and(visibleTo(partnershipId), openOn(today)))
    .orderBy(asc(groups.name))
}

/** The partnership's people holding a member's seat on an open group today: who may ask for a meeting. */
export function possibleRequesters(db: DbOrTx, partnershipId: string, today: string) {
  return db
    .selectDistinct({ id: people.id, name: people.name, agencyName: agencies.name })
    .from(memberships)
    .innerJoin(people, eq(people.id, memberships.personId))
    .leftJoin(agencies, eq(agencies.id, people.agencyId))
    .where(
      and(
        eq(people.partnershipId, partnershipId),
        ne(memberships.role, 'deputy'),
        currentOn(memberships, today),
      ),
    )
    .orderBy(asc(people.name), asc(people.id))
}

/** The user's person in the partnership's directory, if they have one. */
export async function personOfUser(db: DbOrTx, partnershipId: string, userId: string) {
  const [row] = await db
    .select({ id: people.id, name: people.name })
    .from(people)
    .where(and(eq(people.partnershipId, partnershipId), eq(people.userId, userId)))
    .limit(1)
  return row ?? null
}

// ---------------------------------------------------------------------------------------------
// Changes

/** The partnership's active business team accounts: they hear of every request. */
async function businessTeamNotices(
  tx: DbOrTx,
  partnershipId: string,
  subject: string,
  text: (name: string) => string,
) {
  const team = await tx
    .select({ userId: users.id, email: users.email, name: users.name })
    .from(partnershipRoles)
    .innerJoin(users, eq(users.id, partnershipRoles.userId))
    .where(
      and(
        eq(partnershipRoles.partnershipId, partnershipId),
        eq(partnershipRoles.role, 'business_team'),
        isNull(partnershipRoles.deactivatedAt),
        isNull(users.deactivatedAt),
      ),
    )
    .orderBy(asc(users.email))
  return team.map((t) => ({ partnershipId, to: t.email, userId: t.userId, subject, text: text(t.name) }))
}

export interface NewRequest {
  groupId: string
  requestedById: string
  reasons: string
  receivedOn: string
  /** The request's page, absolute, for the business team's e-mail; given the new id. */
  link: (id: string) => string
}

export type RequestProblems = Partial<Record<'groupId' | 'requestedById' | 'receivedOn', string>>

/**
 * Records a member's request for an extraordinary meeting of a group they sit on, and tells the
 * business team. The request's date is the day it was received, never in the future.
 */
export async function createRequest(
  db: Db,
  outbox: Outbox,
  change: ChangeContext,
  input: NewRequest,
): Promise<{ ok: true; request: ExtraordinaryRequest } | { ok: false; problems: RequestProblems }> {
  const today = londonDate(change.now)
  if (input.receivedOn > today) {
    return { ok: false, problems: { receivedOn: 'The date received must be today or in the past' } }
  }
  return db.transaction(async (tx) => {
    const [group] = await tx
      .select({ id: groups.id, name: groups.name })
      .from(groups)
      .where(and(eq(groups.id, input.groupId), visibleTo(change.partnershipId)))
    if (!group) return { ok: false, problems: { groupId: 'Choose a group from the list' } }
    const invitees = await inviteesOn(tx, group.id, input.receivedOn)
    const requester = invitees.find((i) => i.personId === input.requestedById)
    if (!requester) {
      return {
        ok: false,
        problems: {
          requestedById: `The member must sit on ${group.name} on the day the request was received`,
        },
      }
    }
    const [request] = await tx
      .insert(extraordinaryRequests)
      .values({
        id: randomUUID(),
        partnershipId: change.partnershipId,
        groupId: group.id,
        requestedById: requester.personId,
        reasons: input.reasons,
        receivedOn: input.receivedOn,
        createdAt: change.now,
      })
      .returning()
    await auditChange(tx, change, { type: 'extraordinary_request', id: request!.id }, 'create', null, {
      groupId: group.id,
      requestedById: requester.personId,
      reasons: input.reasons,
      receivedOn: input.receivedOn,
    })
    const notices = await businessTeamNotices(
      tx,
      change.partnershipId,
      `Request for an extraordinary meeting of ${group.name}`,
      (name) =>
        [
          `Dear ${name},`,
          '',
          `${requester.name} has asked for an extraordinary meeting of ${group.name} (received ${formatDate(input.receivedOn)}).`,
          'It stands once enough partner members support it. See the reasons and the deadline:',
          input.link(request!.id),
        ].join('\n'),
    )
    await sendNotices(tx, outbox, notices, change.now)
    return { ok: true, request: request! }
  })
}

/**
 * A partner member's support: a current member of the request's group whose seat is for a
 * safeguarding partner. Supporting twice changes nothing. When the request comes to stand the
 * business team is told.
 */
export async function supportRequest(
  db: Db,
  outbox: Outbox,
  change: ChangeContext & { actorId: string },
  input: { requestId: string; needed: number; link: string },
): Promise<'supported' | 'already'> {
  const today = londonDate(change.now)
  return db.transaction(async (tx) => {
    // One support at a time per request, so exactly one of them sees it come to stand.
    const [request] = await tx
      .select()
      .from(extraordinaryRequests)
      .where(
        and(
          eq(extraordinaryRequests.id, input.requestId),
          eq(extraordinaryRequests.partnershipId, change.partnershipId),
        ),
      )
      .for('update')
    if (!request) throw appError('not_found', 'Page not found', 404)
    if (request.withdrawnAt) throw appError('withdrawn', 'This request has been withdrawn', 409)
    const seat = await partnerSeat(tx, request.groupId, change.actorId, today)
    if (!seat) throw forbidden(notPartnerMessage)
    const inserted = await tx
      .insert(extraordinarySupporters)
      .values({
        requestId: request.id,
        personId: seat.personId,
        partnershipId: change.partnershipId,
        confirmedAt: change.now,
      })
      .onConflictDoNothing()
      .returning()
    if (inserted.length === 0) return 'already'
    await auditChange(tx, change, { type: 'extraordinary_request', id: request.id }, 'support', null, {
      personId: seat.personId,
      agencyId: seat.agencyId,
    })
    const [{ count } = { count: 0 }] = await tx
      .select({ count: sql<number>`count(*)`.mapWith(Number) })
      .from(extraordinarySupporters)
      .where(eq(extraordinarySupporters.requestId, request.id))
    if (count === input.needed) {
      const [group] = await tx
        .select({ name: groups.name })
        .from(groups)
        .where(eq(groups.id, request.groupId))
      const notices = await businessTeamNotices(
        tx,
        change.partnershipId,
        `Request for an extraordinary meeting of ${group?.name ?? 'a group'} now stands`,
        (name) =>
          [
            `Dear ${name},`,
            '',
            `The request for an extraordinary meeting of ${group?.name ?? 'a group'} received on ${formatDate(request.receivedOn)} now has ${count} supporting partner members and stands.`,
            'Schedule the meeting before its deadline:',
            input.link,
          ].join('\n'),
      )
      await sendNotices(tx, outbox, notices, change.now)
    }
    return 'supported'
  })
}

export const notPartnerMessage =
  'Only a partner member of the group can support this request: a member whose seat is for the local authority, the police or health'

/** The user's seat on the group today that is for a safeguarding partner, if any. */
export async function partnerSeat(db: DbOrTx, groupId: string, userId: string, today: string) {
  const invitees = await inviteesOn(db, groupId, today)
  return invitees.find((i) => i.userId === userId && i.partnerAgency) ?? null
}

/** The business team withdraws a request, with the reason. */
export async function withdrawRequest(
  db: Db,
  change: ChangeContext,
  input: { requestId: string; reason: string },
): Promise<void> {
  await db.transaction(async (tx) => {
    const [request] = await tx
      .select()
      .from(extraordinaryRequests)
      .where(
        and(
          eq(extraordinaryRequests.id, input.requestId),
          eq(extraordinaryRequests.partnershipId, change.partnershipId),
        ),
      )
      .for('update')
    if (!request) throw appError('not_found', 'Page not found', 404)
    if (request.withdrawnAt) throw appError('withdrawn', 'This request has already been withdrawn', 409)
    await tx
      .update(extraordinaryRequests)
      .set({ withdrawnAt: change.now, withdrawnReason: input.reason })
      .where(eq(extraordinaryRequests.id, request.id))
    await auditChange(
      tx,
      change,
      { type: 'extraordinary_request', id: request.id },
      'withdraw',
      { withdrawnAt: null, withdrawnReason: null },
      { withdrawnAt: change.now.toISOString(), withdrawnReason: input.reason },
    )
  })
}
