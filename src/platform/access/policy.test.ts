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

describe('can, for API tokens', () => {
  const reader: Actor = { kind: 'token', tokenId: 't1', partnershipId: 'p1', scope: 'read' }
  const writer: Actor = { kind: 'token', tokenId: 't2', partnershipId: 'p1', scope: 'write' }

  it('reads only its own partnership, writes only with the write scope', () => {
    expect(can(reader, 'api:read', { partnershipId: 'p1' })).toBe(true)
    expect(can(reader, 'api:read', { partnershipId: 'p2' })).toBe(false)
    expect(can(reader, 'api:write', { partnershipId: 'p1' })).toBe(false)
    expect(can(writer, 'api:write', { partnershipId: 'p1' })).toBe(true)
  })

  it('opens no page meant for people, and people do not use token permissions', () => {
    expect(can(writer, 'partnership:view', { partnershipId: 'p1' })).toBe(false)
    expect(can(writer, 'signed-in')).toBe(false)
    expect(can(admin, 'api:read', { partnershipId: 'p1' })).toBe(false)
    expect(can(admin, 'second-factor')).toBe(false)
  })
})
