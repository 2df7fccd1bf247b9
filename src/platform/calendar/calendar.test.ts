import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { addCalendarDays, addMonths, createCalendar, formatDate } from './calendar.ts'

const calendar = createCalendar()

describe('addWorkingDays', () => {
  it('skips weekends and Easter', () => {
    // Monday 25 March 2024: Good Friday 29 March and Easter Monday 1 April fall in the next 10 working days.
    expect(calendar.addWorkingDays('2024-03-25', 10)).toBe('2024-04-10')
  })

  it('skips weekends only when there is no holiday', () => {
    expect(calendar.addWorkingDays('2024-03-12', 10)).toBe('2024-03-26')
  })

  it('counts back for negative n', () => {
    // Papers 5 working days before Tuesday 2 April 2024, across Easter.
    expect(calendar.addWorkingDays('2024-04-02', -5)).toBe('2024-03-22')
  })

  it('gives the day back unchanged for n = 0, even at a weekend', () => {
    expect(calendar.addWorkingDays('2024-03-30', 0)).toBe('2024-03-30')
  })

  it('goes from a weekend to the next working day for n = 1', () => {
    expect(calendar.addWorkingDays('2024-03-30', 1)).toBe('2024-04-02')
  })

  it('respects closure days', () => {
    const closed = createCalendar({
      closureDays: [
        { day: '2024-12-27', reason: 'Christmas closure' },
        { day: '2024-12-30', reason: 'Christmas closure' },
        { day: '2024-12-31', reason: 'Christmas closure' },
      ],
    })
    expect(calendar.addWorkingDays('2024-12-20', 5)).toBe('2024-12-31')
    expect(closed.addWorkingDays('2024-12-20', 5)).toBe('2025-01-06')
    expect(closed.isWorkingDay('2024-12-30')).toBe(false)
    expect(closed.nonWorkingReason('2024-12-30')).toBe('Christmas closure')
    expect(calendar.isWorkingDay('2024-12-30')).toBe(true)
  })

  it('rejects bad input', () => {
    expect(() => calendar.addWorkingDays('2024-02-30', 1)).toThrow(RangeError)
    expect(() => calendar.addWorkingDays('2024-3-1', 1)).toThrow(RangeError)
    expect(() => calendar.addWorkingDays('2024-03-01', 1.5)).toThrow(RangeError)
    expect(() => createCalendar({ closureDays: [{ day: '31/12/2024', reason: 'x' }] })).toThrow(RangeError)
  })
})

describe('nonWorkingReason', () => {
  it('says why a day is not a working day', () => {
    expect(calendar.nonWorkingReason('2024-03-30')).toBe('Saturday')
    expect(calendar.nonWorkingReason('2024-03-31')).toBe('Sunday')
    expect(calendar.nonWorkingReason('2024-03-29')).toBe('Good Friday')
    expect(calendar.nonWorkingReason('2024-03-28')).toBeUndefined()
  })
})

describe('workingDaysBetween', () => {
  it('counts working days after from, up to and including to', () => {
    expect(calendar.workingDaysBetween('2024-03-25', '2024-04-10')).toBe(10)
    expect(calendar.workingDaysBetween('2024-03-28', '2024-04-02')).toBe(1)
    expect(calendar.workingDaysBetween('2024-03-28', '2024-03-28')).toBe(0)
  })

  it('is negative when to is before from, matching addWorkingDays', () => {
    expect(calendar.workingDaysBetween('2024-04-02', '2024-03-22')).toBe(-5)
    // Friday is one working day back from Sunday, but Sunday is no working days on from Friday.
    expect(calendar.workingDaysBetween('2024-03-10', '2024-03-08')).toBe(-1)
    expect(calendar.workingDaysBetween('2024-03-08', '2024-03-10')).toBe(0)
  })
})

describe('nextWorkingDay and onOrAfterWorkingDay', () => {
  it('finds the first working day strictly after', () => {
    expect(calendar.nextWorkingDay('2024-03-28')).toBe('2024-04-02')
    expect(calendar.nextWorkingDay('2024-03-26')).toBe('2024-03-27')
  })

  it('keeps a working day and moves a non-working one on', () => {
    expect(calendar.onOrAfterWorkingDay('2024-03-28')).toBe('2024-03-28')
    expect(calendar.onOrAfterWorkingDay('2024-03-29')).toBe('2024-04-02')
  })
})

describe('explainWorkingDays', () => {
  it('names the holidays it skipped', () => {
    const explanation = calendar.explainWorkingDays('2024-03-25', 10)
    expect(explanation.date).toBe('2024-04-10')
    expect(explanation.skipped).toEqual([
      { day: '2024-03-29', reason: 'Good Friday' },
      { day: '2024-03-30', reason: 'Saturday' },
      { day: '2024-03-31', reason: 'Sunday' },
      { day: '2024-04-01', reason: 'Easter Monday' },
      { day: '2024-04-06', reason: 'Saturday' },
      { day: '2024-04-07', reason: 'Sunday' },
    ])
    expect(explanation.text).toBe(
      '10 April 2024: 25 March 2024 + 10 working days, skipping Good Friday (29 March) and Easter Monday (1 April)',
    )
  })

  it('says nothing about weekends alone', () => {
    expect(calendar.explainWorkingDays('2024-03-12', 10).text).toBe(
      '26 March 2024: 12 March 2024 + 10 working days',
    )
    expect(calendar.explainWorkingDays('2024-03-12', 1).text).toBe(
      '13 March 2024: 12 March 2024 + 1 working day',
    )
    expect(calendar.explainWorkingDays('2024-03-12', 0)).toEqual({
      date: '2024-03-12',
      skipped: [],
      text: '12 March 2024: 12 March 2024 + 0 working days',
    })
  })

  it('names closure days and gives the year when it changes', () => {
    const closed = createCalendar({
      closureDays: [
        { day: '2024-12-27', reason: 'Christmas closure' },
        { day: '2024-12-30', reason: 'Christmas closure' },
      ],
    })
    expect(closed.explainWorkingDays('2024-12-20', 5).text).toBe(
      '3 January 2025: 20 December 2024 + 5 working days, skipping Christmas Day (25 December), ' +
        'Boxing Day (26 December), Christmas closure (27 December), Christmas closure (30 December) ' +
        "and New Year's Day (1 January 2025)",
    )
  })

  it('explains counting back', () => {
    expect(calendar.explainWorkingDays('2024-04-02', -5).text).toBe(
      '22 March 2024: 2 April 2024 - 5 working days, skipping Easter Monday (1 April) and Good Friday (29 March)',
    )
  })
})

describe('calendar days and months', () => {
  it('adds calendar days across clock changes', () => {
    expect(addCalendarDays('2024-03-30', 2)).toBe('2024-04-01')
    expect(addCalendarDays('2024-10-26', 2)).toBe('2024-10-28')
    expect(addCalendarDays('2024-03-01', -1)).toBe('2024-02-29')
  })

  it('adds months, clamping to the end of the month', () => {
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29')
    expect(addMonths('2023-01-31', 1)).toBe('2023-02-28')
    expect(addMonths('2024-03-31', -1)).toBe('2024-02-29')
    expect(addMonths('2024-12-15', 1)).toBe('2025-01-15')
    expect(addMonths('2024-01-15', -13)).toBe('2022-12-15')
    expect(addMonths('2024-08-31', 1)).toBe('2024-09-30')
  })

  it('formats dates GOV.UK style', () => {
    expect(formatDate('2024-03-12')).toBe('12 March 2024')
    expect(formatDate('2025-01-01')).toBe('1 January 2025')
  })
})

describe('properties', () => {
  const start = '2018-01-01'
  const anyDay = fc.integer({ min: 0, max: 3650 }).map((offset) => addCalendarDays(start, offset))
  const anyCalendar = fc.uniqueArray(fc.integer({ min: 0, max: 3800 }), { maxLength: 40 }).map((offsets) =>
    createCalendar({
      closureDays: offsets.map((offset) => ({ day: addCalendarDays(start, offset), reason: 'Closed' })),
    }),
  )
  const steps = fc.integer({ min: -60, max: 60 })

  it('adding n >= 1 working days lands on a working day', () => {
    fc.assert(
      fc.property(anyCalendar, anyDay, fc.integer({ min: 1, max: 60 }), (cal, day, n) => {
        expect(cal.isWorkingDay(cal.addWorkingDays(day, n))).toBe(true)
        expect(cal.isWorkingDay(cal.addWorkingDays(day, -n))).toBe(true)
      }),
    )
  })

  it('addWorkingDays is strictly increasing in n', () => {
    fc.assert(
      fc.property(anyCalendar, anyDay, steps, (cal, day, n) => {
        expect(cal.addWorkingDays(day, n) < cal.addWorkingDays(day, n + 1)).toBe(true)
      }),
    )
  })

  it('workingDaysBetween undoes addWorkingDays', () => {
    fc.assert(
      fc.property(anyCalendar, anyDay, steps, (cal, day, n) => {
        expect(cal.workingDaysBetween(day, cal.addWorkingDays(day, n))).toBe(n)
      }),
    )
  })

  it('addWorkingDays undoes workingDaysBetween for a working day', () => {
    fc.assert(
      fc.property(anyCalendar, anyDay, anyDay, (cal, from, day) => {
        const to = cal.onOrAfterWorkingDay(day)
        expect(cal.addWorkingDays(from, cal.workingDaysBetween(from, to))).toBe(to)
      }),
    )
  })

  it('the explanation skips exactly the non-working days between start and result', () => {
    fc.assert(
      fc.property(anyCalendar, anyDay, steps, (cal, day, n) => {
        const { date, skipped } = cal.explainWorkingDays(day, n)
        const [low, high] = date < day ? [date, day] : [day, date]
        const between = []
        for (let d = addCalendarDays(low, 1); d < high; d = addCalendarDays(d, 1)) {
          const reason = cal.nonWorkingReason(d)
          if (reason !== undefined) between.push({ day: d, reason })
        }
        expect(n < 0 ? skipped.toReversed() : skipped).toEqual(between)
      }),
    )
  })
})
