import { describe, expect, it } from 'vitest'
import { cadenceInWords, durationInWords, parseStandardItems, standardItemsText } from './groups.labels.ts'

describe('group labels', () => {
  it('says the cadence in words, with a transitional period while it lasts', () => {
    const strategic = {
      meetingsPerYear: 4,
      meetingMinutes: 120,
      transitionalMeetingsPerYear: 6,
      transitionalUntil: '2020-04-30',
    }
    expect(cadenceInWords(strategic, '2019-10-01')).toBe(
      '6 meetings a year until 30 April 2020, then 4 meetings a year; each meeting 2 hours',
    )
    expect(cadenceInWords(strategic, '2026-03-02')).toBe('4 meetings a year; each meeting 2 hours')
    const none = {
      meetingsPerYear: null,
      meetingMinutes: null,
      transitionalMeetingsPerYear: null,
      transitionalUntil: null,
    }
    expect(cadenceInWords(none, '2026-03-02')).toBe('Not set: meets when needed')
    expect(durationInWords(210)).toBe('3 hours 30 minutes')
    expect(durationInWords(61)).toBe('1 hour 1 minute')
  })

  it('reads standard agenda items one a line, months in brackets, and writes them back the same', () => {
    const text = '- Child deaths\n\nFinance (October and March)\nPerformance report (jan, Apr, 7 & Oct.)\n'
    const parsed = parseStandardItems(text)
    expect(parsed).toEqual({
      ok: true,
      items: [
        { title: 'Child deaths' },
        { title: 'Finance', months: [3, 10] },
        { title: 'Performance report', months: [1, 4, 7, 10] },
      ],
    })
    if (!parsed.ok) return
    expect(standardItemsText(parsed.items)).toBe(
      'Child deaths\nFinance (March and October)\nPerformance report (January, April, July and October)',
    )
    expect(parseStandardItems(standardItemsText(parsed.items))).toEqual(parsed)
  })

  it('names the line and the word that is not a month', () => {
    expect(parseStandardItems('Child deaths\nFinance (Octobr)')).toEqual({
      ok: false,
      error:
        'Standard agenda items, line 2: “Octobr” is not a month. Write months in brackets, like Finance (October and March)',
    })
    expect(parseStandardItems('(March)')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/line 1: enter the item’s title/),
    })
  })
})
