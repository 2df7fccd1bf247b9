import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { and, count, eq, isNull } from 'drizzle-orm'
import type { DbOrTx } from '../../db/client.ts'
import { recoveryCodes } from '../auth.table.ts'

export const RECOVERY_CODE_COUNT = 10

// Crockford's base 32: no i, l, o or u, so a code read off paper cannot be mistyped as another.
const alphabet = '0123456789abcdefghjkmnpqrstvwxyz'

/** A new code like `7kq2-mz9d-4hxa`: 12 symbols of 5 random bits each, 60 bits in all. */
export function newRecoveryCode(): string {
  const bytes = randomBytes(12)
  // 256 is a multiple of 32, so taking each byte modulo 32 favours no symbol.
  const symbols = [...bytes].map((b) => alphabet[b % 32]).join('')
  return `${symbols.slice(0, 4)}-${symbols.slice(4, 8)}-${symbols.slice(8, 12)}`
}

/** What a person typed, as the code it must be: case, spaces and hyphens do not matter, nor o for 0 or l for 1. */
export function normaliseRecoveryCode(typed: string): string {
  return typed
    .toLowerCase()
    .replace(/[\s-]+/g, '')
    .replace(/o/g, '0')
    .replace(/[il]/g, '1')
}

/**
 * SHA-256 rather than argon2: a recovery code is 60 random bits, not a password a person chose,
 * so there is no dictionary for a slow hash to hold back, and a hash without a random salt lets
 * one UPDATE find and spend a code atomically. (Whoever could read this table could read the TOTP
 * secrets beside it too.) The person's id is mixed in so that one guess cannot be tried against
 * every person's codes at once.
 */
export const hashRecoveryCode = (userId: string, code: string) =>
  createHash('sha256')
    .update(`${userId}:${normaliseRecoveryCode(code)}`)
    .digest('base64url')

/**
 * Ten new codes for a person; the codes they had stop working. Old codes are marked used rather
 * than deleted, so the record of what existed stays. Returns the codes, to be shown once.
 */
export async function replaceRecoveryCodes(db: DbOrTx, userId: string, at: Date): Promise<string[]> {
  await retireRecoveryCodes(db, userId, at)
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode)
  await db.insert(recoveryCodes).values(
    codes.map((code) => ({
      id: randomUUID(),
      userId,
      codeHash: hashRecoveryCode(userId, code),
      createdAt: at,
    })),
  )
  return codes
}

/** Every unused code of the person stops working. */
export async function retireRecoveryCodes(db: DbOrTx, userId: string, at: Date): Promise<void> {
  await db
    .update(recoveryCodes)
    .set({ usedAt: at })
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)))
}

/**
 * Spends a code: true only for an unused code of this person. One UPDATE finds and marks it, so
 * two requests with the same code cannot both succeed.
 */
export async function spendRecoveryCode(db: DbOrTx, userId: string, typed: string, at: Date) {
  const rows = await db
    .update(recoveryCodes)
    .set({ usedAt: at })
    .where(
      and(
        eq(recoveryCodes.userId, userId),
        eq(recoveryCodes.codeHash, hashRecoveryCode(userId, typed)),
        isNull(recoveryCodes.usedAt),
      ),
    )
    .returning({ id: recoveryCodes.id })
  return rows.length > 0
}

export async function remainingRecoveryCodes(db: DbOrTx, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)))
  return Number(row?.n ?? 0)
}
