import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../../app.ts'
import type { Partnership } from '../../../modules/partnership/partnership.table.ts'
import { recordAudit } from '../../audit/audit.service.ts'
import { notFound } from '../../http/errors.ts'
import { establishSession, safeReturnTo } from '../sign-in.ts'
import { clearPending, readPending, writePending } from './oidc.cookie.ts'
import { refusalPage } from './oidc.refusals.ts'
import { readOidcSettings } from './oidc.repository.ts'
import { createOidcService, type Refusal } from './oidc.service.ts'
import { oidcSettingsRoutes } from './oidc-settings.routes.ts'

export { oidcSignInOptions } from './oidc.repository.ts'

const refusedTemplate = 'platform/auth/oidc/views/refused.njk'

/**
 * Sign-in with a partnership's OpenID Connect provider (authorization code with PKCE, state and
 * nonce), and the page where its administrators set the provider up.
 */
export async function oidcRoutes(app: FastifyInstance, ctx: AppContext) {
  const oidc = createOidcService({ config: ctx.config, db: ctx.db })

  async function refuse(
    request: FastifyRequest,
    reply: FastifyReply,
    partnership: Partnership,
    outcome: { reason: Refusal; label: string; issuer?: string; email?: string; detail?: string },
  ) {
    await recordAudit(
      ctx.db,
      {
        partnershipId: partnership.id,
        entityType: 'sign_in',
        entityId: outcome.email ?? `oidc:${partnership.slug}`,
        action: 'oidc_refused',
        after: {
          method: 'oidc',
          issuer: outcome.issuer ?? null,
          reason: outcome.reason,
          detail: outcome.detail ?? null,
        },
        requestId: request.id,
      },
      ctx.now(),
    )
    const page = refusalPage(outcome.reason, { ...outcome, partnershipName: partnership.name })
    return reply.status(page.status).render(refusedTemplate, { ...page })
  }

  app.get('/sign-in/oidc/:slug', { config: { permission: 'public' } }, async (request, reply) => {
    const partnership = request.partnership!
    const settings = await readOidcSettings(ctx.db, partnership)
    if (!settings) throw notFound()
    const asked = (request.query as { returnTo?: unknown }).returnTo
    const returnTo = asked === undefined ? `/p/${partnership.slug}` : safeReturnTo(asked)
    try {
      const { url, pending } = await oidc.startLogin(partnership, settings, returnTo, ctx.now())
      writePending(reply, pending, ctx.config.secureCookies)
      return reply.redirect(url.href, 303)
    } catch (error) {
      request.log.warn({ err: error, issuer: settings.issuer }, 'OpenID provider unreachable')
      return refuse(request, reply, partnership, {
        reason: 'unreachable',
        label: settings.label,
        issuer: settings.issuer,
        detail: error instanceof Error ? error.message.slice(0, 300) : undefined,
      })
    }
  })

  app.get('/sign-in/oidc/:slug/callback', { config: { permission: 'public' } }, async (request, reply) => {
    // The address carries a one-time code: nothing on the way back may keep the page.
    reply.header('cache-control', 'no-store')
    const partnership = request.partnership!
    const pending = readPending(request, ctx.now())
    clearPending(reply)
    const settings = await readOidcSettings(ctx.db, partnership)
    if (!settings)
      return refuse(request, reply, partnership, { reason: 'settings_changed', label: partnership.name })
    const query = new URLSearchParams(request.url.split('?')[1] ?? '')
    const result = await oidc.finishLogin(partnership, settings, pending, query)
    if (!result.ok) {
      if (result.reason === 'token_rejected' || result.reason === 'unreachable')
        request.log.warn({ reason: result.reason, detail: result.detail }, 'OpenID sign-in refused')
      return refuse(request, reply, partnership, {
        ...result,
        label: settings.label,
        issuer: settings.issuer,
      })
    }
    await recordAudit(
      ctx.db,
      {
        partnershipId: partnership.id,
        entityType: 'sign_in',
        entityId: result.email,
        action: 'oidc_accepted',
        actorId: result.user.id,
        after: { method: 'oidc', issuer: settings.issuer, subject: result.subject },
        requestId: request.id,
      },
      ctx.now(),
    )
    // The issuer as the method: the session counts as two factors, the provider having asked for its own.
    await establishSession(ctx, request, reply, result.user.id, { method: settings.issuer })
    return reply.redirect(safeReturnTo(pending?.returnTo), 303)
  })

  await oidcSettingsRoutes(app, ctx, oidc)
}
