import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { AppContext } from '../../app.ts'
import { readSessionCookie, SESSION_COOKIE } from '../access/access.hooks.ts'
import { recordAudit } from '../audit/audit.service.ts'
import { parseForm } from '../http/forms.ts'
import { verifyPassword } from './passwords.ts'
import { findUserByEmail } from './users.repository.ts'

const signInForm = z.object({
  email: z
    .string()
    .trim()
    .min(1, 'Enter your e-mail address')
    .email('Enter an e-mail address in the correct format, like name@example.org'),
  password: z.string().min(1, 'Enter your password'),
  returnTo: z.string().optional(),
})

/** Only a path on this site: never an absolute or protocol-relative address (an open redirect). */
export const safeReturnTo = (value: unknown) =>
  typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\')
    ? value
    : '/'

export async function authRoutes(app: FastifyInstance, ctx: AppContext) {
  const template = 'platform/auth/views/sign-in.njk'

  app.get('/sign-in', { config: { permission: 'public' } }, async (request, reply) => {
    const returnTo = safeReturnTo((request.query as { returnTo?: string }).returnTo)
    return reply.render(template, { title: 'Sign in', values: { returnTo } })
  })

  app.post('/sign-in', { config: { permission: 'public' } }, async (request, reply) => {
    const form = parseForm(signInForm, request.body)
    if (!form.ok)
      return reply
        .status(400)
        .render(template, { title: 'Sign in', errors: form.errors, values: form.values })
    const user = await findUserByEmail(ctx.db, form.data.email)
    const valid =
      (await verifyPassword(user?.passwordHash ?? null, form.data.password)) && user && !user.deactivatedAt
    if (!valid || !user) {
      await recordAudit(ctx.db, {
        entityType: 'sign_in',
        entityId: form.data.email.toLowerCase(),
        action: 'failed',
        actorId: user?.id,
        requestId: request.id,
      })
      // The same message whether or not the address has an account.
      const message = 'Enter a correct e-mail address and password'
      return reply.status(400).render(template, {
        title: 'Sign in',
        errors: { list: [{ text: message, href: '#email' }], fields: { email: { text: message } } },
        values: { email: form.data.email, returnTo: form.data.returnTo },
      })
    }
    await ctx.sessions.end(readSessionCookie(request))
    const token = await ctx.sessions.start(user.id, request.headers['user-agent'])
    await recordAudit(ctx.db, {
      entityType: 'user',
      entityId: user.id,
      action: 'signed_in',
      actorId: user.id,
      requestId: request.id,
    })
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: ctx.config.secureCookies,
      signed: true,
    })
    return reply.redirect(safeReturnTo(form.data.returnTo), 303)
  })

  app.post('/sign-out', { config: { permission: 'public' } }, async (request, reply) => {
    await ctx.sessions.end(readSessionCookie(request))
    if (request.user) {
      await recordAudit(ctx.db, {
        entityType: 'user',
        entityId: request.user.id,
        action: 'signed_out',
        actorId: request.user.id,
        requestId: request.id,
      })
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' })
    return reply.redirect('/sign-in?signedOut=1', 303)
  })
}
