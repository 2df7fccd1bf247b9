import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership, buildUser } from '../../../test/factories.ts'
import { verifyAuditLog } from '../audit/audit.service.ts'
import { createCalendar } from '../calendar/calendar.ts'
import type { Database } from '../db/client.ts'
import { defaultRuleSet } from './rules.definitions.ts'
import { computeDeadline, getRuleSet, updateRules } from './rules.service.ts'

describe('computeDeadline', () => {
  const calendar = createCalendar({
    closureDays: [{ day: '2024-12-27', reason: 'Partnership office closed' }],
  })

  it('adds working days across Easter and names the holidays it skipped', () => {
    const deadline = computeDeadline(defaultRuleSet, 'draftMinutesToChair', '2024-03-25', calendar)
    expect(deadline.date).toBe('2024-04-10')
    expect(deadline.explanation).toBe(
      '10 April 2024: meeting on 25 March 2024 + 10 working days, skipping 4 weekend days, Good Friday (29 March 2024) and Easter Monday (1 April 2024)',
    )
  })

  it('skips the partnership’s own closure days', () => {
    const deadline = computeDeadline(
      { ...defaultRuleSet, actionResponse: 2 },
      'actionResponse',
      '2024-12-24',
      calendar,
    )
    // 25 and 26 December are bank holidays, 27 December the office is closed, then a weekend.
    expect(deadline.date).toBe('2024-12-31')
    expect(deadline.explanation).toContain('Partnership office closed (27 December 2024)')
  })

  it('moves papers due on a weekend to the working day before', () => {
    // Meeting on Saturday 14 March + 7 days back = Saturday 7 March -> Friday 6 March.
    const deadline = computeDeadline(defaultRuleSet, 'papersBeforeMeeting', '2026-03-14', calendar)
    expect(deadline.date).toBe('2026-03-06')
    const onWeekday = computeDeadline(defaultRuleSet, 'papersBeforeMeeting', '2026-03-12', calendar)
    expect(onWeekday.date).toBe('2026-03-05')
    expect(onWeekday.explanation).toBe('5 March 2026: meeting on 12 March 2026 − 7 days')
  })

  it('adds months for tenures and review timescales', () => {
    expect(computeDeadline(defaultRuleSet, 'chairTenure', '2026-01-31', calendar).date).toBe('2027-01-31')
    expect(computeDeadline(defaultRuleSet, 'localReviewPublishWithin', '2026-08-31', calendar).date).toBe(
      '2027-02-28',
    )
  })

  it('refuses a count rule', () => {
    expect(() => computeDeadline(defaultRuleSet, 'consecutiveAbsences', '2026-01-01', calendar)).toThrow()
  })
})

describe('rule set storage', () => {
  let database: Database
  beforeAll(async () => {
    database = await createTestDatabase()
  })
  afterAll(() => database.close())

  it('starts from the defaults and keeps a partnership’s changes, audited', async () => {
    const { db } = database
    const partnership = await buildPartnership(db)
    const other = await buildPartnership(db)
    const admin = await buildUser(db, { partnershipId: partnership.id, role: 'administrator' })
    expect(await getRuleSet(db, partnership.id)).toEqual(defaultRuleSet)

    const changes = await updateRules(db, {
      partnershipId: partnership.id,
      actorId: admin.id,
      requestId: randomUUID(),
      values: { actionResponse: 15, draftMinutesToChair: 10 },
      now: new Date('2026-11-23T10:00:00Z'),
    })
    expect(changes).toEqual([{ key: 'actionResponse', before: 10, after: 15 }])
    expect((await getRuleSet(db, partnership.id)).actionResponse).toBe(15)
    expect((await getRuleSet(db, other.id)).actionResponse).toBe(10)
    expect((await verifyAuditLog(db)).ok).toBe(true)
  })
})
