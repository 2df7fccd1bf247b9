import { and, eq, isNotNull, isNull, lt, or } from 'drizzle-orm'
import { Secret, TOTP } from 'otpauth'
import QRCode from 'qrcode'
import { recordAudit } from '../../audit/audit.service.ts'
import type { Db, DbOrTx } from '../../db/client.ts'
import { users } from '../auth.table.ts'
import {
  remainingRecoveryCodes,
  replaceRecoveryCodes,
  retireRecoveryCodes,
  spendRecoveryCode,
} from './recovery-codes.ts'
import { partnershipsRequiring } from './requirement.ts'

export { remainingRecoveryCodes } from './recovery-codes.ts'

const PERIOD_SECONDS = 30
// One step either side: a phone's clock a little out, or a code typed as it changed, still works.
const WINDOW = 1

/** When and why a change is made, for its audit entry. */
export interface Change {
  now: Date
  requestId?: string
}

export interface Enrolment {
  /** Base32, for typing into an app that cannot scan. */
  secret: string
  /** The otpauth:// URI the QR code holds. */
  uri: string
}

export type CodeCheck = 'accepted' | 'wrong' | 'replayed'

const totpFor = (secret: string, email: string) =>
  new TOTP({
    issuer: 'MASA',
    label: email,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD_SECONDS,
    secret: Secret.fromBase32(secret),
  })

/** The 30-second step a code belongs to, or null when it is not a code for any step near now. */
function stepOf(secret: string, email: string, typed: string, now: Date): number | null {
  const token = typed.replace(/\s+/g, '')
  if (!/^\d{6}$/.test(token)) return null
  const timestamp = now.getTime()
  // validate() answers the code's distance from the current step: 0 for a code of this step, so test for null.
  const delta = totpFor(secret, email).validate({ token, timestamp, window: WINDOW })
  if (delta === null) return null
  return TOTP.counter({ period: PERIOD_SECONDS, timestamp }) + delta
}

async function findUser(db: DbOrTx, userId: string) {
  const [user] = await db.select().from(users).where(eq(users.id, userId))
  return user ?? null
}

const audit = (db: DbOrTx, userId: string, action: string, change: Change, after?: unknown) =>
  recordAudit(
    db,
    { entityType: 'user', entityId: userId, action, actorId: userId, after, requestId: change.requestId },
    change.now,
  )

/**
 * A new secret for a person who has no second factor yet; starting again replaces the one not
 * yet confirmed. Null when the person already has a second factor (they turn it off first).
 */
export async function startEnrolment(db: Db, userId: string, change: Change): Promise<Enrolment | null> {
  const secret = new Secret({ size: 20 }).base32
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(users)
      .set({ totpSecret: secret })
      .where(and(eq(users.id, userId), isNull(users.totpEnabledAt)))
      .returning({ email: users.email })
    const email = rows[0]?.email
    if (!email) return null
    // Never the secret itself in the audit log.
    await audit(tx, userId, 'second_factor_enrolment_started', change)
    return { secret, uri: totpFor(secret, email).toString() }
  })
}

/** The enrolment a person started and has not confirmed, so the page can show it again. */
export async function pendingEnrolment(db: DbOrTx, userId: string): Promise<Enrolment | null> {
  const user = await findUser(db, userId)
  if (!user?.totpSecret || user.totpEnabledAt) return null
  return { secret: user.totpSecret, uri: totpFor(user.totpSecret, user.email).toString() }
}

/** The QR code as SVG, drawn on the server: the secret never goes to another service. */
export const qrSvg = (uri: string): Promise<string> => QRCode.toString(uri, { type: 'svg', margin: 1 })

/**
 * Turns the second factor on when the code matches the secret being enrolled. Returns the ten
 * new recovery codes (shown once; only their hashes are kept), or null for a wrong code.
 */
export async function confirmEnrolment(
  db: Db,
  userId: string,
  code: string,
  change: Change,
): Promise<string[] | null> {
  const user = await findUser(db, userId)
  const secret = user?.totpSecret
  if (!user || !secret || user.totpEnabledAt) return null
  const step = stepOf(secret, user.email, code, change.now)
  if (step === null) return null
  return db.transaction(async (tx) => {
    // Only for the secret the code was checked against, and only once, even with two tabs.
    const rows = await tx
      .update(users)
      .set({ totpEnabledAt: change.now, totpLastStep: step })
      .where(and(eq(users.id, userId), isNull(users.totpEnabledAt), eq(users.totpSecret, secret)))
      .returning({ id: users.id })
    if (rows.length === 0) return null
    const codes = await replaceRecoveryCodes(tx, userId, change.now)
    await audit(tx, userId, 'second_factor_enabled', change, { method: 'totp', recoveryCodes: codes.length })
    return codes
  })
}

/**
 * Checks a code from the person's app. A code is accepted once: its step must be later than the
 * last one accepted, and the single conditional UPDATE means two requests with the same code
 * cannot both pass.
 */
export async function verifyCode(db: DbOrTx, userId: string, code: string, now: Date): Promise<CodeCheck> {
  const user = await findUser(db, userId)
  if (!user?.totpSecret || !user.totpEnabledAt) return 'wrong'
  const step = stepOf(user.totpSecret, user.email, code, now)
  if (step === null) return 'wrong'
  const rows = await db
    .update(users)
    .set({ totpLastStep: step })
    .where(
      and(
        eq(users.id, userId),
        isNotNull(users.totpEnabledAt),
        eq(users.totpSecret, user.totpSecret),
        or(isNull(users.totpLastStep), lt(users.totpLastStep, step)),
      ),
    )
    .returning({ id: users.id })
  return rows.length > 0 ? 'accepted' : 'replayed'
}

/** Spends one of the person's recovery codes: true once per code, only while the second factor is on. */
export async function useRecoveryCode(db: DbOrTx, userId: string, code: string, now: Date) {
  const user = await findUser(db, userId)
  if (!user?.totpEnabledAt) return false
  return spendRecoveryCode(db, userId, code, now)
}

/** Ten new recovery codes; the old ones stop working. */
export async function regenerateRecoveryCodes(db: Db, userId: string, change: Change): Promise<string[]> {
  return db.transaction(async (tx) => {
    const codes = await replaceRecoveryCodes(tx, userId, change.now)
    await audit(tx, userId, 'recovery_codes_replaced', change, { recoveryCodes: codes.length })
    return codes
  })
}

export type DisableResult = { ok: true } | { ok: false; requiredBy: { id: string; name: string }[] }

/**
 * Turns the second factor off, unless a partnership the person is in requires one. Nothing is
 * deleted: the secret is cleared and the unused recovery codes are marked used.
 */
export async function disable(db: Db, userId: string, change: Change): Promise<DisableResult> {
  const requiredBy = await partnershipsRequiring(db, userId)
  if (requiredBy.length > 0) return { ok: false, requiredBy }
  await db.transaction(async (tx) => {
    await tx.update(users).set({ totpSecret: null, totpEnabledAt: null }).where(eq(users.id, userId))
    const left = await remainingRecoveryCodes(tx, userId)
    await retireRecoveryCodes(tx, userId, change.now)
    await audit(tx, userId, 'second_factor_disabled', change, { recoveryCodesRetired: left })
  })
  return { ok: true }
}
