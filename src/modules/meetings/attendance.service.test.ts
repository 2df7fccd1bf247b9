import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { ChangeContext } from '../../platform/audit/audit.service.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import type { Database, DbOrTx } from '../../platform/db/client.ts'
import { createOutbox } from '../../platform/notify/notify.service.ts'
import { outbox } from '../../platform/notify/notify.table.ts'
import {
  attendanceFor,
  type IntentInput,
  outcomeFormValues,
  readOutcomeForm,
  recordIntent,
  recordOutcomes,
} from './attendance.service.ts'
import { attendance } from './attendance.table.ts'
import { deputiesFor } from './invitees.ts'
import {
  buildMeetingWorld,
  insertGroup,
  insertMeeting,
  insertPerson,
  insertSeat,
  type MeetingWorld,
  NOW,
  TODAY,
} from './meetings.fixtures.ts'
import type { Meeting } from './meetings.table.ts'

describe('attendance at a meeting', () => {
  let database: Database
  let world: MeetingWorld
  let change: ChangeContext

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db, { quorum: 3 })
    change = { partnershipId: world.partnership.id, actorId: world.accounts.businessTeam.userId, now: NOW }
  })
  afterAll(() => database.close())

  const meeting = (heldOn: string, extra: { time?: string; cancelledAt?: Date } = {}) =>
    insertMeeting(database.db, {
      partnershipId: world.partnership.id,
      groupId: world.group.id,
      heldOn,
      ...extra,
    })
  const outboxService = () => createOutbox({ db: database.db, now: () => NOW })
  const intent = (m: Meeting, fields: Partial<IntentInput>, at = NOW) =>
    recordIntent(
      database.db,
      outboxService(),
      { ...change, now: at },
      {
        meeting: m,
        meetingTitle: 'Test group, 10 March 2026',
        meetingWhen: '14:00 to 16:00',
        meetingLink: 'http://localhost/p/x/meetings/1',
        membershipId: world.seats.head.id,
        choice: 'apologies',
        note: null,
        deputyPersonId: null,
        ...fields,
      },
    )

  it('records apologies and a named deputy, tells the deputy, and offers them as the outcome', async () => {
    const m = await meeting('2026-03-10')
    expect(await intent(m, { note: 'At a conference' })).toEqual({ ok: true, changed: true })
    const named = await intent(m, {
      membershipId: world.seats.police.id,
      choice: 'deputy',
      deputyPersonId: world.people.deputy.id,
    })
    expect(named).toEqual({ ok: true, changed: true })
    const [notice] = await database.db
      .select()
      .from(outbox)
      .where(eq(outbox.toAddress, world.people.deputy.email!))
    expect(notice?.subject).toContain('for Pat Police')
    expect(notice?.textBody).toContain('http://localhost/p/x/meetings/1')

    const result = await attendanceFor(database.db, m, world.group)
    const head = result.seats.find((s) => s.membershipId === world.seats.head.id)!
    expect(head.intent).toBe('apologies')
    expect(head.intentNote).toBe('At a conference')
    const police = result.seats.find((s) => s.membershipId === world.seats.police.id)!
    expect(police.intentDeputyName).toBe('Dev Deputy')
    expect(result.counts).toEqual({
      invited: 4,
      present: 0,
      deputy: 0,
      apologies: 0,
      absent: 0,
      notRecorded: 4,
    })
    expect(result.seats.map((s) => s.role)[0]).toBe('chair')
    expect(result.seats.some((s) => s.membershipId === world.seats.deputy.id)).toBe(false)

    const values = outcomeFormValues(result.seats)
    expect(values[`outcome-${world.seats.head.id}`]).toBe('apologies')
    expect(values[`outcome-${world.seats.police.id}`]).toBe('deputy')
    expect(values[`deputy-${world.seats.police.id}`]).toBe(world.people.deputy.id)
    expect(values[`outcome-${world.seats.chair.id}`]).toBe('')
  })

  it('withdraws apologies, and refuses a deputy who is not the seat’s', async () => {
    const m = await meeting('2026-03-11')
    await intent(m, {})
    expect(await intent(m, { choice: 'attend' })).toEqual({ ok: true, changed: true })
    expect(await intent(m, { choice: 'attend' })).toEqual({ ok: true, changed: false })
    const refused = await intent(m, { choice: 'deputy', deputyPersonId: world.people.deputy.id })
    expect(refused).toMatchObject({ ok: false, problem: { field: 'deputyId' } })
    const outsider = await intent(m, { membershipId: world.seats.deputy.id })
    expect(outsider).toMatchObject({ ok: false, problem: { field: 'seat' } })
    const [row] = await database.db.select().from(attendance).where(eq(attendance.meetingId, m.id))
    expect(row?.intent).toBeNull()
  })

  it('refuses apologies once the meeting has started, or for a cancelled meeting', async () => {
    const started = await meeting(TODAY, { time: '09:30' })
    await expect(intent(started, {})).rejects.toMatchObject({ status: 409, message: /started at 09:30/ })
    const cancelled = await meeting('2026-03-12', { cancelledAt: NOW })
    await expect(intent(cancelled, {})).rejects.toMatchObject({ status: 409, message: /cancelled/ })
    const rows = await database.db.select().from(attendance).where(eq(attendance.meetingId, started.id))
    expect(rows).toEqual([])
  })

  it('refuses outcomes before the day of the meeting', async () => {
    const m = await meeting('2026-03-03')
    await expect(
      recordOutcomes(database.db, change, {
        meeting: m,
        rows: [{ membershipId: world.seats.chair.id, outcome: 'present', deputyId: null, deputyName: null }],
      }),
    ).rejects.toMatchObject({
      status: 409,
      message: 'Attendance is recorded on the day of the meeting or after',
    })
  })

  it('keeps one row per seat, reads the quorum from seats filled and audits each change', async () => {
    const m = await meeting('2026-02-20')
    const { chair, police, health, head } = world.seats
    await intent(m, {}, new Date('2026-02-19T10:00:00Z'))
    const all = (outcomes: Record<string, 'present' | 'deputy' | 'apologies' | 'absent'>) =>
      recordOutcomes(database.db, change, {
        meeting: m,
        rows: Object.entries(outcomes).map(([membershipId, outcome]) => ({
          membershipId,
          outcome,
          deputyId: null,
          deputyName: outcome === 'deputy' ? 'Dana Stand-in' : null,
        })),
      })
    expect(
      await all({
        [chair.id]: 'present',
        [police.id]: 'deputy',
        [health.id]: 'absent',
        [head.id]: 'apologies',
      }),
    ).toEqual({ changed: 4 })
    let result = await attendanceFor(database.db, m, world.group)
    expect(result.quorum).toEqual({ needed: 3, filled: 2, met: false })
    expect(result.seats.find((s) => s.membershipId === police.id)?.deputyName).toBe('Dana Stand-in')

    expect(
      await all({
        [chair.id]: 'present',
        [police.id]: 'deputy',
        [health.id]: 'present',
        [head.id]: 'apologies',
      }),
    ).toEqual({ changed: 1 })
    result = await attendanceFor(database.db, m, world.group)
    expect(result.quorum).toEqual({ needed: 3, filled: 3, met: true })
    expect(result.counts).toEqual({
      invited: 4,
      present: 2,
      deputy: 1,
      apologies: 1,
      absent: 0,
      notRecorded: 0,
    })
    const head_ = result.seats.find((s) => s.membershipId === head.id)!
    expect(head_.intent).toBe('apologies')

    const rows = await database.db.select().from(attendance).where(eq(attendance.meetingId, m.id))
    expect(rows).toHaveLength(4)
    const audits = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityType, 'attendance'), eq(auditLog.partnershipId, world.partnership.id)))
    expect(audits.filter((a) => rows.some((r) => r.id === a.entityId))).toHaveLength(6)

    const noQuorum = await insertGroup(database.db, world.partnership.id, { quorum: null })
    expect((await attendanceFor(database.db, { ...m, groupId: noQuorum.id }, noQuorum)).quorum).toBeNull()
  })

  it('reads the outcome form: every seat needs an outcome, a deputy is the seat’s or a typed name', async () => {
    const { chair, police, health, head } = world.seats
    const seats = [chair, police, health, head].map((s) => ({ membershipId: s.id, name: s.id.slice(0, 4) }))
    const deputies = await deputiesFor(database.db, [police.id], '2026-02-20')
    const read = readOutcomeForm(
      {
        [`outcome-${chair.id}`]: 'present',
        [`outcome-${police.id}`]: 'deputy',
        [`deputy-${police.id}`]: world.people.head.id,
        [`outcome-${health.id}`]: 'deputy',
        [`deputy-${health.id}`]: 'other',
        [`deputyName-${health.id}`]: '',
        [`outcome-${head.id}`]: 'maybe',
      },
      seats,
      deputies,
    )
    expect(Object.keys(read.errors).sort()).toEqual(
      [`deputy-${police.id}`, `deputyName-${health.id}`, `outcome-${head.id}`].sort(),
    )
    const ok = readOutcomeForm(
      {
        [`outcome-${chair.id}`]: 'present',
        [`outcome-${police.id}`]: 'deputy',
        [`deputy-${police.id}`]: world.people.deputy.id,
        [`outcome-${health.id}`]: 'deputy',
        [`deputy-${health.id}`]: '',
        [`deputyName-${health.id}`]: ' Sam Locum ',
        [`outcome-${head.id}`]: 'absent',
      },
      seats,
      deputies,
    )
    expect(ok.errors).toEqual({})
    expect(ok.rows[1]).toEqual({
      membershipId: police.id,
      outcome: 'deputy',
      deputyId: world.people.deputy.id,
      deputyName: null,
    })
    expect(ok.rows[2]?.deputyName).toBe('Sam Locum')
  })

  it('answers for forty seats in at most three queries', async () => {
    const big = await insertGroup(database.db, world.partnership.id, { quorum: 20 })
    for (let i = 0; i < 40; i++) {
      const person = await insertPerson(database.db, world.partnership.id, { name: `Member ${i}` })
      await insertSeat(database.db, {
        partnershipId: world.partnership.id,
        groupId: big.id,
        personId: person.id,
      })
    }
    const m = await insertMeeting(database.db, {
      partnershipId: world.partnership.id,
      groupId: big.id,
      heldOn: '2026-02-25',
    })
    let queries = 0
    const counting = new Proxy(database.db, {
      get(target, property, receiver) {
        if (property === 'select' || property === 'execute') queries++
        return Reflect.get(target, property, receiver)
      },
    }) as DbOrTx
    const result = await attendanceFor(counting, m, big)
    expect(result.seats).toHaveLength(40)
    expect(result.quorum).toEqual({ needed: 20, filled: 0, met: false })
    expect(queries).toBeGreaterThan(0)
    expect(queries).toBeLessThanOrEqual(3)
  })
})
