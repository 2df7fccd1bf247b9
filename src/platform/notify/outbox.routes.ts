import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'
import { can } from '../access/policy.ts'
import { recordAudit } from '../audit/audit.service.ts'
import { notFound } from '../http/errors.ts'
import { createOutbox, type OutboxStatus, outboxStatuses } from './notify.service.ts'

const pageSize = 50

/** Without SMTP, messages stay here for administrators to read; with it, this page shows what was sent and what failed. */
export async function outboxRoutes(app: FastifyInstance, ctx: AppContext) {
  const outbox = createOutbox({ db: ctx.db, now: ctx.now })

  app.get('/p/:slug/outbox', { config: { permission: 'outbox:view' } }, async (request, reply) => {
    const partnershipId = request.partnership!.id
    const query = request.query as { status?: string; page?: string }
    const status = outboxStatuses.includes(query.status as OutboxStatus)
      ? (query.status as OutboxStatus)
      : undefined
    const page = Math.max(1, Number.parseInt(query.page ?? '1', 10) || 1)
    const [messages, counts] = await Promise.all([
      outbox.list({ partnershipId, status, limit: pageSize + 1, offset: (page - 1) * pageSize }),
      outbox.counts({ partnershipId }),
    ])
    return reply.render('platform/notify/views/outbox.njk', {
      title: 'Outbox',
      messages: messages.slice(0, pageSize),
      hasNext: messages.length > pageSize,
      page,
      status,
      counts,
      smtp: Boolean(ctx.config.SMTP_URL),
    })
  })

  app.get('/p/:slug/outbox/:id', { config: { permission: 'outbox:view' } }, async (request, reply) => {
    const { id } = request.params as { id: string }
    const message = /^[0-9a-f-]{36}$/.test(id) ? await outbox.get(id) : undefined
    if (!message || message.partnershipId !== request.partnership!.id) throw notFound()
    const retried = (request.query as { retried?: string }).retried === '1'
    return reply.render('platform/notify/views/message.njk', {
      title: message.subject,
      message,
      canRetry: can(request.actor, 'outbox:retry', { partnershipId: message.partnershipId ?? undefined }),
      flash: retried ? 'The message will be sent again' : undefined,
    })
  })

  // A failed message, or one a crash left in `sending` (it may have gone), is sent again only
  // when an administrator decides so.
  app.post(
    '/p/:slug/outbox/:id/retry',
    { config: { permission: 'outbox:retry' } },
    async (request, reply) => {
      const { id } = request.params as { id: string }
      const partnership = request.partnership!
      const message = /^[0-9a-f-]{36}$/.test(id) ? await outbox.get(id) : undefined
      if (!message || message.partnershipId !== partnership.id) throw notFound()
      if (await outbox.retry(id)) {
        await recordAudit(ctx.db, {
          partnershipId: partnership.id,
          actorId: request.user!.id,
          entityType: 'outbox_message',
          entityId: id,
          action: 'retry',
          before: { status: message.status },
          after: { status: 'pending' },
          requestId: request.id,
        })
      }
      return reply.redirect(`/p/${partnership.slug}/outbox/${id}?retried=1`, 303)
    },
  )
}
