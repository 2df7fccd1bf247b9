import { describe, expect, it } from 'vitest'
import { addCalendarDays, createCalendar } from '../../platform/calendar/calendar.ts'
import { defaultRuleSet } from '../../platform/rules/rules.definitions.ts'
import { computeDeadline } from '../../platform/rules/rules.service.ts'
import {
  type ActionRag,
  actionRag,
  actionRagLabels,
  actionRags,
  dueSoonUntil,
  isActionRag,
  isLateResponse,
  reminderDay,
} from './actions.rules.ts'

const calendar = createCalendar()
const issued: { closedAt: Date | null; issueId: string | null; dueOn: string | null } = {
  closedAt: null,
  issueId: 'issue',
  dueOn: '2022-09-27',
}
const rag = (today: string, action = issued, answered: string | null = null, days = 2) =>
  actionRag(action, answered, today, calendar, days)

describe('an action’s RAG status', () => {
  it('takes the deadline from the action matrix: the Queen’s funeral moves 10 working days from 26 to 27 September 2022', () => {
    const deadline = computeDeadline(defaultRuleSet, 'actionResponse', '2022-09-12', calendar)
    expect(deadline.date).toBe('2022-09-27')
    expect(deadline.explanation).toContain('skipping')
    expect(deadline.explanation).toContain('19 September')
  })

  it('is open, then due soon two working days before, then overdue the day after the deadline', () => {
    // Deadline Tuesday 27 September 2022: reminded on Friday 23 (two working days back).
    expect(reminderDay('2022-09-27', calendar, 2)).toBe('2022-09-23')
    expect(rag('2022-09-12')).toBe('open')
    expect(rag('2022-09-22')).toBe('open')
    expect(rag('2022-09-23')).toBe('due_soon')
    expect(rag('2022-09-25')).toBe('due_soon')
    expect(rag('2022-09-27')).toBe('due_soon')
    expect(rag('2022-09-28')).toBe('overdue')
    expect(rag('2023-09-28')).toBe('overdue')
  })

  it('counts the reminder back over a bank holiday', () => {
    // Deadline Wednesday 21 September 2022: back two working days skips Monday 19 (the funeral) and the weekend.
    const action = { ...issued, dueOn: '2022-09-21' }
    expect(reminderDay('2022-09-21', calendar, 2)).toBe('2022-09-16')
    expect(rag('2022-09-15', action)).toBe('open')
    expect(rag('2022-09-16', action)).toBe('due_soon')
    expect(rag('2022-09-19', action)).toBe('due_soon')
    // Christmas 2021: the bank holidays were Monday 27 and Tuesday 28 December.
    const christmas = { ...issued, dueOn: '2021-12-29' }
    expect(reminderDay('2021-12-29', calendar, 2)).toBe('2021-12-23')
    expect(rag('2021-12-22', christmas)).toBe('open')
    expect(rag('2021-12-23', christmas)).toBe('due_soon')
    // A partnership that reminds five working days ahead.
    expect(rag('2022-09-20', issued, null, 5)).toBe('due_soon')
    expect(rag('2022-09-19', issued, null, 5)).toBe('open')
  })

  it('is answered, closed or not issued whatever the dates say', () => {
    expect(rag('2022-10-30', issued, '2022-09-29')).toBe('answered')
    expect(rag('2022-09-01', issued, '2022-09-01')).toBe('answered')
    expect(rag('2022-10-30', { ...issued, closedAt: new Date() })).toBe('closed')
    expect(rag('2022-10-30', { closedAt: null, issueId: null, dueOn: null })).toBe('not_issued')
    expect(rag('2022-10-30', { closedAt: new Date(), issueId: null, dueOn: null })).toBe('closed')
  })

  it('has a label and a GOV.UK tag colour for every status', () => {
    expect(actionRagLabels.overdue.classes).toBe('govuk-tag--red')
    expect(actionRagLabels.due_soon.classes).toBe('govuk-tag--orange')
    expect(actionRagLabels.open.classes).toBe('govuk-tag--green')
    expect(actionRagLabels.answered.classes).toBe('govuk-tag--blue')
    expect(actionRagLabels.closed.classes).toBe('govuk-tag--grey')
    expect(actionRagLabels.not_issued.classes).toBe('govuk-tag--grey')
    expect(actionRags.every((r) => actionRagLabels[r].text)).toBe(true)
    expect(isActionRag('overdue')).toBe(true)
    expect(isActionRag('red')).toBe(false)
  })

  it('gives the SQL one date that separates due soon from open, the same as the reminder day', () => {
    // Every day of September 2022 to January 2023 (the funeral, Christmas, weekends), for every
    // deadline in the following weeks and reminders of 1 to 5 working days.
    for (let today = '2022-09-01'; today <= '2023-01-10'; today = addCalendarDays(today, 1)) {
      for (const days of [1, 2, 5]) {
        const until = dueSoonUntil(today, calendar, days)
        for (let offset = 0; offset <= 20; offset++) {
          const dueOn = addCalendarDays(today, offset)
          const expected: ActionRag = today >= reminderDay(dueOn, calendar, days) ? 'due_soon' : 'open'
          const fromSql: ActionRag = dueOn <= until ? 'due_soon' : 'open'
          expect(fromSql, `${today} due ${dueOn} (${days})`).toBe(expected)
          expect(rag(today, { ...issued, dueOn }, null, days)).toBe(expected)
        }
      }
    }
    expect(dueSoonUntil('2022-09-16', calendar, 2)).toBe('2022-09-21')
    expect(dueSoonUntil('2022-09-17', calendar, 2)).toBe('2022-09-21')
  })

  it('calls a response late when it came after the deadline in force', () => {
    expect(isLateResponse({ respondedOn: '2022-09-28', dueOn: '2022-09-27' })).toBe(true)
    expect(isLateResponse({ respondedOn: '2022-09-27', dueOn: '2022-09-27' })).toBe(false)
    expect(isLateResponse({ respondedOn: '2022-09-27', dueOn: null })).toBe(false)
  })
})
