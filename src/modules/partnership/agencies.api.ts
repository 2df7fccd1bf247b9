import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'
import { londonDay } from './agencies.problems.ts'
import { type AgencyKind, type AgencySort, isEnded, type Sector } from './agencies.repository.ts'
import { listAgencies } from './agencies.service.ts'
import { agencyKinds, sectors, statutoryRoles } from './structure.table.ts'

const nullableString = { type: ['string', 'null'] } as const
const nullableDate = { type: ['string', 'null'], format: 'date' } as const

const agencySchema = {
  type: 'object',
  required: ['id', 'name', 'kind', 'sector', 'status'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    name: { type: 'string' },
    kind: { type: 'string', enum: [...agencyKinds] },
    sector: { type: 'string', enum: [...sectors] },
    statutoryRole: { type: ['string', 'null'], enum: [...statutoryRoles, null] },
    leadPartnerTitle: nullableString,
    delegatedPartnerTitle: nullableString,
    executiveName: nullableString,
    executiveTitle: nullableString,
    executiveEmail: nullableString,
    activeFrom: nullableDate,
    activeTo: nullableDate,
    closedReason: nullableString,
    status: { type: 'string', enum: ['active', 'ended'], description: 'Follows from the dates' },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const

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

interface ListQuery {
  q?: string
  kind?: AgencyKind
  sector?: Sector
  status?: 'active' | 'ended'
  sort?: AgencySort
  order?: 'asc' | 'desc'
  page?: number
  pageSize?: number
}

/** The agencies register for integrations and reporting tools, read with an API token. */
export async function agencyApiRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get(
    '/api/v1/partnerships/:slug/agencies',
    {
      config: { permission: 'api:read' },
      schema: {
        tags: ['agencies'],
        summary: 'The partnership’s agencies: statutory partners, relevant agencies and others',
        security: [{ bearer: [] }],
        params: { type: 'object', properties: { slug: { type: 'string' } }, required: ['slug'] },
        querystring: {
          type: 'object',
          properties: {
            q: { type: 'string', maxLength: 200, description: 'Part of the name, in any case' },
            kind: { type: 'string', enum: [...agencyKinds] },
            sector: { type: 'string', enum: [...sectors] },
            status: { type: 'string', enum: ['active', 'ended'] },
            sort: { type: 'string', enum: ['name', 'kind', 'sector'], default: 'name' },
            order: { type: 'string', enum: ['asc', 'desc'], default: 'asc' },
            page: { type: 'integer', minimum: 1, default: 1 },
            pageSize: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['items', 'total', 'page', 'pages'],
            properties: {
              items: { type: 'array', items: agencySchema },
              total: { type: 'integer' },
              page: { type: 'integer' },
              pages: { type: 'integer' },
            },
          },
          default: problem,
        },
      },
    },
    async (request) => {
      const query = request.query as ListQuery
      const today = londonDay(ctx.now())
      const result = await listAgencies(ctx.db, request.partnership!.id, {
        filter: { q: query.q || undefined, kind: query.kind, sector: query.sector, status: query.status },
        sort: query.sort ?? 'name',
        order: query.order ?? 'asc',
        page: query.page ?? 1,
        pageSize: query.pageSize ?? 50,
        today,
      })
      return {
        items: result.rows.map(({ partnershipId: _partnership, ...agency }) => ({
          ...agency,
          status: isEnded(agency, today) ? 'ended' : 'active',
        })),
        total: result.total,
        page: result.page,
        pages: result.pages,
      }
    },
  )
}
