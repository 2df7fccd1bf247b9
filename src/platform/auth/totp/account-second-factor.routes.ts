import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../../app.ts'
import { recordAudit } from '../../audit/audit.service.ts'
import { type FormErrors, parseForm } from '../../http/forms.ts'
import type { User } from '../auth.table.ts'
import {
  clearWrongCodes,
  codeForm,
  countWrongCode,
  oneError,
  refuseWhileLocked,
  WRONG_CODE,
} from './code-form.ts'
import { partnershipsRequiring } from './requirement.ts'
import {
  confirmEnrolment,
  disable,
  pendingEnrolment,
  qrSvg,
  regenerateRecoveryCodes,
  remainingRecoveryCodes,
  startEnrolment,
  verifyCode,
} from './totp.service.ts'

const views = 'platform/auth/totp/views'
const statusUrl = '/account/second-factor'

/** A person's own second factor: set it up, get new recovery codes, turn it off. */
export async function accountSecondFactorRoutes(app: FastifyInstance, ctx: AppContext) {
  const config = { permission: 'signed-in' as const }
  const change = (request: FastifyRequest) => ({ now: ctx.now(), requestId: request.id })

  app.get(statusUrl, { config }, async (request, reply) => {
    const user = request.user!
    const query = request.query as { required?: string; off?: string }
    return reply.render(`${views}/status.njk`, {
      title: 'Second factor',
      enabled: user.totpEnabledAt !== null,
      enabledAt: user.totpEnabledAt,
      remaining: await remainingRecoveryCodes(ctx.db, user.id),
      requiredBy: await partnershipsRequiring(ctx.db, user.id),
      required: query.required === '1',
      flash: query.off ? 'Your second factor is turned off' : undefined,
    })
  })

  app.post(`${statusUrl}/start`, { config }, async (request, reply) => {
    await startEnrolment(ctx.db, request.user!.id, change(request))
    // Post, redirect, get: reloading the page shows the same secret rather than making another.
    return reply.redirect(`${statusUrl}/set-up`, 303)
  })

  async function showSetUp(request: FastifyRequest, reply: FastifyReply, errors?: FormErrors) {
    const enrolment = await pendingEnrolment(ctx.db, request.user!.id)
    if (!enrolment) return reply.redirect(statusUrl, 303)
    const svg = await qrSvg(enrolment.uri)
    return noStore(reply)
      .status(errors ? 400 : 200)
      .render(`${views}/set-up.njk`, {
        title: 'Set up your authenticator app',
        errors,
        qrCode: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
        secretGroups: enrolment.secret.match(/.{1,4}/g)?.join(' '),
      })
  }

  app.get(`${statusUrl}/set-up`, { config }, async (request, reply) => showSetUp(request, reply))

  app.post(`${statusUrl}/confirm`, { config }, async (request, reply) => {
    const user = request.user!
    const form = parseForm(codeForm, request.body)
    if (!form.ok) return showSetUp(request, reply, form.errors)
    const codes = await confirmEnrolment(ctx.db, user.id, form.data.code, change(request))
    if (!codes) return showSetUp(request, reply, oneError(WRONG_CODE))
    // Password sessions count as two factors once TOTP is on: ones started elsewhere before it was
    // on have given no code, so they end.
    const ended = await ctx.sessions.endAll(user.id, request.sessionId ?? undefined)
    if (ended > 0) {
      await recordAudit(
        ctx.db,
        {
          entityType: 'user',
          entityId: user.id,
          action: 'signed_out_elsewhere',
          actorId: user.id,
          after: { sessions: ended, reason: 'second_factor_enabled' },
          requestId: request.id,
        },
        ctx.now(),
      )
    }
    return showCodes(reply, codes, true)
  })

  function showCodes(reply: FastifyReply, codes: string[], justEnabled: boolean) {
    return noStore(reply).render(`${views}/recovery-codes.njk`, {
      title: 'Your recovery codes',
      codes,
      justEnabled,
    })
  }

  // Getting new recovery codes and turning the factor off both ask for a current code, so a
  // session left open on a shared computer cannot do either.
  const confirmPages = {
    'recovery-codes': {
      title: 'Get new recovery codes',
      async act(request: FastifyRequest, reply: FastifyReply, user: User) {
        const codes = await regenerateRecoveryCodes(ctx.db, user.id, change(request))
        return showCodes(reply, codes, false)
      },
    },
    disable: {
      title: 'Turn off your second factor',
      async act(request: FastifyRequest, reply: FastifyReply, user: User) {
        const result = await disable(ctx.db, user.id, change(request))
        if (!result.ok) return showConfirm(request, reply, 'disable', { status: 409 })
        return reply.redirect(`${statusUrl}?off=1`, 303)
      },
    },
  } as const
  type ConfirmPage = keyof typeof confirmPages

  async function showConfirm(
    request: FastifyRequest,
    reply: FastifyReply,
    page: ConfirmPage,
    options: { status?: number; errors?: FormErrors } = {},
  ) {
    const user = request.user!
    if (!user.totpEnabledAt) return reply.redirect(statusUrl, 303)
    return reply.status(options.status ?? 200).render(`${views}/confirm-with-code.njk`, {
      title: confirmPages[page].title,
      page,
      action: `${statusUrl}/${page}`,
      requiredBy: page === 'disable' ? await partnershipsRequiring(ctx.db, user.id) : [],
      remaining: await remainingRecoveryCodes(ctx.db, user.id),
      errors: options.errors,
    })
  }

  for (const page of Object.keys(confirmPages) as ConfirmPage[]) {
    app.get(`${statusUrl}/${page}`, { config }, async (request, reply) => showConfirm(request, reply, page))

    app.post(`${statusUrl}/${page}`, { config }, async (request, reply) => {
      const user = request.user!
      if (!user.totpEnabledAt) return reply.redirect(statusUrl, 303)
      // Refused before the code is checked, so the code is not spent on a change that cannot happen.
      if (page === 'disable' && (await partnershipsRequiring(ctx.db, user.id)).length > 0)
        return showConfirm(request, reply, page, { status: 409 })
      const form = parseForm(codeForm, request.body)
      if (!form.ok) return showConfirm(request, reply, page, { status: 400, errors: form.errors })
      const locked = await refuseWhileLocked(ctx, request, user)
      if (locked) return showConfirm(request, reply, page, { status: 429, errors: locked })
      const result = await verifyCode(ctx.db, user.id, form.data.code, ctx.now())
      if (result !== 'accepted') {
        await countWrongCode(ctx, request, user, { method: 'totp', reason: result, purpose: page })
        return showConfirm(request, reply, page, { status: 400, errors: oneError(WRONG_CODE) })
      }
      await clearWrongCodes(ctx, user)
      return confirmPages[page].act(request, reply, user)
    })
  }
}

// Secrets and recovery codes must not stay in the browser's cache or history.
const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store')
