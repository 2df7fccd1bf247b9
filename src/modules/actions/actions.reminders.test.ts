import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import { createCalendar } from '../../platform/calendar/calendar.ts'
import { addCalendarDays } from '../../platform/calendar/dates.ts'
import type { Database } from '../../platform/db/client.ts'
import { createOutbox } from '../../platform/notify/notify.service.ts'
import {
  digestItems,
  notificationPreferences,
  outbox,
  sentReminders,
} from '../../platform/notify/notify.table.ts'
import { buildMeetingWorld, insertMeeting, type MeetingWorld } from '../meetings/meetings.fixtures.ts'
import { memberships } from '../partnership/structure.table.ts'
import { insertAction, insertIssue } from './actions.fixtures.ts'
import { actionReminderStep, reminderDays, sendActionReminders } from './actions.reminders.ts'
import { type Action, actionResponses, actions } from './actions.table.ts'

// The action matrix of a meeting on Monday 12 September 2022 is issued that day: 10 working days
// later, skipping the Queen's funeral bank holiday on Monday 19 September, is Tuesday 27 September.
// Two working days before it is Friday 23 September; the first working day after, Wednesday 28.

const at = (day: string) => new Date(`${day}T05:15:00Z`) // 06:15 in London (BST); 05:15 in winter

describe('action reminders', () => {
  let database: Database
  let world: MeetingWorld
  let owned: Action
  let agencyOwned: Action
  let holiday: Action
  const publicUrl = 'https://masa.example.org'
  const sentOn = new Map<string, string[]>()

  const run = (day: string) => {
    const now = at(day)
    return sendActionReminders(database.db, createOutbox({ db: database.db, now: () => now }), {
      now,
      publicUrl,
    })
  }
  const messages = () =>
    database.db.select().from(outbox).where(eq(outbox.partnershipId, world.partnership.id))

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
    const p = world.partnership.id
    await database.db
      .update(memberships)
      .set({ startsOn: '2022-01-01' })
      .where(eq(memberships.groupId, world.group.id))
    const meeting = await insertMeeting(database.db, {
      partnershipId: p,
      groupId: world.group.id,
      heldOn: '2022-09-12',
    })
    const action = (fields: Partial<Action>) =>
      insertAction(database.db, {
        partnershipId: p,
        groupId: world.group.id,
        meetingId: meeting.id,
        ownerAgencyId: world.agencies.police.id,
        ...fields,
      })
    owned = await action({
      reference: 'A-1',
      ownerPersonId: world.people.health.id,
      ownerAgencyId: world.agencies.health.id,
    })
    // No owner: the police people on the group hear (the member and the designated deputy).
    agencyOwned = await action({ reference: 'A-2' })
    const answered = await action({ reference: 'A-3', ownerPersonId: world.people.health.id })
    const closed = await action({ reference: 'A-4', ownerPersonId: world.people.health.id })
    await action({ reference: 'A-5', ownerPersonId: world.people.health.id }) // never issued
    await insertIssue(database.db, {
      partnershipId: p,
      meetingId: meeting.id,
      issuedOn: '2022-09-12',
      dueOn: '2022-09-27',
      actionIds: [owned.id, agencyOwned.id, answered.id, closed.id],
    })
    await database.db.insert(actionResponses).values({
      id: randomUUID(),
      partnershipId: p,
      actionId: answered.id,
      text: 'Done',
      respondedOn: '2022-09-20',
      respondedAt: new Date('2022-09-20T10:00:00Z'),
      dueOn: '2022-09-27',
    })
    await database.db
      .update(actions)
      .set({ closedAt: new Date('2022-09-15T10:00:00Z'), closedReason: 'Superseded' })
      .where(eq(actions.id, closed.id))
    // Extended to Boxing Day 2022: Monday 26 and Tuesday 27 December are bank holidays.
    holiday = await action({ reference: 'A-6', ownerPersonId: world.people.health.id })
    await insertIssue(database.db, {
      partnershipId: p,
      meetingId: meeting.id,
      issuedOn: '2022-12-01',
      dueOn: '2022-12-26',
      actionIds: [holiday.id],
    })
  })
  afterAll(async () => {
    await database.close()
  })

  it('works out each reminder’s day from the partnership’s calendar', () => {
    const calendar = createCalendar()
    expect(reminderDays('2022-09-27', calendar, 2)).toEqual({
      before: '2022-09-23',
      today: '2022-09-27',
      after: '2022-09-28',
    })
    expect(actionReminderStep('2022-09-27', '2022-09-22', calendar, 2)).toBeNull()
    expect(actionReminderStep('2022-09-27', '2022-09-24', calendar, 2)).toBeNull() // Saturday
    expect(actionReminderStep('2022-09-27', '2022-09-26', calendar, 2)).toBe('before')
    expect(actionReminderStep('2022-09-27', '2022-10-20', calendar, 2)).toBeNull()
    // A deadline on a bank holiday: one reminder on the next working day, not two.
    expect(reminderDays('2022-12-26', calendar, 2)).toEqual({
      before: '2022-12-22',
      today: '2022-12-28',
      after: '2022-12-28',
    })
    expect(actionReminderStep('2022-12-26', '2022-12-28', calendar, 2)).toBe('after')
  })

  it('sends each reminder once, on the right working day, to the owner or the agency’s people on the group', async () => {
    for (let day = '2022-09-16'; day <= '2022-10-14'; day = addCalendarDays(day, 1)) {
      const before = (await messages()).length
      await run(day)
      await run(day) // a second run the same morning sends nothing
      const fresh = (await messages()).slice(before)
      if (fresh.length) sentOn.set(day, fresh.map((m) => `${m.toAddress} ${m.subject}`).sort())
    }
    expect([...sentOn.keys()]).toEqual(['2022-09-23', '2022-09-27', '2022-09-28'])
    const health = world.people.health.email!
    const police = world.people.police.email!
    const deputy = world.people.deputy.email!
    expect(sentOn.get('2022-09-23')).toEqual(
      [
        `${health} Action A-1: response due in 2 working days`,
        `${police} Action A-2: response due in 2 working days`,
        `${deputy} Action A-2: response due in 2 working days`,
      ].sort(),
    )
    expect(sentOn.get('2022-09-27')).toEqual(
      [
        `${health} Action A-1: response due today`,
        `${police} Action A-2: response due today`,
        `${deputy} Action A-2: response due today`,
      ].sort(),
    )
    expect(sentOn.get('2022-09-28')).toEqual(
      [
        `${health} Action A-1: response overdue`,
        `${police} Action A-2: response overdue`,
        `${deputy} Action A-2: response overdue`,
      ].sort(),
    )
    const [letter] = (await messages()).filter(
      (m) => m.subject === 'Action A-1: response due in 2 working days',
    )
    expect(letter!.textBody).toContain('Dear Harriet Health,')
    expect(letter!.textBody).toContain(
      'Deadline: 27 September 2022: action matrix received on 12 September 2022 + 10 working days, skipping',
    )
    expect(letter!.textBody).toMatch(/Funeral.*\(19 September 2022\)/)
    expect(letter!.textBody).toContain(`${publicUrl}/p/${world.partnership.slug}/actions/${owned.id}`)
    const keys = (await database.db.select({ key: sentReminders.key }).from(sentReminders))
      .map((r) => r.key)
      .filter((k) => k.startsWith(`action:${owned.id}:`))
      .sort()
    expect(keys).toEqual(['after', 'before', 'today'].map((s) => `action:${owned.id}:2022-09-27:${s}`))
  })

  it('sends nothing on a bank holiday: a deadline on one is chased once, on the next working day', async () => {
    const days: string[] = []
    for (let day = '2022-12-19'; day <= '2023-01-06'; day = addCalendarDays(day, 1)) {
      const before = (await messages()).length
      await run(day)
      const fresh = (await messages()).slice(before)
      if (fresh.length) {
        days.push(day)
        expect(fresh.every((m) => m.subject.startsWith('Action A-6:'))).toBe(true)
      }
    }
    expect(days).toEqual(['2022-12-22', '2022-12-28'])
    const subjects = (await messages())
      .filter((m) => m.subject.startsWith('Action A-6:'))
      .map((m) => m.subject)
    expect(subjects).toEqual(['Action A-6: response due on 26 December 2022', 'Action A-6: response overdue'])
  })

  it('puts a reminder in the daily digest of an owner who asked for one', async () => {
    const p = world.partnership.id
    await database.db
      .insert(notificationPreferences)
      .values({ userId: world.accounts.police.userId, dailyDigest: true })
    const meeting = await insertMeeting(database.db, {
      partnershipId: p,
      groupId: world.group.id,
      heldOn: '2023-03-06',
    })
    const mine = await insertAction(database.db, {
      partnershipId: p,
      groupId: world.group.id,
      ownerAgencyId: world.agencies.police.id,
      ownerPersonId: world.people.police.id,
      reference: 'A-7',
    })
    await insertIssue(database.db, {
      partnershipId: p,
      meetingId: meeting.id,
      issuedOn: '2023-03-06',
      dueOn: '2023-03-20',
      actionIds: [mine.id],
    })
    const before = (await messages()).length
    expect(await run('2023-03-20')).toMatchObject({ sent: 1, byStep: { today: 1 } })
    expect((await messages()).length).toBe(before)
    const digest = await database.db
      .select()
      .from(digestItems)
      .where(eq(digestItems.userId, world.accounts.police.userId))
    expect(digest.map((d) => d.subject)).toEqual(['Action A-7: response due today'])
  })
})
