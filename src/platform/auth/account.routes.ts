import { eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { AppContext } from '../../app.ts'
import { SESSION_COOKIE } from '../access/access.hooks.ts'
import { recordAudit } from '../audit/audit.service.ts'
import { parseForm } from '../http/forms.ts'
import { users } from './auth.table.ts'
import { checkPassword, hashPassword, verifyPassword } from './passwords.ts'

const nameForm = z.object({
  name: z.string().trim().min(1, 'Enter your full name').max(200, 'Name must be 200 characters or fewer'),
})

/** My account: name, password, sessions. (The second factor has its own pages.) */
export async function accountRoutes(app: FastifyInstance, ctx: AppContext) {
  const config = { permission: 'signed-in' as const }

  app.get('/account', { config }, async (request, reply) => {
    const flash = { name: 'Your name has been changed', password: 'Your password has been changed' }[
      (request.query as { saved?: string }).saved ?? ''
    ]
    return reply.render('platform/auth/views/account.njk', { title: 'Your account', flash })
  })

  app.get('/account/name', { config }, async (request, reply) =>
    reply.render('platform/auth/views/account-name.njk', {
      title: 'Change your name',
      values: { name: request.user!.name },
    }),
  )

  app.post('/account/name', { config }, async (request, reply) => {
    const form = parseForm(nameForm, request.body)
    if (!form.ok) {
      return reply.status(400).render('platform/auth/views/account-name.njk', {
        title: 'Change your name',
        errors: form.errors,
        values: form.values,
      })
    }
    const user = request.user!
    await ctx.db.transaction(async (tx) => {
      await tx.update(users).set({ name: form.data.name }).where(eq(users.id, user.id))
      await recordAudit(tx, {
        actorId: user.id,
        entityType: 'user',
        entityId: user.id,
        action: 'change_name',
        before: { name: user.name },
        after: { name: form.data.name },
        requestId: request.id,
      })
    })
    return reply.redirect('/account?saved=name', 303)
  })

  const passwordTemplate = 'platform/auth/views/account-password.njk'
  app.get('/account/password', { config }, async (_request, reply) =>
    reply.render(passwordTemplate, { title: 'Change your password' }),
  )

  app.post('/account/password', { config }, async (request, reply) => {
    const user = request.user!
    const form = parseForm(
      z
        .object({
          current: z.string().min(1, 'Enter your current password'),
          password: z.string().superRefine((value, issue) => {
            const problem = checkPassword(value, { email: user.email })
            if (problem) issue.addIssue({ code: 'custom', message: problem })
          }),
          confirm: z.string(),
        })
        .refine((v) => v.password === v.confirm, {
          message: 'Enter the same new password twice',
          path: ['confirm'],
        }),
      request.body,
    )
    if (!form.ok)
      return reply
        .status(400)
        .render(passwordTemplate, { title: 'Change your password', errors: form.errors })
    if (!(await verifyPassword(user.passwordHash, form.data.current))) {
      await recordAudit(ctx.db, {
        actorId: user.id,
        entityType: 'user',
        entityId: user.id,
        action: 'change_password_refused',
        requestId: request.id,
      })
      const text = 'Your current password is not correct'
      return reply.status(400).render(passwordTemplate, {
        title: 'Change your password',
        errors: { list: [{ text, href: '#current' }], fields: { current: { text } } },
      })
    }
    const passwordHash = await hashPassword(form.data.password)
    await ctx.db.transaction(async (tx) => {
      await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id))
      await recordAudit(tx, {
        actorId: user.id,
        entityType: 'user',
        entityId: user.id,
        action: 'change_password',
        requestId: request.id,
      })
    })
    // Anyone else signed in as this person with the old password is signed out.
    await ctx.sessions.endAll(user.id, request.sessionId ?? undefined)
    return reply.redirect('/account?saved=password', 303)
  })

  app.get('/account/sessions', { config }, async (request, reply) => {
    const open = await ctx.sessions.listOpen(request.user!.id)
    const ended = (request.query as { ended?: string }).ended
    return reply.render('platform/auth/views/account-sessions.njk', {
      title: 'Where you are signed in',
      sessions: open.map((s) => ({
        ...s,
        current: s.id === request.sessionId,
        device: describeAgent(s.userAgent),
      })),
      flash: ended ? 'That session has ended' : undefined,
    })
  })

  app.post('/account/sessions/:id/end', { config }, async (request, reply) => {
    const { id } = request.params as { id: string }
    const user = request.user!
    if (await ctx.sessions.endOwn(user.id, id)) {
      await recordAudit(ctx.db, {
        actorId: user.id,
        entityType: 'session',
        entityId: id.slice(0, 12),
        action: 'end',
        requestId: request.id,
      })
    }
    if (id === request.sessionId) {
      reply.clearCookie(SESSION_COOKIE, { path: '/' })
      return reply.redirect('/sign-in?signedOut=1', 303)
    }
    return reply.redirect('/account/sessions?ended=1', 303)
  })

  app.post('/account/sessions/end-all', { config }, async (request, reply) => {
    const user = request.user!
    const ended = await ctx.sessions.endAll(user.id)
    await recordAudit(ctx.db, {
      actorId: user.id,
      entityType: 'user',
      entityId: user.id,
      action: 'signed_out_everywhere',
      after: { sessions: ended },
      requestId: request.id,
    })
    reply.clearCookie(SESSION_COOKIE, { path: '/' })
    return reply.redirect('/sign-in?signedOut=1', 303)
  })
}

/** A readable guess at the browser and system, for telling sessions apart. */
export function describeAgent(agent: string | null): string {
  if (!agent) return 'Unknown browser'
  const browser = /Edg\//.test(agent)
    ? 'Edge'
    : /Firefox\//.test(agent)
      ? 'Firefox'
      : /Chrome\//.test(agent)
        ? 'Chrome'
        : /Safari\//.test(agent)
          ? 'Safari'
          : 'A browser'
  const system = /Windows/.test(agent)
    ? 'Windows'
    : /iPhone|iPad/.test(agent)
      ? 'iOS'
      : /Mac OS X/.test(agent)
        ? 'macOS'
        : /Android/.test(agent)
          ? 'Android'
          : /Linux/.test(agent)
            ? 'Linux'
            : 'an unknown system'
  return `${browser} on ${system}`
}
