import { describe, expect, it } from 'vitest'
import { londonDate, londonInstant, londonTime } from './london-time.ts'

describe('London wall-clock times', () => {
  it('reads a summer time meeting as BST and a winter one as GMT', () => {
    expect(londonInstant('2026-06-16', '14:30').toISOString()).toBe('2026-06-16T13:30:00.000Z')
    expect(londonInstant('2026-12-01', '14:30').toISOString()).toBe('2026-12-01T14:30:00.000Z')
  })

  it('gives the London date and time back from an instant, across midnight UTC', () => {
    const lateEvening = new Date('2026-06-16T23:30:00Z')
    expect(londonDate(lateEvening)).toBe('2026-06-17')
    expect(londonTime(lateEvening)).toBe('00:30')
  })

  it('moves a time skipped by the clocks going forward an hour on', () => {
    // 29 March 2026: 01:00 GMT becomes 02:00 BST, so 01:30 never happens.
    expect(londonTime(londonInstant('2026-03-29', '01:30'))).toBe('02:30')
  })

  it('refuses something that is not a time', () => {
    expect(() => londonInstant('2026-06-16', '25:00')).toThrow()
  })
})
