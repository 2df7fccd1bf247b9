import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'
import { notFound } from '../../platform/http/errors.ts'
import { londonDay } from './agencies.problems.ts'
import { isSlug } from './groups.access.ts'
import { cadenceInWords } from './groups.labels.ts'
import { canSeeMembers, groupDetail, listGroups } from './groups.service.ts'
import { groupKinds, membershipRoles } from './structure.table.ts'

const nullableString = { type: ['string', 'null'] } as const
const nullableDate = { type: ['string', 'null'], format: 'date' } as const
const nullableInteger = { type: ['integer', 'null'] } as const

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

const groupSummary = {
  id: { type: 'string', format: 'uuid' },
  slug: { type: 'string', description: 'The group’s name in URLs' },
  name: { type: 'string' },
  kind: { type: 'string', enum: [...groupKinds] },
  accountableToId: { type: ['string', 'null'], format: 'uuid', description: 'The group it reports to' },
  shared: { type: 'boolean', description: 'Owned by a collaboration of partnerships (such as SET)' },
  confidential: { type: 'boolean', description: 'Its members are listed only for its own members' },
  meetingsPerYear: nullableInteger,
  meetingMinutes: nullableInteger,
  transitionalMeetingsPerYear: nullableInteger,
  transitionalUntil: nullableDate,
  cadence: { type: 'string', description: 'How often it meets, in words' },
  endsOn: nullableDate,
  closedOn: nullableDate,
} as const

const member = {
  type: 'object',
  required: ['id', 'role', 'personName', 'startsOn'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    role: { type: 'string', enum: [...membershipRoles] },
    personId: { type: 'string', format: 'uuid' },
    personName: { type: 'string' },
    jobTitle: { type: 'string' },
    agencyName: nullableString,
    deputyForId: { type: ['string', 'null'], format: 'uuid' },
    deputyForName: nullableString,
    startsOn: { type: 'string', format: 'date' },
    endsOn: nullableDate,
    ruleException: nullableString,
  },
} as const

const params = {
  type: 'object',
  properties: { slug: { type: 'string' }, group: { type: 'string' } },
  required: ['slug'],
} as const

/** Groups and their current members for integrations and reporting tools, read with an API token. */
export async function groupApiRoutes(app: FastifyInstance, ctx: AppContext) {
  const config = { permission: 'api:read' as const }

  app.get(
    '/api/v1/partnerships/:slug/groups',
    {
      config,
      schema: {
        tags: ['groups'],
        summary: 'The groups the partnership has or shares, open and closed, with their reporting lines',
        security: [{ bearer: [] }],
        params,
        response: {
          200: {
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', items: { type: 'object', properties: groupSummary } } },
          },
          default: problem,
        },
      },
    },
    async (request) => {
      const today = londonDay(ctx.now())
      const rows = await listGroups(ctx.db, request.partnership!.id, today)
      return { items: rows.map((g) => summary(g, today)) }
    },
  )

  app.get(
    '/api/v1/partnerships/:slug/groups/:group',
    {
      config,
      schema: {
        tags: ['groups'],
        summary: 'One group: its details, standard agenda items and today’s members',
        description: 'A confidential group’s members are not given (`members` is null).',
        security: [{ bearer: [] }],
        params,
        response: {
          200: {
            type: 'object',
            properties: {
              ...groupSummary,
              purpose: { type: 'string' },
              termsOfReference: { type: 'string' },
              quorum: nullableInteger,
              standardItems: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['title'],
                  properties: {
                    title: { type: 'string' },
                    months: { type: 'array', items: { type: 'integer', minimum: 1, maximum: 12 } },
                  },
                },
              },
              members: { type: ['array', 'null'], items: member },
            },
          },
          default: problem,
        },
      },
    },
    async (request) => {
      const { group: slug } = request.params as { group: string }
      const today = londonDay(ctx.now())
      const detail = isSlug(slug) ? await groupDetail(ctx.db, request.partnership!.id, slug, today) : null
      if (!detail) throw notFound()
      const { group, members } = detail
      // A token is not a person sitting on the group: confidential members stay out of the API.
      const visible = canSeeMembers({ userId: null }, group, false)
      return {
        ...summary(group, today),
        purpose: group.purpose,
        termsOfReference: group.termsOfReference,
        quorum: group.quorum,
        standardItems: group.standardItems,
        members: visible ? members : null,
      }
    },
  )
}

function summary(
  g: {
    id: string
    slug: string
    name: string
    kind: (typeof groupKinds)[number]
    accountableToId: string | null
    partnershipId: string | null
    confidential: boolean
    meetingsPerYear: number | null
    meetingMinutes: number | null
    transitionalMeetingsPerYear: number | null
    transitionalUntil: string | null
    endsOn: string | null
    closedOn: string | null
  },
  today: string,
) {
  return {
    id: g.id,
    slug: g.slug,
    name: g.name,
    kind: g.kind,
    accountableToId: g.accountableToId,
    shared: g.partnershipId === null,
    confidential: g.confidential,
    meetingsPerYear: g.meetingsPerYear,
    meetingMinutes: g.meetingMinutes,
    transitionalMeetingsPerYear: g.transitionalMeetingsPerYear,
    transitionalUntil: g.transitionalUntil,
    cadence: cadenceInWords(g, today),
    endsOn: g.endsOn,
    closedOn: g.closedOn,
  }
}
