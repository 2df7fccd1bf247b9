import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'
import { listPartnerships } from '../../modules/partnership/partnership.repository.ts'

const problem = {
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

const partnershipSummary = {
  type: 'object',
  required: ['slug', 'name', 'area'],
  properties: {
    slug: { type: 'string', description: 'The partnership’s name in URLs' },
    name: { type: 'string' },
    shortName: { type: 'string' },
    area: { type: 'string' },
    vision: { type: 'string' },
  },
} as const

/**
 * The versioned JSON API. Each route's own schema validates its output and becomes the OpenAPI
 * document, so the two cannot disagree. Modules add their records here as they arrive.
 */
export async function apiRoutes(app: FastifyInstance, ctx: AppContext) {
  const config = { permission: 'public' as const }

  app.get('/openapi.json', { config }, async () => app.swagger())

  app.get(
    '/',
    {
      config,
      schema: {
        tags: ['meta'],
        summary: 'What this API offers',
        response: {
          200: {
            type: 'object',
            properties: { version: { type: 'string' }, openapi: { type: 'string' } },
          },
        },
      },
    },
    async () => ({ version: '1', openapi: '/api/v1/openapi.json' }),
  )

  app.get(
    '/partnerships',
    {
      config,
      schema: {
        tags: ['partnerships'],
        summary: 'The partnerships on this installation (public information)',
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: partnershipSummary } } },
          default: problem,
        },
      },
    },
    async () => {
      const rows = await listPartnerships(ctx.db)
      return {
        items: rows.map(({ slug, name, shortName, area, vision }) => ({
          slug,
          name,
          shortName,
          area,
          vision,
        })),
      }
    },
  )
}
