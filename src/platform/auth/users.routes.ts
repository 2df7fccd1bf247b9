import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { AppContext } from '../../app.ts'
import { AppError, notFound } from '../http/errors.ts'
import { type FormErrors, parseForm } from '../http/forms.ts'
import { roles } from './auth.table.ts'
import { resetSecondFactor } from './users.second-factor.service.ts'
import {
  changeRole,
  deactivateMembership,
  getUser,
  invitePerson,
  listUsers,
  roleLabels,
} from './users.service.ts'

const roleField = z.enum(roles, { error: 'Select a role' })
const inviteForm = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'Enter the person’s full name')
    .max(200, 'Name must be 200 characters or fewer'),
  email: z
    .string()
    .trim()
    .min(1, 'Enter the person’s e-mail address')
    .email('Enter an e-mail address in the correct format, like name@example.org'),
  role: roleField,
})
const roleForm = z.object({ role: roleField })
const uuid = /^[0-9a-f-]{36}$/
const roleItems = roles.map((value) => ({ value, text: roleLabels[value] }))

/** An administrator's people pages: list, invite, change role, deactivate. */
export async function userRoutes(app: FastifyInstance, ctx: AppContext) {
  const config = { permission: 'users:manage' as const }
  const base = (request: FastifyRequest) => `/p/${request.partnership!.slug}/users`

  app.get('/p/:slug/users', { config }, async (request, reply) => {
    const people = await listUsers(ctx.db, request.partnership!.id)
    const flash = (request.query as { invited?: string }).invited ? 'Invitation sent' : undefined
    return reply.render('platform/auth/views/users.njk', { title: 'Users', people, roleLabels, flash })
  })

  const inviteTemplate = 'platform/auth/views/invite.njk'
  app.get('/p/:slug/users/invite', { config }, async (_request, reply) =>
    reply.render(inviteTemplate, { title: 'Invite a person', roleItems, values: { role: 'member' } }),
  )

  app.post('/p/:slug/users/invite', { config }, async (request, reply) => {
    const form = parseForm(inviteForm, request.body)
    const again = (errors: FormErrors, values: unknown) =>
      reply.status(400).render(inviteTemplate, { title: 'Invite a person', roleItems, errors, values })
    if (!form.ok) return again(form.errors, form.values)
    try {
      await invitePerson(ctx.db, ctx.outbox, {
        partnership: request.partnership!,
        ...form.data,
        invitedBy: request.user!.id,
        publicUrl: ctx.config.PUBLIC_URL,
        now: ctx.now(),
        requestId: request.id,
      })
    } catch (error) {
      if (error instanceof AppError && error.code === 'already_member') {
        return again(
          { list: [{ text: error.message, href: '#email' }], fields: { email: { text: error.message } } },
          form.data,
        )
      }
      throw error
    }
    return reply.redirect(`${base(request)}?invited=1`, 303)
  })

  app.get('/p/:slug/users/:userId', { config }, async (request, reply) => {
    const { userId } = request.params as { userId: string }
    const person = uuid.test(userId) ? await getUser(ctx.db, request.partnership!.id, userId) : null
    if (!person) throw notFound()
    const query = request.query as { saved?: string; error?: string }
    return reply.render('platform/auth/views/user.njk', {
      title: person.name,
      person,
      roleItems,
      roleLabels,
      values: { role: person.role },
      isSelf: person.id === request.user!.id,
      flash: query.saved ? 'Saved' : undefined,
      problem:
        query.error === 'last_administrator'
          ? 'The partnership must keep at least one administrator'
          : undefined,
    })
  })

  app.post('/p/:slug/users/:userId/role', { config }, async (request, reply) => {
    const { userId } = request.params as { userId: string }
    const form = parseForm(roleForm, request.body)
    if (!uuid.test(userId) || !form.ok) throw notFound()
    return guarded(request, reply, userId, () =>
      changeRole(ctx.db, {
        partnershipId: request.partnership!.id,
        userId,
        role: form.data.role,
        actorId: request.user!.id,
        now: ctx.now(),
        requestId: request.id,
      }),
    )
  })

  app.post('/p/:slug/users/:userId/deactivate', { config }, async (request, reply) => {
    const { userId } = request.params as { userId: string }
    if (!uuid.test(userId)) throw notFound()
    return guarded(request, reply, userId, () =>
      deactivateMembership(ctx.db, {
        partnershipId: request.partnership!.id,
        userId,
        actorId: request.user!.id,
        now: ctx.now(),
        requestId: request.id,
      }),
    )
  })

  app.post('/p/:slug/users/:userId/reset-second-factor', { config }, async (request, reply) => {
    const { userId } = request.params as { userId: string }
    if (!uuid.test(userId)) throw notFound()
    return guarded(request, reply, userId, () =>
      resetSecondFactor(ctx.db, {
        partnershipId: request.partnership!.id,
        userId,
        actorId: request.user!.id,
        now: ctx.now(),
        requestId: request.id,
      }),
    )
  })

  async function guarded(
    request: FastifyRequest,
    reply: import('fastify').FastifyReply,
    userId: string,
    change: () => Promise<unknown>,
  ) {
    try {
      await change()
    } catch (error) {
      if (error instanceof AppError && error.code === 'last_administrator') {
        return reply.redirect(`${base(request)}/${userId}?error=last_administrator`, 303)
      }
      throw error
    }
    return reply.redirect(`${base(request)}/${userId}?saved=1`, 303)
  }
}
