import { describe, expect, it } from 'vitest'
import { isPaperLate } from './papers.rules.ts'

describe('late papers', () => {
  it('is on time when circulated on the deadline (London date), late the day after', () => {
    expect(isPaperLate(new Date('2026-06-02T22:30:00Z'), '2026-06-03', '2026-06-10')).toBe(false)
    // 23:30 UTC on 3 June is already 4 June in London (BST).
    expect(isPaperLate(new Date('2026-06-03T23:30:00Z'), '2026-06-03', '2026-06-10')).toBe(true)
  })

  it('is late once the deadline has passed without circulation', () => {
    expect(isPaperLate(null, '2026-06-03', '2026-06-03')).toBe(false)
    expect(isPaperLate(null, '2026-06-03', '2026-06-04')).toBe(true)
  })
})
