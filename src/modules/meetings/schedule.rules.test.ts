import { describe, expect, it } from 'vitest'
import { createCalendar } from '../../platform/calendar/calendar.ts'
import {
  addMinutesToTime,
  cadenceOf,
  minutesBetween,
  parseTime,
  plannedDates,
  proposeYear,
  toWorkingDay,
} from './schedule.rules.ts'

const calendar = createCalendar({ closureDays: [{ day: '2026-08-06', reason: 'Office move' }] })

describe('a group’s cadence', () => {
  const group = { meetingsPerYear: 4, transitionalMeetingsPerYear: 6, transitionalUntil: '2026-03-31' }

  it('uses the transitional cadence up to the end of the transitional period', () => {
    expect(cadenceOf(group, '2026-03-02')).toEqual({
      count: 6,
      transitional: true,
      text: '6 meetings a year during the transitional period (until 31 March 2026)',
    })
    expect(cadenceOf(group, '2026-03-31')?.count).toBe(6)
  })

  it('uses the usual cadence once the transitional period is over', () => {
    expect(cadenceOf(group, '2026-04-01')).toEqual({
      count: 4,
      transitional: false,
      text: '4 meetings a year',
    })
  })

  it('has none for a group that meets when needed', () => {
    expect(
      cadenceOf(
        { meetingsPerYear: null, transitionalMeetingsPerYear: null, transitionalUntil: null },
        '2026-03-02',
      ),
    ).toBeNull()
  })
})

describe('planned dates', () => {
  it('spreads six meetings every two months from the first date', () => {
    expect(plannedDates('2026-04-06', 6)).toEqual([
      '2026-04-06',
      '2026-06-06',
      '2026-08-06',
      '2026-10-06',
      '2026-12-06',
      '2027-02-06',
    ])
  })

  it('counts each date from the first, so a 31st clamped to a short month does not drift', () => {
    expect(plannedDates('2026-01-31', 12).slice(0, 4)).toEqual([
      '2026-01-31',
      '2026-02-28',
      '2026-03-31',
      '2026-04-30',
    ])
  })

  it('keeps gaps within a month of each other when 12 does not divide evenly', () => {
    expect(plannedDates('2026-04-01', 5)).toEqual([
      '2026-04-01',
      '2026-06-01',
      '2026-08-01',
      '2026-11-01',
      '2027-01-01',
    ])
  })

  it('spreads more than twelve a year in days, all within the year', () => {
    const dates = plannedDates('2026-04-01', 26)
    expect(dates).toHaveLength(26)
    expect(new Set(dates).size).toBe(26)
    expect(dates[1]).toBe('2026-04-15')
    expect(dates.at(-1)! < '2027-04-01').toBe(true)
  })

  it('refuses a count that is not a number of meetings', () => {
    expect(() => plannedDates('2026-04-01', 0)).toThrow(RangeError)
  })
})

describe('moving a date to a working day', () => {
  it('keeps a working day', () => {
    expect(toWorkingDay('2026-04-07', calendar)).toEqual({
      date: '2026-04-07',
      planned: '2026-04-07',
      moved: false,
      explanation: null,
    })
  })

  it('moves a bank holiday to the next working day and says why', () => {
    expect(toWorkingDay('2026-04-06', calendar)).toEqual({
      date: '2026-04-07',
      planned: '2026-04-06',
      moved: true,
      explanation:
        'Moved from Monday 6 April 2026 to Tuesday 7 April 2026: 6 April 2026 is not a working day (Easter Monday)',
    })
  })

  it('moves the Queen’s funeral bank holiday of 19 September 2022', () => {
    expect(toWorkingDay('2022-09-19', calendar).date).toBe('2022-09-20')
  })

  it('skips Christmas, the weekend and the substitute Boxing Day together', () => {
    const move = toWorkingDay('2026-12-25', calendar)
    expect(move.date).toBe('2026-12-29')
    expect(move.explanation).toBe(
      'Moved from Friday 25 December 2026 to Tuesday 29 December 2026: 25 December 2026 is not a working day (Christmas Day), 26 December 2026 is a Saturday, 27 December 2026 is a Sunday and 28 December 2026 is not a working day (Boxing Day (substitute day))',
    )
  })

  it('skips the partnership’s own closure days', () => {
    expect(toWorkingDay('2026-08-06', calendar).explanation).toContain('(Office move)')
  })
})

describe('a proposed year', () => {
  it('moves the dates that fall on non-working days, leaving the others', () => {
    const year = proposeYear('2026-04-06', 6, calendar)
    expect(year.map((m) => [m.number, m.planned, m.date])).toEqual([
      [1, '2026-04-06', '2026-04-07'],
      [2, '2026-06-06', '2026-06-08'],
      [3, '2026-08-06', '2026-08-07'],
      [4, '2026-10-06', '2026-10-06'],
      [5, '2026-12-06', '2026-12-07'],
      [6, '2027-02-06', '2027-02-08'],
    ])
    expect(year.filter((m) => m.moved)).toHaveLength(5)
    // Every date is a working day and the series never goes backwards.
    for (const [i, m] of year.entries()) {
      expect(calendar.isWorkingDay(m.date)).toBe(true)
      if (i > 0) expect(m.date > year[i - 1]!.date).toBe(true)
    }
  })

  it('never puts two weekly meetings on one day after a move', () => {
    const year = proposeYear('2026-04-01', 52, calendar)
    expect(new Set(year.map((m) => m.date)).size).toBe(52)
  })
})

describe('times', () => {
  it('reads the times people type', () => {
    expect(parseTime('14:00')).toBe('14:00')
    expect(parseTime('9.30')).toBe('09:30')
    expect(parseTime('2pm')).toBe('14:00')
    expect(parseTime('2:30 pm')).toBe('14:30')
    expect(parseTime('12am')).toBe('00:00')
    expect(parseTime('12:15pm')).toBe('12:15')
    expect(parseTime('25:00')).toBeNull()
    expect(parseTime('13pm')).toBeNull()
    expect(parseTime('teatime')).toBeNull()
  })

  it('adds minutes within the day', () => {
    expect(addMinutesToTime('14:00', 120)).toBe('16:00')
    expect(addMinutesToTime('09:45', 210)).toBe('13:15')
    expect(addMinutesToTime('23:00', 90)).toBeNull()
    expect(minutesBetween('14:00', '16:30')).toBe(150)
    expect(minutesBetween('14:00', '13:00')).toBe(-60)
  })
})
