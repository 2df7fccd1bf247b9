import { describe, expect, it } from 'vitest'
import { decisionState } from './decisions.rules.ts'

const base = {
  outcome: 'consensus' as const,
  implementationOn: '2026-04-01',
  reconsiderationMeetingId: null,
  withdrawnAt: null,
}

describe('a decision’s state', () => {
  it('is agreed until its implementation date, then implemented', () => {
    expect(decisionState(base, 0, '2026-03-31')).toBe('agreed')
    expect(decisionState(base, 0, '2026-04-01')).toBe('implemented')
  })

  it('is suspended by an objection until a reconsideration meeting is set', () => {
    expect(decisionState(base, 1, '2026-04-02')).toBe('suspended')
    expect(decisionState({ ...base, reconsiderationMeetingId: 'm' }, 1, '2026-04-02')).toBe('reconsideration')
  })

  it('follows the outcome when there was no consensus, and a withdrawal above all', () => {
    expect(decisionState({ ...base, outcome: 'deferred', implementationOn: null }, 0, '2026-05-01')).toBe(
      'deferred',
    )
    expect(decisionState({ ...base, outcome: 'referred', implementationOn: null }, 0, '2026-05-01')).toBe(
      'referred',
    )
    expect(decisionState({ ...base, withdrawnAt: new Date() }, 1, '2026-05-01')).toBe('withdrawn')
  })
})
