import { and, eq, like } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { ChangeContext } from '../../platform/audit/audit.service.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import { createCalendarRepository } from '../../platform/calendar/calendar.repository.ts'
import type { Database } from '../../platform/db/client.ts'
import { createOutbox } from '../../platform/notify/notify.service.ts'
import { outbox } from '../../platform/notify/notify.table.ts'
import { getRuleSet } from '../../platform/rules/rules.service.ts'
import {
  createRequest,
  findRequest,
  listRequests,
  type RequestRow,
  requestDeadline,
  requestState,
  supportersOf,
  supportRequest,
  withdrawRequest,
} from './extraordinary.service.ts'
import { buildMeetingWorld, insertMeeting, type MeetingWorld, NOW, TODAY } from './meetings.fixtures.ts'
import { extraordinarySupporters } from './meetings.table.ts'

describe('the state of a request', () => {
  const base = {
    withdrawn: false,
    supporters: 0,
    needed: 2,
    meetingOn: null,
    deadline: '2026-03-20',
    today: TODAY,
  }

  it('awaits support, stands, and is overdue after the deadline without a meeting', () => {
    expect(requestState(base).state).toBe('awaiting_support')
    expect(requestState({ ...base, supporters: 2 })).toMatchObject({ state: 'stands', label: 'Stands' })
    expect(requestState({ ...base, supporters: 2, today: '2026-03-21' }).state).toBe('overdue')
    expect(requestState({ ...base, today: '2026-03-21' }).state).toBe('overdue')
    expect(requestState({ ...base, today: '2026-03-20' }).state).toBe('awaiting_support')
  })

  it('is scheduled on time or late by the meeting’s day, and withdrawn above all', () => {
    expect(requestState({ ...base, meetingOn: '2026-03-20' })).toMatchObject({
      state: 'scheduled',
      late: false,
      label: 'Scheduled: held on time',
    })
    expect(requestState({ ...base, meetingOn: '2026-03-23', today: '2026-03-30' })).toMatchObject({
      state: 'scheduled',
      late: true,
      label: 'Scheduled: late',
    })
    expect(requestState({ ...base, withdrawn: true, meetingOn: '2026-03-23' }).state).toBe('withdrawn')
  })
})

describe('requests for an extraordinary meeting', () => {
  let database: Database
  let world: MeetingWorld
  const outboxService = () => createOutbox({ db: database.db, now: () => NOW })
  const change = (actorId: string, now = NOW): ChangeContext & { actorId: string } => ({
    partnershipId: world.partnership.id,
    actorId,
    now,
  })
  const request = async (receivedOn = TODAY, requestedById = world.people.head.id) => {
    const result = await createRequest(database.db, outboxService(), change(world.accounts.head.userId), {
      groupId: world.group.id,
      requestedById,
      reasons: 'A rapid review found gaps in the out-of-hours response (Child Q).',
      receivedOn,
      link: (id) => `http://localhost/p/${world.partnership.slug}/extraordinary-requests/${id}`,
    })
    if (!result.ok) throw new Error(JSON.stringify(result.problems))
    return result.request
  }
  const support = (requestId: string, userId: string) =>
    supportRequest(database.db, outboxService(), change(userId), {
      requestId,
      needed: 2,
      link: `http://localhost/r/${requestId}`,
    })
  const teamMail = (subject: string) =>
    database.db
      .select()
      .from(outbox)
      .where(
        and(eq(outbox.toAddress, world.accounts.businessTeam.email), like(outbox.subject, `%${subject}%`)),
      )

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
  })
  afterAll(() => database.close())

  it('counts the deadline in working days across a bank holiday', async () => {
    const rules = await getRuleSet(database.db, world.partnership.id)
    const calendar = await createCalendarRepository(database.db).calendarFor(world.partnership.id)
    // Mon 12 Sep 2022 + 15 working days, skipping the Queen's funeral on Mon 19 Sep 2022.
    const deadline = requestDeadline(rules, '2022-09-12', calendar)
    expect(deadline.date).toBe('2022-10-04')
    expect(deadline.explanation).toContain('19 September 2022')
    expect(deadline.explanation).toMatch(/^4 October 2022: request on 12 September 2022 \+ 15 working days/)
  })

  it('records a member’s request and tells the business team; refuses a future date or a non-member', async () => {
    const made = await request()
    expect(made.receivedOn).toBe(TODAY)
    const mail = await teamMail('Request for an extraordinary meeting')
    expect(mail.some((m) => m.textBody.includes(made.id))).toBe(true)
    const future = await createRequest(
      database.db,
      outboxService(),
      change(world.accounts.businessTeam.userId),
      {
        groupId: world.group.id,
        requestedById: world.people.head.id,
        reasons: 'x',
        receivedOn: '2026-03-03',
        link: (id) => id,
      },
    )
    expect(future).toEqual({
      ok: false,
      problems: { receivedOn: expect.stringContaining('today or in the past') },
    })
    const outsider = await createRequest(
      database.db,
      outboxService(),
      change(world.accounts.businessTeam.userId),
      {
        groupId: world.group.id,
        requestedById: world.people.deputy.id,
        reasons: 'x',
        receivedOn: TODAY,
        link: (id) => id,
      },
    )
    expect(outsider).toMatchObject({ ok: false, problems: { requestedById: expect.any(String) } })
  })

  it('takes support from partner members only, once each, and tells the team when it stands', async () => {
    const made = await request()
    await expect(support(made.id, world.accounts.head.userId)).rejects.toMatchObject({ status: 403 })
    await expect(support(made.id, world.accounts.partner.userId)).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining('Only a partner member'),
    })
    expect(await support(made.id, world.accounts.police.userId)).toBe('supported')
    expect(await support(made.id, world.accounts.police.userId)).toBe('already')
    expect(await supportersOf(database.db, made.id)).toHaveLength(1)
    expect((await teamMail('now stands')).filter((m) => m.textBody.includes(made.id))).toHaveLength(0)

    expect(await support(made.id, world.accounts.chair.userId)).toBe('supported')
    const stands = (await teamMail('now stands')).filter((m) => m.textBody.includes(made.id))
    expect(stands).toHaveLength(1)
    const row = await findRequest(database.db, world.partnership.id, made.id)
    expect(row?.supporters).toBe(2)
    const audits = await database.db.select().from(auditLog).where(eq(auditLog.entityId, made.id))
    expect(audits.map((a) => a.action).sort()).toEqual(['create', 'support', 'support'])
  })

  it('is overdue without a meeting after the deadline, late or on time once scheduled', async () => {
    const rules = await getRuleSet(database.db, world.partnership.id)
    const calendar = await createCalendarRepository(database.db).calendarFor(world.partnership.id)
    const stateOf = (row: RequestRow) =>
      requestState({
        withdrawn: row.withdrawnAt !== null,
        supporters: row.supporters,
        needed: rules.extraordinaryMeetingSupporters,
        meetingOn: row.meetingOn,
        deadline: requestDeadline(rules, row.receivedOn, calendar).date,
        today: TODAY,
      })
    // Received 5 Jan 2026: due 26 Jan 2026.
    const overdue = await request('2026-01-05')
    const late = await request('2026-01-05')
    const onTime = await request('2026-01-05')
    const meeting = (requestId: string, heldOn: string, cancelledAt: Date | null = null) =>
      insertMeeting(database.db, {
        partnershipId: world.partnership.id,
        groupId: world.group.id,
        heldOn,
        kind: 'extraordinary',
        extraordinaryRequestId: requestId,
        cancelledAt,
      })
    await meeting(overdue.id, '2026-01-20', NOW)
    await meeting(late.id, '2026-01-27')
    await meeting(onTime.id, '2026-01-26')
    const find = async (id: string) => (await findRequest(database.db, world.partnership.id, id))!
    expect(requestDeadline(rules, '2026-01-05', calendar).date).toBe('2026-01-26')
    expect(stateOf(await find(overdue.id)).state).toBe('overdue')
    expect(stateOf(await find(late.id))).toMatchObject({ state: 'scheduled', late: true })
    expect(stateOf(await find(onTime.id))).toMatchObject({ state: 'scheduled', late: false })
  })

  it('shows the business team every request and others those of groups they sit on', async () => {
    const all = await listRequests(
      database.db,
      world.partnership.id,
      { businessTeam: true, userId: world.accounts.businessTeam.userId },
      TODAY,
    )
    expect(all.length).toBeGreaterThan(0)
    const head = await listRequests(
      database.db,
      world.partnership.id,
      { businessTeam: false, userId: world.accounts.head.userId },
      TODAY,
    )
    expect(head).toHaveLength(all.length)
    const partner = await listRequests(
      database.db,
      world.partnership.id,
      { businessTeam: false, userId: world.accounts.partner.userId },
      TODAY,
    )
    expect(partner).toEqual([])
  })

  it('withdraws a request with its reason, once, and refuses support after', async () => {
    const made = await request()
    await withdrawRequest(database.db, change(world.accounts.businessTeam.userId), {
      requestId: made.id,
      reason: 'Withdrawn by the member in writing',
    })
    const row = await findRequest(database.db, world.partnership.id, made.id)
    expect(row?.withdrawnReason).toBe('Withdrawn by the member in writing')
    await expect(
      withdrawRequest(database.db, change(world.accounts.businessTeam.userId), {
        requestId: made.id,
        reason: 'x',
      }),
    ).rejects.toMatchObject({ status: 409 })
    await expect(support(made.id, world.accounts.police.userId)).rejects.toMatchObject({ status: 409 })
    const rows = await database.db
      .select()
      .from(extraordinarySupporters)
      .where(eq(extraordinarySupporters.requestId, made.id))
    expect(rows).toEqual([])
  })
})
