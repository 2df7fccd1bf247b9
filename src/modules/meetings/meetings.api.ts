import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'
import { appError, notFound } from '../../platform/http/errors.ts'
import { londonDay } from '../partnership/agencies.problems.ts'
import type { DecisionState } from './decisions.rules.ts'
import { isUuid } from './meetings.access.ts'
import {
  decisionItem,
  decisionsQuery,
  meetingDetail,
  meetingParams,
  meetingSummary,
  meetingsQuery,
  page,
  problem,
  slugParams,
} from './meetings.api.schemas.ts'
import { apiMeetingDetail, listApiDecisions, listApiMeetings } from './meetings.api.service.ts'
import { meetingPath, meetingTitle } from './meetings.labels.ts'
import type { Meeting } from './meetings.table.ts'

const iso = (at: Date | null | undefined) => (at ? at.toISOString() : null)
const security = [{ bearer: [] }]

/**
 * Meetings and decisions for integrations and reporting tools, read with an API token of the
 * partnership. A token sees the meetings of groups that are not confidential and no restricted paper.
 */
export async function meetingsApi(app: FastifyInstance, ctx: AppContext) {
  const config = { permission: 'api:read' as const }
  const webBase = ctx.config.PUBLIC_URL.replace(/\/$/, '')
  const summary = (slug: string, meeting: Meeting, group: { id: string; slug: string; name: string }) => ({
    id: meeting.id,
    title: meetingTitle(meeting, group.name),
    kind: meeting.kind,
    heldOn: meeting.heldOn,
    startsAt: iso(meeting.startsAt),
    endsAt: iso(meeting.endsAt),
    location: meeting.location,
    onlineUrl: meeting.onlineUrl,
    reason: meeting.reason,
    extraordinaryRequestId: meeting.extraordinaryRequestId,
    cancelled: meeting.cancelledAt !== null,
    cancelledAt: iso(meeting.cancelledAt),
    cancelledReason: meeting.cancelledReason,
    group: { id: group.id, slug: group.slug, name: group.name },
    url: `${webBase}${meetingPath(slug, meeting.id)}`,
  })

  app.get(
    '/api/v1/partnerships/:slug/meetings',
    {
      config,
      schema: {
        tags: ['meetings'],
        summary: 'The partnership’s meetings, oldest first, a page at a time',
        description:
          'Meetings of groups that are not confidential, cancelled ones included (`cancelled`). ' +
          'Filter by the date held (`from`, `to`, inclusive) and by group.',
        security,
        params: slugParams,
        querystring: meetingsQuery,
        response: { 200: page(meetingSummary), default: problem },
      },
    },
    async (request) => {
      const query = request.query as {
        from?: string
        to?: string
        group?: string
        limit: number
        offset: number
      }
      if (query.from && query.to && query.from > query.to) {
        throw appError('bad_query', 'The from date must be on or before the to date', 400)
      }
      const partnership = request.partnership!
      const { rows, total } = await listApiMeetings(ctx.db, partnership.id, query, londonDay(ctx.now()))
      return {
        items: rows.map((r) => summary(partnership.slug, r.meeting, r.group)),
        total,
        limit: query.limit,
        offset: query.offset,
      }
    },
  )

  app.get(
    '/api/v1/partnerships/:slug/meetings/:meeting',
    {
      config,
      schema: {
        tags: ['meetings'],
        summary: 'One meeting: agenda, papers, attendance, quorum, minutes and their deadlines, decisions',
        description:
          'Every deadline comes with its due date and an explanation of how it was reached (working ' +
          'days skip weekends, bank holidays and the partnership’s closure days). A meeting of a ' +
          'confidential group is not found.',
        security,
        params: meetingParams,
        response: { 200: meetingDetail, default: problem },
      },
    },
    async (request) => {
      const { meeting: id } = request.params as { meeting: string }
      const partnership = request.partnership!
      const today = londonDay(ctx.now())
      const detail = isUuid(id) ? await apiMeetingDetail(ctx.db, partnership.id, id, today) : null
      if (!detail) throw notFound('There is no such meeting')
      const { meeting, group } = detail
      return {
        ...summary(partnership.slug, meeting, group),
        agendaAgreedBy: meeting.agendaAgreedBy,
        agendaAgreedOn: meeting.agendaAgreedOn,
        agenda: detail.agenda.map((a) => ({
          id: a.id,
          position: a.position,
          kind: a.kind,
          title: a.title,
          description: a.description,
          presenter: a.presenter,
          durationMinutes: a.durationMinutes,
          decisionNeeded: a.decisionNeeded,
          previousMeetingId: a.previousMeetingId,
        })),
        papers: detail.papers.map((p) => ({
          id: p.id,
          title: p.title,
          agendaItemId: p.agendaItemId,
          firstCirculatedAt: iso(p.firstCirculatedAt),
          late: p.late,
          withdrawnAt: iso(p.withdrawnAt),
          withdrawnReason: p.withdrawnReason,
          latestVersion: p.latestVersion
            ? {
                version: p.latestVersion.version,
                filename: p.latestVersion.filename,
                contentType: p.latestVersion.contentType,
                size: p.latestVersion.size,
                uploadedAt: iso(p.latestVersion.uploadedAt),
              }
            : null,
        })),
        papersDeadline: detail.papersDeadline,
        attendance: detail.attendance,
        quorum: detail.quorum,
        minutes: {
          ...detail.minutes,
          sentToChairAt: iso(detail.minutes.sentToChairAt),
          approvedAt: iso(detail.minutes.approvedAt),
          circulatedAt: iso(detail.minutes.circulatedAt),
          agreedAt: iso(detail.minutes.agreedAt),
          deadlines: detail.minutes.deadlines.map((d) => ({ ...d, doneAt: iso(d.doneAt) })),
        },
        decisions: detail.decisions.map(decisionOut),
      }
    },
  )

  app.get(
    '/api/v1/partnerships/:slug/decisions',
    {
      config,
      schema: {
        tags: ['decisions'],
        summary: 'The partnership’s decisions with their state today, a page at a time',
        description:
          'Decisions of meetings of groups that are not confidential, by meeting date then reference. ' +
          'The state is computed today: agreed, implemented, suspended (objection received), ' +
          'reconsideration, deferred, referred or withdrawn.',
        security,
        params: slugParams,
        querystring: decisionsQuery,
        response: { 200: page(decisionItem), default: problem },
      },
    },
    async (request) => {
      const query = request.query as { state?: DecisionState; group?: string; limit: number; offset: number }
      const partnership = request.partnership!
      const { rows, total } = await listApiDecisions(ctx.db, partnership.id, query, londonDay(ctx.now()))
      return {
        items: rows.map((d) => ({
          ...decisionOut(d),
          meeting: {
            id: d.meeting.id,
            title: meetingTitle(d.meeting, d.group.name),
            heldOn: d.meeting.heldOn,
            group: d.group,
          },
        })),
        total,
        limit: query.limit,
        offset: query.offset,
      }
    },
  )
}

function decisionOut(d: {
  id: string
  reference: string
  text: string
  outcome: string
  state: DecisionState
  implementationOn: string | null
  agendaItemId: string
  deferredToMeetingId: string | null
  reconsiderationMeetingId: string | null
  objections: number
  withdrawnAt: Date | null
  withdrawnReason: string | null
}) {
  return {
    id: d.id,
    reference: d.reference,
    text: d.text,
    outcome: d.outcome,
    state: d.state,
    implementationOn: d.implementationOn,
    agendaItemId: d.agendaItemId,
    deferredToMeetingId: d.deferredToMeetingId,
    reconsiderationMeetingId: d.reconsiderationMeetingId,
    objections: Number(d.objections),
    withdrawnAt: iso(d.withdrawnAt),
    withdrawnReason: d.withdrawnReason,
  }
}
