import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { readSessionCookie, SESSION_COOKIE } from '../access/access.hooks.ts'
import { recordAudit } from '../audit/audit.service.ts'

/** Only a path on this site: never an absolute or protocol-relative address (an open redirect). */
export const safeReturnTo = (value: unknown) =>
  typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\')
    ? value
    : '/'

/**
 * Starts a session for a person whose identity has been checked (password, second factor or
 * OpenID provider): ends the session the browser had, sets a new cookie and audits it.
 * With `pendingSecondFactor` the new session opens only the second-factor page.
 */
export async function establishSession(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  userId: string,
  options: { method: string; pendingSecondFactor?: boolean },
) {
  await ctx.sessions.end(readSessionCookie(request))
  const { token } = await ctx.sessions.start(userId, {
    userAgent: request.headers['user-agent'],
    ipAddress: request.ip,
    method: options.method,
    pendingSecondFactor: options.pendingSecondFactor,
  })
  await recordAudit(ctx.db, {
    entityType: 'user',
    entityId: userId,
    action: options.pendingSecondFactor ? 'password_accepted' : 'signed_in',
    actorId: userId,
    after: { method: options.method },
    requestId: request.id,
  })
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.config.secureCookies,
    signed: true,
  })
}
