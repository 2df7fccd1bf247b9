import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { formatDate } from '../../platform/calendar/calendar.ts'
import { changeOf } from '../../platform/http/change.ts'
import { appError } from '../../platform/http/errors.ts'
import { type FormErrors, formValues } from '../../platform/http/forms.ts'
import { dateInputValues, dateItems, formErrors } from '../partnership/agencies.form.ts'
import {
  decisionMessages,
  decisionRefusal,
  isReviewDecision,
  publicationTarget,
  recordDecision,
} from './decision.service.ts'
import {
  dateOf,
  deadlineView,
  type Found,
  incidentPages,
  paragraphs,
  textOf,
  type Values,
  views,
} from './incident.view.ts'
import { editableReviewFromUrl, type ReviewAccess } from './reviews.access.ts'
import { decisionLabels, reviewPath } from './reviews.labels.ts'
import type { SummaryContext } from './reviews.queries.ts'
import { type ReviewDecision, reviewDecisions } from './reviews.table.ts'

export const decisionHints: Record<ReviewDecision, string> = {
  local_review: 'The partners hold a review of their own, published within the target set by the rules',
  national_review: 'The national panel is asked to review the case',
  single_agency: 'One agency reviews its own practice',
  other_learning: 'Learning is taken another way, for example a thematic review or a practice audit',
  no_further_review: 'The rapid review found no further learning: the case is closed',
}

const order = ['decision', 'decisionRationale', 'decidedOn']

const publication = (context: SummaryContext, access: ReviewAccess) => {
  const { decision, decidedOn } = access.review
  if (decision !== 'local_review' || !decidedOn) return null
  const target = publicationTarget(context.rules, decidedOn, context.calendar)
  return { due: formatDate(target.date), explanation: target.explanation }
}

/** Called by incidentRoutes: the decision tab, and its form (the business team). */
export async function decisionRoutes(app: FastifyInstance, ctx: AppContext) {
  const view = { permission: 'reviews:view' as const }
  const edit = { permission: 'reviews:edit' as const }
  const { pageOf, openPage, flashOf, attempt } = incidentPages(ctx)

  app.get('/p/:slug/reviews/:review/decision', { config: view }, async (request, reply) => {
    const { access, context, summary, locals } = await openPage(request, 'decision')
    const { review } = access
    return reply.render(`${views}/decision.njk`, {
      ...locals,
      title: `Decision: ${review.reference}`,
      decision: review.decision
        ? {
            label: decisionLabels[review.decision],
            rationale: paragraphs(review.decisionRationale),
            decidedOn: formatDate(review.decidedOn!),
          }
        : null,
      publication: publication(context, access),
      publicationStep: deadlineView(summary.deadlines.find((d) => d.key === 'publication')),
      refusal: decisionRefusal(review),
      flash: flashOf(request),
    })
  })

  async function showDecision(
    request: FastifyRequest,
    reply: FastifyReply,
    access: ReviewAccess,
    values?: Values,
    errors?: FormErrors,
  ) {
    const { review } = access
    const { locals } = await pageOf(request, access, 'decision')
    const shown = values ?? {
      decision: review.decision ?? '',
      decisionRationale: review.decisionRationale ?? '',
      ...dateInputValues('decidedOn', review.decidedOn),
    }
    return reply.status(errors ? 400 : 200).render(`${views}/decision-form.njk`, {
      ...locals,
      title: `${review.decision ? 'Change the' : 'Record the'} decision: ${review.reference}`,
      decisionItems: reviewDecisions.map((d) => ({
        value: d,
        text: decisionLabels[d],
        hint: { text: decisionHints[d] },
        checked: shown.decision === d,
      })),
      completedText: review.rapidReviewCompletedOn ? formatDate(review.rapidReviewCompletedOn) : null,
      dateItems: { decidedOn: dateItems('decidedOn', shown, errors?.fields.decidedOn) },
      values: shown,
      errors,
    })
  }

  async function decidable(request: FastifyRequest) {
    const access = await editableReviewFromUrl(ctx, request)
    const refusal = decisionRefusal(access.review)
    if (refusal) throw appError('rapid_review_first', refusal, 409)
    return access
  }

  app.get('/p/:slug/reviews/:review/decision/edit', { config: edit }, async (request, reply) => {
    return showDecision(request, reply, await decidable(request))
  })

  app.post('/p/:slug/reviews/:review/decision/edit', { config: edit }, async (request, reply) => {
    const access = await decidable(request)
    const values = formValues(request.body)
    const found: Found = {}
    const decision = textOf(values, 'decision')
    if (!isReviewDecision(decision)) found.decision = { text: decisionMessages.choose }
    const rationale = textOf(values, 'decisionRationale')
    if (!rationale) found.decisionRationale = { text: decisionMessages.rationale }
    const decidedOn = dateOf(values, 'decidedOn', 'the date of the decision', true, found)
    const rerender = (errors: FormErrors) => showDecision(request, reply, access, values, errors)
    if (Object.keys(found).length) return rerender(formErrors(order, found))
    const failed = await attempt(
      () =>
        recordDecision(ctx.db, changeOf(ctx, request), access.review.id, {
          decision: decision as ReviewDecision,
          rationale,
          decidedOn: decidedOn!,
        }),
      order,
      ['decidedOn'],
      rerender,
    )
    if (failed) return failed.refused
    return reply.redirect(
      `${reviewPath(request.partnership!.slug, access.review.id)}/decision?saved=decided`,
      303,
    )
  })
}
