import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import type { Database } from '../../platform/db/client.ts'
import type { AppError } from '../../platform/http/errors.ts'
import { createOutbox } from '../../platform/notify/notify.service.ts'
import { outbox } from '../../platform/notify/notify.table.ts'
import { FieldProblems } from '../partnership/agencies.problems.ts'
import { agencies } from '../partnership/structure.table.ts'
import { changeAt, insertItem } from './decisions.fixtures.ts'
import { arrangeReconsideration, objectionRecipients, recordObjection } from './decisions.objections.ts'
import { strategicGroupOf } from './decisions.queries.ts'
import {
  type DecisionInput,
  decisionsForMeeting,
  duplicateDecisionMessage,
  recordDecision,
  withdrawDecision,
} from './decisions.service.ts'
import { decisionObjections, decisions } from './decisions.table.ts'
import { buildMeetingWorld, insertGroup, insertMeeting, type MeetingWorld, NOW } from './meetings.fixtures.ts'
import type { AgendaItem, Meeting } from './meetings.table.ts'

/** The problems a call was refused with, by field. */
async function problems(promise: Promise<unknown>): Promise<Record<string, string>> {
  try {
    await promise
  } catch (error) {
    if (error instanceof FieldProblems) return error.fields
    throw error
  }
  throw new Error('Expected the call to be refused')
}

async function refusal(
  promise: Promise<unknown>,
): Promise<{ code: string; status: number; message: string }> {
  try {
    await promise
  } catch (error) {
    const e = error as AppError
    return { code: e.code, status: e.status, message: e.message }
  }
  throw new Error('Expected the call to be refused')
}

describe('decisions', () => {
  let database: Database
  let world: MeetingWorld
  let funeral: Meeting
  let funeralItem: AgendaItem
  let march: Meeting
  let marchItem: AgendaItem
  let april: Meeting
  const change = (now: Date | string = NOW) =>
    changeAt(world.partnership.id, world.accounts.businessTeam.userId, now)
  const meeting = (heldOn: string, extra: Partial<Meeting> = {}) =>
    insertMeeting(database.db, {
      partnershipId: world.partnership.id,
      groupId: world.group.id,
      heldOn,
      ...extra,
    })
  const consensus = (
    item: AgendaItem,
    implementationOn: string,
    text = `Agree ${Math.random()}`,
  ): DecisionInput => ({
    agendaItemId: item.id,
    text,
    outcome: 'consensus',
    implementationOn,
    deferredToMeetingId: null,
  })
  const outboxOf = () => createOutbox({ db: database.db, now: () => NOW })

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
    funeral = await meeting('2022-09-12')
    funeralItem = await insertItem(database.db, funeral, {
      title: 'Threshold document',
      decisionNeeded: true,
    })
    march = await meeting('2026-02-16')
    marchItem = await insertItem(database.db, march, { title: 'Neglect strategy' })
    april = await meeting('2026-04-20')
  })
  afterAll(() => database.close())

  describe('the notice before implementation', () => {
    it('counts working days from the meeting, skipping the 19 September 2022 bank holiday', async () => {
      const early = await problems(
        recordDecision(database.db, change(), funeral.id, consensus(funeralItem, '2022-09-26')),
      )
      expect(early.implementationOn).toBe(
        "The implementation date must be on or after 27 September 2022: meeting on 12 September 2022 + 10 working days, skipping 4 weekend days and Queen Elizabeth's Funeral Day (19 September 2022)",
      )
      const onTime = await recordDecision(
        database.db,
        change(),
        funeral.id,
        consensus(funeralItem, '2022-09-27'),
      )
      expect(onTime.implementationOn).toBe('2022-09-27')
      expect(onTime.reference).toMatch(/^D2022-\d{3}$/)
    })

    it('needs an implementation date for a consensus', async () => {
      const missing = await problems(
        recordDecision(database.db, change(), march.id, {
          ...consensus(marchItem, ''),
          implementationOn: null,
        }),
      )
      expect(missing.implementationOn).toBe('Enter the implementation date')
    })
  })

  it('refuses a decision at a cancelled meeting or before the meeting’s day, saving nothing', async () => {
    const cancelled = await meeting('2026-02-02', { cancelledAt: NOW, cancelledReason: 'Snow' })
    const cancelledItem = await insertItem(database.db, cancelled)
    const future = await meeting('2026-03-03')
    const futureItem = await insertItem(database.db, future)
    const a = await refusal(
      recordDecision(database.db, change(), cancelled.id, consensus(cancelledItem, '2026-12-01')),
    )
    expect(a).toMatchObject({ status: 409, message: expect.stringContaining('cancelled') })
    const b = await refusal(
      recordDecision(database.db, change(), future.id, consensus(futureItem, '2026-12-01')),
    )
    expect(b.message).toBe(
      'A decision is taken at the meeting: it can be recorded from the day of the meeting, 3 March 2026',
    )
    // On the day of the meeting it can be recorded.
    const onTheDay = await recordDecision(
      database.db,
      change('2026-03-03T18:00:00Z'),
      future.id,
      consensus(futureItem, '2026-12-01'),
    )
    expect(onTheDay.meetingId).toBe(future.id)
    const saved = await database.db.select().from(decisions).where(eq(decisions.meetingId, cancelled.id))
    expect(saved).toEqual([])
  })

  it('refuses an item of another meeting or a withdrawn item', async () => {
    const withdrawn = await insertItem(database.db, march, { withdrawnAt: NOW })
    expect(
      (await problems(recordDecision(database.db, change(), march.id, consensus(funeralItem, '2026-05-01'))))
        .agendaItemId,
    ).toBe('Choose an item on this meeting’s agenda')
    expect(
      (await problems(recordDecision(database.db, change(), march.id, consensus(withdrawn, '2026-05-01'))))
        .agendaItemId,
    ).toBeTruthy()
    expect(
      (
        await problems(
          recordDecision(database.db, change(), march.id, {
            ...consensus(marchItem, '2026-05-01'),
            agendaItemId: 'nope',
          }),
        )
      ).agendaItemId,
    ).toBeTruthy()
  })

  it('defers only to a later meeting of the same group that is not cancelled', async () => {
    const deferred = (to: string | null): DecisionInput => ({
      agendaItemId: marchItem.id,
      text: `Defer ${Math.random()}`,
      outcome: 'deferred',
      implementationOn: null,
      deferredToMeetingId: to,
    })
    const other = await insertGroup(database.db, world.partnership.id)
    const otherMeeting = await insertMeeting(database.db, {
      partnershipId: world.partnership.id,
      groupId: other.id,
      heldOn: '2026-05-01',
    })
    const cancelledLater = await meeting('2026-05-11', { cancelledAt: NOW, cancelledReason: 'Moved' })
    const message = 'Choose the later meeting the decision is deferred to'
    for (const to of [null, funeral.id, otherMeeting.id, cancelledLater.id]) {
      expect(
        (await problems(recordDecision(database.db, change(), march.id, deferred(to)))).deferredToMeetingId,
      ).toBe(message)
    }
    const ok = await recordDecision(database.db, change(), march.id, deferred(april.id))
    expect(ok).toMatchObject({ outcome: 'deferred', deferredToMeetingId: april.id, implementationOn: null })
    const [row] = (await decisionsForMeeting(database.db, march.id, '2026-03-02')).filter(
      (d) => d.id === ok.id,
    )
    expect(row?.state).toBe('deferred')
  })

  it('refers to the Strategic Group, and names it with its next meeting', async () => {
    const strategic = await insertGroup(database.db, world.partnership.id, {
      kind: 'strategic',
      name: 'Strategic Group',
    })
    await insertMeeting(database.db, {
      partnershipId: world.partnership.id,
      groupId: strategic.id,
      heldOn: '2026-01-10',
    })
    const next = await insertMeeting(database.db, {
      partnershipId: world.partnership.id,
      groupId: strategic.id,
      heldOn: '2026-03-20',
    })
    const found = await strategicGroupOf(database.db, world.partnership.id, '2026-03-02')
    expect(found).toMatchObject({ id: strategic.id, name: 'Strategic Group', nextMeeting: { id: next.id } })
    const referred = await recordDecision(database.db, change(), march.id, {
      agendaItemId: marchItem.id,
      text: 'Refer the budget',
      outcome: 'referred',
      implementationOn: '2026-09-01',
      deferredToMeetingId: april.id,
    })
    // Only a consensus carries an implementation date, only a deferral a meeting.
    expect(referred).toMatchObject({ outcome: 'referred', implementationOn: null, deferredToMeetingId: null })
    const rows = await decisionsForMeeting(database.db, march.id, '2026-03-02')
    expect(rows.find((r) => r.id === referred.id)?.state).toBe('referred')
  })

  describe('objections', () => {
    let decision: { id: string; reference: string }
    const later = '2026-04-10T09:00:00Z'
    const object = (
      receivedOn: string,
      now: string = later,
      agencyId = world.agencies.police.id,
      reasons = 'Not affordable',
    ) =>
      recordObjection(
        database.db,
        outboxOf(),
        change(now),
        decision.id,
        { agencyId, receivedOn, reasons },
        { decisionUrl: `https://masa.example/p/${world.partnership.slug}/decisions/${decision.id}` },
      )
    const count = async () =>
      (
        await database.db
          .select()
          .from(decisionObjections)
          .where(eq(decisionObjections.decisionId, decision.id))
      ).length

    beforeAll(async () => {
      decision = await recordDecision(
        database.db,
        change(),
        march.id,
        consensus(marchItem, '2026-04-01', 'Adopt the neglect strategy'),
      )
    })

    it('is refused on or after the implementation date, or in the future, saving nothing', async () => {
      expect((await problems(object('2026-04-01'))).receivedOn).toBe(
        'An objection must be received before the implementation date, 1 April 2026',
      )
      expect((await problems(object('2026-04-02'))).receivedOn).toBe(
        'An objection must be received before the implementation date, 1 April 2026',
      )
      expect((await problems(object('2026-03-05', '2026-03-04T09:00:00Z'))).receivedOn).toBe(
        'The date the objection was received must be today or in the past',
      )
      expect((await problems(object('2026-02-01'))).receivedOn).toContain(
        'on or after the meeting, 16 February 2026',
      )
      expect(
        (await problems(object('2026-03-31', later, world.agencies.police.id, '  '))).reasons,
      ).toBeTruthy()
      expect(await count()).toBe(0)
    })

    it('is refused from an agency that has ended', async () => {
      await database.db
        .update(agencies)
        .set({ activeTo: '2026-01-31' })
        .where(eq(agencies.id, world.agencies.school.id))
      expect((await problems(object('2026-03-31', later, world.agencies.school.id))).agencyId).toBe(
        'Choose the agency that objected',
      )
      expect(await count()).toBe(0)
    })

    it('is recorded the day before, suspends the decision and tells the group and the business team', async () => {
      expect(
        (await decisionsForMeeting(database.db, march.id, '2026-03-31')).find((d) => d.id === decision.id)
          ?.state,
      ).toBe('agreed')
      const before = await database.db
        .select()
        .from(outbox)
        .where(eq(outbox.partnershipId, world.partnership.id))
      const { objection, notified } = await object('2026-03-31')
      expect(objection.receivedOn).toBe('2026-03-31')
      const rows = await decisionsForMeeting(database.db, march.id, '2026-04-10')
      expect(rows.find((d) => d.id === decision.id)).toMatchObject({ state: 'suspended', objectionCount: 1 })

      const recipients = await objectionRecipients(
        database.db,
        world.partnership.id,
        world.group.id,
        '2026-04-10',
      )
      expect(notified).toBe(recipients.length)
      const sent = (
        await database.db.select().from(outbox).where(eq(outbox.partnershipId, world.partnership.id))
      ).filter((m) => !before.some((b) => b.id === m.id))
      const to = sent.map((m) => m.toAddress)
      expect(to).toContain(world.accounts.businessTeam.email)
      expect(to).toContain(world.accounts.chair.email)
      expect(to).toContain(world.accounts.police.email)
      expect(to).toContain(world.people.health.email)
      // Designated deputies are not members; people outside the group are not told.
      expect(to).not.toContain(world.people.deputy.email)
      expect(to).not.toContain(world.accounts.otherMember.email)
      expect(new Set(to).size).toBe(to.length)
      expect(sent[0]?.subject).toBe(`Objection to decision ${decision.reference}: the decision is suspended`)
      expect(sent[0]?.textBody).toContain('Testshire Police has objected in writing')
      expect(sent[0]?.textBody).toContain(`/decisions/${decision.id}`)

      const audited = await database.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.entityType, 'decision_objection'), eq(auditLog.entityId, objection.id)))
      expect(audited).toHaveLength(1)
    })

    it('refuses the same objection sent twice', async () => {
      expect((await problems(object('2026-03-31'))).reasons).toBe('This objection has already been recorded')
      expect(await count()).toBe(1)
    })

    it('is arranged for reconsideration at a later meeting of the group', async () => {
      const otherGroup = await insertGroup(database.db, world.partnership.id)
      const elsewhere = await insertMeeting(database.db, {
        partnershipId: world.partnership.id,
        groupId: otherGroup.id,
        heldOn: '2026-05-05',
      })
      for (const id of [funeral.id, elsewhere.id, 'not-a-meeting']) {
        expect(
          (await problems(arrangeReconsideration(database.db, change(later), decision.id, id))).meetingId,
        ).toBe('Choose a later meeting of the group')
      }
      const updated = await arrangeReconsideration(database.db, change(later), decision.id, april.id)
      expect(updated.reconsiderationMeetingId).toBe(april.id)
      const rows = await decisionsForMeeting(database.db, march.id, '2026-04-10')
      expect(rows.find((d) => d.id === decision.id)?.state).toBe('reconsideration')
    })

    it('refuses a reconsideration without an objection, and an objection to a decision not reached by consensus', async () => {
      const quiet = await recordDecision(database.db, change(), march.id, consensus(marchItem, '2026-05-01'))
      const r = await refusal(arrangeReconsideration(database.db, change(), quiet.id, april.id))
      expect(r.code).toBe('no_objection')
      const deferred = await recordDecision(database.db, change(), march.id, {
        agendaItemId: marchItem.id,
        text: 'Wait for the audit',
        outcome: 'deferred',
        implementationOn: null,
        deferredToMeetingId: april.id,
      })
      const refused = await refusal(
        recordObjection(
          database.db,
          outboxOf(),
          change(),
          deferred.id,
          { agencyId: world.agencies.police.id, receivedOn: '2026-03-01', reasons: 'No' },
          { decisionUrl: 'x' },
        ),
      )
      expect(refused).toMatchObject({ code: 'objection_closed', status: 409 })
      expect(
        await database.db
          .select()
          .from(decisionObjections)
          .where(eq(decisionObjections.decisionId, deferred.id)),
      ).toEqual([])
    })
  })

  it('moves from agreed to implemented on the implementation date', async () => {
    const d = await recordDecision(database.db, change(), march.id, consensus(marchItem, '2026-03-16'))
    const stateOn = async (day: string) =>
      (await decisionsForMeeting(database.db, march.id, day)).find((r) => r.id === d.id)?.state
    expect(await stateOn('2026-03-15')).toBe('agreed')
    expect(await stateOn('2026-03-16')).toBe('implemented')
    const [row] = (await decisionsForMeeting(database.db, march.id, '2026-03-16')).filter(
      (r) => r.id === d.id,
    )
    expect(row).toMatchObject({
      reference: d.reference,
      agendaItemId: marchItem.id,
      outcome: 'consensus',
      implementationOn: '2026-03-16',
      objectionCount: 0,
    })
  })

  it('withdraws a decision with a reason, once, and keeps it', async () => {
    const d = await recordDecision(database.db, change(), march.id, consensus(marchItem, '2026-05-01'))
    expect((await problems(withdrawDecision(database.db, change(), d.id, '  '))).reason).toBe(
      'Enter why the decision is withdrawn',
    )
    const withdrawn = await withdrawDecision(
      database.db,
      change(),
      d.id,
      'Recorded against the wrong meeting',
    )
    expect(withdrawn.withdrawnReason).toBe('Recorded against the wrong meeting')
    expect(
      (await decisionsForMeeting(database.db, march.id, '2026-06-01')).find((r) => r.id === d.id)?.state,
    ).toBe('withdrawn')
    expect((await refusal(withdrawDecision(database.db, change(), d.id, 'Again'))).code).toBe(
      'decision_withdrawn',
    )
    const objection = await refusal(
      recordObjection(
        database.db,
        outboxOf(),
        change(),
        d.id,
        { agencyId: world.agencies.police.id, receivedOn: '2026-03-01', reasons: 'No' },
        { decisionUrl: 'x' },
      ),
    )
    expect(objection.message).toContain('withdrawn')
    const audited = await database.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(and(eq(auditLog.entityType, 'decision'), eq(auditLog.entityId, d.id)))
    expect(audited.map((a) => a.action).sort()).toEqual(['create', 'withdraw'])
  })

  it('numbers references per partnership and year, safely when recorded at once', async () => {
    const other = await buildMeetingWorld(database.db)
    const otherMeeting = await insertMeeting(database.db, {
      partnershipId: other.partnership.id,
      groupId: other.group.id,
      heldOn: '2026-02-10',
    })
    const otherItem = await insertItem(database.db, otherMeeting)
    const first = await recordDecision(
      database.db,
      changeAt(other.partnership.id, other.accounts.businessTeam.userId, NOW),
      otherMeeting.id,
      consensus(otherItem, '2026-06-01'),
    )
    expect(first.reference).toBe('D2026-001')

    const existing = await database.db
      .select({ reference: decisions.reference })
      .from(decisions)
      .where(eq(decisions.partnershipId, world.partnership.id))
    const in2026 = existing.filter((r) => r.reference.startsWith('D2026-')).length
    const made = await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        recordDecision(database.db, change(), march.id, consensus(marchItem, '2026-06-01', `Parallel ${n}`)),
      ),
    )
    const numbers = made.map((d) => Number(d.reference.slice(6))).sort((a, b) => a - b)
    expect(numbers).toEqual([1, 2, 3, 4, 5].map((n) => in2026 + n))
    expect(existing.filter((r) => r.reference.startsWith('D2022-')).map((r) => r.reference)).toEqual([
      'D2022-001',
    ])
  })

  it('refuses the same decision on the same item within a minute (a form sent twice)', async () => {
    const input = consensus(marchItem, '2026-06-01', 'Publish the annual report')
    await recordDecision(database.db, change(), march.id, input)
    expect((await problems(recordDecision(database.db, change(), march.id, input))).text).toBe(
      duplicateDecisionMessage,
    )
    const twice = await Promise.allSettled([
      recordDecision(database.db, change(), march.id, { ...input, text: 'Twice at once' }),
      recordDecision(database.db, change(), march.id, { ...input, text: 'Twice at once' }),
    ])
    expect(twice.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    // A minute later it is a new decision.
    const again = await recordDecision(database.db, change(new Date(NOW.getTime() + 61_000)), march.id, input)
    expect(again.text).toBe('Publish the annual report')
  })
})
