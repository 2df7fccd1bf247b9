import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { AppContext } from '../../app.ts'
import { formatDate } from '../../platform/calendar/dates.ts'
import { changeOf } from '../../platform/http/change.ts'
import { type FormErrors, formValues } from '../../platform/http/forms.ts'
import { actionPath } from '../actions/actions.labels.ts'
import { actionRagLabels } from '../actions/actions.rules.ts'
import {
  dateInputValues,
  dateItems,
  formErrors,
  isFieldProblems,
  problemErrors,
} from '../partnership/agencies.form.ts'
import { issuesByField } from '../partnership/groups.form.ts'
import { briefingRoutes } from './briefings.form.ts'
import { briefingsOf } from './external.service.ts'
import {
  addRecommendation,
  learningMessages,
  MAX_RECOMMENDATION,
  recommendationsOf,
  recordImpact,
  updateRecommendation,
} from './learning.service.ts'
import { learningPages, views } from './learning.view.ts'
import { learningActionRoutes } from './learning-action.routes.ts'
import { editableReviewFromUrl, type ReviewAccess } from './reviews.access.ts'
import { readPastDate } from './reviews.dates.ts'
import { noNamesHint } from './reviews.labels.ts'
import { casePage } from './reviews.page.ts'
import type { ReviewRecommendation } from './reviews.table.ts'

const flashes: Record<string, string> = {
  added: 'Recommendation added',
  saved: 'Recommendation changed',
  impact: 'Evidence of impact recorded',
  action: 'Action created in the action matrix',
  briefing: 'Briefing saved',
  unchanged: 'Nothing was changed',
}

// ---------------------------------------------------------------------------------------------
// Forms (the briefing form is shared with the reviews from elsewhere)

const recommendationForm = z.object({
  text: z
    .string({ error: learningMessages.text })
    .trim()
    .min(1, learningMessages.text)
    .max(MAX_RECOMMENDATION, learningMessages.tooLong),
})

const impactForm = z.object({
  impactEvidence: z
    .string({ error: learningMessages.impact })
    .trim()
    .min(1, learningMessages.impact)
    .max(5000, 'The evidence must be 5,000 characters or fewer'),
})

/** A review's learning: recommendations and their actions, evidence of impact, and briefings. */
export async function learningRoutes(app: FastifyInstance, ctx: AppContext) {
  const view = { permission: 'reviews:view' as const }
  const edit = { permission: 'reviews:edit' as const }
  const { today, base, headerOf, recommendationOf } = learningPages(ctx)

  app.get('/p/:slug/reviews/:review/learning', { config: view }, async (request, reply) => {
    const { access, context, header } = await casePage(ctx, request, 'learning')
    const { review } = access
    const slug = request.partnership!.slug
    const path = base(request, access)
    const [recs, briefings] = await Promise.all([
      recommendationsOf(ctx.db, review.id, {
        today: context.today,
        calendar: context.calendar,
        reminderDays: context.rules.actionReminderBefore,
      }),
      briefingsOf(ctx.db, review.partnershipId, { caseId: review.id }, true),
    ])
    const query = request.query as Record<string, string | undefined>
    const flash = Object.keys(flashes).find((key) => query[key] !== undefined)
    return reply.render(`${views}/learning.njk`, {
      title: `Learning: ${review.reference}`,
      header,
      base: path,
      recommendations: recs.map((rec) => ({
        id: rec.id,
        number: rec.number,
        text: rec.text,
        impactEvidence: rec.impactEvidence,
        impactRecordedOn: rec.impactRecordedOn ? formatDate(rec.impactRecordedOn) : null,
        href: `${path}/recommendations/${rec.id}`,
        actions: rec.actions.map((a) => ({
          ...a,
          href: actionPath(slug, a.id),
          owner: a.ownerPerson ? `${a.ownerAgency} (${a.ownerPerson})` : a.ownerAgency,
          due: a.dueOn ? formatDate(a.dueOn) : null,
          tag: actionRagLabels[a.rag],
        })),
      })),
      briefings: briefings.map((b) => ({
        title: b.title,
        summary: b.summary,
        publishedOn: b.publishedOn ? formatDate(b.publishedOn) : null,
        href: `${path}/briefings/${b.id}`,
      })),
      canEdit: access.canEdit,
      flash: flash ? flashes[flash] : undefined,
    })
  })

  // -------------------------------------------------------------------------------------------
  // Recommendations

  async function showRecommendation(
    request: FastifyRequest,
    reply: FastifyReply,
    access: ReviewAccess,
    rec: ReviewRecommendation | null,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    const path = base(request, access)
    return reply.status(errors ? 400 : 200).render(`${views}/recommendation.njk`, {
      title: `${rec ? `Recommendation ${rec.number}` : 'Add a recommendation'}: ${access.review.reference}`,
      header: await headerOf(request, access),
      pageHeading: rec ? `Change recommendation ${rec.number}` : 'Add a recommendation',
      base: path,
      action: rec ? `${path}/recommendations/${rec.id}` : `${path}/recommendations/new`,
      noNamesHint,
      values,
      errors,
    })
  }

  app.get(
    '/p/:slug/reviews/:review/learning/recommendations/new',
    { config: edit },
    async (request, reply) => {
      const access = await editableReviewFromUrl(ctx, request)
      return showRecommendation(request, reply, access, null, { text: '' })
    },
  )

  app.post(
    '/p/:slug/reviews/:review/learning/recommendations/new',
    { config: edit },
    async (request, reply) => {
      const access = await editableReviewFromUrl(ctx, request)
      const values = formValues(request.body)
      const parsed = recommendationForm.safeParse(values)
      if (!parsed.success) {
        const errors = formErrors(['text'], issuesByField(parsed.error.issues))
        return showRecommendation(request, reply, access, null, values, errors)
      }
      try {
        await addRecommendation(ctx.db, changeOf(ctx, request), access.review.id, parsed.data.text)
      } catch (error) {
        if (!isFieldProblems(error)) throw error
        return showRecommendation(request, reply, access, null, values, problemErrors(error, ['text']))
      }
      return reply.redirect(`${base(request, access)}?added=1`, 303)
    },
  )

  app.get(
    '/p/:slug/reviews/:review/learning/recommendations/:recommendation',
    { config: edit },
    async (request, reply) => {
      const access = await editableReviewFromUrl(ctx, request)
      const rec = await recommendationOf(request, access)
      return showRecommendation(request, reply, access, rec, { text: rec.text })
    },
  )

  app.post(
    '/p/:slug/reviews/:review/learning/recommendations/:recommendation',
    { config: edit },
    async (request, reply) => {
      const access = await editableReviewFromUrl(ctx, request)
      const rec = await recommendationOf(request, access)
      const values = formValues(request.body)
      const parsed = recommendationForm.safeParse(values)
      if (!parsed.success) {
        const errors = formErrors(['text'], issuesByField(parsed.error.issues))
        return showRecommendation(request, reply, access, rec, values, errors)
      }
      const { changed } = await updateRecommendation(
        ctx.db,
        changeOf(ctx, request),
        access.review.id,
        rec.id,
        parsed.data.text,
      )
      return reply.redirect(`${base(request, access)}?${changed ? 'saved' : 'unchanged'}=1`, 303)
    },
  )

  // Evidence of impact

  async function showImpact(
    request: FastifyRequest,
    reply: FastifyReply,
    access: ReviewAccess,
    rec: ReviewRecommendation,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    const path = base(request, access)
    return reply.status(errors ? 400 : 200).render(`${views}/impact.njk`, {
      title: `Evidence of impact, recommendation ${rec.number}: ${access.review.reference}`,
      header: await headerOf(request, access),
      pageHeading: `Evidence of impact of recommendation ${rec.number}`,
      recommendation: rec,
      base: path,
      action: `${path}/recommendations/${rec.id}/impact`,
      noNamesHint,
      values,
      errors,
      dateItems: { impactRecordedOn: dateItems('impactRecordedOn', values, errors?.fields.impactRecordedOn) },
    })
  }

  const impactPath = '/p/:slug/reviews/:review/learning/recommendations/:recommendation/impact'
  app.get(impactPath, { config: edit }, async (request, reply) => {
    const access = await editableReviewFromUrl(ctx, request)
    const rec = await recommendationOf(request, access)
    return showImpact(request, reply, access, rec, {
      impactEvidence: rec.impactEvidence ?? '',
      ...dateInputValues('impactRecordedOn', rec.impactRecordedOn ?? today()),
    })
  })

  app.post(impactPath, { config: edit }, async (request, reply) => {
    const access = await editableReviewFromUrl(ctx, request)
    const rec = await recommendationOf(request, access)
    const values = formValues(request.body)
    const parsed = impactForm.safeParse(values)
    const found = parsed.success ? {} : issuesByField(parsed.error.issues)
    const date = readPastDate(values, 'impactRecordedOn', 'the date of the evidence', true, today())
    if (date.error) found.impactRecordedOn = date.error
    if (!parsed.success || !date.value) {
      const errors = formErrors(['impactEvidence', 'impactRecordedOn'], found)
      return showImpact(request, reply, access, rec, values, errors)
    }
    const { changed } = await recordImpact(ctx.db, changeOf(ctx, request), access.review.id, rec.id, {
      impactEvidence: parsed.data.impactEvidence,
      impactRecordedOn: date.value,
    })
    return reply.redirect(`${base(request, access)}?${changed ? 'impact' : 'unchanged'}=1`, 303)
  })

  // Turning a recommendation into an action

  learningActionRoutes(app, ctx)

  // -------------------------------------------------------------------------------------------
  // Briefings linked to this review

  briefingRoutes(app, ctx, {
    route: '/p/:slug/reviews/:review/learning/briefings',
    open: (request) => editableReviewFromUrl(ctx, request),
    owner: (access) => ({ caseId: access.review.id }),
    address: (request, access) => `${base(request, access)}/briefings`,
    back: base,
    page: async (request, access, briefing) => ({
      title: `${briefing ? 'Change a learning briefing' : 'Add a learning briefing'}: ${access.review.reference}`,
      header: await headerOf(request, access),
      pageHeading: briefing ? 'Change the learning briefing' : 'Add a learning briefing',
      backText: 'Back to the learning',
    }),
  })
}
