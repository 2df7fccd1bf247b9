import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { pageTitle, parseForm } from './forms.ts'

const schema = z.object({
  name: z.string().trim().min(1, 'Enter a name'),
  days: z.coerce.number().int('Enter a whole number').min(1, 'Enter at least 1'),
})

describe('parseForm', () => {
  it('returns the parsed data', () => {
    expect(parseForm(schema, { name: ' A ', days: '3', _csrf: 't' })).toEqual({
      ok: true,
      data: { name: 'A', days: 3 },
    })
  })

  it('returns linked errors and the typed values without the token', () => {
    const result = parseForm(schema, { name: '', days: '2.5', _csrf: 't' })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.errors.list).toEqual([
      { text: 'Enter a name', href: '#name' },
      { text: 'Enter a whole number', href: '#days' },
    ])
    expect(result.errors.fields.days).toEqual({ text: 'Enter a whole number' })
    expect(result.values).toEqual({ name: '', days: '2.5' })
    expect(pageTitle('Rules', result.errors)).toBe('Error: Rules')
  })
})
