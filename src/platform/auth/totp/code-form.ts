import type { FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { AppContext } from '../../../app.ts'
import { recordAudit } from '../../audit/audit.service.ts'
import type { FormErrors } from '../../http/forms.ts'
import type { User } from '../auth.table.ts'

/** A code from the app: people often type it with a space in the middle, as apps show it. */
export const codeForm = z.object({
  code: z
    .string({ error: 'Enter the security code' })
    .transform((v) => v.replace(/[\s-]+/g, ''))
    .pipe(
      z
        .string()
        .min(1, 'Enter the security code')
        .regex(/^\d{6}$/, 'The security code must be 6 numbers'),
    ),
  returnTo: z.string().optional(),
})

export const recoveryCodeForm = z.object({
  code: z
    .string({ error: 'Enter a recovery code' })
    .trim()
    .min(1, 'Enter a recovery code')
    .max(40, 'Enter a recovery code, like abcd-efgh-jkmn'),
  returnTo: z.string().optional(),
})

export const oneError = (text: string, field = 'code'): FormErrors => ({
  list: [{ text, href: `#${field}` }],
  fields: { [field]: { text } },
})

export const WRONG_CODE = 'Enter a correct security code'

const londonTime = new Intl.DateTimeFormat('en-GB', {
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
  timeZone: 'Europe/London',
})

/**
 * Failed codes are counted under a key of their own, not the password's: a correct password
 * clears the password count, and would otherwise give whoever knows it a fresh set of guesses at
 * the code with every sign-in. The address count is shared with password failures.
 */
const throttleKey = (user: User) => `second-factor:${user.email}`

/** While locked, an error for the page (429); null when the person may try a code now. */
export async function refuseWhileLocked(
  ctx: AppContext,
  request: FastifyRequest,
  user: User,
): Promise<FormErrors | null> {
  const retryAt = await ctx.throttle.retryAt(throttleKey(user), request.ip)
  if (!retryAt) return null
  await recordAudit(
    ctx.db,
    {
      entityType: 'user',
      entityId: user.id,
      action: 'second_factor_throttled',
      actorId: user.id,
      requestId: request.id,
    },
    ctx.now(),
  )
  return oneError(`There have been too many wrong codes. Try again after ${londonTime.format(retryAt)}.`)
}

/** Counts and audits a wrong (or replayed) code. */
export async function countWrongCode(
  ctx: AppContext,
  request: FastifyRequest,
  user: User,
  details: { method: 'totp' | 'recovery_code'; reason: string; purpose: string },
) {
  await ctx.throttle.recordFailure(throttleKey(user), request.ip)
  await recordAudit(
    ctx.db,
    {
      entityType: 'user',
      entityId: user.id,
      action: 'second_factor_refused',
      actorId: user.id,
      after: details,
      requestId: request.id,
    },
    ctx.now(),
  )
}

export const clearWrongCodes = (ctx: AppContext, user: User) => ctx.throttle.clear(throttleKey(user))
