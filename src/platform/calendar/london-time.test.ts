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

describe('London wall-clock times against the platform’s own conversion', () => {
  it('agrees with Intl at every quarter hour across both clock changes of 2026', () => {
    const format = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/London',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
    for (const start of ['2026-03-28T00:00:00Z', '2026-10-24T00:00:00Z']) {
      for (let ms = Date.parse(start); ms < Date.parse(start) + 3 * 86_400_000; ms += 15 * 60_000) {
        const at = new Date(ms)
        const p = Object.fromEntries(format.formatToParts(at).map((x) => [x.type, x.value]))
        expect(`${londonDate(at)} ${londonTime(at)}`).toBe(
          `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`,
        )
      }
    }
  })
})
