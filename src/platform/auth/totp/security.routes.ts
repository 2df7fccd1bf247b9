import { eq } from 'drizzle-orm'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { AppContext } from '../../../app.ts'
import { recordAudit } from '../../audit/audit.service.ts'
import { type FormErrors, parseForm } from '../../http/forms.ts'
import { sessions } from '../auth.table.ts'
import { oneError } from './code-form.ts'
import { requiresSecondFactor, secondFactorCoverage, setRequiresSecondFactor } from './requirement.ts'

const template = 'platform/auth/totp/views/security.njk'

const requirementForm = z.object({
  requireSecondFactor: z.enum(['yes', 'no'], {
    error: 'Select yes if everyone in this partnership must use a second factor',
  }),
})

/**
 * An administrator's page for whether the partnership requires a second factor. Self-contained,
 * so other sign-in settings can sit beside it on their own pages or join this one later.
 */
export async function securityRoutes(app: FastifyInstance, ctx: AppContext) {
  const url = '/p/:slug/security'
  const config = { permission: 'security:manage' as const }

  async function show(
    request: FastifyRequest,
    reply: FastifyReply,
    page: { status?: number; errors?: FormErrors; values?: Record<string, unknown>; flash?: string } = {},
  ) {
    const partnership = request.partnership!
    const required = await requiresSecondFactor(ctx.db, partnership.id)
    return reply.status(page.status ?? 200).render(template, {
      title: 'Security',
      required,
      coverage: await secondFactorCoverage(ctx.db, partnership.id),
      values: page.values ?? { requireSecondFactor: required ? 'yes' : 'no' },
      errors: page.errors,
      flash: page.flash,
    })
  }

  app.get(url, { config }, async (request, reply) => {
    const saved = (request.query as { saved?: string }).saved
    const flash =
      saved === '1' ? 'Security settings saved' : saved === '0' ? 'Nothing was changed' : undefined
    return show(request, reply, { flash })
  })

  app.post(url, { config }, async (request, reply) => {
    const partnership = request.partnership!
    const user = request.user!
    const form = parseForm(requirementForm, request.body)
    if (!form.ok) return show(request, reply, { status: 400, errors: form.errors, values: form.values })
    const required = form.data.requireSecondFactor === 'yes'
    const done = (saved: 0 | 1) => reply.redirect(`/p/${partnership.slug}/security?saved=${saved}`, 303)

    // An administrator who turns the rule on without a second factor of their own would be shut
    // out of the partnership at once, and so out of this page too.
    if (required && !(await hasTwoFactors(ctx, request))) {
      return show(request, reply, {
        status: 400,
        values: form.data,
        errors: oneError(
          'Set up your own second factor before you require one for everyone',
          'requireSecondFactor',
        ),
      })
    }

    const changed = await ctx.db.transaction(async (tx) => {
      const before = await requiresSecondFactor(tx, partnership.id)
      if (before === required) return false
      await setRequiresSecondFactor(tx, partnership.id, required, ctx.now())
      await recordAudit(
        tx,
        {
          partnershipId: partnership.id,
          actorId: user.id,
          entityType: 'partnership_security',
          entityId: partnership.id,
          action: 'second_factor_requirement_changed',
          before: { requireSecondFactor: before },
          after: { requireSecondFactor: required },
          requestId: request.id,
        },
        ctx.now(),
      )
      return true
    })
    return done(changed ? 1 : 0)
  })
}

/** Whether this session has given two factors: TOTP, or an identity provider that asks for its own. */
async function hasTwoFactors(ctx: AppContext, request: FastifyRequest): Promise<boolean> {
  if (request.user?.totpEnabledAt) return true
  if (!request.sessionId) return false
  const [row] = await ctx.db
    .select({ method: sessions.method })
    .from(sessions)
    .where(eq(sessions.id, request.sessionId))
  return row !== undefined && row.method !== 'password'
}
