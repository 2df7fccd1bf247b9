import { describe, expect, it } from 'vitest'
import { isIsoDay, londonDayEnd, londonDayStart } from './london.ts'

describe('Europe/London days', () => {
  it('begin at midnight UK time, in winter and summer and on the days the clocks change', () => {
    expect(londonDayStart('2025-01-15').toISOString()).toBe('2025-01-15T00:00:00.000Z')
    expect(londonDayStart('2025-07-01').toISOString()).toBe('2025-06-30T23:00:00.000Z')
    // 30 March 2025 (clocks forward) is 23 hours long; 26 October 2025 (clocks back) is 25.
    expect(londonDayEnd('2025-03-30').getTime() - londonDayStart('2025-03-30').getTime()).toBe(23 * 3_600_000)
    expect(londonDayEnd('2025-10-26').getTime() - londonDayStart('2025-10-26').getTime()).toBe(25 * 3_600_000)
  })

  it('knows a real date', () => {
    expect(isIsoDay('2024-02-29')).toBe(true)
    expect(isIsoDay('2025-02-29')).toBe(false)
    expect(isIsoDay('27/03/2025')).toBe(false)
  })
})
