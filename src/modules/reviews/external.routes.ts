import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { AppContext } from '../../app.ts'
import { can } from '../../platform/access/policy.ts'
import { formatDate } from '../../platform/calendar/dates.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import { changeOf } from '../../platform/http/change.ts'
import { type FormErrors, formValues } from '../../platform/http/forms.ts'
import { viewerOfRequest } from '../meetings/meetings.access.ts'
import {
  dateInputValues,
  dateItems,
  formErrors,
  isFieldProblems,
  problemErrors,
  readDateInput,
} from '../partnership/agencies.form.ts'
import { issuesByField } from '../partnership/groups.form.ts'
import { briefingRoutes } from './briefings.form.ts'
import {
  externalMessages,
  externalSourceLabels,
  findExternalReview,
  listBriefings,
  listExternalReviews,
  saveExternalReview,
} from './external.service.ts'
import { httpsUrl } from './publication.routes.ts'
import { futureDateMessage } from './reviews.dates.ts'
import { noNamesHint, reviewPath, reviewsPath } from './reviews.labels.ts'
import { type ExternalReview, externalReviewSources } from './reviews.table.ts'

const externalViews = 'modules/reviews/views/external'

const flashes: Record<string, string> = {
  logged: 'Review logged',
  saved: 'Review changed',
  briefing: 'Briefing saved',
  unchanged: 'Nothing was changed',
}

const externalForm = z.object({
  title: z
    .string({ error: externalMessages.title })
    .trim()
    .min(1, externalMessages.title)
    .max(300, 'The title must be 300 characters or fewer'),
  source: z.enum(externalReviewSources, { error: 'Select where the review comes from' }),
  origin: z
    .string()
    .trim()
    .max(200, 'The area or body must be 200 characters or fewer')
    .optional()
    .transform((v) => v ?? ''),
  url: httpsUrl('The address of the report'),
  localLearning: z
    .string({ error: externalMessages.localLearning })
    .trim()
    .min(1, externalMessages.localLearning)
    .max(10_000, 'The local learning must be 10,000 characters or fewer'),
})
const externalOrder = ['title', 'source', 'origin', 'publishedOn', 'url', 'localLearning'] as const

const externalValues = (r: ExternalReview | null) => ({
  title: r?.title ?? '',
  source: r?.source ?? '',
  origin: r?.origin ?? '',
  url: r?.url ?? '',
  localLearning: r?.localLearning ?? '',
  ...dateInputValues('publishedOn', r?.publishedOn),
})

/**
 * Reviews from elsewhere (national reviews and other areas') with the local learning taken, and
 * the learning briefings list. Both are public reports: everyone in the partnership reads them;
 * the business team records them. Static paths under /reviews, preferred by the router to
 * /reviews/:review.
 */
export async function externalReviewsRoutes(app: FastifyInstance, ctx: AppContext) {
  const view = { permission: 'reviews:view' as const }
  const edit = { permission: 'reviews:edit' as const }
  const today = () => londonDate(ctx.now())
  const listPath = (request: FastifyRequest) => `${reviewsPath(request.partnership!.slug)}/external`
  const canEdit = (request: FastifyRequest) =>
    can(request.actor, 'reviews:edit', { partnershipId: request.partnership!.id })
  const flashOf = (request: FastifyRequest) => {
    const query = request.query as Record<string, string | undefined>
    const key = Object.keys(flashes).find((k) => query[k] !== undefined)
    return key ? flashes[key] : undefined
  }

  app.get('/p/:slug/reviews/external', { config: view }, async (request, reply) => {
    const partnership = request.partnership!
    const [reviews, briefings] = await Promise.all([
      listExternalReviews(ctx.db, partnership.id),
      listBriefings(ctx.db, partnership.id, viewerOfRequest(request)),
    ])
    const editable = canEdit(request)
    const byReview = Map.groupBy(
      briefings.filter((b) => b.source?.kind === 'external'),
      (b) => (b.source as { externalReviewId: string }).externalReviewId,
    )
    return reply.render(`${externalViews}/list.njk`, {
      title: 'Reviews from elsewhere',
      reviewsHref: reviewsPath(partnership.slug),
      briefingsHref: `${reviewsPath(partnership.slug)}/briefings`,
      addHref: `${listPath(request)}/new`,
      reviews: reviews.map((r) => ({
        id: r.id,
        title: r.title,
        source: externalSourceLabels[r.source],
        origin: r.origin,
        publishedOn: r.publishedOn ? formatDate(r.publishedOn) : null,
        url: r.url,
        localLearning: r.localLearning,
        loggedOn: formatDate(r.loggedOn),
        editHref: `${listPath(request)}/${r.id}/edit`,
        addBriefingHref: `${listPath(request)}/${r.id}/briefings/new`,
        briefings: (byReview.get(r.id) ?? []).map((b) => ({
          title: b.title,
          publishedOn: b.publishedOn ? formatDate(b.publishedOn) : null,
          href: `${listPath(request)}/${r.id}/briefings/${b.id}`,
        })),
      })),
      canEdit: editable,
      flash: flashOf(request),
    })
  })

  // -------------------------------------------------------------------------------------------
  // Logging a review from elsewhere

  function showExternal(
    request: FastifyRequest,
    reply: FastifyReply,
    review: ExternalReview | null,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    return reply.status(errors ? 400 : 200).render(`${externalViews}/form.njk`, {
      title: review ? `Change ${review.title}` : 'Log a review from elsewhere',
      backHref: listPath(request),
      action: review ? `${listPath(request)}/${review.id}/edit` : `${listPath(request)}/new`,
      noNamesHint,
      sourceItems: externalReviewSources.map((s) => ({
        value: s,
        text: externalSourceLabels[s],
        checked: values.source === s,
      })),
      values,
      errors,
      dateItems: { publishedOn: dateItems('publishedOn', values, errors?.fields.publishedOn) },
    })
  }

  async function saveExternal(request: FastifyRequest, reply: FastifyReply, review: ExternalReview | null) {
    const values = formValues(request.body)
    const parsed = externalForm.safeParse(values)
    const found = parsed.success ? {} : issuesByField(parsed.error.issues)
    const date = readDateInput(values, 'publishedOn', 'the date it was published', false)
    if (!date.ok) found.publishedOn = date.error
    else if (date.value && date.value > today()) {
      found.publishedOn = {
        text: futureDateMessage('The date it was published', today()),
        parts: ['day', 'month', 'year'],
      }
    }
    if (!parsed.success || found.publishedOn) {
      return showExternal(request, reply, review, values, formErrors(externalOrder, found))
    }
    try {
      const { changed } = await saveExternalReview(ctx.db, changeOf(ctx, request), review?.id ?? null, {
        ...parsed.data,
        publishedOn: date.ok ? date.value : null,
      })
      const flash = review ? (changed ? 'saved' : 'unchanged') : 'logged'
      return reply.redirect(`${listPath(request)}?${flash}=1`, 303)
    } catch (error) {
      if (!isFieldProblems(error)) throw error
      const errors = problemErrors(error, externalOrder, ['publishedOn'])
      return showExternal(request, reply, review, values, errors)
    }
  }

  const externalOf = (request: FastifyRequest) =>
    findExternalReview(ctx.db, request.partnership!.id, (request.params as { external: string }).external)

  app.get('/p/:slug/reviews/external/new', { config: edit }, (request, reply) =>
    showExternal(request, reply, null, externalValues(null)),
  )
  app.post('/p/:slug/reviews/external/new', { config: edit }, (request, reply) =>
    saveExternal(request, reply, null),
  )
  app.get('/p/:slug/reviews/external/:external/edit', { config: edit }, async (request, reply) => {
    const review = await externalOf(request)
    return showExternal(request, reply, review, externalValues(review))
  })
  app.post('/p/:slug/reviews/external/:external/edit', { config: edit }, async (request, reply) =>
    saveExternal(request, reply, await externalOf(request)),
  )

  // Briefings linked to a review from elsewhere

  briefingRoutes(app, ctx, {
    route: '/p/:slug/reviews/external/:external/briefings',
    open: externalOf,
    owner: (review) => ({ externalReviewId: review.id }),
    address: (request, review) => `${listPath(request)}/${review.id}/briefings`,
    back: listPath,
    page: (_request, review, briefing) => ({
      title: `${briefing ? 'Change the learning briefing' : 'Add a learning briefing'}: ${review.title}`,
      caption: review.title,
      pageHeading: briefing ? 'Change the learning briefing' : 'Add a learning briefing',
      backText: 'Back to reviews from elsewhere',
    }),
  })

  // -------------------------------------------------------------------------------------------
  // Learning briefings, ours and from elsewhere

  app.get('/p/:slug/reviews/briefings', { config: view }, async (request, reply) => {
    const partnership = request.partnership!
    const slug = partnership.slug
    const editable = canEdit(request)
    const briefings = await listBriefings(ctx.db, partnership.id, viewerOfRequest(request))
    return reply.render(`${externalViews}/briefings.njk`, {
      title: 'Learning briefings',
      reviewsHref: reviewsPath(slug),
      externalHref: listPath(request),
      briefings: briefings.map((b) => {
        const source = b.source
        return {
          title: b.title,
          summary: b.summary,
          publishedOn: b.publishedOn ? formatDate(b.publishedOn) : null,
          from:
            source?.kind === 'case'
              ? { text: source.reference, href: reviewPath(slug, source.caseId) }
              : source?.kind === 'published'
                ? { text: source.title, href: source.url }
                : source?.kind === 'external'
                  ? { text: source.title, href: source.url }
                  : null,
          editHref:
            editable && source?.kind === 'case'
              ? `${reviewPath(slug, source.caseId)}/learning/briefings/${b.id}`
              : editable && source?.kind === 'external'
                ? `${listPath(request)}/${source.externalReviewId}/briefings/${b.id}`
                : null,
        }
      }),
      canEdit: editable,
    })
  })
}
