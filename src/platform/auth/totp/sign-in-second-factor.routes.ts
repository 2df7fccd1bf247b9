import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../../app.ts'
import { recordAudit } from '../../audit/audit.service.ts'
import { type FormErrors, formValues, parseForm } from '../../http/forms.ts'
import type { User } from '../auth.table.ts'
import { establishSession, safeReturnTo } from '../sign-in.ts'
import {
  clearWrongCodes,
  codeForm,
  countWrongCode,
  oneError,
  recoveryCodeForm,
  refuseWhileLocked,
  WRONG_CODE,
} from './code-form.ts'
import { remainingRecoveryCodes, useRecoveryCode, verifyCode } from './totp.service.ts'

const pages = {
  totp: { template: 'platform/auth/totp/views/sign-in-code.njk', title: 'Enter your security code' },
  recovery_code: {
    template: 'platform/auth/totp/views/sign-in-recovery-code.njk',
    title: 'Use a recovery code',
  },
} as const
type Method = keyof typeof pages

/**
 * The step after the password for a person with a second factor: a code from their app, or one
 * of their recovery codes. Only a session waiting for its second factor may open these pages.
 */
export async function signInSecondFactorRoutes(app: FastifyInstance, ctx: AppContext) {
  const config = { permission: 'second-factor' as const }

  function show(reply: FastifyReply, method: Method, status: number, returnTo: unknown, errors?: FormErrors) {
    const page = pages[method]
    return reply.status(status).render(page.template, {
      title: page.title,
      errors,
      values: { returnTo: safeReturnTo(returnTo) },
    })
  }

  async function accept(request: FastifyRequest, reply: FastifyReply, user: User, method: Method) {
    await clearWrongCodes(ctx, user)
    // A new session id once both factors are given: the half-way session's id is never promoted.
    await establishSession(ctx, request, reply, user.id, { method: 'password' })
    const after =
      method === 'recovery_code'
        ? { method, recoveryCodesLeft: await remainingRecoveryCodes(ctx.db, user.id) }
        : { method }
    await recordAudit(
      ctx.db,
      {
        entityType: 'user',
        entityId: user.id,
        action: 'second_factor_accepted',
        actorId: user.id,
        after,
        requestId: request.id,
      },
      ctx.now(),
    )
    return reply.redirect(safeReturnTo(formValues(request.body).returnTo), 303)
  }

  for (const [method, url] of [
    ['totp', '/sign-in/second-factor'],
    ['recovery_code', '/sign-in/recovery-code'],
  ] as const) {
    app.get(url, { config }, async (request, reply) =>
      show(reply, method, 200, (request.query as { returnTo?: string }).returnTo),
    )

    app.post(url, { config }, async (request, reply) => {
      const user = request.pendingUser!
      const returnTo = formValues(request.body).returnTo
      const form = parseForm(method === 'totp' ? codeForm : recoveryCodeForm, request.body)
      if (!form.ok) return show(reply, method, 400, returnTo, form.errors)

      // While locked the code is not even checked: a right guess must look like a wrong one.
      const locked = await refuseWhileLocked(ctx, request, user)
      if (locked) return show(reply, method, 429, returnTo, locked)

      const now = ctx.now()
      const result =
        method === 'totp'
          ? await verifyCode(ctx.db, user.id, form.data.code, now)
          : (await useRecoveryCode(ctx.db, user.id, form.data.code, now))
            ? 'accepted'
            : 'wrong'
      if (result === 'accepted') return accept(request, reply, user, method)

      await countWrongCode(ctx, request, user, { method, reason: result, purpose: 'sign_in' })
      const text = method === 'totp' ? WRONG_CODE : 'Enter a correct recovery code'
      return show(reply, method, 400, returnTo, oneError(text))
    })
  }
}
