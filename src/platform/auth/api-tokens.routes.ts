import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { AppContext } from '../../app.ts'
import { notFound } from '../http/errors.ts'
import { type FormErrors, parseForm } from '../http/forms.ts'
import { createApiToken, listApiTokens, revokeApiToken } from './api-tokens.service.ts'

const defaultDays = 90
const createForm = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'Enter a name for the token')
    .max(100, 'Name must be 100 characters or fewer'),
  scope: z.enum(['read', 'write'], { error: 'Select what the token may do' }),
  expiresDays: z
    .string()
    .trim()
    .default('')
    .refine((v) => v === '' || (/^\d{1,3}$/.test(v) && Number(v) >= 1 && Number(v) <= 365), {
      message: 'Expiry must be a whole number of days, from 1 to 365',
    })
    .transform((v) => (v === '' ? defaultDays : Number(v))),
})
const uuid = /^[0-9a-f-]{36}$/
const scopeLabels = { read: 'Read', write: 'Read and write' }

/** Administrators' pages for the partnership's API tokens, and the first API route that needs one. */
export async function apiTokenRoutes(app: FastifyInstance, ctx: AppContext) {
  const config = { permission: 'tokens:manage' as const }
  const base = (request: FastifyRequest) => `/p/${request.partnership!.slug}/api-tokens`

  app.get('/p/:slug/api-tokens', { config }, async (request, reply) => {
    const now = ctx.now()
    const tokens = (await listApiTokens(ctx.db, request.partnership!.id)).map((token) => ({
      id: token.id,
      name: token.name,
      scope: scopeLabels[token.scope],
      createdAt: token.createdAt,
      expiresAt: token.expiresAt,
      lastUsedAt: token.lastUsedAt,
      status: token.revokedAt ? 'revoked' : token.expiresAt && token.expiresAt <= now ? 'expired' : 'active',
    }))
    const flash = (request.query as { revoked?: string }).revoked ? 'Token revoked' : undefined
    return reply.render('platform/auth/views/api-tokens.njk', { title: 'API tokens', tokens, flash })
  })

  const newTemplate = 'platform/auth/views/api-tokens-new.njk'
  app.get('/p/:slug/api-tokens/new', { config }, async (_request, reply) =>
    reply.render(newTemplate, {
      title: 'Create an API token',
      values: { scope: 'read', expiresDays: String(defaultDays) },
    }),
  )

  app.post('/p/:slug/api-tokens', { config }, async (request, reply) => {
    const form = parseForm(createForm, request.body)
    const again = (errors: FormErrors, values: unknown) =>
      reply.status(400).render(newTemplate, { title: 'Create an API token', errors, values })
    if (!form.ok) return again(form.errors, form.values)
    const now = ctx.now()
    const expiresAt = new Date(now.getTime() + form.data.expiresDays * 86_400_000)
    const { token } = await createApiToken(ctx.db, {
      partnershipId: request.partnership!.id,
      name: form.data.name,
      scope: form.data.scope,
      createdBy: request.user!.id,
      expiresAt,
      now,
      requestId: request.id,
    })
    // Shown on this response only: no redirect (the token would have to travel in a URL), and no
    // copy kept by a browser or a proxy.
    reply.header('cache-control', 'no-store')
    return reply.render('platform/auth/views/api-tokens-created.njk', {
      title: 'API token created',
      token,
      name: form.data.name,
      scope: scopeLabels[form.data.scope],
      expiresAt,
      back: base(request),
    })
  })

  app.post('/p/:slug/api-tokens/:id/revoke', { config }, async (request, reply) => {
    const { id } = request.params as { id: string }
    if (!uuid.test(id)) throw notFound()
    const revoked = await revokeApiToken(ctx.db, {
      partnershipId: request.partnership!.id,
      id,
      actorId: request.user!.id,
      now: ctx.now(),
      requestId: request.id,
    })
    return reply.redirect(revoked ? `${base(request)}?revoked=1` : base(request), 303)
  })

  app.get(
    '/api/v1/partnerships/:slug',
    {
      config: { permission: 'api:read' },
      schema: {
        tags: ['partnerships'],
        summary: 'A partnership: its names, area, vision, aims and principles',
        security: [{ bearer: [] }],
        params: {
          type: 'object',
          required: ['slug'],
          properties: { slug: { type: 'string', description: 'The partnership’s name in URLs' } },
        },
        response: { 200: partnershipSchema, default: problemSchema },
      },
    },
    async (request) => {
      const { slug, name, shortName, area, vision, aims, principles } = request.partnership!
      return { slug, name, shortName, area, vision, aims, principles }
    },
  )
}

const strings = { type: 'array', items: { type: 'string' } } as const
const partnershipSchema = {
  type: 'object',
  required: ['slug', 'name', 'shortName', 'area', 'vision', 'aims', 'principles'],
  properties: {
    slug: { type: 'string', description: 'The partnership’s name in URLs' },
    name: { type: 'string' },
    shortName: { type: 'string' },
    area: { type: 'string', description: 'The local authority area it covers' },
    vision: { type: 'string' },
    aims: strings,
    principles: strings,
  },
} as const

const problemSchema = {
  type: 'object',
  description: 'An error, as RFC 9457 problem details',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    instance: { type: 'string' },
    requestId: { type: 'string' },
  },
} as const
