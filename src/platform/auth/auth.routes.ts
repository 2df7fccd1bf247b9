import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { AppContext } from '../../app.ts'
import { readSessionCookie, SESSION_COOKIE } from '../access/access.hooks.ts'
import { recordAudit } from '../audit/audit.service.ts'
import { type FormErrors, parseForm } from '../http/forms.ts'
import { oidcSignInOptions } from './oidc/oidc.repository.ts'
import { verifyPassword } from './passwords.ts'
import { establishSession, safeReturnTo } from './sign-in.ts'
import { findUserByEmail } from './users.repository.ts'

export { safeReturnTo } from './sign-in.ts'

const signInForm = z.object({
  email: z
    .string()
    .trim()
    .min(1, 'Enter your e-mail address')
    .email('Enter an e-mail address in the correct format, like name@example.org'),
  password: z.string().min(1, 'Enter your password'),
  returnTo: z.string().optional(),
})

const oneError = (text: string, field = 'email'): FormErrors => ({
  list: [{ text, href: `#${field}` }],
  fields: { [field]: { text } },
})

const londonTime = new Intl.DateTimeFormat('en-GB', {
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
  timeZone: 'Europe/London',
})

export async function authRoutes(app: FastifyInstance, ctx: AppContext) {
  const template = 'platform/auth/views/sign-in.njk'

  app.get('/sign-in', { config: { permission: 'public' } }, async (request, reply) => {
    const query = request.query as { returnTo?: string; signedOut?: string; reset?: string }
    const flash = query.signedOut
      ? 'You have signed out'
      : query.reset
        ? 'Your password has been set. Sign in with it now.'
        : undefined
    const returnTo = safeReturnTo(query.returnTo)
    return reply.render(template, {
      title: 'Sign in',
      values: { returnTo },
      flash,
      oidcOptions: await oidcSignInOptions(ctx.db, returnTo),
    })
  })

  app.post('/sign-in', { config: { permission: 'public' } }, async (request, reply) => {
    const form = parseForm(signInForm, request.body)
    if (!form.ok)
      return reply
        .status(400)
        .render(template, { title: 'Sign in', errors: form.errors, values: form.values })
    const { email, password, returnTo } = form.data
    const values = { email, returnTo }

    // While locked, the password is not even checked: a right guess must look like a wrong one.
    const retryAt = await ctx.throttle.retryAt(email, request.ip)
    if (retryAt) {
      await recordAudit(ctx.db, {
        entityType: 'sign_in',
        entityId: email.toLowerCase(),
        action: 'throttled',
        requestId: request.id,
      })
      const message = `There have been too many attempts to sign in. Try again after ${londonTime.format(retryAt)}.`
      return reply.status(429).render(template, { title: 'Sign in', errors: oneError(message), values })
    }

    const user = await findUserByEmail(ctx.db, email)
    const valid =
      (await verifyPassword(user?.passwordHash ?? null, password)) && user !== null && !user.deactivatedAt
    if (!valid || !user) {
      await ctx.throttle.recordFailure(email, request.ip)
      await recordAudit(ctx.db, {
        entityType: 'sign_in',
        entityId: email.toLowerCase(),
        action: 'failed',
        actorId: user?.id,
        requestId: request.id,
      })
      // The same message whether or not the address has an account.
      return reply.status(400).render(template, {
        title: 'Sign in',
        errors: oneError('Enter a correct e-mail address and password'),
        values,
      })
    }
    await ctx.throttle.clear(email)
    const pendingSecondFactor = user.totpEnabledAt !== null
    await establishSession(ctx, request, reply, user.id, { method: 'password', pendingSecondFactor })
    const next = safeReturnTo(returnTo)
    if (pendingSecondFactor)
      return reply.redirect(`/sign-in/second-factor?returnTo=${encodeURIComponent(next)}`, 303)
    return reply.redirect(next, 303)
  })

  app.post('/sign-out', { config: { permission: 'public' } }, async (request, reply) => {
    await ctx.sessions.end(readSessionCookie(request))
    const user = request.user ?? request.pendingUser
    if (user) {
      await recordAudit(ctx.db, {
        entityType: 'user',
        entityId: user.id,
        action: 'signed_out',
        actorId: user.id,
        requestId: request.id,
      })
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' })
    return reply.redirect('/sign-in?signedOut=1', 303)
  })
}
