import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'
import { notFound } from '../../platform/http/errors.ts'
import { isUuid } from '../meetings/meetings.access.ts'
import { page, pageQuery, problem, slugParams } from '../meetings/meetings.api.schemas.ts'
import { londonDay } from '../partnership/agencies.problems.ts'
import { publishedReviews } from './reviews.access.ts'
import { reviewsPath } from './reviews.labels.ts'
import { type CaseSummary, caseSummaries, summaryContext } from './reviews.queries.ts'
import { type ReviewStage, reviewStages } from './reviews.rules.ts'
import { reviewProcedures, reviewSendRecipients } from './reviews.table.ts'

// The JSON schemas validate the output and become the OpenAPI document.

const uuid = { type: 'string', format: 'uuid' } as const
const date = { type: 'string', format: 'date' } as const
const nullableDate = { type: ['string', 'null'], format: 'date' } as const
const nullableString = { type: ['string', 'null'] } as const

/** The steps a token may see: publication and the sends that follow it. */
const publicSteps = new Set(['publication', ...reviewSendRecipients.map((r) => `send_${r}`)])

export const reviewsQuery = {
  type: 'object',
  properties: {
    stage: { type: 'string', enum: [...reviewStages], description: 'Only reviews at this stage today' },
    ...pageQuery,
  },
} as const

export const reviewParams = {
  type: 'object',
  properties: { slug: { type: 'string' }, review: { type: 'string', description: 'The review’s id' } },
  required: ['slug', 'review'],
} as const

const reviewDeadline = {
  type: 'object',
  required: ['key', 'label', 'due', 'explanation', 'doneOn', 'timeliness', 'lateBy'],
  properties: {
    key: {
      type: 'string',
      description:
        'publication (a local review, 6 months from the decision), send_national_panel or send_foundations (from publication)',
    },
    label: { type: 'string' },
    due: date,
    explanation: {
      type: 'string',
      description:
        'How the due date was reached from the partnership’s rule set (working days skip weekends, bank holidays and closure days)',
    },
    doneOn: { ...nullableDate, description: 'When it was done (published, sent); null until then' },
    timeliness: {
      type: 'string',
      enum: ['on_time', 'late', 'due', 'overdue'],
      description: 'Computed today',
    },
    lateBy: { type: 'integer', description: 'Working days late (done late, or overdue today)' },
  },
} as const

export const reviewItem = {
  type: 'object',
  required: ['id', 'reference', 'title', 'procedure', 'publishedOn', 'stage', 'deadlines', 'url'],
  properties: {
    id: uuid,
    reference: { type: 'string', description: 'How the case is known ("Child Q"): never a name' },
    title: { ...nullableString, description: 'The published report’s title' },
    procedure: {
      type: 'string',
      enum: [...reviewProcedures],
      description:
        'wt2023 (Working Together 2023) or scr2015 (a Serious Case Review handed over from the old board)',
    },
    decidedOn: { ...nullableDate, description: 'When the partners decided on the review' },
    publishedOn: date,
    publicationUrl: { ...nullableString, description: 'Where the published report can be read' },
    stage: {
      type: 'string',
      enum: [...reviewStages],
      description:
        'Computed today: sending (published, not yet sent to both the national panel and Foundations) or closed',
    },
    deadlines: {
      type: 'array',
      items: reviewDeadline,
      description: 'Publication and the sends, by due date',
    },
    url: { type: 'string', description: 'The published reviews’ page in the web application' },
  },
} as const

/**
 * Practice reviews for integrations and reporting tools, read with an API token of the
 * partnership. A token is no one on a review's panel: it sees published reviews only, in outline
 * (reference, title, dates, stage, and the deadlines of publication and the sends). An
 * unpublished case is not found, never refused: the API does not confirm that it exists.
 */
export async function reviewsApi(app: FastifyInstance, ctx: AppContext) {
  const config = { permission: 'api:read' as const }
  const security = [{ bearer: [] }]
  const webBase = ctx.config.PUBLIC_URL.replace(/\/$/, '')

  const published = async (partnershipId: string, only?: string) => {
    const context = await summaryContext(ctx.db, partnershipId, londonDay(ctx.now()))
    return caseSummaries(ctx.db, partnershipId, null, context, { only, where: publishedReviews() })
  }
  const item = (slug: string, s: CaseSummary) => ({
    id: s.review.id,
    reference: s.review.reference,
    title: s.review.publishedTitle,
    procedure: s.review.procedure,
    decidedOn: s.review.decidedOn,
    publishedOn: s.review.publishedOn!,
    publicationUrl: s.review.publicationUrl,
    stage: s.stage,
    deadlines: s.deadlines
      .filter((d) => publicSteps.has(d.key))
      .map((d) => ({
        key: d.key,
        label: d.label,
        due: d.due,
        explanation: d.explanation,
        doneOn: d.doneOn,
        timeliness: d.timeliness,
        lateBy: d.lateBy,
      })),
    url: `${webBase}${reviewsPath(slug)}`,
  })

  app.get(
    '/api/v1/partnerships/:slug/reviews',
    {
      config,
      schema: {
        tags: ['reviews'],
        summary:
          'The partnership’s published practice reviews with their stage and deadlines, a page at a time',
        description:
          'Published reviews only, by reference. Each comes with its stage today and the deadlines ' +
          'of its publication and of sending the report to the national panel and Foundations: due ' +
          'date, how it was reached, when it was done, and whether on time.',
        security,
        params: slugParams,
        querystring: reviewsQuery,
        response: { 200: page(reviewItem), default: problem },
      },
    },
    async (request) => {
      const query = request.query as { stage?: ReviewStage; limit: number; offset: number }
      const partnership = request.partnership!
      const all = (await published(partnership.id)).filter((s) => !query.stage || s.stage === query.stage)
      return {
        items: all.slice(query.offset, query.offset + query.limit).map((s) => item(partnership.slug, s)),
        total: all.length,
        limit: query.limit,
        offset: query.offset,
      }
    },
  )

  app.get(
    '/api/v1/partnerships/:slug/reviews/:review',
    {
      config,
      schema: {
        tags: ['reviews'],
        summary: 'One published practice review with its stage and deadlines',
        description: 'A review that is not published is not found.',
        security,
        params: reviewParams,
        response: { 200: reviewItem, default: problem },
      },
    },
    async (request) => {
      const { review: id } = request.params as { review: string }
      const partnership = request.partnership!
      const [found] = isUuid(id) ? await published(partnership.id, id) : []
      if (!found) throw notFound('There is no such review')
      return item(partnership.slug, found)
    },
  )
}
