import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { createCalendarRepository } from '../../platform/calendar/calendar.repository.ts'
import { formatDate } from '../../platform/calendar/calendar.ts'
import { changeOf } from '../../platform/http/change.ts'
import { notFound } from '../../platform/http/errors.ts'
import { type FormErrors, formValues } from '../../platform/http/forms.ts'
import {
  dateInputValues,
  dateItems,
  formErrors,
  isUuid,
  readDateInput,
} from '../partnership/agencies.form.ts'
import {
  incidentMessages,
  informationDue,
  informationRequestsOf,
  markInformationReceived,
  recordRapidReview,
  requestableAgencies,
  requestInformation,
} from './incident.service.ts'
import { dateOf, type Found, incidentPages, textOf, type Values, views } from './incident.view.ts'
import { editableReviewFromUrl, type ReviewAccess } from './reviews.access.ts'
import { reviewPath } from './reviews.labels.ts'

const orders = {
  request: ['agencyId', 'requestedOn', 'dueOn'],
  received: ['receivedOn'],
  rapid: [
    'rapidReviewMeetingOn',
    'rapidReviewCompletedOn',
    'rapidReviewConclusions',
    'panelResponse',
    'panelResponseOn',
  ],
}

/** Called by incidentRoutes: the information requests and the rapid review (the business team). */
export async function rapidReviewRoutes(app: FastifyInstance, ctx: AppContext) {
  const edit = { permission: 'reviews:edit' as const }
  const { today, pageOf, forWt2023, attempt } = incidentPages(ctx)

  // ---------------------------------------------------------------------------------------------
  // Agency information

  async function showRequest(
    request: FastifyRequest,
    reply: FastifyReply,
    access: ReviewAccess,
    values?: Values,
    errors?: FormErrors,
  ) {
    const { context, locals } = await pageOf(request, access, 'incident')
    const agencies = await requestableAgencies(ctx.db, access.review.partnershipId, context.today)
    const shown = values ?? {
      agencyId: '',
      ...dateInputValues('requestedOn', context.today),
      ...dateInputValues('dueOn', null),
    }
    const typed = readDateInput(shown, 'requestedOn', 'the date', true)
    const requestedOn = typed.ok && typed.value ? typed.value : context.today
    const fallback = informationDue(context.rules, requestedOn, context.calendar)
    return reply.status(errors ? 400 : 200).render(`${views}/request.njk`, {
      ...locals,
      title: `Ask an agency for information: ${access.review.reference}`,
      agencyItems: [
        { value: '', text: 'Choose an agency' },
        ...agencies.map((a) => ({ value: a.id, text: a.name, selected: a.id === shown.agencyId })),
      ],
      defaultDue: {
        days: context.rules.agencyInformationWithin,
        explanation: fallback.explanation,
        forDate: formatDate(requestedOn),
      },
      dateItems: {
        requestedOn: dateItems('requestedOn', shown, errors?.fields.requestedOn),
        dueOn: dateItems('dueOn', shown, errors?.fields.dueOn),
      },
      values: shown,
      errors,
    })
  }

  app.get('/p/:slug/reviews/:review/incident/requests/new', { config: edit }, async (request, reply) => {
    const access = await editableReviewFromUrl(ctx, request)
    forWt2023(access)
    return showRequest(request, reply, access)
  })

  app.post('/p/:slug/reviews/:review/incident/requests/new', { config: edit }, async (request, reply) => {
    const access = await editableReviewFromUrl(ctx, request)
    forWt2023(access)
    const values = formValues(request.body)
    const found: Found = {}
    const agencyId = textOf(values, 'agencyId')
    if (!isUuid(agencyId)) found.agencyId = { text: incidentMessages.chooseAgency }
    const requestedOn = dateOf(values, 'requestedOn', 'the date the information was requested', true, found)
    const dueOn = dateOf(values, 'dueOn', 'the date the information is due', false, found)
    const rerender = (errors: FormErrors) => showRequest(request, reply, access, values, errors)
    if (Object.keys(found).length) return rerender(formErrors(orders.request, found))
    const failed = await attempt(
      () =>
        requestInformation(ctx.db, changeOf(ctx, request), access.review.id, {
          agencyId,
          requestedOn: requestedOn!,
          dueOn,
        }),
      orders.request,
      ['requestedOn', 'dueOn'],
      rerender,
    )
    if (failed) return failed.refused
    return reply.redirect(
      `${reviewPath(request.partnership!.slug, access.review.id)}/incident?saved=requested`,
      303,
    )
  })

  async function requestOf(access: ReviewAccess, request: FastifyRequest) {
    const { request: id } = request.params as { request: string }
    if (!isUuid(id)) throw notFound()
    const calendar = await createCalendarRepository(ctx.db).calendarFor(access.review.partnershipId)
    const all = await informationRequestsOf(ctx.db, access.review.id, today(), calendar)
    const found = all.find((r) => r.id === id)
    if (!found) throw notFound()
    return found
  }

  async function showReceived(
    request: FastifyRequest,
    reply: FastifyReply,
    access: ReviewAccess,
    values?: Values,
    errors?: FormErrors,
  ) {
    const info = await requestOf(access, request)
    const { context, locals } = await pageOf(request, access, 'incident')
    const shown = values ?? dateInputValues('receivedOn', info.receivedOn ?? context.today)
    return reply.status(errors ? 400 : 200).render(`${views}/received.njk`, {
      ...locals,
      title: `Information received from ${info.agencyName}: ${access.review.reference}`,
      info,
      dateItems: { receivedOn: dateItems('receivedOn', shown, errors?.fields.receivedOn) },
      values: shown,
      errors,
    })
  }

  app.get(
    '/p/:slug/reviews/:review/incident/requests/:request/received',
    { config: edit },
    async (request, reply) => {
      const access = await editableReviewFromUrl(ctx, request)
      forWt2023(access)
      return showReceived(request, reply, access)
    },
  )

  app.post(
    '/p/:slug/reviews/:review/incident/requests/:request/received',
    { config: edit },
    async (request, reply) => {
      const access = await editableReviewFromUrl(ctx, request)
      forWt2023(access)
      const info = await requestOf(access, request)
      const values = formValues(request.body)
      const found: Found = {}
      const receivedOn = dateOf(values, 'receivedOn', 'the date the information was received', true, found)
      const rerender = (errors: FormErrors) => showReceived(request, reply, access, values, errors)
      if (Object.keys(found).length) return rerender(formErrors(orders.received, found))
      const failed = await attempt(
        () => markInformationReceived(ctx.db, changeOf(ctx, request), access.review.id, info.id, receivedOn!),
        orders.received,
        orders.received,
        rerender,
      )
      if (failed) return failed.refused
      return reply.redirect(
        `${reviewPath(request.partnership!.slug, access.review.id)}/incident?saved=received`,
        303,
      )
    },
  )

  // ---------------------------------------------------------------------------------------------
  // The rapid review

  async function showRapid(
    request: FastifyRequest,
    reply: FastifyReply,
    access: ReviewAccess,
    values?: Values,
    errors?: FormErrors,
  ) {
    const { review } = access
    const { locals } = await pageOf(request, access, 'incident')
    const shown = values ?? {
      ...dateInputValues('rapidReviewMeetingOn', review.rapidReviewMeetingOn),
      ...dateInputValues('rapidReviewCompletedOn', review.rapidReviewCompletedOn),
      rapidReviewConclusions: review.rapidReviewConclusions ?? '',
      panelResponse: review.panelResponse ?? '',
      ...dateInputValues('panelResponseOn', review.panelResponseOn),
    }
    const items = (name: string) => dateItems(name, shown, errors?.fields[name])
    return reply.status(errors ? 400 : 200).render(`${views}/rapid-review.njk`, {
      ...locals,
      title: `Rapid review: ${review.reference}`,
      notifiedText: review.notifiedOn ? formatDate(review.notifiedOn) : null,
      dateItems: {
        rapidReviewMeetingOn: items('rapidReviewMeetingOn'),
        rapidReviewCompletedOn: items('rapidReviewCompletedOn'),
        panelResponseOn: items('panelResponseOn'),
      },
      values: shown,
      errors,
    })
  }

  app.get('/p/:slug/reviews/:review/incident/rapid-review', { config: edit }, async (request, reply) => {
    const access = await editableReviewFromUrl(ctx, request)
    forWt2023(access)
    return showRapid(request, reply, access)
  })

  app.post('/p/:slug/reviews/:review/incident/rapid-review', { config: edit }, async (request, reply) => {
    const access = await editableReviewFromUrl(ctx, request)
    forWt2023(access)
    const values = formValues(request.body)
    const found: Found = {}
    const rapidReviewMeetingOn = dateOf(
      values,
      'rapidReviewMeetingOn',
      'the date of the rapid review meeting',
      false,
      found,
    )
    const rapidReviewCompletedOn = dateOf(
      values,
      'rapidReviewCompletedOn',
      'the date the rapid review was completed',
      false,
      found,
    )
    const panelResponseOn = dateOf(
      values,
      'panelResponseOn',
      'the date of the national panel’s response',
      false,
      found,
    )
    const rerender = (errors: FormErrors) => showRapid(request, reply, access, values, errors)
    if (Object.keys(found).length) return rerender(formErrors(orders.rapid, found))
    const failed = await attempt(
      () =>
        recordRapidReview(ctx.db, changeOf(ctx, request), access.review.id, {
          rapidReviewMeetingOn,
          rapidReviewCompletedOn,
          rapidReviewConclusions: textOf(values, 'rapidReviewConclusions'),
          panelResponse: textOf(values, 'panelResponse'),
          panelResponseOn,
        }),
      orders.rapid,
      ['rapidReviewMeetingOn', 'rapidReviewCompletedOn', 'panelResponseOn'],
      rerender,
    )
    if (failed) return failed.refused
    return reply.redirect(
      `${reviewPath(request.partnership!.slug, access.review.id)}/incident?saved=rapid`,
      303,
    )
  })
}
