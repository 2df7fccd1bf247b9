import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { formatDate } from '../../platform/calendar/calendar.ts'
import { changeOf } from '../../platform/http/change.ts'
import { type FormErrors, formValues } from '../../platform/http/forms.ts'
import { timelinessTag } from '../meetings/deadlines.ts'
import { dateInputValues, dateItems, formErrors, isUuid } from '../partnership/agencies.form.ts'
import { decisionRoutes } from './decision.routes.ts'
import {
  incidentMessages,
  informationDue,
  informationRequestsOf,
  recordNotification,
  recordPartnersTold,
  safeguardingPartners,
} from './incident.service.ts'
import {
  dateOf,
  deadlineView,
  type Found,
  incidentPages,
  listOf,
  paragraphs,
  type Values,
  views,
} from './incident.view.ts'
import { rapidReviewRoutes } from './rapid-review.routes.ts'
import { editableReviewFromUrl, type ReviewAccess } from './reviews.access.ts'
import { reviewPath } from './reviews.labels.ts'

const orders = {
  notification: ['becameAwareOn', 'notifiedOn'],
  partners: ['agencyIds', 'toldOn'],
}

/** The incident and rapid review tab, and the decision tab, with their forms (the business team). */
export async function incidentRoutes(app: FastifyInstance, ctx: AppContext) {
  const view = { permission: 'reviews:view' as const }
  const edit = { permission: 'reviews:edit' as const }
  const { pageOf, openPage, flashOf, forWt2023, attempt } = incidentPages(ctx)

  // ---------------------------------------------------------------------------------------------
  // The tab

  app.get('/p/:slug/reviews/:review/incident', { config: view }, async (request, reply) => {
    const { access, context, summary, locals } = await openPage(request, 'incident')
    const { review } = access
    if (review.procedure !== 'wt2023') {
      return reply.render(`${views}/incident.njk`, {
        ...locals,
        title: `Incident and rapid review: ${review.reference}`,
        applies: false,
      })
    }
    const step = (key: string) => summary.deadlines.find((d) => d.key === key)
    const [partners, requests] = await Promise.all([
      safeguardingPartners(ctx.db, review.partnershipId, review.id, context.today),
      informationRequestsOf(ctx.db, review.id, context.today, context.calendar),
    ])
    return reply.render(`${views}/incident.njk`, {
      ...locals,
      title: `Incident and rapid review: ${review.reference}`,
      applies: true,
      notification: deadlineView(step('notification')),
      rapidReview: deadlineView(step('rapid_review')),
      partners,
      requests: requests.map((r) => {
        const fallback = informationDue(context.rules, r.requestedOn, context.calendar)
        return {
          ...r,
          explanation:
            fallback.date === r.dueOn
              ? fallback.explanation
              : 'The date given when the information was requested',
          tag: timelinessTag({ timeliness: r.timeliness, lateBy: r.lateBy, due: r.dueOn }),
        }
      }),
      conclusions: paragraphs(review.rapidReviewConclusions),
      panelResponse: paragraphs(review.panelResponse),
      flash: flashOf(request),
    })
  })

  // ---------------------------------------------------------------------------------------------
  // Notification dates

  async function showNotification(
    request: FastifyRequest,
    reply: FastifyReply,
    access: ReviewAccess,
    values?: Values,
    errors?: FormErrors,
  ) {
    const { locals } = await pageOf(request, access, 'incident')
    const shown = values ?? {
      ...dateInputValues('becameAwareOn', access.review.becameAwareOn),
      ...dateInputValues('notifiedOn', access.review.notifiedOn),
    }
    return reply.status(errors ? 400 : 200).render(`${views}/notification.njk`, {
      ...locals,
      title: `Serious incident notification: ${access.review.reference}`,
      dateItems: {
        becameAwareOn: dateItems('becameAwareOn', shown, errors?.fields.becameAwareOn),
        notifiedOn: dateItems('notifiedOn', shown, errors?.fields.notifiedOn),
      },
      values: shown,
      errors,
    })
  }

  app.get('/p/:slug/reviews/:review/incident/notification', { config: edit }, async (request, reply) => {
    const access = await editableReviewFromUrl(ctx, request)
    forWt2023(access)
    return showNotification(request, reply, access)
  })

  app.post('/p/:slug/reviews/:review/incident/notification', { config: edit }, async (request, reply) => {
    const access = await editableReviewFromUrl(ctx, request)
    forWt2023(access)
    const values = formValues(request.body)
    const found: Found = {}
    const becameAwareOn = dateOf(
      values,
      'becameAwareOn',
      'the date the local authority became aware',
      true,
      found,
    )
    const notifiedOn = dateOf(values, 'notifiedOn', 'the notification date', false, found)
    const rerender = (errors: FormErrors) => showNotification(request, reply, access, values, errors)
    if (Object.keys(found).length) return rerender(formErrors(orders.notification, found))
    const failed = await attempt(
      () =>
        recordNotification(ctx.db, changeOf(ctx, request), access.review.id, {
          becameAwareOn: becameAwareOn!,
          notifiedOn,
        }),
      orders.notification,
      orders.notification,
      rerender,
    )
    if (failed) return failed.refused
    return reply.redirect(
      `${reviewPath(request.partnership!.slug, access.review.id)}/incident?saved=notified`,
      303,
    )
  })

  // ---------------------------------------------------------------------------------------------
  // Partners told

  async function showPartners(
    request: FastifyRequest,
    reply: FastifyReply,
    access: ReviewAccess,
    values?: Values,
    errors?: FormErrors,
  ) {
    const { context, locals } = await pageOf(request, access, 'incident')
    const partners = await safeguardingPartners(
      ctx.db,
      access.review.partnershipId,
      access.review.id,
      context.today,
    )
    const shown = values ?? { agencyIds: [], ...dateInputValues('toldOn', context.today) }
    const chosen = listOf(shown.agencyIds)
    return reply.status(errors ? 400 : 200).render(`${views}/partners.njk`, {
      ...locals,
      title: `Partners told: ${access.review.reference}`,
      partnerItems: partners.map((p) => ({
        value: p.id,
        text: p.name,
        checked: chosen.includes(p.id),
        hint: { text: p.toldOn ? `Told on ${formatDate(p.toldOn)}` : 'Not told yet' },
      })),
      awareText: access.review.becameAwareOn ? formatDate(access.review.becameAwareOn) : null,
      dateItems: { toldOn: dateItems('toldOn', shown, errors?.fields.toldOn) },
      values: shown,
      errors,
    })
  }

  app.get('/p/:slug/reviews/:review/incident/partners', { config: edit }, async (request, reply) => {
    const access = await editableReviewFromUrl(ctx, request)
    forWt2023(access)
    return showPartners(request, reply, access)
  })

  app.post('/p/:slug/reviews/:review/incident/partners', { config: edit }, async (request, reply) => {
    const access = await editableReviewFromUrl(ctx, request)
    forWt2023(access)
    const values = formValues(request.body)
    const found: Found = {}
    const agencyIds = listOf(values.agencyIds).filter(isUuid)
    if (agencyIds.length === 0) found.agencyIds = { text: incidentMessages.choosePartner }
    const toldOn = dateOf(values, 'toldOn', 'the date the partners were told', true, found)
    const rerender = (errors: FormErrors) => showPartners(request, reply, access, values, errors)
    if (Object.keys(found).length) return rerender(formErrors(orders.partners, found))
    const failed = await attempt(
      () =>
        recordPartnersTold(ctx.db, changeOf(ctx, request), access.review.id, { agencyIds, toldOn: toldOn! }),
      orders.partners,
      ['toldOn'],
      rerender,
    )
    if (failed) return failed.refused
    return reply.redirect(
      `${reviewPath(request.partnership!.slug, access.review.id)}/incident?saved=told`,
      303,
    )
  })

  // Called, not registered, so that the routes share this plugin's context as they did when inline.
  await rapidReviewRoutes(app, ctx)
  await decisionRoutes(app, ctx)
}
