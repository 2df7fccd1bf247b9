import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { AppContext } from '../../app.ts'
import { parseForm } from '../http/forms.ts'
import { requestPasswordReset } from './password-reset.service.ts'
import { checkPassword } from './passwords.ts'
import {
  checkUserToken,
  redeemUserToken,
  type TokenCheck,
  type UserTokenKind,
} from './user-tokens.service.ts'

const newPasswordForm = (email: string) =>
  z
    .object({
      token: z.string().min(1),
      password: z.string().superRefine((value, issue) => {
        const problem = checkPassword(value, { email })
        if (problem) issue.addIssue({ code: 'custom', message: problem })
      }),
      confirm: z.string(),
    })
    .refine((v) => v.password === v.confirm, { message: 'Enter the same password twice', path: ['confirm'] })

const forgottenForm = z.object({
  email: z
    .string()
    .trim()
    .min(1, 'Enter your e-mail address')
    .email('Enter an e-mail address in the correct format, like name@example.org'),
})

const linkProblems: Record<Exclude<TokenCheck['status'], 'ok'>, string> = {
  invalid: 'This link is not valid. Check you copied the whole link from the e-mail.',
  expired: 'This link has expired.',
  used: 'This link has already been used.',
}

/** Invitations and password resets: single-use links that let a person set a password. */
export async function passwordLinkRoutes(app: FastifyInstance, ctx: AppContext) {
  const setPassword = (kind: UserTokenKind, path: string, title: string) => {
    const template = 'platform/auth/views/set-password.njk'
    const badLink = (status: Exclude<TokenCheck['status'], 'ok'>) => ({
      title: 'This link cannot be used',
      problem: linkProblems[status],
      kind,
    })

    app.get(path, { config: { permission: 'public' } }, async (request, reply) => {
      const token = String((request.query as { token?: string }).token ?? '')
      const check = await checkUserToken(ctx.db, token, kind, ctx.now())
      if (check.status !== 'ok') return reply.status(410).render(template, badLink(check.status))
      return reply.render(template, { title, kind, person: check, values: { token } })
    })

    app.post(path, { config: { permission: 'public' } }, async (request, reply) => {
      const token = String((request.body as { token?: string } | undefined)?.token ?? '')
      const check = await checkUserToken(ctx.db, token, kind, ctx.now())
      if (check.status !== 'ok') return reply.status(410).render(template, badLink(check.status))
      const form = parseForm(newPasswordForm(check.email), request.body)
      if (!form.ok) {
        // Passwords are never sent back into the page.
        return reply
          .status(400)
          .render(template, { title, kind, person: check, errors: form.errors, values: { token } })
      }
      const result = await redeemUserToken(ctx.db, {
        token,
        kind,
        password: form.data.password,
        now: ctx.now(),
        requestId: request.id,
      })
      if (result.status !== 'ok') return reply.status(410).render(template, badLink(result.status))
      return reply.redirect('/sign-in?reset=1', 303)
    })
  }

  setPassword('invitation', '/invitation', 'Set your password')
  setPassword('reset', '/reset-password', 'Choose a new password')

  app.get('/forgotten-password', { config: { permission: 'public' } }, async (_request, reply) =>
    reply.render('platform/auth/views/forgotten-password.njk', { title: 'Reset your password' }),
  )

  app.post('/forgotten-password', { config: { permission: 'public' } }, async (request, reply) => {
    const form = parseForm(forgottenForm, request.body)
    if (!form.ok) {
      return reply.status(400).render('platform/auth/views/forgotten-password.njk', {
        title: 'Reset your password',
        errors: form.errors,
        values: form.values,
      })
    }
    // The same answer whether or not the address has an account; the throttle keeps this from
    // being used to flood someone's inbox.
    const retryAt = await ctx.throttle.retryAt(form.data.email, request.ip, 'reset')
    if (!retryAt) {
      await ctx.throttle.recordFailure(form.data.email, request.ip, 'reset')
      await requestPasswordReset(ctx.db, ctx.outbox, {
        email: form.data.email,
        publicUrl: ctx.config.PUBLIC_URL,
        now: ctx.now(),
        requestId: request.id,
      })
    }
    return reply.render('platform/auth/views/reset-sent.njk', {
      title: 'Check your e-mail',
      email: form.data.email,
    })
  })
}
