import { and, eq, isNull } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../../test/db.ts'
import { buildPartnership, buildUser } from '../../../../test/factories.ts'
import { verifyAuditLog } from '../../audit/audit.service.ts'
import { auditLog } from '../../audit/audit.table.ts'
import type { Database } from '../../db/client.ts'
import { recoveryCodes, users } from '../auth.table.ts'
import { hashRecoveryCode, newRecoveryCode, normaliseRecoveryCode } from './recovery-codes.ts'
import { setRequiresSecondFactor } from './requirement.ts'
import { codeAt, enrol, wrongCodeAt } from './testing.ts'
import {
  confirmEnrolment,
  disable,
  pendingEnrolment,
  qrSvg,
  regenerateRecoveryCodes,
  remainingRecoveryCodes,
  startEnrolment,
  useRecoveryCode,
  verifyCode,
} from './totp.service.ts'

const t0 = new Date('2026-03-02T10:00:05Z')
const later = (seconds: number) => new Date(t0.getTime() + seconds * 1000)
const codePattern = /^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}$/

describe('TOTP service', () => {
  let database: Database
  const userRow = async (id: string) => (await database.db.select().from(users).where(eq(users.id, id)))[0]!

  beforeAll(async () => {
    database = await createTestDatabase()
  })
  afterAll(async () => {
    await database.close()
  })

  it('starts an enrolment with a new secret each time, until it is confirmed', async () => {
    const person = await buildUser(database.db)
    const first = await startEnrolment(database.db, person.id, { now: t0 })
    expect(first?.secret).toMatch(/^[A-Z2-7]{32}$/)
    expect(first?.uri).toContain('otpauth://totp/MASA:')
    expect(first?.uri).toContain(encodeURIComponent(person.email))
    expect(first?.uri).toContain('issuer=MASA')
    const second = await startEnrolment(database.db, person.id, { now: t0 })
    expect(second?.secret).not.toBe(first?.secret)
    expect((await userRow(person.id)).totpSecret).toBe(second?.secret)
    expect((await pendingEnrolment(database.db, person.id))?.secret).toBe(second?.secret)
    expect((await userRow(person.id)).totpEnabledAt).toBeNull()
    expect(await qrSvg(second!.uri)).toMatch(/^<svg[^>]*>.*<\/svg>\s*$/s)
  })

  it('turns on only with a right code, giving ten different single-use recovery codes', async () => {
    const person = await buildUser(database.db)
    await startEnrolment(database.db, person.id, { now: t0 })
    const wrong = await wrongCodeAt(database.db, person.id, t0)
    expect(await confirmEnrolment(database.db, person.id, wrong, { now: t0 })).toBeNull()
    expect((await userRow(person.id)).totpEnabledAt).toBeNull()

    const codes = await confirmEnrolment(database.db, person.id, await codeAt(database.db, person.id, t0), {
      now: t0,
    })
    expect(codes).toHaveLength(10)
    expect(new Set(codes).size).toBe(10)
    for (const code of codes!) expect(code).toMatch(codePattern)
    const row = await userRow(person.id)
    expect(row.totpEnabledAt).toEqual(t0)
    expect(row.totpLastStep).toBe(Math.floor(t0.getTime() / 30_000))
    // Only hashes are kept.
    const stored = await database.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, person.id))
    expect(stored).toHaveLength(10)
    expect(stored.map((r) => r.codeHash)).not.toContain(codes![0])
    expect(stored.map((r) => r.codeHash)).toContain(hashRecoveryCode(person.id, codes![0]!))
    // Once on, it cannot be started again over the top.
    expect(await startEnrolment(database.db, person.id, { now: t0 })).toBeNull()
  })

  it('accepts a code once: the same code, or an earlier one, is refused as replayed', async () => {
    const person = await buildUser(database.db)
    await enrol(database.db, person.id, t0)
    // The code used to turn it on cannot sign in.
    expect(await verifyCode(database.db, person.id, await codeAt(database.db, person.id, t0), t0)).toBe(
      'replayed',
    )
    const next = await codeAt(database.db, person.id, later(30))
    expect(await verifyCode(database.db, person.id, next, later(30))).toBe('accepted')
    expect(await verifyCode(database.db, person.id, next, later(31))).toBe('replayed')
    // A code typed with a space, as apps show it, one step late.
    const spaced = (await codeAt(database.db, person.id, later(60))).replace(/^(\d{3})/, '$1 ')
    expect(await verifyCode(database.db, person.id, spaced, later(90))).toBe('accepted')
    expect(
      await verifyCode(
        database.db,
        person.id,
        await wrongCodeAt(database.db, person.id, later(120)),
        later(120),
      ),
    ).toBe('wrong')
    expect(await verifyCode(database.db, person.id, 'abcdef', later(120))).toBe('wrong')
  })

  it('lets only one of two simultaneous uses of a code through', async () => {
    const person = await buildUser(database.db)
    await enrol(database.db, person.id, t0)
    const code = await codeAt(database.db, person.id, later(30))
    const results = await Promise.all([
      verifyCode(database.db, person.id, code, later(30)),
      verifyCode(database.db, person.id, code, later(30)),
    ])
    expect(results.sort()).toEqual(['accepted', 'replayed'])
  })

  it('spends a recovery code once, however it is typed', async () => {
    const person = await buildUser(database.db)
    const codes = await enrol(database.db, person.id, t0)
    const [first, second] = codes as [string, string]
    expect(
      await useRecoveryCode(database.db, person.id, ` ${first.toUpperCase().replace(/-/g, ' ')} `, t0),
    ).toBe(true)
    expect(await useRecoveryCode(database.db, person.id, first, t0)).toBe(false)
    expect(await remainingRecoveryCodes(database.db, person.id)).toBe(9)
    const both = await Promise.all([
      useRecoveryCode(database.db, person.id, second, t0),
      useRecoveryCode(database.db, person.id, second, t0),
    ])
    expect(both.sort()).toEqual([false, true])
    expect(await useRecoveryCode(database.db, person.id, 'zzzz-zzzz-zzzz', t0)).toBe(false)
    // Another person's code is not this person's.
    const other = await buildUser(database.db)
    const otherCodes = await enrol(database.db, other.id, t0)
    expect(await useRecoveryCode(database.db, person.id, otherCodes[0]!, t0)).toBe(false)
  })

  it('replaces recovery codes: the old ones stop working', async () => {
    const person = await buildUser(database.db)
    const old = await enrol(database.db, person.id, t0)
    const fresh = await regenerateRecoveryCodes(database.db, person.id, { now: later(5) })
    expect(await useRecoveryCode(database.db, person.id, old[0]!, later(6))).toBe(false)
    expect(await useRecoveryCode(database.db, person.id, fresh[0]!, later(6))).toBe(true)
    expect(await remainingRecoveryCodes(database.db, person.id)).toBe(9)
  })

  it('turns off, deleting nothing, unless a partnership requires a second factor', async () => {
    const partnership = await buildPartnership(database.db)
    const person = await buildUser(database.db, { partnershipId: partnership.id, role: 'member' })
    await enrol(database.db, person.id, t0)
    await setRequiresSecondFactor(database.db, partnership.id, true, t0)
    const refused = await disable(database.db, person.id, { now: later(5) })
    expect(refused).toEqual({ ok: false, requiredBy: [expect.objectContaining({ id: partnership.id })] })
    expect((await userRow(person.id)).totpEnabledAt).not.toBeNull()

    await setRequiresSecondFactor(database.db, partnership.id, false, t0)
    expect(await disable(database.db, person.id, { now: later(5) })).toEqual({ ok: true })
    const row = await userRow(person.id)
    expect(row.totpEnabledAt).toBeNull()
    expect(row.totpSecret).toBeNull()
    const all = await database.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, person.id))
    expect(all).toHaveLength(10)
    expect(all.every((r) => r.usedAt !== null)).toBe(true)
    // With no secret, no code is right.
    expect(await verifyCode(database.db, person.id, '123456', later(60))).toBe('wrong')
  })

  it('audits every change in an unbroken chain, never with the secret', async () => {
    const person = await buildUser(database.db)
    await enrol(database.db, person.id, t0)
    await regenerateRecoveryCodes(database.db, person.id, { now: later(5) })
    await disable(database.db, person.id, { now: later(10) })
    const rows = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, person.id), isNull(auditLog.partnershipId)))
      .orderBy(auditLog.seq)
    expect(rows.map((r) => r.action)).toEqual([
      'second_factor_enrolment_started',
      'second_factor_enabled',
      'recovery_codes_replaced',
      'second_factor_disabled',
    ])
    expect(JSON.stringify(rows)).not.toMatch(/[A-Z2-7]{32}/)
    expect((await verifyAuditLog(database.db)).ok).toBe(true)
  })

  it('makes recovery codes from an alphabet that cannot be misread', () => {
    for (let i = 0; i < 200; i++) expect(newRecoveryCode()).toMatch(codePattern)
    expect(normaliseRecoveryCode('ABCD-EFGH-0IL1 ')).toBe('abcdefgh0111')
    expect(normaliseRecoveryCode('o0o0')).toBe('0000')
  })
})
