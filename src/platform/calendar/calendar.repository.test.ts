import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import { partnerships } from '../../modules/partnership/partnership.table.ts'
import type { Database } from '../db/client.ts'
import { createCalendarRepository } from './calendar.repository.ts'

let database: Database
const partnershipId = randomUUID()
const otherPartnershipId = randomUUID()

beforeAll(async () => {
  database = await createTestDatabase()
  await database.db.insert(partnerships).values([
    {
      id: partnershipId,
      slug: 'calendar-test',
      name: 'Calendar Test Partnership',
      shortName: 'CTP',
      area: 'Testshire',
    },
    {
      id: otherPartnershipId,
      slug: 'calendar-other',
      name: 'Other Partnership',
      shortName: 'OP',
      area: 'Elsewhere',
    },
  ])
})

afterAll(async () => {
  await database?.close()
})

describe('calendar repository', () => {
  it('stores closure days and skips them', async () => {
    const repository = createCalendarRepository(database.db)
    await repository.addClosureDay(partnershipId, '2024-12-30', 'Christmas closure')
    await repository.addClosureDay(partnershipId, '2024-12-27', 'Christmas closure')

    expect(await repository.closureDaysFor(partnershipId)).toEqual([
      { day: '2024-12-27', reason: 'Christmas closure' },
      { day: '2024-12-30', reason: 'Christmas closure' },
    ])
    const calendar = await repository.calendarFor(partnershipId)
    expect(calendar.isWorkingDay('2024-12-27')).toBe(false)
    expect(calendar.addWorkingDays('2024-12-20', 5)).toBe('2025-01-03')
  })

  it('keeps partnerships apart', async () => {
    const repository = createCalendarRepository(database.db)
    expect(await repository.closureDaysFor(otherPartnershipId)).toEqual([])
    const calendar = await repository.calendarFor(otherPartnershipId)
    expect(calendar.addWorkingDays('2024-12-20', 5)).toBe('2024-12-31')
  })

  it('replaces the reason when a day is added twice', async () => {
    const repository = createCalendarRepository(database.db)
    await repository.addClosureDay(otherPartnershipId, '2025-08-26', 'Staff training')
    await repository.addClosureDay(otherPartnershipId, '2025-08-26', 'Office move')
    expect(await repository.closureDaysFor(otherPartnershipId)).toEqual([
      { day: '2025-08-26', reason: 'Office move' },
    ])
  })

  it('works inside a transaction', async () => {
    await database.db.transaction(async (tx) => {
      await createCalendarRepository(tx).addClosureDay(otherPartnershipId, '2025-08-27', 'Office move')
    })
    const calendar = await createCalendarRepository(database.db).calendarFor(otherPartnershipId)
    expect(calendar.nonWorkingReason('2025-08-27')).toBe('Office move')
  })

  it('rejects a day that is not an ISO date', async () => {
    const repository = createCalendarRepository(database.db)
    await expect(repository.addClosureDay(partnershipId, '2025-02-30', 'Nope')).rejects.toThrow(RangeError)
  })
})
