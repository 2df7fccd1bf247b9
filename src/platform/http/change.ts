import type { FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import type { ChangeContext } from '../audit/audit.service.ts'

/** Who makes a change, in which partnership, when, and in which request: what every audited command is given. */
export const changeOf = (ctx: AppContext, request: FastifyRequest): ChangeContext => ({
  partnershipId: request.partnership!.id,
  actorId: request.user!.id,
  now: ctx.now(),
  requestId: request.id,
})
