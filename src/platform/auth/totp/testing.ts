import { eq } from 'drizzle-orm'
import { Secret, TOTP } from 'otpauth'
import type { Db, DbOrTx } from '../../db/client.ts'
import { users } from '../auth.table.ts'
import { confirmEnrolment, startEnrolment } from './totp.service.ts'

/** For tests: the code a person's app would show at a moment, from the secret stored for them. */
export async function codeAt(db: DbOrTx, userId: string, at: Date): Promise<string> {
  const [user] = await db.select({ secret: users.totpSecret }).from(users).where(eq(users.id, userId))
  if (!user?.secret) throw new Error('This person has no TOTP secret')
  return TOTP.generate({
    secret: Secret.fromBase32(user.secret),
    period: 30,
    digits: 6,
    timestamp: at.getTime(),
  })
}

/** A code of the same shape that is not the right one at that moment (nor a step either side). */
export async function wrongCodeAt(db: DbOrTx, userId: string, at: Date): Promise<string> {
  const near = await Promise.all(
    [-30_000, 0, 30_000].map((d) => codeAt(db, userId, new Date(at.getTime() + d))),
  )
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(6, '0')
    if (!near.includes(candidate)) return candidate
  }
}

/** For tests: turns TOTP on for a person, as if they had scanned the code; returns the recovery codes. */
export async function enrol(db: Db, userId: string, at: Date): Promise<string[]> {
  await startEnrolment(db, userId, { now: at })
  const codes = await confirmEnrolment(db, userId, await codeAt(db, userId, at), { now: at })
  if (!codes) throw new Error('Enrolment failed')
  return codes
}
