import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { AppContext } from '../../app.ts'
import { changeOf } from '../../platform/http/change.ts'
import { AppError } from '../../platform/http/errors.ts'
import { type FormErrors, formValues } from '../../platform/http/forms.ts'
import { openGroups, ownerChoices } from '../actions/actions.queries.ts'
import { formErrors, isFieldProblems, problemErrors } from '../partnership/agencies.form.ts'
import { issuesByField } from '../partnership/groups.form.ts'
import { actionFromRecommendation, defaultActionGroup } from './learning.service.ts'
import { learningPages, views } from './learning.view.ts'
import { editableReviewFromUrl, type ReviewAccess } from './reviews.access.ts'
import type { ReviewRecommendation } from './reviews.table.ts'

// Turning a recommendation of the learning tab into an action of the action matrix.

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

/** The action form of a recommendation and its save (business team). */
export function learningActionRoutes(app: FastifyInstance, ctx: AppContext) {
  const edit = { permission: 'reviews:edit' as const }
  const { today, base, headerOf, recommendationOf } = learningPages(ctx)

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
}
