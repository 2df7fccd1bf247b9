import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { findPartnershipBySlug } from '../../modules/partnership/partnership.repository.ts'
import { resolveApiToken } from '../auth/api-tokens.service.ts'
import type { User } from '../auth/auth.table.ts'
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
  interface FastifyRequest {
    /** A person who has given their password but not yet their second factor. */
    pendingUser: User | null
    sessionId: string | null
    /** Partnerships the person could open with a second factor. */
    withheldPartnerships: string[] | null
    /** The partnership named in the URL, being read while the session is (see onRequest). */
    partnershipLookup: ReturnType<typeof findPartnershipBySlug> | null
  }
}

export const SESSION_COOKIE = 'masa_session'
const unsafe = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
const isApi = (url: string) => url.startsWith('/api/')

/**
 * Who is asking and whether they may: the session (or, for the JSON API, the bearer token) is read
 * on every request, every form post is checked for its CSRF token, the partnership in the URL is
 * loaded, and the route's declared permission is checked. A route that declares nothing is refused.
 */
export function accessHooks(app: FastifyInstance, ctx: AppContext) {
  app.decorateRequest('user', null)
  app.decorateRequest('actor', null)
  app.decorateRequest('partnership', null)
  app.decorateRequest('pendingUser', null)
  app.decorateRequest('sessionId', null)
  app.decorateRequest('withheldPartnerships', null)
  app.decorateRequest('partnershipLookup', null)

  const routeTable: RouteEntry[] = []
  app.decorate('routeTable', routeTable)
  app.addHook('onRoute', (route) => {
    routeTable.push({
      method: String(route.method),
      url: route.url,
      permission: route.config?.permission,
      asset: route.url.startsWith('/assets/'),
    })
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    if (!methods.some((m) => unsafe.has(m)) || isApi(route.url)) return
    const existing = route.preHandler
      ? Array.isArray(route.preHandler)
        ? route.preHandler
        : [route.preHandler]
      : []
    route.preHandler = [app.csrfProtection, ...existing]
  })

  app.addHook('onRequest', async (request) => {
    if (request.url.startsWith('/assets/') || request.routeOptions.config.permission === undefined) return
    // The partnership in the URL is read side by side with the session, not after it: one round
    // trip fewer before the page's own queries. preHandler awaits it (a failure surfaces there).
    const slug = (request.params as { slug?: string } | undefined)?.slug
    if (slug !== undefined) {
      const lookup = findPartnershipBySlug(ctx.db, slug)
      lookup.catch(() => {})
      request.partnershipLookup = lookup
    }
    if (isApi(request.url)) return identifyApiCaller(ctx, request)
    const token = readSessionCookie(request)
    if (!token) return
    const signedIn = await ctx.sessions.resume(token)
    if (!signedIn) return
    request.sessionId = signedIn.sessionId
    if (signedIn.pendingSecondFactor) {
      request.pendingUser = signedIn.user
      return
    }
    request.user = signedIn.user
    request.actor = { kind: 'person', userId: signedIn.user.id, roles: signedIn.roles }
    request.withheldPartnerships = signedIn.withheld
  })

  app.addHook('preHandler', async (request, reply) => {
    const permission = request.routeOptions.config.permission
    if (request.is404 || (request.url.startsWith('/assets/') && permission === undefined)) return
    if (!permission) throw forbidden()
    const slug = (request.params as { slug?: string } | undefined)?.slug
    if (slug !== undefined) {
      request.partnership = await (request.partnershipLookup ?? findPartnershipBySlug(ctx.db, slug))
      if (!request.partnership) throw notFound()
    }
    if (permission === 'second-factor') {
      if (request.pendingUser) return
      return reply.redirect(request.user ? '/' : '/sign-in', 303)
    }
    if (can(request.actor, permission, { partnershipId: request.partnership?.id })) return
    if (!request.actor) return askToSignIn(request, reply)
    // A person outside the partnership learns nothing about what it holds.
    if (request.partnership && !request.actor.roles?.has(request.partnership.id)) {
      if (request.withheldPartnerships?.includes(request.partnership.id)) return askForSecondFactor(reply)
      throw notFound()
    }
    throw forbidden()
  })
}

async function identifyApiCaller(ctx: AppContext, request: FastifyRequest) {
  const header = request.headers.authorization
  if (!header?.startsWith('Bearer ')) return
  const token = await resolveApiToken(ctx.db, header.slice(7).trim(), ctx.now())
  if (!token) throw unauthenticated()
  request.actor = { kind: 'token', tokenId: token.id, partnershipId: token.partnershipId, scope: token.scope }
}

export function readSessionCookie(request: FastifyRequest): string | undefined {
  const raw = request.cookies[SESSION_COOKIE]
  if (!raw) return undefined
  const unsigned = request.unsignCookie(raw)
  return unsigned.valid && unsigned.value ? unsigned.value : undefined
}

async function askToSignIn(request: FastifyRequest, reply: FastifyReply) {
  if (request.method === 'GET' && !isApi(request.url)) {
    return reply.redirect(`/sign-in?returnTo=${encodeURIComponent(request.url)}`, 303)
  }
  throw unauthenticated()
}

async function askForSecondFactor(reply: FastifyReply) {
  return reply.redirect('/account/second-factor?required=1', 303)
}
