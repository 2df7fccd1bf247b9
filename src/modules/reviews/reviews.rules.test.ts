import { describe, expect, it } from 'vitest'
import { addCalendarDays, createCalendar } from '../../platform/calendar/calendar.ts'
import { defaultRuleSet } from '../../platform/rules/rules.definitions.ts'
import {
  caseDeadlines,
  type DeadlineFields,
  dayTimeliness,
  mustBeSent,
  nextDeadline,
  reviewStage,
} from './reviews.rules.ts'
import type { ReviewSendRecipient } from './reviews.table.ts'

const calendar = createCalendar()
const noSends = new Map<ReviewSendRecipient, string>()

const blank: DeadlineFields = {
  procedure: 'wt2023',
  becameAwareOn: null,
  notifiedOn: null,
  rapidReviewCompletedOn: null,
  decision: null,
  decidedOn: null,
  publishedOn: null,
  closedOn: null,
}
const fields = (over: Partial<DeadlineFields>): DeadlineFields => ({ ...blank, ...over })

/** Counts n working days after `from` by walking day by day (weekends and the given holidays skipped). */
function walkWorkingDays(from: string, n: number, holidays: string[]): string {
  let day = from
  for (let left = n; left > 0; ) {
    day = addCalendarDays(day, 1)
    const dow = new Date(`${day}T00:00:00Z`).getUTCDay()
    if (dow !== 0 && dow !== 6 && !holidays.includes(day)) left--
  }
  return day
}

describe('reviewStage', () => {
  const stage = (over: Partial<DeadlineFields>, sent = 0) => reviewStage(fields(over), sent)

  it('follows a serious incident from notification to closed', () => {
    expect(stage({ becameAwareOn: '2026-02-02' })).toBe('notification')
    expect(stage({ notifiedOn: '2026-02-03' })).toBe('rapid_review')
    expect(stage({ notifiedOn: '2026-02-03', rapidReviewCompletedOn: '2026-02-20' })).toBe('decision')
    const decided = {
      notifiedOn: '2026-02-03',
      rapidReviewCompletedOn: '2026-02-20',
      decision: 'local_review' as const,
      decidedOn: '2026-02-25',
    }
    expect(stage(decided)).toBe('review')
    expect(stage({ ...decided, publishedOn: '2026-08-01' })).toBe('sending')
    expect(stage({ ...decided, publishedOn: '2026-08-01' }, 1)).toBe('sending')
    expect(stage({ ...decided, publishedOn: '2026-08-01' }, 2)).toBe('closed')
  })

  it('closes a case the partners decided needs no further review, and any case with a closing date', () => {
    expect(
      stage({
        notifiedOn: '2026-02-03',
        rapidReviewCompletedOn: '2026-02-20',
        decision: 'no_further_review',
        decidedOn: '2026-02-25',
      }),
    ).toBe('closed')
    expect(stage({ becameAwareOn: '2026-02-02', closedOn: '2026-02-10' })).toBe('closed')
  })

  it('closes a published review that need not be sent (a single-agency review) at publication', () => {
    const single = {
      notifiedOn: '2026-02-03',
      rapidReviewCompletedOn: '2026-02-20',
      decision: 'single_agency' as const,
      decidedOn: '2026-02-25',
    }
    expect(mustBeSent(single as DeadlineFields)).toBe(false)
    expect(stage(single)).toBe('review')
    expect(stage({ ...single, publishedOn: '2026-06-01' })).toBe('closed')
  })

  it('starts a handed-over Serious Case Review at the review, then the sends', () => {
    expect(stage({ procedure: 'scr2015' })).toBe('review')
    expect(mustBeSent({ procedure: 'scr2015', decision: null })).toBe(true)
    expect(stage({ procedure: 'scr2015', publishedOn: '2026-01-10' }, 1)).toBe('sending')
    expect(stage({ procedure: 'scr2015', publishedOn: '2026-01-10' }, 2)).toBe('closed')
    expect(stage({ procedure: 'scr2015', closedOn: '2026-01-01' })).toBe('closed')
  })
})

describe('caseDeadlines', () => {
  it('gives the notification 5 working days from becoming aware, skipping the Queen’s funeral bank holiday', () => {
    const aware = '2022-09-13'
    expect(new Date(`${aware}T00:00:00Z`).getUTCDay()).toBe(2) // a Tuesday
    const expected = walkWorkingDays(aware, 5, ['2022-09-19'])
    expect(expected).toBe('2022-09-21')
    expect(calendar.isWorkingDay('2022-09-19')).toBe(false)

    const [notification, ...rest] = caseDeadlines(
      fields({ becameAwareOn: aware }),
      noSends,
      defaultRuleSet,
      calendar,
      '2022-09-14',
    )
    expect(rest).toEqual([])
    expect(notification).toMatchObject({
      key: 'notification',
      due: '2022-09-21',
      doneOn: null,
      timeliness: 'due',
      lateBy: 0,
    })
    expect(notification!.explanation).toMatch(/^21 September 2022: .*13 September 2022 \+ 5 working days/)
    expect(notification!.explanation).toContain('19 September 2022')
  })

  it('counts a notification on time, late, and overdue in working days', () => {
    const late = caseDeadlines(
      fields({ becameAwareOn: '2022-09-13', notifiedOn: '2022-09-23' }),
      noSends,
      defaultRuleSet,
      calendar,
      '2022-10-03',
    )[0]!
    expect(late).toMatchObject({ timeliness: 'late', lateBy: 2, doneOn: '2022-09-23' })
    const onTime = caseDeadlines(
      fields({ becameAwareOn: '2022-09-13', notifiedOn: '2022-09-21' }),
      noSends,
      defaultRuleSet,
      calendar,
      '2022-10-03',
    )[0]!
    expect(onTime).toMatchObject({ timeliness: 'on_time', lateBy: 0 })
    const overdue = caseDeadlines(
      fields({ becameAwareOn: '2022-09-13' }),
      noSends,
      defaultRuleSet,
      calendar,
      '2022-09-26',
    )[0]!
    // Due Wednesday 21: Thursday 22, Friday 23 and Monday 26 are three working days past it.
    expect(overdue).toMatchObject({ timeliness: 'overdue', lateBy: 3 })
  })

  it('gives the rapid review 15 working days from the notification, across Christmas 2025', () => {
    const notified = '2025-12-15'
    const expected = walkWorkingDays(notified, 15, ['2025-12-25', '2025-12-26', '2026-01-01'])
    expect(expected).toBe('2026-01-08')
    const steps = caseDeadlines(
      fields({ becameAwareOn: '2025-12-12', notifiedOn: notified }),
      noSends,
      defaultRuleSet,
      calendar,
      '2026-01-05',
    )
    expect(steps.map((s) => s.key)).toEqual(['notification', 'rapid_review'])
    const rapid = steps[1]!
    expect(rapid).toMatchObject({ due: '2026-01-08', timeliness: 'due', doneOn: null })
    expect(rapid.explanation).toContain('15 working days')
    expect(rapid.explanation).toContain('Christmas Day (25 December 2025)')
    expect(rapid.explanation).toContain('1 January 2026')
  })

  it('gives a local review 6 months from the decision to publish, and sends 7 calendar days from publication', () => {
    const c = fields({
      becameAwareOn: '2025-08-01',
      notifiedOn: '2025-08-05',
      rapidReviewCompletedOn: '2025-08-22',
      decision: 'local_review',
      decidedOn: '2025-09-15',
      publishedOn: '2026-02-20',
    })
    const sends = new Map<ReviewSendRecipient, string>([['national_panel', '2026-02-26']])
    const steps = caseDeadlines(c, sends, defaultRuleSet, calendar, '2026-03-02')
    expect(steps.map((s) => [s.key, s.due, s.timeliness])).toEqual([
      ['notification', '2025-08-08', 'on_time'],
      // 15 working days from 5 August 2025, skipping the summer bank holiday (25 August).
      ['rapid_review', '2025-08-27', 'on_time'],
      ['publication', '2026-03-15', 'on_time'],
      ['send_national_panel', '2026-02-27', 'on_time'],
      // Due Friday 27 February, not sent by Monday 2 March: one working day overdue.
      ['send_foundations', '2026-02-27', 'overdue'],
    ])
    expect(steps[2]!.explanation).toContain('6 months')
    expect(steps[3]!.explanation).toContain('7 days')
    expect(steps[4]!.lateBy).toBe(1)
    expect(nextDeadline(steps)?.key).toBe('send_foundations')
  })

  it('gives a decision other than a local review no publication deadline', () => {
    const steps = caseDeadlines(
      fields({
        becameAwareOn: '2025-08-01',
        notifiedOn: '2025-08-05',
        rapidReviewCompletedOn: '2025-08-22',
        decision: 'single_agency',
        decidedOn: '2025-09-15',
      }),
      noSends,
      defaultRuleSet,
      calendar,
      '2026-03-02',
    )
    expect(steps.map((s) => s.key)).toEqual(['notification', 'rapid_review'])
  })

  it('gives a handed-over SCR only the sends after publication', () => {
    const scr = fields({ procedure: 'scr2015', becameAwareOn: '2020-01-01' })
    expect(caseDeadlines(scr, noSends, defaultRuleSet, calendar, '2026-03-02')).toEqual([])
    const published = caseDeadlines(
      { ...scr, publishedOn: '2026-02-24' },
      noSends,
      defaultRuleSet,
      calendar,
      '2026-03-02',
    )
    expect(published.map((s) => [s.key, s.due, s.timeliness])).toEqual([
      ['send_national_panel', '2026-03-03', 'due'],
      ['send_foundations', '2026-03-03', 'due'],
    ])
  })

  it('follows a changed rule', () => {
    const [step] = caseDeadlines(
      fields({ becameAwareOn: '2022-09-13' }),
      noSends,
      { ...defaultRuleSet, panelNotificationWithin: 1 },
      calendar,
      '2022-09-13',
    )
    expect(step!.due).toBe('2022-09-14')
  })
})

describe('dayTimeliness', () => {
  it('says on time, late by working days, due, or overdue by working days', () => {
    expect(dayTimeliness('2026-04-02', '2026-04-02', '2026-04-20', calendar)).toEqual({
      timeliness: 'on_time',
      lateBy: 0,
    })
    // Due Thursday 2 April 2026; Good Friday and Easter Monday are not counted.
    expect(dayTimeliness('2026-04-02', '2026-04-07', '2026-04-20', calendar)).toEqual({
      timeliness: 'late',
      lateBy: 1,
    })
    expect(dayTimeliness('2026-04-02', null, '2026-04-02', calendar)).toEqual({
      timeliness: 'due',
      lateBy: 0,
    })
    expect(dayTimeliness('2026-04-02', null, '2026-04-08', calendar)).toEqual({
      timeliness: 'overdue',
      lateBy: 2,
    })
    // Late or overdue on a non-working day still counts as at least one day.
    expect(dayTimeliness('2026-04-02', null, '2026-04-03', calendar)).toEqual({
      timeliness: 'overdue',
      lateBy: 1,
    })
  })
})

describe('nextDeadline', () => {
  it('is the earliest step not yet done, or none', () => {
    const steps = [
      { key: 'a', due: '2026-03-10', doneOn: null },
      { key: 'b', due: '2026-03-01', doneOn: '2026-03-01' },
      { key: 'c', due: '2026-03-05', doneOn: null },
    ]
    expect(nextDeadline(steps)?.key).toBe('c')
    expect(nextDeadline(steps.filter((s) => s.doneOn))).toBeNull()
    expect(nextDeadline([])).toBeNull()
  })
})
