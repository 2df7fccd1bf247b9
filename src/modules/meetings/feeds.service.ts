import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { and, asc, desc, eq, gte, inArray, isNull, sql } from 'drizzle-orm'
import { auditChange, type ChangeContext } from '../../platform/audit/audit.service.ts'
import { addMonths } from '../../platform/calendar/dates.ts'
import type { Db, DbOrTx } from '../../platform/db/client.ts'
import { londonDay } from '../partnership/agencies.problems.ts'
import { partnerships } from '../partnership/partnership.table.ts'
import { groups, memberships, people } from '../partnership/structure.table.ts'
import { type IcalMeeting, meetingsCalendar } from './ical.ts'
import { meetingPath } from './meetings.labels.ts'
import { type CalendarFeed, calendarFeeds, meetings } from './meetings.table.ts'

// A person's calendar feed: a secret address any calendar app can subscribe to. Only the
// token's SHA-256 is kept, so the address is shown once, when it is made; replacing it or
// turning it off stops the old address working.

export const hashFeedToken = (token: string) => createHash('sha256').update(token).digest('hex')

/** 32 random bytes, base64url: the secret part of the feed's address. */
export const newFeedToken = () => randomBytes(32).toString('base64url')

export const feedPath = (token: string) => `/calendar/${token}.ics`

/** How far back a feed goes: a year of past meetings, then everything ahead. */
export const FEED_MONTHS_BACK = 12

/** The directory entry of the signed-in person in this partnership, or null when their account is not linked to one. */
export async function personOfUser(db: DbOrTx, partnershipId: string, userId: string) {
  const [row] = await db
    .select({ id: people.id, name: people.name })
    .from(people)
    .where(and(eq(people.partnershipId, partnershipId), eq(people.userId, userId)))
    .orderBy(asc(people.createdAt))
    .limit(1)
  return row ?? null
}

/** The person's feed that works, or null. */
export async function activeFeed(
  db: DbOrTx,
  partnershipId: string,
  personId: string,
): Promise<CalendarFeed | null> {
  const [row] = await db
    .select()
    .from(calendarFeeds)
    .where(
      and(
        eq(calendarFeeds.partnershipId, partnershipId),
        eq(calendarFeeds.personId, personId),
        isNull(calendarFeeds.revokedAt),
      ),
    )
    .orderBy(desc(calendarFeeds.createdAt))
    .limit(1)
  return row ?? null
}

async function revokeAll(tx: DbOrTx, change: ChangeContext, personId: string, reason: 'revoke' | 'replace') {
  const revoked = await tx
    .update(calendarFeeds)
    .set({ revokedAt: change.now })
    .where(
      and(
        eq(calendarFeeds.partnershipId, change.partnershipId),
        eq(calendarFeeds.personId, personId),
        isNull(calendarFeeds.revokedAt),
      ),
    )
    .returning({ id: calendarFeeds.id })
  for (const feed of revoked) {
    await auditChange(tx, change, { type: 'calendar_feed', id: feed.id }, 'revoke', null, {
      personId,
      reason,
    })
  }
  return revoked.length
}

/**
 * Makes the person a new feed, turning off any they had (so "replace" is the same command).
 * Returns the token: the only time it exists outside the person's calendar app.
 */
export async function createFeed(
  db: Db,
  input: { change: ChangeContext; personId: string },
): Promise<{ feed: CalendarFeed; token: string; replaced: number }> {
  const { change, personId } = input
  const token = newFeedToken()
  return db.transaction(async (tx) => {
    const replaced = await revokeAll(tx, change, personId, 'replace')
    const [feed] = await tx
      .insert(calendarFeeds)
      .values({
        id: randomUUID(),
        partnershipId: change.partnershipId,
        personId,
        tokenHash: hashFeedToken(token),
        createdById: change.actorId,
        createdAt: change.now,
      })
      .returning()
    if (!feed) throw new Error('Inserting a calendar feed returned no row')
    // The token is a password: the audit entry records that a feed exists, never its address.
    await auditChange(tx, change, { type: 'calendar_feed', id: feed.id }, 'create', null, {
      personId,
      replaced,
    })
    return { feed, token, replaced }
  })
}

/** Turns off the person's feed: its address stops working. The row is kept for the audit trail. */
export async function revokeFeed(
  db: Db,
  input: { change: ChangeContext; personId: string },
): Promise<number> {
  return db.transaction((tx) => revokeAll(tx, input.change, input.personId, 'revoke'))
}

/**
 * The feed's calendar: every meeting of every group where the person held a seat on the meeting's
 * day, from twelve months ago onwards, cancelled ones marked so. Null for an unknown or revoked
 * token. Records when the feed was last read.
 */
export async function feedCalendar(
  db: DbOrTx,
  input: { token: string; now: Date; publicUrl: string },
): Promise<string | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(input.token)) return null
  const [feed] = await db
    .update(calendarFeeds)
    .set({ lastUsedAt: input.now })
    .where(and(eq(calendarFeeds.tokenHash, hashFeedToken(input.token)), isNull(calendarFeeds.revokedAt)))
    .returning({ partnershipId: calendarFeeds.partnershipId, personId: calendarFeeds.personId })
  if (!feed) return null
  const from = addMonths(londonDay(input.now), -FEED_MONTHS_BACK)
  const rows = await db
    .select({ meeting: meetings, groupName: groups.name, slug: partnerships.slug })
    .from(meetings)
    .innerJoin(groups, eq(groups.id, meetings.groupId))
    .innerJoin(partnerships, eq(partnerships.id, meetings.partnershipId))
    .where(
      and(
        // The groups first (so the meetings come from their index), then the seat on the day.
        inArray(
          meetings.groupId,
          db
            .select({ groupId: memberships.groupId })
            .from(memberships)
            .where(
              and(eq(memberships.partnershipId, feed.partnershipId), eq(memberships.personId, feed.personId)),
            ),
        ),
        gte(meetings.heldOn, from),
        sql`exists (select 1 from ${memberships} where ${memberships.groupId} = ${meetings.groupId}
          and ${memberships.personId} = ${feed.personId} and ${memberships.partnershipId} = ${feed.partnershipId}
          and ${memberships.startsOn} <= ${meetings.heldOn}
          and (${memberships.endsOn} is null or ${memberships.endsOn} >= ${meetings.heldOn}))`,
      ),
    )
    .orderBy(asc(meetings.startsAt), asc(meetings.id))
  const events: IcalMeeting[] = rows.map((r) => ({
    ...r.meeting,
    groupName: r.groupName,
    url: `${input.publicUrl}${meetingPath(r.slug, r.meeting.id)}`,
  }))
  const [partnership] = await db
    .select({ shortName: partnerships.shortName })
    .from(partnerships)
    .where(eq(partnerships.id, feed.partnershipId))
  return meetingsCalendar(events, { name: `${partnership?.shortName ?? 'MASA'} meetings`, now: input.now })
}
