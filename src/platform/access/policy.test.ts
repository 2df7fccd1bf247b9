import { describe, expect, it } from 'vitest'
import { type Actor, can } from './policy.ts'

const admin: Actor = { userId: 'u1', roles: new Map([['p1', 'administrator']]) }
const member: Actor = { userId: 'u2', roles: new Map([['p1', 'member']]) }

describe('can', () => {
  it('lets anyone see public pages and only people see signed-in pages', () => {
    expect(can(null, 'public')).toBe(true)
    expect(can(null, 'signed-in')).toBe(false)
    expect(can(member, 'signed-in')).toBe(true)
  })

  it('answers by the role in that partnership only', () => {
    expect(can(admin, 'rules:edit', { partnershipId: 'p1' })).toBe(true)
    expect(can(admin, 'rules:edit', { partnershipId: 'p2' })).toBe(false)
    expect(can(member, 'rules:edit', { partnershipId: 'p1' })).toBe(false)
    expect(can(member, 'partnership:view', { partnershipId: 'p1' })).toBe(true)
  })

  it('denies a partnership permission without a partnership', () => {
    expect(can(admin, 'rules:edit')).toBe(false)
  })
})
