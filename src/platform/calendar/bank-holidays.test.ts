import { describe, expect, it } from 'vitest'
import { bankHolidayName, bankHolidays, isBankHoliday } from './bank-holidays.ts'

// Typed out from the gov.uk list of England and Wales bank holidays (https://www.gov.uk/bank-holidays).
const official: Record<number, string[]> = {
  2018: [
    '2018-01-01',
    '2018-03-30',
    '2018-04-02',
    '2018-05-07',
    '2018-05-28',
    '2018-08-27',
    '2018-12-25',
    '2018-12-26',
  ],
  2019: [
    '2019-01-01',
    '2019-04-19',
    '2019-04-22',
    '2019-05-06',
    '2019-05-27',
    '2019-08-26',
    '2019-12-25',
    '2019-12-26',
  ],
  // Early May bank holiday moved to Friday 8 May for VE day; Boxing Day (Saturday) substituted on 28 December.
  2020: [
    '2020-01-01',
    '2020-04-10',
    '2020-04-13',
    '2020-05-08',
    '2020-05-25',
    '2020-08-31',
    '2020-12-25',
    '2020-12-28',
  ],
  2021: [
    '2021-01-01',
    '2021-04-02',
    '2021-04-05',
    '2021-05-03',
    '2021-05-31',
    '2021-08-30',
    '2021-12-27',
    '2021-12-28',
  ],
  // Spring bank holiday moved to 2 June, plus the Platinum Jubilee (3 June) and the Queen's funeral (19 September).
  2022: [
    '2022-01-03',
    '2022-04-15',
    '2022-04-18',
    '2022-05-02',
    '2022-06-02',
    '2022-06-03',
    '2022-08-29',
    '2022-09-19',
    '2022-12-26',
    '2022-12-27',
  ],
  // The coronation (8 May).
  2023: [
    '2023-01-02',
    '2023-04-07',
    '2023-04-10',
    '2023-05-01',
    '2023-05-08',
    '2023-05-29',
    '2023-08-28',
    '2023-12-25',
    '2023-12-26',
  ],
  2024: [
    '2024-01-01',
    '2024-03-29',
    '2024-04-01',
    '2024-05-06',
    '2024-05-27',
    '2024-08-26',
    '2024-12-25',
    '2024-12-26',
  ],
  2025: [
    '2025-01-01',
    '2025-04-18',
    '2025-04-21',
    '2025-05-05',
    '2025-05-26',
    '2025-08-25',
    '2025-12-25',
    '2025-12-26',
  ],
  2026: [
    '2026-01-01',
    '2026-04-03',
    '2026-04-06',
    '2026-05-04',
    '2026-05-25',
    '2026-08-31',
    '2026-12-25',
    '2026-12-28',
  ],
  2027: [
    '2027-01-01',
    '2027-03-26',
    '2027-03-29',
    '2027-05-03',
    '2027-05-31',
    '2027-08-30',
    '2027-12-27',
    '2027-12-28',
  ],
}

describe('bankHolidays', () => {
  for (const [year, days] of Object.entries(official)) {
    it(`matches the official list for ${year}`, () => {
      expect([...bankHolidays(Number(year)).keys()]).toEqual(days)
    })
  }

  it('names the days', () => {
    expect(bankHolidayName('2024-03-29')).toBe('Good Friday')
    expect(bankHolidayName('2024-04-01')).toBe('Easter Monday')
    expect(bankHolidayName('2021-12-27')).toBe('Christmas Day (substitute day)')
    expect(bankHolidayName('2024-03-28')).toBeUndefined()
  })

  it('leaves out the weekend originals of substitute days', () => {
    expect(isBankHoliday('2021-12-25')).toBe(false)
    expect(isBankHoliday('2021-12-27')).toBe(true)
  })

  it('caches each year', () => {
    expect(bankHolidays(2024)).toBe(bankHolidays(2024))
  })

  it('rejects a year that is not a whole four-digit year', () => {
    expect(() => bankHolidays(2024.5)).toThrow(RangeError)
    expect(() => bankHolidays(99)).toThrow(RangeError)
  })
})
