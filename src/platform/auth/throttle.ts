import { and, asc, eq, gt, inArray, lt } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import { signInFailures } from './auth.table.ts'

export interface ThrottlePolicy {
  windowMs: number
  /** Failures within the window after which an account is refused until they age out. */
  perAccount: number
  /** Higher, because many people share a council's or a hospital's outgoing address. */
  perAddress: number
}
export const defaultThrottlePolicy: ThrottlePolicy = { windowMs: 15 * 60_000, perAccount: 5, perAddress: 50 }

/** Sign-in failures and reset requests are counted apart, so asking for resets cannot lock an account. */
export type ThrottleScope = 'sign-in' | 'reset'
export const throttleKeys = (email: string, ip: string, scope: ThrottleScope = 'sign-in') => {
  const prefix = scope === 'sign-in' ? '' : `${scope}:`
  return [`${prefix}account:${email.trim().toLowerCase()}`, `${prefix}address:${ip}`]
}

/**
 * Repeated failed sign-ins slow an account (and an address) down: after the limit, sign-in is
 * refused until enough failures are older than the window, so the lock ends by itself.
 * Works for addresses that have no account too, so the answer reveals nothing.
 */
export function createThrottle({
  db,
  now,
  policy = defaultThrottlePolicy,
}: {
  db: Db
  now: () => Date
  policy?: ThrottlePolicy
}) {
  return {
    policy,

    /** When the person may try again, or null when they may try now. */
    async retryAt(email: string, ip: string, scope: ThrottleScope = 'sign-in'): Promise<Date | null> {
      const since = new Date(now().getTime() - policy.windowMs)
      const [account, address] = throttleKeys(email, ip, scope) as [string, string]
      let retry: Date | null = null
      for (const [key, limit] of [
        [account, policy.perAccount],
        [address, policy.perAddress],
      ] as const) {
        const rows = await db
          .select({ at: signInFailures.at })
          .from(signInFailures)
          .where(and(eq(signInFailures.key, key), gt(signInFailures.at, since)))
          .orderBy(asc(signInFailures.at))
        if (rows.length < limit) continue
        // Unlocked once the failure that took the count to the limit has left the window.
        const freed = new Date(rows[rows.length - limit]!.at.getTime() + policy.windowMs)
        if (!retry || freed > retry) retry = freed
      }
      return retry
    },

    async recordFailure(email: string, ip: string, scope: ThrottleScope = 'sign-in'): Promise<void> {
      const at = now()
      await db.insert(signInFailures).values(throttleKeys(email, ip, scope).map((key) => ({ key, at })))
    },

    /** A correct sign-in clears the account's count (not the address's). */
    async clear(email: string): Promise<void> {
      await db.delete(signInFailures).where(inArray(signInFailures.key, [throttleKeys(email, '')[0]!]))
    },

    /** Removes failures older than the window (a job): they count for nothing any more. */
    async prune(): Promise<number> {
      const rows = await db
        .delete(signInFailures)
        .where(lt(signInFailures.at, new Date(now().getTime() - policy.windowMs)))
        .returning({ key: signInFailures.key })
      return rows.length
    },
  }
}
export type Throttle = ReturnType<typeof createThrottle>
