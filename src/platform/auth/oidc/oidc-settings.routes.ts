import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { AppContext } from '../../../app.ts'
import { recordAudit } from '../../audit/audit.service.ts'
import { type FormErrors, formValues, parseForm } from '../../http/forms.ts'
import {
  type OidcSettingsView,
  readOidcSettingsView,
  saveOidcSettings,
  turnOffOidc,
} from './oidc.repository.ts'
import { callbackUrl, type OidcService } from './oidc.service.ts'

const template = 'platform/auth/oidc/views/sign-in-settings.njk'

function issuerProblem(value: string, nodeEnv: string): string | null {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'Enter the issuer as a full web address, like https://login.microsoftonline.com/<tenant ID>/v2.0'
  }
  // Only tests run a provider over plain http, on this machine.
  const allowed = nodeEnv === 'test' ? ['https:', 'http:'] : ['https:']
  if (!allowed.includes(url.protocol)) return 'Enter an issuer URL that starts with https://'
  if (url.username || url.password || url.search || url.hash)
    return 'Enter the issuer URL without a user name, password, query or # part'
  return null
}

export const settingsSchema = (nodeEnv: string) =>
  z.object({
    issuer: z
      .string()
      .trim()
      .min(1, 'Enter the issuer URL')
      .max(500, 'The issuer URL must be 500 characters or fewer')
      .superRefine((value, check) => {
        const problem = issuerProblem(value, nodeEnv)
        if (problem) check.addIssue({ code: 'custom', message: problem })
      }),
    clientId: z
      .string()
      .trim()
      .min(1, 'Enter the client ID')
      .max(200, 'The client ID must be 200 characters or fewer'),
    clientSecret: z
      .string()
      .max(1000, 'The client secret must be 1,000 characters or fewer')
      .optional()
      .transform((v) => v?.trim() || undefined),
    label: z
      .string()
      .trim()
      .min(1, 'Enter the words for the sign-in button')
      .max(80, 'The words for the button must be 80 characters or fewer'),
    emailClaim: z
      .string()
      .trim()
      .min(1, 'Enter the claim that holds the e-mail address')
      .max(64, 'The claim name must be 64 characters or fewer')
      .regex(
        /^[A-Za-z][A-Za-z0-9_.:-]*$/,
        'Enter a claim name using only letters, numbers, full stops, colons, hyphens and underscores, like email',
      ),
  })

const oneError = (field: string, text: string): FormErrors => ({
  list: [{ text, href: `#${field}` }],
  fields: { [field]: { text } },
})

// The audit log records what the settings were and became, but never a secret.
const auditable = (s: OidcSettingsView) => ({
  issuer: s.issuer,
  clientId: s.clientId,
  label: s.label,
  emailClaim: s.emailClaim,
  secretSet: s.secretSet,
})

/** An administrator's page for the partnership's OpenID Connect provider. */
export async function oidcSettingsRoutes(app: FastifyInstance, ctx: AppContext, oidc: OidcService) {
  const url = '/p/:slug/sign-in-settings'
  const config = { permission: 'security:manage' as const }

  async function show(
    request: FastifyRequest,
    reply: FastifyReply,
    page: { status?: number; errors?: FormErrors; values?: Record<string, unknown>; flash?: string } = {},
  ) {
    const partnership = request.partnership!
    const current = await readOidcSettingsView(ctx.db, partnership.id)
    // Never the secret: the form shows only whether one is stored.
    const { clientSecret: _never, ...values } = page.values ?? {
      issuer: current.issuer ?? '',
      clientId: current.clientId ?? '',
      label: current.label ?? '',
      emailClaim: current.emailClaim,
    }
    return reply.status(page.status ?? 200).render(template, {
      title: 'Sign-in settings',
      current,
      values,
      errors: page.errors,
      flash: page.flash,
      callbackUrl: callbackUrl(ctx.config.PUBLIC_URL, partnership.slug).href,
    })
  }

  app.get(url, { config }, async (request, reply) => {
    const query = request.query as { saved?: string; off?: string }
    const flash = query.saved
      ? 'Sign-in settings saved'
      : query.off
        ? 'Sign-in with your organisation’s account is turned off'
        : undefined
    return show(request, reply, { flash })
  })

  app.post(url, { config }, async (request, reply) => {
    const partnership = request.partnership!
    const actorId = request.user?.id ?? null
    const done = (flag: string) => reply.redirect(`/p/${partnership.slug}/sign-in-settings?${flag}=1`, 303)

    if (formValues(request.body).intent === 'turn-off') {
      await ctx.db.transaction(async (tx) => {
        const before = await readOidcSettingsView(tx, partnership.id)
        await turnOffOidc(tx, partnership.id, ctx.now())
        await recordAudit(
          tx,
          {
            partnershipId: partnership.id,
            actorId,
            entityType: 'partnership_security',
            entityId: partnership.id,
            action: 'oidc_turned_off',
            before: auditable(before),
            after: auditable(await readOidcSettingsView(tx, partnership.id)),
            requestId: request.id,
          },
          ctx.now(),
        )
      })
      return done('off')
    }

    const form = parseForm(settingsSchema(ctx.config.NODE_ENV), request.body)
    if (!form.ok) return show(request, reply, { status: 400, errors: form.errors, values: form.values })
    const values = { ...form.data }
    const current = await readOidcSettingsView(ctx.db, partnership.id)
    if (!values.clientSecret && !current.secretSet)
      return show(request, reply, {
        status: 400,
        errors: oneError('clientSecret', 'Enter the client secret'),
        values,
      })
    const check = await oidc.checkIssuer(values.issuer)
    if (!check.ok)
      return show(request, reply, { status: 400, errors: oneError('issuer', check.message), values })

    await ctx.db.transaction(async (tx) => {
      const before = await readOidcSettingsView(tx, partnership.id)
      await saveOidcSettings(tx, partnership.id, values, ctx.now())
      await recordAudit(
        tx,
        {
          partnershipId: partnership.id,
          actorId,
          entityType: 'partnership_security',
          entityId: partnership.id,
          action: 'oidc_settings_changed',
          before: auditable(before),
          after: {
            ...auditable(await readOidcSettingsView(tx, partnership.id)),
            secretChanged: !!values.clientSecret,
          },
          requestId: request.id,
        },
        ctx.now(),
      )
    })
    return done('saved')
  })
}
