import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../../platform/db/client.ts'
import { createOutbox } from '../../platform/notify/notify.service.ts'
import {
  digestItems,
  notificationPreferences,
  outbox,
  sentReminders,
} from '../../platform/notify/notify.table.ts'
import { memberships } from '../partnership/structure.table.ts'
import { buildMeetingWorld, insertGroup, insertMeeting, type MeetingWorld } from './meetings.fixtures.ts'
import { meetingRemindersJob, sendMeetingReminders } from './meetings.reminders.ts'
import { extraordinaryRequests, extraordinarySupporters, type Meeting } from './meetings.table.ts'
import { minutes } from './minutes.table.ts'
import { papers } from './papers.table.ts'

// Meetings on Monday 12 September 2022: the Queen's funeral bank holiday on Monday 19 September
// moves the draft minutes deadline (10 working days) from Monday 26 to Tuesday 27 September, so
// "2 working days before" is Friday 23 September.

describe('meeting reminders', () => {
  let database: Database
  let world: MeetingWorld
  const publicUrl = 'https://masa.example.org'
  let m: Record<'drafting' | 'withChair' | 'approved' | 'cancelled', Meeting>
  let standing: string
  let unsupported: string
  const sentByDay = new Map<string, string[]>()

  const at = (day: string) => new Date(`${day}T05:30:00Z`) // 06:30 in London (BST)
  const run = (day: string) => {
    const now = at(day)
    return sendMeetingReminders(
      database.db,
      { outbox: createOutbox({ db: database.db, now: () => now }), publicUrl },
      now,
    )
  }
  const keys = async () =>
    (
      await database.db
        .select({ key: sentReminders.key })
        .from(sentReminders)
        .where(eq(sentReminders.partnershipId, world.partnership.id))
    )
      .map((r) => r.key)
      .sort()
  const messages = () =>
    database.db.select().from(outbox).where(eq(outbox.partnershipId, world.partnership.id))

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
    const p = world.partnership.id
    // The group's seats date from 2025 in the fixture; these meetings are in 2022.
    await database.db
      .update(memberships)
      .set({ startsOn: '2022-01-01' })
      .where(eq(memberships.groupId, world.group.id))
    const meeting = (extra: Partial<Meeting> & { time?: string } = {}) =>
      insertMeeting(database.db, {
        partnershipId: p,
        groupId: world.group.id,
        heldOn: '2022-09-12',
        ...extra,
      })
    m = {
      drafting: await meeting(),
      withChair: await meeting({ time: '10:00' }),
      approved: await meeting({ time: '16:30' }),
      cancelled: await meeting({ time: '18:00', cancelledAt: at('2022-08-01'), cancelledReason: 'Clash' }),
    }
    const paper = (meetingId: string, circulated: boolean) =>
      database.db.insert(papers).values({
        id: randomUUID(),
        partnershipId: p,
        meetingId,
        title: 'Report',
        firstCirculatedAt: circulated ? new Date('2022-09-01T09:00:00Z') : null,
      })
    await paper(m.drafting.id, false)
    await paper(m.withChair.id, true)
    await paper(m.approved.id, true)
    await paper(m.cancelled.id, false)
    await database.db.insert(minutes).values([
      { id: randomUUID(), partnershipId: p, meetingId: m.drafting.id, status: 'drafting' },
      {
        id: randomUUID(),
        partnershipId: p,
        meetingId: m.withChair.id,
        status: 'with_chair',
        sentToChairAt: new Date('2022-09-20T09:00:00Z'),
      },
      {
        id: randomUUID(),
        partnershipId: p,
        meetingId: m.approved.id,
        status: 'approved',
        sentToChairAt: new Date('2022-09-20T09:00:00Z'),
        approvedAt: new Date('2022-09-26T10:00:00Z'),
      },
    ])
    const request = async (supporters: string[]) => {
      const id = randomUUID()
      await database.db.insert(extraordinaryRequests).values({
        id,
        partnershipId: p,
        groupId: world.group.id,
        requestedById: world.people.head.id,
        reasons: 'A serious incident',
        receivedOn: '2022-09-12',
      })
      for (const personId of supporters) {
        await database.db
          .insert(extraordinarySupporters)
          .values({ requestId: id, personId, partnershipId: p, confirmedAt: at('2022-09-12') })
      }
      return id
    }
    // Two partner members (police and health) support one; the head teacher's support is not a partner's.
    standing = await request([world.people.police.id, world.people.health.id])
    unsupported = await request([world.people.police.id, world.people.head.id])

    for (const day of [
      '2022-08-31',
      '2022-09-01',
      '2022-09-02',
      '2022-09-05',
      '2022-09-06',
      '2022-09-19',
      '2022-09-21',
      '2022-09-22',
      '2022-09-23',
      '2022-09-24',
      '2022-09-26',
      '2022-09-27',
      '2022-09-28',
      '2022-09-29',
      '2022-09-30',
      '2022-10-01',
      '2022-10-03',
      '2022-10-04',
      '2022-10-05',
      '2022-10-06',
      '2022-10-20',
    ]) {
      const before = new Set(await keys())
      const first = await run(day)
      const second = await run(day)
      expect(second.sent, `second run on ${day}`).toBe(0)
      const added = (await keys()).filter((k) => !before.has(k))
      expect(first.sent, `first run on ${day}`).toBe(added.length)
      sentByDay.set(day, added)
    }
  })
  afterAll(() => database.close())

  const sentOn = (day: string) => sentByDay.get(day) ?? []

  it('reminds the business team of draft minutes due to the chair: 2 working days before, on the day, overdue once', () => {
    const id = m.drafting.id
    expect(sentOn('2022-09-22').filter((k) => k.startsWith('minutes-to-chair'))).toEqual([])
    expect(sentOn('2022-09-23')).toContain(`minutes-to-chair:${id}:2022-09-27:before`)
    expect(sentOn('2022-09-26').filter((k) => k.startsWith('minutes-to-chair'))).toEqual([])
    expect(sentOn('2022-09-27')).toContain(`minutes-to-chair:${id}:2022-09-27:today`)
    expect(sentOn('2022-09-28')).toContain(`minutes-to-chair:${id}:2022-09-27:overdue`)
    for (const day of ['2022-09-29', '2022-10-20']) {
      expect(sentOn(day).filter((k) => k.startsWith('minutes-to-chair'))).toEqual([])
    }
  })

  it('reminds the business team of papers due: 2 working days before and on the day, not after', () => {
    const id = m.drafting.id
    expect(sentOn('2022-08-31')).toEqual([])
    expect(sentOn('2022-09-01')).toEqual([`papers:${id}:2022-09-05:before`])
    expect(sentOn('2022-09-02')).toEqual([])
    expect(sentOn('2022-09-05')).toEqual([`papers:${id}:2022-09-05:today`])
    expect(sentOn('2022-09-06')).toEqual([])
  })

  it('reminds the chair of minutes waiting 2 working days after they were sent, then once overdue', () => {
    const id = m.withChair.id
    expect(sentOn('2022-09-21')).toEqual([])
    expect(sentOn('2022-09-22')).toEqual([`minutes-with-chair:${id}:2022-09-20:waiting`])
    expect(sentOn('2022-09-28')).toContain(`minutes-with-chair:${id}:2022-09-27:overdue`)
  })

  it('reminds the business team of approved minutes to circulate', () => {
    const id = m.approved.id
    // Approved Monday 26 September: due 5 working days later, Monday 3 October.
    expect(sentOn('2022-09-29')).toContain(`minutes-circulation:${id}:2022-10-03:before`)
    expect(sentOn('2022-10-03')).toContain(`minutes-circulation:${id}:2022-10-03:today`)
    expect(sentOn('2022-10-04')).toContain(`minutes-circulation:${id}:2022-10-03:overdue`)
  })

  it('reminds the business team of a standing request for an extraordinary meeting', () => {
    // Received 12 September: 15 working days, skipping 19 September, is Tuesday 4 October.
    expect(sentOn('2022-09-30')).toEqual([`extraordinary:${standing}:2022-10-04:before`])
    expect(sentOn('2022-10-04')).toContain(`extraordinary:${standing}:2022-10-04:today`)
    expect(sentOn('2022-10-05')).toEqual([`extraordinary:${standing}:2022-10-04:overdue`])
  })

  it('sends each reminder once in all, nothing for a cancelled meeting or a request without partner support', async () => {
    const all = await keys()
    expect(all).toHaveLength(13)
    expect(all.some((k) => k.includes(m.cancelled.id))).toBe(false)
    expect(all.some((k) => k.includes(unsupported))).toBe(false)
    // Nothing on a bank holiday or a Saturday.
    expect(sentOn('2022-09-19')).toEqual([])
    expect(sentOn('2022-09-24')).toEqual([])
    expect(sentOn('2022-10-01')).toEqual([])
    const sent = await messages()
    // The business team has one member; the chair has the with-chair ones.
    expect(sent).toHaveLength(13)
    const toChair = sent.filter((s) => s.toAddress === world.accounts.chair.email)
    expect(toChair.map((s) => s.subject).sort()).toEqual([
      `Minutes overdue for your approval: ${world.group.name}, 12 September 2022`,
      `Minutes waiting for your approval: ${world.group.name}, 12 September 2022`,
    ])
    expect(sent.filter((s) => s.toAddress === world.accounts.businessTeam.email)).toHaveLength(11)
  })

  it('says what is due, when, how the date was reached, and where to act', async () => {
    const sent = await messages()
    const before = sent.find(
      (s) =>
        s.subject === `Draft minutes to the chair in 2 working days: ${world.group.name}, 12 September 2022`,
    )
    expect(before).toBeDefined()
    expect(before!.textBody).toContain('Dear Bea Business,')
    expect(before!.textBody).toContain('due in 2 working days, on 27 September 2022')
    expect(before!.textBody).toContain('19 September 2022')
    expect(before!.textBody).toContain(
      `${publicUrl}/p/${world.partnership.slug}/meetings/${m.drafting.id}/minutes`,
    )
    const overdue = sent.find((s) => s.subject.startsWith('Draft minutes to the chair overdue'))
    expect(overdue!.textBody).toContain('overdue: it was due on 27 September 2022 (1 working day ago)')
    const papersToday = sent.find((s) => s.subject.startsWith('Papers due today'))
    expect(papersToday!.textBody).toContain('1 paper has not been circulated yet.')
    expect(papersToday!.textBody).toContain(`/meetings/${m.drafting.id}/papers`)
    const request = sent.find((s) => s.subject.includes('Extraordinary meeting'))
    expect(request!.textBody).toContain(`/p/${world.partnership.slug}/extraordinary-requests/${standing}`)
  })

  it('puts a reminder in the daily digest of a person who chose one, and runs as meeting-reminders', async () => {
    await database.db
      .insert(notificationPreferences)
      .values({ userId: world.accounts.businessTeam.userId, dailyDigest: true })
    const late = await insertMeeting(database.db, {
      partnershipId: world.partnership.id,
      groupId: world.group.id,
      heldOn: '2022-10-24',
    })
    const job = meetingRemindersJob({
      outbox: createOutbox({ db: database.db, now: () => at('2022-10-13') }),
      publicUrl,
    })
    expect(job.name).toBe('meeting-reminders')
    // Papers for Monday 24 October are due Monday 17 October; 2 working days before is Thursday 13.
    await job.run({ db: database.db, now: () => at('2022-10-13'), log: { info() {}, warn() {}, error() {} } })
    const held = await database.db
      .select()
      .from(digestItems)
      .where(eq(digestItems.userId, world.accounts.businessTeam.userId))
    expect(held.map((h) => h.subject)).toEqual([
      `Papers due in 2 working days: ${world.group.name}, 24 October 2022`,
    ])
    expect((await keys()).filter((k) => k.includes(late.id))).toEqual([`papers:${late.id}:2022-10-17:before`])
  })

  it('tells the business team when a group has no chair to approve its minutes', async () => {
    const chairless = await insertGroup(database.db, world.partnership.id, { name: 'Chairless Group' })
    const meeting = await insertMeeting(database.db, {
      partnershipId: world.partnership.id,
      groupId: chairless.id,
      heldOn: '2022-09-12',
    })
    await database.db.insert(minutes).values({
      id: randomUUID(),
      partnershipId: world.partnership.id,
      meetingId: meeting.id,
      status: 'with_chair',
      sentToChairAt: new Date('2022-09-20T09:00:00Z'),
    })
    expect((await run('2022-09-22')).byKind['minutes-with-chair']).toBe(1)
    // (The business team chose a daily digest in the test before.)
    const held = await database.db
      .select()
      .from(digestItems)
      .where(eq(digestItems.userId, world.accounts.businessTeam.userId))
    const notice = held.find((h) => h.subject.includes('Chairless Group'))
    expect(notice?.subject).toBe('Minutes waiting for your approval: Chairless Group, 12 September 2022')
    expect(notice?.textBody).toContain('The group has no chair with an e-mail address')
  })
})
