import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { formatDate } from '../../platform/calendar/dates.ts'
import { changeOf } from '../../platform/http/change.ts'
import { formValues } from '../../platform/http/forms.ts'
import { timelinessTag } from '../meetings/deadlines.ts'
import { dateInputValues, formErrors, isFieldProblems, problemErrors } from '../partnership/agencies.form.ts'
import { draftsRoutes } from './drafts.routes.ts'
import { milestonesRoutes } from './milestones.routes.ts'
import {
  draftsOf,
  milestonesOf,
  recordFinalReport,
  SHORT_MAX,
  standardAnchor,
  standardMilestones,
  TEXT_MAX,
  updateReviewDetails,
} from './progress.service.ts'
import {
  type FormField,
  type Found,
  flashes,
  progressPages,
  readDate,
  readText,
  views,
} from './progress.view.ts'
import { editableReviewFromUrl, type ReviewAccess } from './reviews.access.ts'
import { noNamesHint } from './reviews.labels.ts'
import { casePage } from './reviews.page.ts'
import { dayTimeliness, milestoneDoneOn } from './reviews.rules.ts'

/** The review itself (tab `/review`): details, milestones, drafts and the final report. */
export async function progressRoutes(app: FastifyInstance, ctx: AppContext) {
  const view = { permission: 'reviews:view' as const }
  const edit = { permission: 'reviews:edit' as const }
  const { today, base, showForm } = progressPages(ctx)

  app.get('/p/:slug/reviews/:review/review', { config: view }, async (request, reply) => {
    const { access, context: summaryOf, header } = await casePage(ctx, request, 'review')
    const { review } = access
    const { rules, calendar } = summaryOf
    const [milestones, drafts] = await Promise.all([
      milestonesOf(ctx.db, review.id),
      draftsOf(ctx.db, review.id),
    ])
    const anchor = standardAnchor(review, summaryOf.today)
    // A milestone that kept its standard date is shown with how that date was reached.
    const standard = anchor && review.decidedOn ? standardMilestones(anchor, rules, calendar) : []
    const href = base(request, access)
    const query = request.query as Record<string, string | undefined>
    const flash = Object.keys(flashes).find((k) => query[k] !== undefined)
    return reply.render(`${views}/review.njk`, {
      title: `Review: ${review.reference}`,
      header,
      base: href,
      details: {
        termsOfReference: review.termsOfReference,
        reviewerName: review.reviewerName,
        reviewerOrganisation: review.reviewerOrganisation,
        familyInvolvement: review.familyInvolvement,
      },
      milestones: milestones.map((m) => {
        const doneOn = milestoneDoneOn(m, review)
        const status = dayTimeliness(m.dueOn, doneOn, summaryOf.today, calendar)
        const known = standard.find((s) => s.title === m.title && s.dueOn === m.dueOn)
        return {
          id: m.id,
          title: m.title,
          due: formatDate(m.dueOn),
          explanation: known?.explanation ?? 'The due date set when the milestone was added',
          done: doneOn ? formatDate(doneOn) : null,
          tag: timelinessTag({ ...status, due: m.dueOn }),
        }
      }),
      canAddStandard: milestones.length === 0 && anchor !== null,
      drafts: drafts.map((d) => ({
        id: d.id,
        version: d.version,
        received: formatDate(d.receivedOn),
        circulated: d.circulatedOn ? formatDate(d.circulatedOn) : null,
        circulatedTo: d.circulatedTo,
        note: d.note,
        filename: d.filename,
        size: d.size ? `${Math.max(1, Math.round(d.size / 1024)).toLocaleString('en-GB')} KB` : null,
      })),
      finalReport: review.finalReportOn ? formatDate(review.finalReportOn) : null,
      canEdit: access.canEdit,
      flash: flash ? flashes[flash] : undefined,
    })
  })

  // ------------------------------------------------------------------------------------------
  // The review's details

  const detailsForm = (request: FastifyRequest, access: ReviewAccess) => ({
    heading: 'Terms of reference, reviewer and family',
    action: `${base(request, access)}/details`,
    button: 'Save',
    fields: [
      { kind: 'textarea', name: 'termsOfReference', label: 'Terms of reference', hint: noNamesHint },
      {
        kind: 'input',
        name: 'reviewerName',
        label: 'Independent reviewer',
        hint: 'The reviewer’s name (a professional, never a family member)',
      },
      { kind: 'input', name: 'reviewerOrganisation', label: 'Reviewer’s organisation' },
      {
        kind: 'textarea',
        name: 'familyInvolvement',
        label: 'Family involvement',
        hint: `How the family was involved in the review, or why they were not. ${noNamesHint}`,
      },
    ] satisfies FormField[],
  })

  app.get('/p/:slug/reviews/:review/review/details', { config: edit }, async (request, reply) => {
    const access = await editableReviewFromUrl(ctx, request)
    const { review } = access
    return showForm(request, reply, access, detailsForm(request, access), {
      termsOfReference: review.termsOfReference ?? '',
      reviewerName: review.reviewerName ?? '',
      reviewerOrganisation: review.reviewerOrganisation ?? '',
      familyInvolvement: review.familyInvolvement ?? '',
    })
  })

  app.post('/p/:slug/reviews/:review/review/details', { config: edit }, async (request, reply) => {
    const access = await editableReviewFromUrl(ctx, request)
    const values = formValues(request.body)
    const found: Found = {}
    const details = {
      termsOfReference: readText(values, 'termsOfReference', 'the terms of reference', TEXT_MAX, found),
      reviewerName: readText(values, 'reviewerName', 'the reviewer’s name', SHORT_MAX, found),
      reviewerOrganisation: readText(values, 'reviewerOrganisation', 'the organisation', SHORT_MAX, found),
      familyInvolvement: readText(values, 'familyInvolvement', 'the family’s involvement', TEXT_MAX, found),
    }
    if (Object.keys(found).length) {
      const order = detailsForm(request, access).fields.map((f) => f.name)
      return showForm(request, reply, access, detailsForm(request, access), values, formErrors(order, found))
    }
    await updateReviewDetails(ctx.db, changeOf(ctx, request), access.review.id, details)
    return reply.redirect(`${base(request, access)}?details=1`, 303)
  })

  // Called, not registered, so that the routes share this plugin's context as they did when inline.
  await milestonesRoutes(app, ctx)
  await draftsRoutes(app, ctx)

  // ------------------------------------------------------------------------------------------
  // The final report

  const finalForm = (request: FastifyRequest, access: ReviewAccess) => ({
    heading: 'Final report received',
    action: `${base(request, access)}/final-report`,
    button: 'Save',
    fields: [
      {
        kind: 'date',
        name: 'finalReportOn',
        label: 'Date the final report was received',
        hint: 'Not before the first draft, and today or earlier',
      },
    ] satisfies FormField[],
  })

  app.get('/p/:slug/reviews/:review/review/final-report', { config: edit }, async (request, reply) => {
    const access = await editableReviewFromUrl(ctx, request)
    return showForm(
      request,
      reply,
      access,
      finalForm(request, access),
      dateInputValues('finalReportOn', access.review.finalReportOn),
    )
  })

  app.post('/p/:slug/reviews/:review/review/final-report', { config: edit }, async (request, reply) => {
    const access = await editableReviewFromUrl(ctx, request)
    const values = formValues(request.body)
    const found: Found = {}
    const finalReportOn = readDate(
      values,
      'finalReportOn',
      'the date the final report was received',
      found,
      today(),
    )
    const form = finalForm(request, access)
    if (Object.keys(found).length)
      return showForm(request, reply, access, form, values, formErrors(['finalReportOn'], found))
    try {
      await recordFinalReport(ctx.db, changeOf(ctx, request), {
        caseId: access.review.id,
        finalReportOn,
        today: today(),
      })
    } catch (error) {
      if (!isFieldProblems(error)) throw error
      return showForm(
        request,
        reply,
        access,
        form,
        values,
        problemErrors(error, ['finalReportOn'], ['finalReportOn']),
      )
    }
    return reply.redirect(`${base(request, access)}?final=1`, 303)
  })
}
