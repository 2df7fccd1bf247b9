import { sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'
import { notFound } from '../../platform/http/errors.ts'
import { isUuid } from '../meetings/meetings.access.ts'
import { londonDay } from '../partnership/agencies.problems.ts'
import { actions } from './actions.table.ts'
import { agencyCompliance, openFlags } from './compliance.service.ts'
import { failureKinds } from './compliance.table.ts'
import { agencyOf } from './letters.service.ts'

const uuid = { type: 'string', format: 'uuid' } as const
const date = { type: 'string', format: 'date' } as const
const nullableDate = { type: ['string', 'null'], format: 'date' } as const
const nullableUuid = { type: ['string', 'null'], format: 'uuid' } as const

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

const failure = {
  type: 'object',
  required: [
    'id',
    'actionId',
    'reference',
    'description',
    'dueOn',
    'kind',
    'respondedOn',
    'letterId',
    'inWindow',
    'pending',
  ],
  properties: {
    id: uuid,
    actionId: uuid,
    reference: { type: 'string', description: 'The action’s reference' },
    description: {
      type: ['string', 'null'],
      description: 'What the action asks; null for an action of a confidential group',
    },
    dueOn: { ...date, description: 'The deadline that was missed' },
    kind: {
      type: 'string',
      enum: [...failureKinds],
      description: '`unanswered`: no answer yet; `late`: answered after the deadline',
    },
    respondedOn: { ...nullableDate, description: 'The day the late answer came' },
    letterId: { ...nullableUuid, description: 'The escalation letter that lists it' },
    inWindow: { type: 'boolean', description: 'Due within the escalation window (counts towards a letter)' },
    pending: { type: 'boolean', description: 'In the window and not in a letter that was sent' },
  },
} as const

const letter = {
  type: 'object',
  required: ['id', 'subject', 'addresseeName', 'createdAt', 'sentOn', 'failures'],
  properties: {
    id: uuid,
    subject: { type: 'string' },
    addresseeName: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time', description: 'When it was drafted' },
    sentOn: { ...nullableDate, description: 'The day it was sent; null while a draft' },
    failures: { type: 'integer', description: 'How many failures it lists' },
    replaced: { type: 'boolean', description: 'An unsent draft a later letter replaced' },
  },
} as const

const flag = {
  type: 'object',
  required: ['id', 'groupId', 'groupName', 'personName', 'meetingId', 'meetingOn', 'raisedOn'],
  properties: {
    id: uuid,
    groupId: uuid,
    groupName: { type: 'string' },
    personName: { type: 'string', description: 'Whose seat was empty' },
    meetingId: { ...uuid, description: 'The last of the consecutive meetings missed' },
    meetingOn: date,
    raisedOn: date,
  },
} as const

const params = {
  type: 'object',
  required: ['slug', 'agency'],
  properties: { slug: { type: 'string' }, agency: { type: 'string', description: 'The agency’s id' } },
} as const

/** An agency's compliance for integrations and reporting tools, read with an API token. */
export async function complianceApi(app: FastifyInstance, ctx: AppContext) {
  app.get(
    '/api/v1/partnerships/:slug/agencies/:agency/compliance',
    {
      config: { permission: 'api:read' as const },
      schema: {
        tags: ['compliance'],
        summary:
          'An agency’s compliance: its failures to answer actions on time, its letters and open attendance flags',
        description:
          'Failures newest first. `letterDue` says whether the partnership’s rule calls for an escalation letter ' +
          '(`threshold` failures in the last `windowMonths` months not yet in a letter that was sent).',
        security: [{ bearer: [] }],
        params,
        response: {
          200: {
            type: 'object',
            required: [
              'agency',
              'threshold',
              'windowMonths',
              'windowStart',
              'letterDue',
              'failures',
              'letters',
              'attendanceFlags',
            ],
            properties: {
              agency: {
                type: 'object',
                required: ['id', 'name'],
                properties: { id: uuid, name: { type: 'string' } },
              },
              threshold: { type: 'integer', description: 'Failures in the window that call for a letter' },
              windowMonths: { type: 'integer', description: 'How many months failures count for' },
              windowStart: { ...date, description: 'Failures due on or after this day count' },
              letterDue: { type: 'boolean' },
              failures: { type: 'array', items: failure },
              letters: { type: 'array', items: letter },
              attendanceFlags: {
                type: 'array',
                items: flag,
                description: 'Open flags on the agency’s seats',
              },
            },
          },
          default: problem,
        },
      },
    },
    async (request) => {
      const partnership = request.partnership!
      const { agency: agencyId } = request.params as { agency: string }
      if (!isUuid(agencyId)) throw notFound()
      const agency = await agencyOf(ctx.db, partnership.id, agencyId)
      if (!agency) throw notFound()
      // A token sees what any partner sees: not the actions of confidential groups.
      const visible = sql`not exists (select 1 from groups g where g.id = ${actions.groupId} and g.confidential)`
      const compliance = await agencyCompliance(ctx.db, partnership.id, agency.id, londonDay(ctx.now()), {
        visible,
      })
      return {
        agency: { id: agency.id, name: agency.name },
        threshold: compliance.rules.threshold,
        windowMonths: compliance.rules.windowMonths,
        windowStart: compliance.since,
        letterDue: compliance.letterDue,
        failures: compliance.failures.map((f) => ({
          id: f.id,
          actionId: f.actionId,
          reference: f.reference,
          description: f.description,
          dueOn: f.dueOn,
          kind: f.kind,
          respondedOn: f.respondedOn,
          letterId: f.letterId,
          inWindow: f.inWindow,
          pending: f.pending,
        })),
        letters: compliance.letters.map((l) => ({
          id: l.id,
          subject: l.subject,
          addresseeName: l.addresseeName,
          createdAt: l.createdAt.toISOString(),
          sentOn: l.sentOn,
          failures: l.failures,
          replaced: l.replaced,
        })),
        attendanceFlags: openFlags(compliance.flags).map((f) => ({
          id: f.id,
          groupId: f.groupId,
          groupName: f.groupName,
          personName: f.personName,
          meetingId: f.meetingId,
          meetingOn: f.meetingOn,
          raisedOn: f.raisedOn,
        })),
      }
    },
  )
}
