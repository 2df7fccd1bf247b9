import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'
import { appError } from '../../platform/http/errors.ts'
import { page, pageQuery, problem, slugParams } from '../meetings/meetings.api.schemas.ts'
import { apiViewer } from '../meetings/meetings.api.service.ts'
import { meetingTitle } from '../meetings/meetings.labels.ts'
import { londonDay } from '../partnership/agencies.problems.ts'
import { actionPath } from './actions.labels.ts'
import { actionRows, ragContext } from './actions.register.ts'
import { type ActionRag, actionRags, deadlineCounter } from './actions.rules.ts'

// The JSON schemas validate the output and become the OpenAPI document.

const uuid = { type: 'string', format: 'uuid' } as const
const date = { type: 'string', format: 'date' } as const
const nullableDate = { type: ['string', 'null'], format: 'date' } as const
const nullableString = { type: ['string', 'null'] } as const

export const actionsQuery = {
  type: 'object',
  properties: {
    agency: { ...uuid, description: 'Only actions owned by this agency (its id)' },
    group: {
      type: 'string',
      pattern: '^[a-z0-9-]{1,80}$',
      description: 'Only this group’s actions (its slug)',
    },
    rag: { type: 'string', enum: [...actionRags], description: 'Only actions with this status today' },
    from: { ...date, description: 'Actions due on or after this date' },
    to: { ...date, description: 'Actions due on or before this date' },
    ...pageQuery,
  },
} as const

const ref = (extra: Record<string, unknown> = {}) =>
  ({
    type: 'object',
    required: ['id', 'name'],
    properties: { id: uuid, name: { type: 'string' }, ...extra },
  }) as const

export const actionItem = {
  type: 'object',
  required: ['id', 'reference', 'description', 'group', 'ownerAgency', 'rag', 'responses', 'url'],
  properties: {
    id: uuid,
    reference: { type: 'string', description: 'A<year>-<number>, unique in the partnership' },
    description: { type: 'string' },
    group: ref({ slug: { type: 'string' } }),
    meeting: {
      type: ['object', 'null'],
      description: 'The meeting the action came from; null for an action set for a group alone',
      properties: { id: uuid, title: { type: 'string' }, heldOn: date },
    },
    ownerAgency: ref(),
    ownerPerson: { ...nullableString, description: 'The person who owns the action, if one was named' },
    issuedOn: { ...nullableDate, description: 'When the action matrix sent it to its owner' },
    deadline: {
      type: ['object', 'null'],
      description: 'The response deadline in force, null until the action is issued',
      required: ['due', 'explanation'],
      properties: {
        due: date,
        explanation: {
          type: 'string',
          description:
            'How the date was reached (working days skip weekends, bank holidays and closure days), or the extension that set it',
        },
      },
    },
    rag: {
      type: 'string',
      enum: [...actionRags],
      description:
        'Computed today: overdue, due_soon (the reminder day has come), open, answered (a response came for the deadline in force), closed or not_issued',
    },
    responses: { type: 'integer', description: 'How many responses the action has had' },
    lastResponseOn: nullableDate,
    closedOn: nullableDate,
    closedReason: nullableString,
    url: { type: 'string', description: 'The action’s page in the web application' },
  },
} as const

/**
 * The partnership's actions for integrations and reporting tools, read with an API token of the
 * partnership. A token sees the actions of groups that are not confidential.
 */
export async function actionsApi(app: FastifyInstance, ctx: AppContext) {
  const webBase = ctx.config.PUBLIC_URL.replace(/\/$/, '')

  app.get(
    '/api/v1/partnerships/:slug/actions',
    {
      config: { permission: 'api:read' },
      schema: {
        tags: ['actions'],
        summary: 'The partnership’s actions with their deadline and status today, a page at a time',
        description:
          'Actions of groups that are not confidential, by reference. Each comes with its response ' +
          'deadline and how it was reached, its RAG status computed today, and its responses. ' +
          'Filter by owner agency, group, status and due date (`from`, `to`, inclusive).',
        security: [{ bearer: [] }],
        params: slugParams,
        querystring: actionsQuery,
        response: { 200: page(actionItem), default: problem },
      },
    },
    async (request) => {
      const query = request.query as {
        agency?: string
        group?: string
        rag?: ActionRag
        from?: string
        to?: string
        limit: number
        offset: number
      }
      if (query.from && query.to && query.from > query.to) {
        throw appError('bad_query', 'The from date must be on or before the to date', 400)
      }
      const partnership = request.partnership!
      const { rules, calendar, window } = await ragContext(ctx.db, partnership.id, londonDay(ctx.now()))
      const { rows, total } = await actionRows(ctx.db, {
        partnershipId: partnership.id,
        viewer: apiViewer,
        window,
        filter: {
          agencyId: query.agency,
          group: query.group,
          rag: query.rag,
          from: query.from,
          to: query.to,
        },
        sort: 'reference',
        order: 'asc',
        limit: query.limit,
        offset: query.offset,
      })
      const deadlineOf = deadlineCounter(rules, calendar)
      return {
        items: rows.map((r) => {
          const deadline = deadlineOf(r, r.extendedOn)
          return {
            id: r.id,
            reference: r.reference,
            description: r.description,
            group: { id: r.groupId, slug: r.groupSlug, name: r.groupName },
            meeting:
              r.meetingId && r.meetingHeldOn && r.meetingKind
                ? {
                    id: r.meetingId,
                    title: meetingTitle({ heldOn: r.meetingHeldOn, kind: r.meetingKind }, r.groupName),
                    heldOn: r.meetingHeldOn,
                  }
                : null,
            ownerAgency: { id: r.ownerAgencyId, name: r.ownerAgencyName },
            ownerPerson: r.ownerPersonName,
            issuedOn: r.issuedOn,
            deadline: deadline && { due: deadline.date, explanation: deadline.explanation },
            rag: r.rag,
            responses: r.responseCount,
            lastResponseOn: r.lastResponseOn,
            closedOn: r.closedAt ? londonDay(r.closedAt) : null,
            closedReason: r.closedReason,
            url: `${webBase}${actionPath(partnership.slug, r.id)}`,
          }
        }),
        total,
        limit: query.limit,
        offset: query.offset,
      }
    },
  )
}
