import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { AppContext } from '../../app.ts'
import { formatDate } from '../../platform/calendar/dates.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import { changeOf } from '../../platform/http/change.ts'
import { AppError } from '../../platform/http/errors.ts'
import { type FormErrors, formValues } from '../../platform/http/forms.ts'
import { actionPath } from '../actions/actions.labels.ts'
import { openGroups, ownerChoices } from '../actions/actions.queries.ts'
import { actionRagLabels } from '../actions/actions.rules.ts'
import {
  type DateError,
  dateInputValues,
  dateItems,
  formErrors,
  isFieldProblems,
  problemErrors,
  readDateInput,
} from '../partnership/agencies.form.ts'
import { issuesByField, type Parsed } from '../partnership/groups.form.ts'
import { briefingsOf, findBriefing, saveBriefing } from './external.service.ts'
import {
  actionFromRecommendation,
  addRecommendation,
  defaultActionGroup,
  findRecommendation,
  futureDateMessage,
  learningMessages,
  MAX_RECOMMENDATION,
  recommendationsOf,
  recordImpact,
  updateRecommendation,
} from './learning.service.ts'
import { editableReviewFromUrl, type ReviewAccess, reviewFromUrl } from './reviews.access.ts'
import { noNamesHint, reviewHeader, reviewPath } from './reviews.labels.ts'
import { caseSummary, summaryContext } from './reviews.queries.ts'
import type { LearningBriefing, ReviewRecommendation } from './reviews.table.ts'

const views = 'modules/reviews/views/learning'

const flashes: Record<string, string> = {
  added: 'Recommendation added',
  saved: 'Recommendation changed',
  impact: 'Evidence of impact recorded',
  action: 'Action created in the action matrix',
  briefing: 'Briefing saved',
  unchanged: 'Nothing was changed',
}

const all = ['day', 'month', 'year'] as const

// ---------------------------------------------------------------------------------------------
// Forms (the briefing form is shared with the reviews from elsewhere)

const briefingForm = z.object({
  title: z
    .string({ error: 'Enter the title of the briefing' })
    .trim()
    .min(1, 'Enter the title of the briefing')
    .max(200, 'The title must be 200 characters or fewer'),
  summary: z
    .string({ error: 'Enter the summary' })
    .trim()
    .min(1, 'Enter the summary')
    .max(5000, 'The summary must be 5,000 characters or fewer'),
})
export const briefingOrder = ['title', 'summary', 'publishedOn'] as const

/** Reads a date box set that records something that happened: optional or not, never after today. */
function pastDate(
  values: Record<string, unknown>,
  name: string,
  label: string,
  required: boolean,
  today: string,
): { value: string | null; error?: DateError } {
  const read = readDateInput(values, name, label, required)
  if (!read.ok) return { value: null, error: read.error }
  if (read.value && read.value > today) {
    const sentence = label.charAt(0).toUpperCase() + label.slice(1)
    return { value: null, error: { text: futureDateMessage(sentence, today), parts: [...all] } }
  }
  return { value: read.value }
}

export function readBriefingForm(
  values: Record<string, unknown>,
  today: string,
): Parsed<{ title: string; summary: string; publishedOn: string | null }> {
  const parsed = briefingForm.safeParse(values)
  const found = parsed.success ? {} : issuesByField(parsed.error.issues)
  const date = pastDate(values, 'publishedOn', 'the publish date', false, today)
  if (date.error) found.publishedOn = date.error
  if (!parsed.success || date.error) return { ok: false, errors: formErrors(briefingOrder, found) }
  return { ok: true, data: { ...parsed.data, publishedOn: date.value } }
}

export const briefingValues = (b: LearningBriefing | null) => ({
  title: b?.title ?? '',
  summary: b?.summary ?? '',
  ...dateInputValues('publishedOn', b?.publishedOn),
})

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

const actionForm = z.object({
  description: z
    .string()
    .trim()
    .min(1, 'Enter the action')
    .max(2000, 'The action must be 2,000 characters or fewer'),
  ownerAgencyId: z
    .string({ error: 'Select the agency that owns this action' })
    .min(1, 'Select the agency that owns this action'),
  ownerPersonId: z
    .string()
    .optional()
    .transform((v) => v || null),
  groupId: z
    .string({ error: 'Select the group the action belongs to' })
    .min(1, 'Select the group the action belongs to'),
})
const actionOrder = ['description', 'ownerAgencyId', 'ownerPersonId', 'groupId'] as const

/** A review's learning: recommendations and their actions, evidence of impact, and briefings. */
export async function learningRoutes(app: FastifyInstance, ctx: AppContext) {
  const view = { permission: 'reviews:view' as const }
  const edit = { permission: 'reviews:edit' as const }
  const today = () => londonDate(ctx.now())
  const base = (request: FastifyRequest, access: ReviewAccess) =>
    `${reviewPath(request.partnership!.slug, access.review.id)}/learning`

  async function contextOf(access: ReviewAccess) {
    const context = await summaryContext(ctx.db, access.review.partnershipId, today())
    const summary = await caseSummary(ctx.db, access.review, context)
    return { context, summary }
  }
  async function headerOf(request: FastifyRequest, access: ReviewAccess) {
    const { summary } = await contextOf(access)
    return reviewHeader(request.partnership!.slug, access.review, summary.stage, 'learning')
  }

  app.get('/p/:slug/reviews/:review/learning', { config: view }, async (request, reply) => {
    const access = await reviewFromUrl(ctx, request)
    const { review } = access
    const slug = request.partnership!.slug
    const { context, summary } = await contextOf(access)
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
      header: reviewHeader(slug, review, summary.stage, 'learning'),
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

  const recommendationOf = (request: FastifyRequest, access: ReviewAccess) =>
    findRecommendation(
      ctx.db,
      access.review.id,
      (request.params as { recommendation: string }).recommendation,
    )

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
    const date = pastDate(values, 'impactRecordedOn', 'the date of the evidence', true, today())
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

  async function showAction(
    request: FastifyRequest,
    reply: FastifyReply,
    access: ReviewAccess,
    rec: ReviewRecommendation,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    const path = base(request, access)
    const partnershipId = request.partnership!.id
    const [owners, groupRows] = await Promise.all([
      ownerChoices(ctx.db, partnershipId, today()),
      openGroups(ctx.db, partnershipId, today()),
    ])
    const choose = (text: string) => ({ value: '', text })
    return reply.status(errors ? 400 : 200).render(`${views}/action.njk`, {
      title: `Action from recommendation ${rec.number}: ${access.review.reference}`,
      header: await headerOf(request, access),
      pageHeading: `Turn recommendation ${rec.number} into an action`,
      recommendation: rec,
      descriptionHint: `Everyone who can see the group’s actions sees this action, including people outside the review, so do not name the case (${access.review.reference}) or anyone in it.`,
      base: path,
      action: `${path}/recommendations/${rec.id}/action`,
      values,
      errors,
      agencyItems: [
        choose('Select an agency'),
        ...owners.agencies.map((a) => ({ value: a.id, text: a.name })),
      ],
      personItems: [
        choose('No one named'),
        ...owners.people.map((p) => ({
          value: p.id,
          text: p.agencyName ? `${p.name}, ${p.agencyName}` : p.name,
        })),
      ],
      groupItems: [choose('Select a group'), ...groupRows.map((g) => ({ value: g.id, text: g.name }))],
    })
  }

  const actionRoute = '/p/:slug/reviews/:review/learning/recommendations/:recommendation/action'
  app.get(actionRoute, { config: edit }, async (request, reply) => {
    const access = await editableReviewFromUrl(ctx, request)
    const rec = await recommendationOf(request, access)
    const groupId = await defaultActionGroup(ctx.db, access.review, today())
    return showAction(request, reply, access, rec, {
      // The recommendation's text only: the action is seen beyond the case's record (see the hint).
      description: rec.text.slice(0, 2000),
      ownerAgencyId: '',
      ownerPersonId: '',
      groupId: groupId ?? '',
    })
  })

  app.post(actionRoute, { config: edit }, async (request, reply) => {
    const access = await editableReviewFromUrl(ctx, request)
    const rec = await recommendationOf(request, access)
    const values = formValues(request.body)
    const parsed = actionForm.safeParse(values)
    if (!parsed.success) {
      const errors = formErrors(actionOrder, issuesByField(parsed.error.issues))
      return showAction(request, reply, access, rec, values, errors)
    }
    try {
      await actionFromRecommendation(ctx.db, changeOf(ctx, request), access.review.id, rec.id, parsed.data)
    } catch (error) {
      if (isFieldProblems(error)) {
        return showAction(request, reply, access, rec, values, problemErrors(error, actionOrder))
      }
      if (error instanceof AppError && error.code === 'action_source_closed') {
        return showAction(
          request,
          reply,
          access,
          rec,
          values,
          formErrors(actionOrder, { groupId: { text: error.message } }),
        )
      }
      throw error
    }
    return reply.redirect(`${base(request, access)}?action=1#recommendation-${rec.number}`, 303)
  })

  // -------------------------------------------------------------------------------------------
  // Briefings linked to this review

  async function showBriefing(
    request: FastifyRequest,
    reply: FastifyReply,
    access: ReviewAccess,
    briefing: LearningBriefing | null,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    const path = base(request, access)
    return reply.status(errors ? 400 : 200).render(`${views}/briefing.njk`, {
      title: `${briefing ? 'Change a learning briefing' : 'Add a learning briefing'}: ${access.review.reference}`,
      header: await headerOf(request, access),
      pageHeading: briefing ? 'Change the learning briefing' : 'Add a learning briefing',
      backHref: path,
      backText: 'Back to the learning',
      action: briefing ? `${path}/briefings/${briefing.id}` : `${path}/briefings/new`,
      noNamesHint,
      values,
      errors,
      dateItems: { publishedOn: dateItems('publishedOn', values, errors?.fields.publishedOn) },
    })
  }

  const briefingOf = (request: FastifyRequest, access: ReviewAccess) =>
    findBriefing(
      ctx.db,
      access.review.partnershipId,
      { caseId: access.review.id },
      (request.params as { briefing: string }).briefing,
    )

  async function saveBriefingFrom(request: FastifyRequest, reply: FastifyReply, existing: boolean) {
    const access = await editableReviewFromUrl(ctx, request)
    const current = existing ? await briefingOf(request, access) : null
    const values = formValues(request.body)
    const form = readBriefingForm(values, today())
    if (!form.ok) return showBriefing(request, reply, access, current, values, form.errors)
    try {
      const { changed } = await saveBriefing(
        ctx.db,
        changeOf(ctx, request),
        { caseId: access.review.id },
        current?.id ?? null,
        form.data,
      )
      return reply.redirect(`${base(request, access)}?${changed ? 'briefing' : 'unchanged'}=1`, 303)
    } catch (error) {
      if (!isFieldProblems(error)) throw error
      const errors = problemErrors(error, briefingOrder, ['publishedOn'])
      return showBriefing(request, reply, access, current, values, errors)
    }
  }

  app.get('/p/:slug/reviews/:review/learning/briefings/new', { config: edit }, async (request, reply) => {
    const access = await editableReviewFromUrl(ctx, request)
    return showBriefing(request, reply, access, null, briefingValues(null))
  })
  app.post('/p/:slug/reviews/:review/learning/briefings/new', { config: edit }, (request, reply) =>
    saveBriefingFrom(request, reply, false),
  )
  app.get(
    '/p/:slug/reviews/:review/learning/briefings/:briefing',
    { config: edit },
    async (request, reply) => {
      const access = await editableReviewFromUrl(ctx, request)
      const briefing = await briefingOf(request, access)
      return showBriefing(request, reply, access, briefing, briefingValues(briefing))
    },
  )
  app.post('/p/:slug/reviews/:review/learning/briefings/:briefing', { config: edit }, (request, reply) =>
    saveBriefingFrom(request, reply, true),
  )
}
