import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { findPartnershipBySlug } from '../../modules/partnership/partnership.repository.ts'
import { forbidden, notFound, unauthenticated } from '../http/errors.ts'
import { can } from './policy.ts'

export interface RouteEntry {
  method: string
  url: string
  permission: string | undefined
  /** Files served by @fastify/static: public by nature, declared here rather than per file. */
  asset: boolean
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route with the permission it declared, for the test that refuses undeclared routes. */
    routeTable: RouteEntry[]
  }
}

export const SESSION_COOKIE = 'masa_session'
const unsafe = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * Who is asking and whether they may: the session is read on every request, every form post is
 * checked for its CSRF token (the JSON API uses bearer tokens instead), the partnership in the URL
 * is loaded, and the route's declared permission is checked. A route that declares nothing is refused.
 */
export function accessHooks(app: FastifyInstance, ctx: AppContext) {
  app.decorateRequest('user', null)
  app.decorateRequest('actor', null)
  app.decorateRequest('partnership', null)

  const routeTable: RouteEntry[] = []
  app.decorate('routeTable', routeTable)
  app.addHook('onRoute', (route) => {
    const permission = route.config?.permission
    routeTable.push({
      method: String(route.method),
      url: route.url,
      permission,
      asset: route.url.startsWith('/assets/'),
    })
  })

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    if (!methods.some((m) => unsafe.has(m)) || route.url.startsWith('/api/')) return
    const existing = route.preHandler
      ? Array.isArray(route.preHandler)
        ? route.preHandler
        : [route.preHandler]
      : []
    route.preHandler = [app.csrfProtection, ...existing]
  })

  app.addHook('onRequest', async (request) => {
    if (request.url.startsWith('/assets/') || request.routeOptions.config.permission === undefined) return
    const token = readSessionCookie(request)
    if (!token) return
    const signedIn = await ctx.sessions.resume(token)
    if (!signedIn) return
    request.user = signedIn.user
    request.actor = { userId: signedIn.user.id, roles: signedIn.roles }
  })

  app.addHook('preHandler', async (request, reply) => {
    if (
      request.is404 ||
      (request.url.startsWith('/assets/') && request.routeOptions.config.permission === undefined)
    )
      return
    const permission = request.routeOptions.config.permission
    if (!permission) throw forbidden()
    const slug = (request.params as { slug?: string } | undefined)?.slug
    if (slug !== undefined) {
      request.partnership = await findPartnershipBySlug(ctx.db, slug)
      if (!request.partnership) throw notFound()
    }
    if (can(request.actor, permission, { partnershipId: request.partnership?.id })) return
    if (!request.actor) return askToSignIn(request, reply)
    // A person outside the partnership learns nothing about what it holds.
    if (request.partnership && !request.actor.roles.has(request.partnership.id)) throw notFound()
    throw forbidden()
  })
}

export function readSessionCookie(request: FastifyRequest): string | undefined {
  const raw = request.cookies[SESSION_COOKIE]
  if (!raw) return undefined
  const unsigned = request.unsignCookie(raw)
  return unsigned.valid && unsigned.value ? unsigned.value : undefined
}

async function askToSignIn(request: FastifyRequest, reply: FastifyReply) {
  if (request.method === 'GET' && !request.url.startsWith('/api/')) {
    return reply.redirect(`/sign-in?returnTo=${encodeURIComponent(request.url)}`, 303)
  }
  throw unauthenticated()
}
