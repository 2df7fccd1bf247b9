import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'
import { londonDay } from './agencies.problems.ts'
import { listPeople } from './people.service.ts'

const person = {
  type: 'object',
  required: ['id', 'name'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    name: { type: 'string' },
    jobTitle: { type: 'string' },
    agencyId: { type: ['string', 'null'], format: 'uuid' },
    agencyName: { type: ['string', 'null'] },
    email: { type: ['string', 'null'] },
    leftOn: { type: ['string', 'null'], format: 'date' },
  },
} as const

/** The partnership's directory of people, for integrations and reporting tools, read with an API token. */
export async function peopleApiRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get(
    '/api/v1/partnerships/:slug/people',
    {
      config: { permission: 'api:read' },
      schema: {
        tags: ['people'],
        summary: 'The people of the partnership’s directory, by name, 100 a page',
        security: [{ bearer: [] }],
        params: { type: 'object', properties: { slug: { type: 'string' } }, required: ['slug'] },
        querystring: {
          type: 'object',
          properties: {
            q: { type: 'string', maxLength: 200 },
            status: { type: 'string', enum: ['current', 'left'] },
            page: { type: 'integer', minimum: 1, default: 1 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              items: { type: 'array', items: person },
              total: { type: 'integer' },
              page: { type: 'integer' },
              pages: { type: 'integer' },
            },
          },
        },
      },
    },
    async (request) => {
      const query = request.query as { q?: string; status?: 'current' | 'left'; page?: number }
      const result = await listPeople(ctx.db, request.partnership!.id, {
        filter: { q: query.q, status: query.status },
        sort: 'name',
        order: 'asc',
        page: query.page ?? 1,
        pageSize: 100,
        today: londonDay(ctx.now()),
      })
      return { items: result.rows, total: result.total, page: result.page, pages: result.pages }
    },
  )
}
