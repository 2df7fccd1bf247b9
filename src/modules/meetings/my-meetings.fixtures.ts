import { randomUUID } from 'node:crypto'
import type { Db } from '../../platform/db/client.ts'
import { attendance } from './attendance.table.ts'
import { buildMeetingWorld, insertMeeting, NOW } from './meetings.fixtures.ts'
import { extraordinaryRequests, extraordinarySupporters, type Meeting } from './meetings.table.ts'
import { minutes } from './minutes.table.ts'
import { papers } from './papers.table.ts'

// A member's page in a small partnership (TODAY is Monday 2 March 2026): meetings next week, in
// April and in July, a cancelled one, a past one with minutes with the chair, papers circulated,
// not circulated and withdrawn, apologies already sent by the police member, and requests for an
// extraordinary meeting (awaiting support, withdrawn, already called).

/** Rows for a member's page: meetings over the next months, papers, apologies, minutes and requests. */
export async function buildMyMeetingsWorld(db: Db) {
  const world = await buildMeetingWorld(db)
  const p = world.partnership.id
  const at = (heldOn: string, extra: Partial<Meeting> = {}) =>
    insertMeeting(db, { partnershipId: p, groupId: world.group.id, heldOn, ...extra })
  const soon = await at('2026-03-10')
  const later = await at('2026-04-20')
  const farOff = await at('2026-07-01')
  const cancelled = await at('2026-03-12', { cancelledAt: NOW, cancelledReason: 'Clash' })
  const past = await at('2026-02-02')
  const paper = (meetingId: string, title: string, extra: Partial<typeof papers.$inferInsert> = {}) =>
    db.insert(papers).values({ id: randomUUID(), partnershipId: p, meetingId, title, ...extra })
  await paper(soon.id, 'Performance report', { firstCirculatedAt: new Date('2026-02-27T09:00:00Z') })
  await paper(later.id, 'Case review summary', {
    restricted: true,
    firstCirculatedAt: new Date('2026-03-01T09:00:00Z'),
  })
  await paper(soon.id, 'Draft budget (not circulated)')
  await paper(soon.id, 'Withdrawn paper', {
    firstCirculatedAt: new Date('2026-02-27T09:00:00Z'),
    withdrawnAt: NOW,
    withdrawnReason: 'Superseded',
  })
  await paper(farOff.id, 'Far-off paper', { firstCirculatedAt: new Date('2026-02-27T09:00:00Z') })
  await paper(cancelled.id, 'Cancelled meeting paper', {
    firstCirculatedAt: new Date('2026-02-27T09:00:00Z'),
  })
  // The police member has already sent apologies for the meeting next week.
  await db.insert(attendance).values({
    id: randomUUID(),
    partnershipId: p,
    meetingId: soon.id,
    membershipId: world.seats.police.id,
    personId: world.people.police.id,
    intent: 'apologies',
    intentAt: NOW,
  })
  await db.insert(minutes).values({
    id: randomUUID(),
    partnershipId: p,
    meetingId: past.id,
    status: 'with_chair',
    sentToChairAt: new Date('2026-02-12T10:00:00Z'),
  })
  const request = (reasons: string, extra: Partial<typeof extraordinaryRequests.$inferInsert> = {}) =>
    db
      .insert(extraordinaryRequests)
      .values({
        id: randomUUID(),
        partnershipId: p,
        groupId: world.group.id,
        requestedById: world.people.head.id,
        reasons,
        receivedOn: '2026-02-27',
        ...extra,
      })
      .returning()
      .then((rows) => rows[0]!)
  const waiting = await request('A serious incident needs the group’s view')
  await db.insert(extraordinarySupporters).values({
    requestId: waiting.id,
    personId: world.people.police.id,
    partnershipId: p,
    confirmedAt: NOW,
  })
  await request('Withdrawn request', { withdrawnAt: NOW, withdrawnReason: 'Resolved' })
  const called = await request('Request already called')
  const extra = await at('2026-03-20', { kind: 'extraordinary', extraordinaryRequestId: called.id })
  return { world, meetings: { soon, later, farOff, cancelled, past, extra }, requests: { waiting, called } }
}

export type MyMeetingsWorld = Awaited<ReturnType<typeof buildMyMeetingsWorld>>
