import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { Db } from '../../platform/db/client.ts'
import { attendance } from '../meetings/attendance.table.ts'
import {
  buildMeetingWorld,
  insertGroup,
  insertMeeting,
  type MeetingWorld,
} from '../meetings/meetings.fixtures.ts'
import type { Meeting } from '../meetings/meetings.table.ts'
import { minutes } from '../meetings/minutes.table.ts'
import { papers } from '../meetings/papers.table.ts'
import type { Group } from '../partnership/structure.table.ts'
import { insertAction, insertIssue } from './actions.fixtures.ts'
import { type Action, actionResponses, actions as actionsTable } from './actions.table.ts'
import { attendanceFlags, complianceFailures, escalationLetters } from './compliance.table.ts'

/**
 * A small partnership with known figures for the dashboard tests (today is 2 March 2026, so the
 * default period runs from 3 March 2025). Every number the tests expect follows from the rows
 * here; the comments say how.
 */
export interface DashboardWorld extends MeetingWorld {
  secret: Group
  meetings: Record<'m1' | 'm2' | 'old' | 'cancelled' | 'june' | 'may' | 'recent' | 'secret', Meeting>
  actions: Record<'a1' | 'a2' | 'a3' | 'a4' | 'a5' | 'a6' | 'a7' | 'a8' | 'a9' | 'a10', Action>
  letters: { sent: string; draft: string; old: string }
}

export async function buildDashboardWorld(db: Db): Promise<DashboardWorld> {
  const world = await buildMeetingWorld(db)
  const p = world.partnership.id
  const { council, police, health, school } = world.agencies
  // A confidential group that no account in the world sits on.
  const secret = await insertGroup(db, p, { confidential: true, name: 'Practice Review Panel' })
  const meeting = (heldOn: string, extra: Partial<Meeting> = {}, groupId = world.group.id) =>
    insertMeeting(db, { partnershipId: p, groupId, heldOn, ...extra })
  const meetings = {
    m1: await meeting('2026-01-12'),
    m2: await meeting('2026-02-09'),
    old: await meeting('2024-06-10'),
    cancelled: await meeting('2026-02-16', { cancelledAt: new Date('2026-02-01T10:00:00Z') }),
    june: await meeting('2025-06-16'),
    may: await meeting('2025-05-12'),
    recent: await meeting('2026-02-25'),
    secret: await meeting('2026-01-20', {}, secret.id),
  }

  // Actions. M1's matrix issued Wed 14 Jan 2026, due Wed 28 Jan (10 working days).
  const action = (ownerAgencyId: string, extra: Partial<Action> = {}, groupId = world.group.id) =>
    insertAction(db, { partnershipId: p, groupId, ownerAgencyId, ...extra })
  const m1 = { meetingId: meetings.m1.id }
  const actions = {
    a1: await action(police.id, m1), // unanswered: overdue
    a2: await action(police.id, { ...m1, closedAt: new Date('2026-02-01T10:00:00Z'), closedReason: 'Done' }),
    a3: await action(health.id, m1), // answered Tue 20 Jan: 4 working days, 6 calendar, on time
    a4: await action(council.id, m1), // answered Tue 3 Feb: 14 working days, 20 calendar, late
    a5: await action(police.id, m1), // answered Tue 27 Jan: 9 working days, 13 calendar, on time
    a6: await action(school.id, { meetingId: meetings.m2.id }), // M2's, due 25 Feb, unanswered: overdue
    a7: await action(police.id, { meetingId: meetings.m2.id }), // extended to 10 March: not yet overdue
    a8: await action(police.id), // never issued
    a9: await action(police.id, { meetingId: meetings.old.id }), // due 24 June 2024, unanswered: before the period
    a10: await action(police.id, { meetingId: meetings.secret.id }, secret.id), // confidential group, overdue
  }
  await insertIssue(db, {
    partnershipId: p,
    meetingId: meetings.m1.id,
    issuedOn: '2026-01-14',
    dueOn: '2026-01-28',
    actionIds: [actions.a1.id, actions.a2.id, actions.a3.id, actions.a4.id, actions.a5.id],
  })
  await insertIssue(db, {
    partnershipId: p,
    meetingId: meetings.m2.id,
    issuedOn: '2026-02-11',
    dueOn: '2026-02-25',
    actionIds: [actions.a6.id, actions.a7.id],
  })
  await insertIssue(db, {
    partnershipId: p,
    meetingId: meetings.old.id,
    issuedOn: '2024-06-10',
    dueOn: '2024-06-24',
    actionIds: [actions.a9.id],
  })
  await insertIssue(db, {
    partnershipId: p,
    meetingId: meetings.secret.id,
    issuedOn: '2026-02-11',
    dueOn: '2026-02-25',
    actionIds: [actions.a10.id],
  })
  await db.update(actionsTable).set({ dueOn: '2026-03-10' }).where(eq(actionsTable.id, actions.a7.id))

  const response = (a: Action, respondedOn: string, dueOn: string) => ({
    id: randomUUID(),
    partnershipId: p,
    actionId: a.id,
    text: 'Done',
    respondedOn,
    respondedAt: new Date(`${respondedOn}T11:00:00Z`),
    dueOn,
  })
  await db.insert(actionResponses).values([
    response(actions.a3, '2026-01-20', '2026-01-28'),
    response(actions.a4, '2026-02-03', '2026-01-28'),
    response(actions.a5, '2026-01-27', '2026-01-28'),
    // A second answer does not change when the first came.
    response(actions.a5, '2026-02-10', '2026-01-28'),
  ])

  // Letters: one sent in the period (listing A4's failure), a draft made today, one sent in 2024.
  const letter = (agencyId: string, sentOn: string | null, createdAt: Date) => ({
    id: randomUUID(),
    partnershipId: p,
    agencyId,
    addresseeName: 'Chief Executive',
    subject: `Responses to actions (${sentOn ?? 'draft'})`,
    body: 'Dear Chief Executive',
    senderName: 'Business Manager',
    sentOn,
    sentAt: sentOn ? new Date(`${sentOn}T12:00:00Z`) : null,
    createdAt,
  })
  const letters = [
    letter(council.id, '2026-02-15', new Date('2026-02-14T10:00:00Z')),
    letter(police.id, null, new Date('2026-03-02T09:00:00Z')),
    letter(police.id, '2024-07-20', new Date('2024-07-19T10:00:00Z')),
  ]
  await db.insert(escalationLetters).values(letters)

  const failure = (
    a: Action,
    agencyId: string,
    dueOn: string,
    respondedOn: string | null,
    letterId?: string,
  ) => ({
    id: randomUUID(),
    partnershipId: p,
    agencyId,
    actionId: a.id,
    dueOn,
    kind: respondedOn ? ('late' as const) : ('unanswered' as const),
    respondedOn,
    letterId: letterId ?? null,
  })
  await db
    .insert(complianceFailures)
    .values([
      failure(actions.a1, police.id, '2026-01-28', null),
      failure(actions.a4, council.id, '2026-01-28', '2026-02-03', letters[0]!.id),
      failure(actions.a6, school.id, '2026-02-25', null),
      failure(actions.a10, police.id, '2026-02-25', null),
      failure(actions.a9, police.id, '2024-06-24', null),
    ])

  // Papers (7 calendar days before, or the working day before that).
  const paper = (m: Meeting, firstCirculatedAt: string | null, withdrawn = false) => ({
    id: randomUUID(),
    partnershipId: p,
    meetingId: m.id,
    title: 'Report',
    firstCirculatedAt: firstCirculatedAt ? new Date(firstCirculatedAt) : null,
    withdrawnAt: withdrawn ? new Date('2026-02-05T10:00:00Z') : null,
  })
  await db.insert(papers).values([
    // M1 (12 Jan 2026): due Mon 5 Jan. On time at 16:30 and at 23:30 (GMT), late on the 6th.
    paper(meetings.m1, '2026-01-05T16:30:00Z'),
    paper(meetings.m1, '2026-01-05T23:30:00Z'),
    paper(meetings.m1, '2026-01-06T09:00:00Z'),
    // M2 (9 Feb 2026): due Mon 2 Feb. One on time, one never circulated (late), one withdrawn.
    paper(meetings.m2, '2026-02-02T10:00:00Z'),
    paper(meetings.m2, null),
    paper(meetings.m2, '2026-02-06T10:00:00Z', true),
    // June 2025 (16 June): due Mon 9 June. 23:30 UTC on the 9th is 00:30 on the 10th in London: late.
    paper(meetings.june, '2025-06-08T10:00:00Z'),
    paper(meetings.june, '2025-06-09T23:30:00Z'),
    // May 2025 (12 May): 7 days before is the Early May bank holiday, so due Fri 2 May.
    paper(meetings.may, '2025-05-02T15:00:00Z'),
    paper(meetings.may, '2025-05-03T10:00:00Z'),
    // A cancelled meeting's papers count for nothing.
    paper(meetings.cancelled, '2026-02-15T10:00:00Z'),
    // The recent meeting (25 Feb): due Wed 18 Feb, on time.
    paper(meetings.recent, '2026-02-17T10:00:00Z'),
  ])

  // Minutes (draft to the chair within 10 working days).
  const minute = (m: Meeting, sentToChairAt: string | null) => ({
    id: randomUUID(),
    partnershipId: p,
    meetingId: m.id,
    status: sentToChairAt ? ('with_chair' as const) : ('drafting' as const),
    sentToChairAt: sentToChairAt ? new Date(sentToChairAt) : null,
  })
  await db.insert(minutes).values([
    minute(meetings.m1, '2026-01-20T15:00:00Z'), // due 26 Jan: on time
    minute(meetings.m2, null), // due 23 Feb, not sent: overdue
    minute(meetings.june, '2025-07-02T15:00:00Z'), // due 30 June: late by 2 working days
    // Due Tue 27 May 2025 (the Spring bank holiday on the 26th is skipped): on time.
    minute(meetings.may, '2025-05-27T15:00:00Z'),
    // The recent meeting's minutes are due 11 March: not counted yet.
    minute(meetings.recent, null),
  ])
  // The confidential group's meeting has no minutes at all: overdue (due 3 Feb).

  // Attendance: M1 4 recorded, 2 filled; M2 4 recorded, 3 filled (and one seat with only an intent).
  const seat = (
    m: Meeting,
    s: keyof MeetingWorld['seats'],
    outcome: 'present' | 'deputy' | 'apologies' | 'absent' | null,
  ) => ({
    id: randomUUID(),
    partnershipId: p,
    meetingId: m.id,
    membershipId: world.seats[s].id,
    personId: world.seats[s].personId,
    outcome,
    intent: outcome === null ? ('apologies' as const) : null,
  })
  await db.insert(attendance).values([
    seat(meetings.m1, 'chair', 'present'),
    seat(meetings.m1, 'police', 'deputy'),
    seat(meetings.m1, 'health', 'apologies'),
    seat(meetings.m1, 'head', 'absent'),
    seat(meetings.m2, 'chair', 'present'),
    seat(meetings.m2, 'police', 'present'),
    seat(meetings.m2, 'health', 'present'),
    seat(meetings.m2, 'head', 'apologies'),
    seat(meetings.recent, 'deputy', null),
    // Before the period.
    seat(meetings.old, 'head', 'absent'),
  ])

  // Flags: the head teacher's seat (open) and the health seat (closed).
  const flag = (s: 'head' | 'health', m: Meeting, closed: boolean) => ({
    id: randomUUID(),
    partnershipId: p,
    groupId: world.group.id,
    membershipId: world.seats[s].id,
    personId: world.seats[s].personId,
    meetingId: m.id,
    raisedOn: '2026-02-10',
    closedAt: closed ? new Date('2026-02-20T10:00:00Z') : null,
    closedReason: closed ? 'Attended since' : null,
  })
  await db
    .insert(attendanceFlags)
    .values([flag('head', meetings.m2, false), flag('health', meetings.m1, true)])

  return {
    ...world,
    secret,
    meetings,
    actions,
    letters: { sent: letters[0]!.id, draft: letters[1]!.id, old: letters[2]!.id },
  }
}
