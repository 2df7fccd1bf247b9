import { randomUUID } from 'node:crypto'
import { and, eq, like } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../../platform/db/client.ts'
import { createOutbox } from '../../platform/notify/notify.service.ts'
import { outbox, sentReminders } from '../../platform/notify/notify.table.ts'
import { ruleSettings } from '../../platform/rules/rules.table.ts'
import { buildMeetingWorld, type MeetingWorld, NOW, TODAY } from '../meetings/meetings.fixtures.ts'
import type { Meeting } from '../meetings/meetings.table.ts'
import { complianceMeeting, insertFailure } from './compliance.fixtures.ts'
import { agencyCompliance, lettersDue, notifyLettersDue, promptText } from './compliance.service.ts'
import { attendanceFlags, complianceFailures, escalationLetters } from './compliance.table.ts'

// TODAY is Monday 2 March 2026: with the default 12-month window, failures due on or after
// 2 March 2025 count, and 2 of them call for a letter.

describe('when an escalation letter is due', () => {
  let database: Database
  let world: MeetingWorld
  let other: MeetingWorld
  let meeting: Meeting
  const police = () => world.agencies.police.id
  const dueFor = async (agencyId: string) =>
    (await lettersDue(database.db, world.partnership.id, TODAY)).find((d) => d.agencyId === agencyId)
  const setRule = (key: string, value: number) =>
    database.db.insert(ruleSettings).values({ partnershipId: world.partnership.id, key, value })
  const clearRule = (key: string) =>
    database.db
      .delete(ruleSettings)
      .where(and(eq(ruleSettings.partnershipId, world.partnership.id), eq(ruleSettings.key, key)))
  const prompts = () =>
    database.db.select().from(outbox).where(like(outbox.subject, 'Escalation letter due:%'))

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
    other = await buildMeetingWorld(database.db)
    meeting = await complianceMeeting(database.db, world, '2025-01-06')
  })

  afterAll(async () => {
    await database.close()
  })

  it('does not count a failure older than the window, nor a first one inside it', async () => {
    await insertFailure(database.db, world, meeting, { dueOn: '2025-02-10', respondedOn: '2025-02-20' })
    await insertFailure(database.db, world, meeting, { dueOn: '2025-09-01', respondedOn: '2025-09-05' })
    expect(await dueFor(police())).toBeUndefined()
    const compliance = await agencyCompliance(database.db, world.partnership.id, police(), TODAY)
    expect(compliance.letterDue).toBe(false)
    expect(compliance.prompt).toBeNull()
    expect(compliance.since).toBe('2025-03-02')
    expect(compliance.failures.map((f) => [f.dueOn, f.inWindow, f.pending])).toEqual([
      ['2025-09-01', true, true],
      ['2025-02-10', false, false],
    ])
  })

  it('prompts for a letter at the second failure in the window', async () => {
    await insertFailure(database.db, world, meeting, { dueOn: '2026-01-12', respondedOn: '2026-01-20' })
    const due = await dueFor(police())
    expect(due).toMatchObject({
      count: 2,
      since: '2025-09-01',
      allLate: true,
      threshold: 2,
      windowMonths: 12,
    })
    expect(due!.prompt).toBe(
      'Testshire Police has responded late twice since 1 September 2025: issue an escalation letter',
    )
    const compliance = await agencyCompliance(database.db, world.partnership.id, police(), TODAY)
    expect(compliance.letterDue).toBe(true)
    expect(compliance.prompt).toBe(due!.prompt)
    expect(compliance.pending).toHaveLength(2)
  })

  it('says "not responded on time" when a failure is still unanswered', async () => {
    await insertFailure(database.db, world, meeting, {
      dueOn: '2026-02-02',
      agencyId: world.agencies.health.id,
    })
    expect(await dueFor(world.agencies.health.id)).toBeUndefined()
    await insertFailure(database.db, world, meeting, {
      dueOn: '2026-02-16',
      agencyId: world.agencies.health.id,
      respondedOn: '2026-02-18',
    })
    expect((await dueFor(world.agencies.health.id))?.prompt).toBe(
      'Testshire Integrated Care Board has not responded on time twice since 2 February 2026: issue an escalation letter',
    )
    expect(promptText({ agencyName: 'X', count: 3, since: '2026-01-01', allLate: true })).toContain('3 times')
  })

  it('follows the partnership’s own rules', async () => {
    await setRule('lateResponsesBeforeEscalation', 3)
    expect(await dueFor(police())).toBeUndefined()
    expect((await agencyCompliance(database.db, world.partnership.id, police(), TODAY)).letterDue).toBe(false)
    // A 24-month window brings the February 2025 failure in: three.
    await setRule('escalationWindow', 24)
    expect(await dueFor(police())).toMatchObject({ count: 3, since: '2025-02-10' })
    await clearRule('lateResponsesBeforeEscalation')
    await clearRule('escalationWindow')
    expect(await dueFor(police())).toMatchObject({ count: 2 })
  })

  it('stops prompting once a letter listing the failures is sent, not while it is a draft', async () => {
    const letterId = randomUUID()
    await database.db.insert(escalationLetters).values({
      id: letterId,
      partnershipId: world.partnership.id,
      agencyId: police(),
      addresseeName: 'Chief Constable',
      subject: 'Responses',
      body: 'Body',
      senderName: 'Bea',
    })
    await database.db
      .update(complianceFailures)
      .set({ letterId })
      .where(eq(complianceFailures.agencyId, police()))
    expect(await dueFor(police())).toMatchObject({ count: 2, draftLetterId: letterId })
    await database.db
      .update(escalationLetters)
      .set({ sentOn: TODAY })
      .where(eq(escalationLetters.id, letterId))
    expect(await dueFor(police())).toBeUndefined()
    const compliance = await agencyCompliance(database.db, world.partnership.id, police(), TODAY)
    expect(compliance.pending).toEqual([])
    expect(compliance.letters).toMatchObject([{ id: letterId, sentOn: TODAY, failures: 3 }])
  })

  it('e-mails the business team once per agency and crossing', async () => {
    const mail = createOutbox({ db: database.db, now: () => NOW })
    const first = await notifyLettersDue(database.db, mail, NOW, { publicUrl: 'https://masa.example' })
    expect(first).toEqual({ agencies: 1, notices: 1 })
    const [message] = await prompts()
    expect(message).toMatchObject({
      subject: 'Escalation letter due: Testshire Integrated Care Board',
      partnershipId: world.partnership.id,
    })
    expect(message!.toAddress).toContain('bea.business')
    expect(message!.textBody).toContain('has not responded on time twice since 2 February 2026')
    expect(message!.textBody).toContain(
      `https://masa.example/p/${world.partnership.slug}/compliance/letters/new?agency=${world.agencies.health.id}`,
    )
    expect(await notifyLettersDue(database.db, mail, NOW)).toEqual({ agencies: 0, notices: 0 })
    // A third failure is a new crossing: told again, once.
    const { failure } = await insertFailure(database.db, world, meeting, {
      dueOn: '2026-02-23',
      agencyId: world.agencies.health.id,
    })
    expect(await notifyLettersDue(database.db, mail, NOW)).toEqual({ agencies: 1, notices: 1 })
    expect(await notifyLettersDue(database.db, mail, NOW)).toEqual({ agencies: 0, notices: 0 })
    expect(await prompts()).toHaveLength(2)
    const keys = await database.db
      .select()
      .from(sentReminders)
      .where(eq(sentReminders.key, `escalation-due:${world.agencies.health.id}:${failure.id}`))
    expect(keys).toHaveLength(1)
    expect((await prompts()).every((m) => m.partnershipId === world.partnership.id)).toBe(true)
    expect(other.partnership.id).not.toBe(world.partnership.id)
  })

  it('lists the attendance flags raised on the agency’s seats', async () => {
    const flagMeeting = await complianceMeeting(database.db, world, '2026-02-09')
    await database.db.insert(attendanceFlags).values({
      id: randomUUID(),
      partnershipId: world.partnership.id,
      groupId: world.group.id,
      membershipId: world.seats.police.id,
      personId: world.people.police.id,
      meetingId: flagMeeting.id,
      raisedOn: '2026-02-10',
    })
    const compliance = await agencyCompliance(database.db, world.partnership.id, police(), TODAY)
    expect(compliance.flags).toMatchObject([
      { personName: 'Pat Police', groupName: world.group.name, meetingOn: '2026-02-09', closedAt: null },
    ])
    const health = await agencyCompliance(database.db, world.partnership.id, world.agencies.health.id, TODAY)
    expect(health.flags).toEqual([])
  })
})
