import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { can } from '../../platform/access/policy.ts'
import { type FieldError, type FormErrors, formValues } from '../../platform/http/forms.ts'
import {
  type DateError,
  dateInputValues,
  dateItems,
  formErrors,
  isFieldProblems,
  problemErrors,
  readDateInput,
} from './agencies.form.ts'
import { agencyKindLabels } from './agencies.labels.ts'
import { FieldProblems, londonDay } from './agencies.problems.ts'
import { createAgencyRepository } from './agencies.repository.ts'
import {
  DUE_SOON_DAYS,
  decisionLabels,
  listAgencyReviews,
  type ReviewDue,
  type ReviewOutcome,
  recordAgencyReview,
  reviewDue,
} from './agency-reviews.service.ts'
import type { Agency } from './structure.table.ts'

const views = 'modules/partnership/views/agencies'

export const dueTags: Record<ReviewDue['status'], { text: string; classes: string }> = {
  overdue: { text: 'Overdue', classes: 'govuk-tag--red' },
  due_soon: { text: 'Due soon', classes: 'govuk-tag--yellow' },
  on_track: { text: 'On track', classes: 'govuk-tag--green' },
}

export const decisionTagClasses = {
  kept: 'govuk-tag--green',
  changed: 'govuk-tag--blue',
  added: 'govuk-tag--purple',
  removed: 'govuk-tag--grey',
} as const

const rowDecisions = ['kept', 'changed', 'removed'] as const
// "Essex Police — renamed", "Essex Police – renamed", "Essex Police - renamed" or "Essex Police: renamed".
const separators = [/\s*[—–]\s*/, /\s+-\s+/, /:\s*/]

function splitAdded(line: string): { name: string; reason: string } {
  for (const separator of separators) {
    const match = separator.exec(line)
    if (match)
      return {
        name: line.slice(0, match.index).trim(),
        reason: line.slice(match.index + match[0].length).trim(),
      }
  }
  return { name: line, reason: '' }
}

/** Statutory partners are set by law; every other active agency is looked at in the yearly review. */
const reviewable = (agencies: Agency[]) => agencies.filter((a) => a.kind !== 'statutory_partner')

function readReviewForm(values: Record<string, unknown>, agencies: Agency[]) {
  const found: Record<string, FieldError | DateError> = {}
  const order = ['reviewedOn']
  const reviewedOn = readDateInput(values, 'reviewedOn', 'the date of the review', true)
  if (!reviewedOn.ok) found.reviewedOn = reviewedOn.error
  const outcomes: ReviewOutcome[] = []
  for (const agency of agencies) {
    const decisionField = `decision-${agency.id}`
    const reasonField = `reason-${agency.id}`
    order.push(decisionField, reasonField)
    const decision = rowDecisions.find((d) => d === values[decisionField])
    const reason = String(values[reasonField] ?? '').trim()
    if (!decision)
      found[decisionField] = { text: `Select whether ${agency.name} was kept, changed or removed` }
    else if (decision !== 'kept' && !reason)
      found[reasonField] = { text: `Enter why ${agency.name} was ${decision}` }
    if (reason.length > 1000) found[reasonField] = { text: 'The reason must be 1,000 characters or fewer' }
    if (decision) outcomes.push({ agency: agency.name, decision, reason })
  }
  order.push('added')
  for (const line of String(values.added ?? '').split(/\r?\n/)) {
    const text = line.trim()
    if (!text) continue
    const { name, reason } = splitAdded(text)
    if (!name || !reason) {
      found.added ??= { text: `Give a reason for adding ${text}: write “name — reason”, one agency a line` }
      continue
    }
    outcomes.push({ agency: name, decision: 'added', reason })
  }
  if (Object.keys(found).length === 0 && outcomes.length === 0) {
    found.added = { text: 'Record a decision for at least one agency, or list the agencies added' }
  }
  if (Object.keys(found).length > 0 || !reviewedOn.ok || !reviewedOn.value) {
    return { ok: false as const, errors: formErrors(order, found) }
  }
  return { ok: true as const, reviewedOn: reviewedOn.value, outcomes }
}

function describeDue(due: ReviewDue | null) {
  if (!due) return null
  const days = Math.abs(due.daysLeft)
  const plural = days === 1 ? 'day' : 'days'
  return {
    ...due,
    tag: dueTags[due.status],
    sentence: due.overdue
      ? `${days} ${plural} late`
      : due.daysLeft === 0
        ? 'Due today'
        : `Due in ${days} ${plural}`,
  }
}

/** The yearly review of relevant agencies: its history, when the next is due, and recording one. */
export async function agencyReviewRoutes(app: FastifyInstance, ctx: AppContext) {
  const base = (request: FastifyRequest) => `/p/${request.partnership!.slug}/agencies/reviews`

  app.get(
    '/p/:slug/agencies/reviews',
    { config: { permission: 'structure:view' } },
    async (request, reply) => {
      const partnership = request.partnership!
      const today = londonDay(ctx.now())
      const due = await reviewDue(ctx.db, partnership.id, today)
      const reviews = await listAgencyReviews(ctx.db, partnership.id)
      return reply.render(`${views}/reviews.njk`, {
        title: 'Yearly review of relevant agencies',
        due: describeDue(due),
        dueSoonDays: DUE_SOON_DAYS,
        reviews,
        decisionLabels,
        decisionTagClasses,
        canEdit: can(request.actor, 'structure:edit', { partnershipId: partnership.id }),
        flash: (request.query as { recorded?: string }).recorded ? 'Review recorded' : undefined,
      })
    },
  )

  async function showForm(
    request: FastifyRequest,
    reply: FastifyReply,
    agencies: Agency[],
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    const rows = agencies.map((agency) => ({
      agency,
      kind: agencyKindLabels[agency.kind],
      decisionItems: rowDecisions.map((d) => ({ value: d, text: decisionLabels[d] })),
    }))
    return reply.status(errors ? 400 : 200).render(`${views}/review-new.njk`, {
      title: 'Record the yearly review of relevant agencies',
      rows,
      values,
      errors,
      backHref: base(request),
      dateItems: { reviewedOn: dateItems('reviewedOn', values, errors?.fields.reviewedOn) },
    })
  }

  const config = { permission: 'structure:edit' as const }
  const agenciesToReview = async (request: FastifyRequest) =>
    reviewable(await createAgencyRepository(ctx.db).listActive(request.partnership!.id, londonDay(ctx.now())))

  app.get('/p/:slug/agencies/reviews/new', { config }, async (request, reply) =>
    showForm(
      request,
      reply,
      await agenciesToReview(request),
      dateInputValues('reviewedOn', londonDay(ctx.now())),
    ),
  )

  app.post('/p/:slug/agencies/reviews/new', { config }, async (request, reply) => {
    const agencies = await agenciesToReview(request)
    const values = formValues(request.body)
    const form = readReviewForm(values, agencies)
    if (!form.ok) return showForm(request, reply, agencies, values, form.errors)
    try {
      await recordAgencyReview(ctx.db, {
        partnershipId: request.partnership!.id,
        reviewedOn: form.reviewedOn,
        outcomes: form.outcomes,
        actorId: request.user!.id,
        now: ctx.now(),
        requestId: request.id,
      })
    } catch (error) {
      if (!isFieldProblems(error)) throw error
      // The service's general message about the outcomes is shown by the one free-text field.
      const { outcomes, ...fields } = error.fields
      const problems = new FieldProblems(outcomes ? { ...fields, added: outcomes } : fields)
      return showForm(
        request,
        reply,
        agencies,
        values,
        problemErrors(problems, ['reviewedOn', 'added'], ['reviewedOn']),
      )
    }
    return reply.redirect(`${base(request)}?recorded=1`, 303)
  })
}
