import { describe, expect, it } from 'vitest'
import { checkPassword, hashPassword, verifyPassword } from './passwords.ts'

describe('password policy', () => {
  it('accepts a long passphrase without composition rules', () => {
    expect(checkPassword('purple kettle harbour')).toBeNull()
    expect(checkPassword('alllowercaseletters')).toBeNull()
  })

  it('refuses short, common and personal passwords', () => {
    expect(checkPassword('short')).toMatch(/12 characters or more/)
    expect(checkPassword('password1234')).toMatch(/too common/)
    expect(checkPassword('iloveyou 2026!')).toMatch(/too common/)
    expect(checkPassword('qwertyuiop12')).toMatch(/too common/)
    expect(checkPassword('aaaaaaaaaaaaaaa')).toMatch(/too common/)
    expect(checkPassword('jane.smith-2026!', { email: 'jane.smith@example.org' })).toMatch(/e-mail address/)
    expect(checkPassword('Safeguarding!!!1')).toMatch(/too easy to guess/)
  })

  it('hashes with argon2id and verifies', async () => {
    const stored = await hashPassword('purple kettle harbour')
    expect(stored.startsWith('$argon2id$')).toBe(true)
    expect(await verifyPassword(stored, 'purple kettle harbour')).toBe(true)
    expect(await verifyPassword(stored, 'purple kettle harbor')).toBe(false)
    expect(await verifyPassword(null, 'anything')).toBe(false)
  })
})
