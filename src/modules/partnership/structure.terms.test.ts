import { describe, expect, it } from 'vitest'
import { readJsonPreset, renewEndedTerms, structurePresetSchema } from './structure.presets.ts'

// The Thurrock preset dates its chairs' terms (the Audit Group's ends on 31 December 2026, the
// Learning and Practice Review Group's on 31 March 2027): the example renews them as they end.

describe('renewing the example’s ended terms', () => {
  const preset = readJsonPreset('thurrock', structurePresetSchema)
  const chairsOn = (p: typeof preset, day: string) =>
    p.memberships
      .filter((m) => m.role === 'chair' && m.startsOn <= day && (!m.endsOn || m.endsOn >= day))
      .map((m) => m.group)
      .sort()

  it('changes nothing while every term is running', () => {
    expect(renewEndedTerms(preset, '2026-11-30')).toEqual(preset)
  })

  it('renews an ended term for the same person, term after term, until one covers today', () => {
    const renewed = renewEndedTerms(preset, '2028-05-10')
    const audit = renewed.memberships.filter((m) => m.group === 'audit-group' && m.role === 'chair')
    expect(audit.map((m) => [m.person, m.startsOn, m.endsOn])).toEqual([
      ['police', '2026-01-01', '2026-12-31'],
      ['police', '2027-01-01', '2027-12-31'],
      ['police', '2028-01-01', '2028-12-31'],
    ])
    const lpr = renewed.memberships.filter(
      (m) => m.group === 'learning-and-practice-review-group' && m.role === 'chair',
    )
    expect(lpr.map((m) => [m.startsOn, m.endsOn])).toEqual([
      ['2026-04-01', '2027-03-31'],
      ['2027-04-01', '2028-03-31'],
      ['2028-04-01', '2029-03-31'],
    ])
    // Every group with a chair in the preset still has one on the day.
    expect(chairsOn(renewed, '2028-05-10')).toEqual(chairsOn(preset, '2026-11-30'))
    // Seats without an end are left alone.
    expect(renewed.memberships.filter((m) => !m.endsOn)).toEqual(preset.memberships.filter((m) => !m.endsOn))
  })
})
