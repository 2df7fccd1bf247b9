import { describe, expect, it } from 'vitest'
import { createCalendar } from '../../platform/calendar/calendar.ts'
import { defaultRuleSet } from '../../platform/rules/rules.definitions.ts'
import { minutesDeadlines } from './minutes.rules.ts'

const calendar = createCalendar()
const rules = defaultRuleSet
const at = (iso: string) => new Date(iso)

describe('minutes deadlines', () => {
  it('moves the draft-to-chair deadline past the Queen’s funeral bank holiday', () => {
    const [toChair] = minutesDeadlines({
      heldOn: '2022-09-12',
      minutes: null,
      nextMeetingOn: null,
      rules,
      calendar,
      today: '2022-09-20',
    })
    expect(toChair?.due).toBe('2022-09-27')
    expect(toChair?.explanation).toContain('Funeral Day (19 September 2022)')
    expect(toChair?.timeliness).toBe('due')
  })

  it('counts circulation from the chair’s approval and says how late each step was', () => {
    const steps = minutesDeadlines({
      heldOn: '2022-09-12',
      minutes: {
        status: 'circulated',
        sentToChairAt: at('2022-09-28T09:00:00Z'),
        approvedAt: at('2022-09-29T09:00:00Z'),
        circulatedAt: at('2022-10-05T09:00:00Z'),
        agreedAt: null,
      },
      nextMeetingOn: '2022-11-14',
      rules,
      calendar,
      today: '2022-11-20',
    })
    expect(steps.map((s) => [s.key, s.due, s.timeliness, s.lateBy])).toEqual([
      ['toChair', '2022-09-27', 'late', 1],
      ['circulation', '2022-10-06', 'on_time', 0],
      ['agreement', '2022-11-14', 'overdue', 4],
    ])
  })

  it('has nothing due before the meeting and waits for approval before circulation', () => {
    const steps = minutesDeadlines({
      heldOn: '2026-03-10',
      minutes: null,
      nextMeetingOn: '2026-05-10',
      rules,
      calendar,
      today: '2026-03-02',
    })
    expect(steps.every((s) => s.timeliness === 'waiting')).toBe(true)
  })
})
