import { describe, expect, it } from 'vitest'
import {
  dateInputValues,
  dateItems,
  escapeHtml,
  formErrors,
  problemErrors,
  readDateInput,
} from './agencies.form.ts'
import { FieldProblems, londonDay } from './agencies.problems.ts'

const read = (day: string, month: string, year: string, required = false) =>
  readDateInput({ 'd-day': day, 'd-month': month, 'd-year': year }, 'd', 'the date it joined', required)

describe('date inputs', () => {
  it('reads a real date, with or without leading zeros', () => {
    expect(read('1', '4', '2024')).toEqual({ ok: true, value: '2024-04-01' })
    expect(read(' 09 ', '07', '2022')).toEqual({ ok: true, value: '2022-07-09' })
    expect(read('29', '2', '2024')).toEqual({ ok: true, value: '2024-02-29' })
  })

  it('is empty when optional and nothing was typed, and asked for when required', () => {
    expect(read('', '', '')).toEqual({ ok: true, value: null })
    expect(read('', '', '', true)).toMatchObject({ ok: false, error: { text: 'Enter the date it joined' } })
  })

  it('says which parts are missing, and marks only those', () => {
    expect(read('1', '', '2024')).toEqual({
      ok: false,
      error: { text: 'The date it joined must include a month', parts: ['month'] },
    })
    expect(read('1', '', '')).toMatchObject({
      error: { text: 'The date it joined must include a month and year' },
    })
  })

  it('refuses dates that do not exist and years that are not four digits', () => {
    expect(read('29', '2', '2023')).toMatchObject({
      error: { text: 'The date it joined must be a real date', parts: ['day'] },
    })
    expect(read('1', '13', '2023')).toMatchObject({ error: { parts: ['day', 'month'] } })
    expect(read('one', '1', '2023')).toMatchObject({
      error: { text: 'The date it joined must be a real date' },
    })
    expect(read('1', '1', '23')).toMatchObject({
      error: { text: 'Year must include 4 numbers', parts: ['year'] },
    })
  })

  it('splits an ISO date back into the boxes, and marks the boxes in error', () => {
    expect(dateInputValues('d', '2024-04-01')).toEqual({ 'd-day': '1', 'd-month': '4', 'd-year': '2024' })
    const items = dateItems('d', { 'd-day': '31' }, { text: 'x', parts: ['day'] })
    expect(items.map((i) => i.classes)).toEqual([
      'govuk-input--width-2 govuk-input--error',
      'govuk-input--width-2',
      'govuk-input--width-4',
    ])
  })
})

describe('form errors', () => {
  it('lists errors in the order of the page and links a date to its first box in error', () => {
    const errors = formErrors(['name', 'd', 'email'], {
      email: { text: 'Bad e-mail' },
      d: { text: 'Needs a month', parts: ['month'] },
      name: { text: 'Enter a name' },
    })
    expect(errors.list).toEqual([
      { text: 'Enter a name', href: '#name' },
      { text: 'Needs a month', href: '#d-month' },
      { text: 'Bad e-mail', href: '#email' },
    ])
    const fromRule = problemErrors(new FieldProblems({ d: 'Too early', name: 'Taken' }), ['name', 'd'], ['d'])
    expect(fromRule.list.map((e) => e.href)).toEqual(['#name', '#d-day'])
  })

  it('escapes HTML built in code', () => {
    expect(escapeHtml(`<b>"Tom" & 'Jerry'</b>`)).toBe(
      '&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;',
    )
  })
})

describe('londonDay', () => {
  it('gives the date in London, which is not always the date in UTC', () => {
    expect(londonDay(new Date('2026-06-30T23:30:00Z'))).toBe('2026-07-01')
    expect(londonDay(new Date('2026-12-31T23:30:00Z'))).toBe('2026-12-31')
  })
})
