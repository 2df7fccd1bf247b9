import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { AppContext } from '../../app.ts'
import { formatDate } from '../../platform/calendar/dates.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import { changeOf } from '../../platform/http/change.ts'
import { AppError, notFound } from '../../platform/http/errors.ts'
import { type FormErrors, formValues } from '../../platform/http/forms.ts'
import { timelinessTag } from '../meetings/deadlines.ts'
import {
  dateInputValues,
  dateItems,
  formErrors,
  isFieldProblems,
  problemErrors,
  readDateInput,
} from '../partnership/agencies.form.ts'
import { issuesByField } from '../partnership/groups.form.ts'
import {
  hasReport,
  publicationDateProblem,
  publicationMessages,
  publishReview,
  recordSend,
  sendDateProblem,
} from './publication.service.ts'
import { editableReviewFromUrl, type ReviewAccess } from './reviews.access.ts'
import { decisionLabels, noNamesHint, reviewPath } from './reviews.labels.ts'
import { casePage, caseView } from './reviews.page.ts'
import { mustBeSent, sendLabels } from './reviews.rules.ts'
import { type ReviewSendRecipient, reviewSendRecipients } from './reviews.table.ts'

const views = 'modules/reviews/views/publication'

const flashes: Record<string, string> = {
  published: 'Publication recorded',
  sent: 'Send recorded',
  unchanged: 'Nothing was changed',
}

const recipientNames: Record<ReviewSendRecipient, string> = {
  national_panel: 'The national panel',
  foundations: 'Foundations (the What Works Centre)',
}

/** An https address, or empty. */
export const httpsUrl = (label: string) =>
  z
    .string()
    .trim()
    .max(2000, `${label} must be 2,000 characters or fewer`)
    .optional()
    .transform((v) => v ?? '')
    .refine((v) => {
      if (!v) return true
      try {
        const url = new URL(v)
        return url.protocol === 'https:' && url.hostname.includes('.')
      } catch {
        return false
      }
    }, `Enter ${label.toLowerCase()} starting with https://, like https://example.org/report`)

const publishForm = z.object({
  publishedTitle: z
    .string({ error: 'Enter the published title' })
    .trim()
    .min(1, 'Enter the published title')
    .max(300, 'The published title must be 300 characters or fewer'),
  publicationUrl: httpsUrl('The address of the published report'),
})
const publishOrder = ['publishedOn', 'publishedTitle', 'publicationUrl'] as const

/** Publication pages: the report published, then sent to the national panel and Foundations. */
export async function publicationRoutes(app: FastifyInstance, ctx: AppContext) {
  const view = { permission: 'reviews:view' as const }
  const edit = { permission: 'reviews:edit' as const }
  const today = () => londonDate(ctx.now())
  const base = (request: FastifyRequest, access: ReviewAccess) =>
    `${reviewPath(request.partnership!.slug, access.review.id)}/publication`

  app.get('/p/:slug/reviews/:review/publication', { config: view }, async (request, reply) => {
    const { access, context, summary, header } = await casePage(ctx, request, 'publication')
    const { review } = access
    const path = base(request, access)
    const step = (key: string) => {
      const found = summary.deadlines.find((d) => d.key === key)
      return found ? { ...found, dueText: formatDate(found.due), tag: timelinessTag(found) } : null
    }
    const query = request.query as Record<string, string | undefined>
    const flash = Object.keys(flashes).find((key) => query[key] !== undefined)
    const sendsApply = mustBeSent(review)
    return reply.render(`${views}/publication.njk`, {
      title: `Publication: ${review.reference}`,
      header,
      base: path,
      review,
      hasReport: hasReport(review),
      notReviewing: publicationMessages.notReviewing,
      publishedOn: review.publishedOn ? formatDate(review.publishedOn) : null,
      publicationDeadline: step('publication'),
      sendsApply,
      sendDays: context.rules.publishedReviewSentWithin,
      notRequired:
        !sendsApply && review.decision
          ? `The report of a ${decisionLabels[review.decision].toLowerCase()} does not have to be sent to the national panel and Foundations.`
          : null,
      sends: reviewSendRecipients.map((recipient) => {
        const sentOn = summary.sends.get(recipient) ?? null
        return {
          recipient,
          name: recipientNames[recipient],
          label: sendLabels[recipient],
          sentOn: sentOn ? formatDate(sentOn) : null,
          deadline: step(`send_${recipient}`),
          href: `${path}/sends/${recipient}`,
        }
      }),
      canEdit: access.canEdit,
      flash: flash ? flashes[flash] : undefined,
    })
  })

  // -------------------------------------------------------------------------------------------
  // The publication

  async function headerOf(request: FastifyRequest, access: ReviewAccess) {
    return (await caseView(ctx, request, access.review, 'publication')).header
  }

  async function showPublish(
    request: FastifyRequest,
    reply: FastifyReply,
    access: ReviewAccess,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    return reply.status(errors ? 400 : 200).render(`${views}/publish.njk`, {
      title: `Record the publication: ${access.review.reference}`,
      header: await headerOf(request, access),
      pageHeading: 'Record the publication',
      base: base(request, access),
      noNamesHint,
      values,
      errors,
      dateItems: { publishedOn: dateItems('publishedOn', values, errors?.fields.publishedOn) },
    })
  }

  async function openForPublishing(request: FastifyRequest) {
    const access = await editableReviewFromUrl(ctx, request)
    if (!hasReport(access.review)) throw new AppError('not_reviewing', publicationMessages.notReviewing, 409)
    return access
  }

  app.get('/p/:slug/reviews/:review/publication/publish', { config: edit }, async (request, reply) => {
    const access = await openForPublishing(request)
    const { review } = access
    return showPublish(request, reply, access, {
      ...dateInputValues('publishedOn', review.publishedOn),
      publishedTitle: review.publishedTitle ?? '',
      publicationUrl: review.publicationUrl ?? '',
    })
  })

  app.post('/p/:slug/reviews/:review/publication/publish', { config: edit }, async (request, reply) => {
    const access = await openForPublishing(request)
    const values = formValues(request.body)
    const parsed = publishForm.safeParse(values)
    const found = parsed.success ? {} : issuesByField(parsed.error.issues)
    const date = readDateInput(values, 'publishedOn', 'the publication date', true)
    if (!date.ok) found.publishedOn = date.error
    else if (date.value) {
      const problem = publicationDateProblem(access.review, date.value, today())
      if (problem) found.publishedOn = { text: problem, parts: ['day', 'month', 'year'] }
    }
    if (!parsed.success || !date.ok || !date.value || found.publishedOn) {
      return showPublish(request, reply, access, values, formErrors(publishOrder, found))
    }
    try {
      const { changed } = await publishReview(ctx.db, changeOf(ctx, request), access.review.id, {
        publishedOn: date.value,
        ...parsed.data,
      })
      return reply.redirect(`${base(request, access)}?${changed ? 'published' : 'unchanged'}=1`, 303)
    } catch (error) {
      if (!isFieldProblems(error)) throw error
      return showPublish(request, reply, access, values, problemErrors(error, publishOrder, ['publishedOn']))
    }
  })

  // -------------------------------------------------------------------------------------------
  // The sends

  async function openSend(request: FastifyRequest) {
    const access = await editableReviewFromUrl(ctx, request)
    const { recipient } = request.params as { recipient: string }
    if (!(reviewSendRecipients as readonly string[]).includes(recipient)) throw notFound()
    if (!mustBeSent(access.review)) throw new AppError('not_required', publicationMessages.notRequired, 409)
    return { access, recipient: recipient as ReviewSendRecipient }
  }

  async function showSend(
    request: FastifyRequest,
    reply: FastifyReply,
    access: ReviewAccess,
    recipient: ReviewSendRecipient,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    const { review } = access
    return reply.status(errors ? 400 : 200).render(`${views}/send.njk`, {
      title: `${sendLabels[recipient]}: ${review.reference}`,
      header: await headerOf(request, access),
      pageHeading: `Send to ${recipientNames[recipient].replace(/^The /, 'the ')}`,
      base: base(request, access),
      action: `${base(request, access)}/sends/${recipient}`,
      publishedOn: review.publishedOn ? formatDate(review.publishedOn) : null,
      publishFirst: publicationMessages.publishFirst,
      values,
      errors,
      dateItems: { sentOn: dateItems('sentOn', values, errors?.fields.sentOn) },
    })
  }

  app.get(
    '/p/:slug/reviews/:review/publication/sends/:recipient',
    { config: edit },
    async (request, reply) => {
      const { access, recipient } = await openSend(request)
      const { summary } = await caseView(ctx, request, access.review, 'publication')
      const sentOn = summary.sends.get(recipient) ?? null
      return showSend(request, reply, access, recipient, dateInputValues('sentOn', sentOn))
    },
  )

  app.post(
    '/p/:slug/reviews/:review/publication/sends/:recipient',
    { config: edit },
    async (request, reply) => {
      const { access, recipient } = await openSend(request)
      const values = formValues(request.body)
      const date = readDateInput(values, 'sentOn', 'the date it was sent', true)
      const problem =
        date.ok && date.value ? sendDateProblem(access.review.publishedOn, date.value, today()) : null
      if (!date.ok || !date.value || problem) {
        const error = date.ok
          ? { text: problem!, parts: ['day' as const, 'month' as const, 'year' as const] }
          : date.error
        return showSend(request, reply, access, recipient, values, formErrors(['sentOn'], { sentOn: error }))
      }
      try {
        const { changed } = await recordSend(
          ctx.db,
          changeOf(ctx, request),
          access.review.id,
          recipient,
          date.value,
        )
        return reply.redirect(`${base(request, access)}?${changed ? 'sent' : 'unchanged'}=1`, 303)
      } catch (error) {
        if (!isFieldProblems(error)) throw error
        return showSend(
          request,
          reply,
          access,
          recipient,
          values,
          problemErrors(error, ['sentOn'], ['sentOn']),
        )
      }
    },
  )
}
