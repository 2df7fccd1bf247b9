import type { FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import type { ChangeContext } from '../../platform/audit/audit.service.ts'
import type { MeetingNotify } from './schedule.notices.ts'

/** What sending invitations needs, from the app's configuration. */
export const meetingNotify = (ctx: AppContext): MeetingNotify => ({
  outbox: ctx.outbox,
  publicUrl: ctx.config.PUBLIC_URL.replace(/\/+$/, ''),
  from: ctx.config.MAIL_FROM,
})

/** Who makes a change: what every service command is given. */
export const changeOf = (ctx: AppContext, request: FastifyRequest): ChangeContext => ({
  partnershipId: request.partnership!.id,
  actorId: request.user!.id,
  now: ctx.now(),
  requestId: request.id,
})
