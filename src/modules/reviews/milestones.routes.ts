import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { formatDate } from '../../platform/calendar/dates.ts'
import { changeOf } from '../../platform/http/change.ts'
import { notFound } from '../../platform/http/errors.ts'
import { formValues } from '../../platform/http/forms.ts'
import {
  dateInputValues,
  formErrors,
  isFieldProblems,
  isUuid,
  problemErrors,
} from '../partnership/agencies.form.ts'
import {
  addMilestone,
  addStandardMilestones,
  findMilestone,
  markMilestoneDone,
  SHORT_MAX,
} from './progress.service.ts'
import { type FormField, type Found, progressPages, readDate, readText } from './progress.view.ts'
import { editableReviewFromUrl, type ReviewAccess } from './reviews.access.ts'
import { noNamesHint } from './reviews.labels.ts'

/** Called by progressRoutes: the review tab's milestones (add one, add the standard ones, mark done). */
export async function milestonesRoutes(app: FastifyInstance, ctx: AppContext) {
  const edit = { permission: 'reviews:edit' as const }
  const { today, base, context, showForm } = progressPages(ctx)

  const milestoneForm = (request: FastifyRequest, access: ReviewAccess) => ({
    heading: 'Add a milestone',
    action: `${base(request, access)}/milestones/new`,
    button: 'Add milestone',
    fields: [
      {
        kind: 'input',
        name: 'title',
        label: 'Milestone',
        hint: `For example, “Practitioners’ event held”. ${noNamesHint}`,
      },
      { kind: 'date', name: 'dueOn', label: 'Due date', hint: 'For example, 27 4 2026' },
    ] satisfies FormField[],
  })

  app.get('/p/:slug/reviews/:review/review/milestones/new', { config: edit }, async (request, reply) => {
    const access = await editableReviewFromUrl(ctx, request)
    return showForm(request, reply, access, milestoneForm(request, access), {})
  })

  app.post('/p/:slug/reviews/:review/review/milestones/new', { config: edit }, async (request, reply) => {
    const access = await editableReviewFromUrl(ctx, request)
    const values = formValues(request.body)
    const found: Found = {}
    const title = readText(values, 'title', 'the milestone', SHORT_MAX, found, true)
    const dueOn = readDate(values, 'dueOn', 'the due date', found)
    if (Object.keys(found).length) {
      return showForm(
        request,
        reply,
        access,
        milestoneForm(request, access),
        values,
        formErrors(['title', 'dueOn'], found),
      )
    }
    try {
      await addMilestone(ctx.db, changeOf(ctx, request), { caseId: access.review.id, title, dueOn })
    } catch (error) {
      // Sent twice: the page says the milestone was already added, and nothing more is added.
      if (!isFieldProblems(error)) throw error
      const errors = problemErrors(error, ['title', 'dueOn'], ['dueOn'])
      return showForm(request, reply, access, milestoneForm(request, access), values, errors)
    }
    return reply.redirect(`${base(request, access)}?milestone=1`, 303)
  })

  app.post(
    '/p/:slug/reviews/:review/review/milestones/standard',
    { config: edit },
    async (request, reply) => {
      const access = await editableReviewFromUrl(ctx, request)
      const { rules, calendar } = await context(access)
      let added = 0
      try {
        added = await addStandardMilestones(ctx.db, changeOf(ctx, request), {
          caseId: access.review.id,
          today: today(),
          rules,
          calendar,
        })
      } catch (error) {
        // No decision yet: the page does not offer the action, so this is a stale page. Show it again.
        if (!isFieldProblems(error)) throw error
        return reply.redirect(base(request, access), 303)
      }
      // Sent twice, or someone added milestones meanwhile: nothing was added, the page shows them.
      return reply.redirect(added > 0 ? `${base(request, access)}?standard=1` : base(request, access), 303)
    },
  )

  async function milestoneFromUrl(request: FastifyRequest, access: ReviewAccess) {
    const { milestone: id } = request.params as { milestone: string }
    if (!isUuid(id)) throw notFound()
    return findMilestone(ctx.db, access.review.id, id)
  }

  const doneForm = (
    request: FastifyRequest,
    access: ReviewAccess,
    milestone: { id: string; title: string; dueOn: string },
  ) => ({
    heading: `Mark “${milestone.title}” as done`,
    intro: `Due ${formatDate(milestone.dueOn)}.`,
    action: `${base(request, access)}/milestones/${milestone.id}/done`,
    button: 'Save',
    fields: [
      {
        kind: 'date',
        name: 'doneOn',
        label: 'Date it was done',
        hint: 'Today or earlier, for example 27 2 2026',
      },
    ] satisfies FormField[],
  })

  app.get(
    '/p/:slug/reviews/:review/review/milestones/:milestone/done',
    { config: edit },
    async (request, reply) => {
      const access = await editableReviewFromUrl(ctx, request)
      const milestone = await milestoneFromUrl(request, access)
      return showForm(
        request,
        reply,
        access,
        doneForm(request, access, milestone),
        dateInputValues('doneOn', milestone.doneOn ?? today()),
      )
    },
  )

  app.post(
    '/p/:slug/reviews/:review/review/milestones/:milestone/done',
    { config: edit },
    async (request, reply) => {
      const access = await editableReviewFromUrl(ctx, request)
      const milestone = await milestoneFromUrl(request, access)
      const values = formValues(request.body)
      const found: Found = {}
      const doneOn = readDate(values, 'doneOn', 'the date it was done', found, today())
      if (Object.keys(found).length) {
        return showForm(
          request,
          reply,
          access,
          doneForm(request, access, milestone),
          values,
          formErrors(['doneOn'], found),
        )
      }
      await markMilestoneDone(ctx.db, changeOf(ctx, request), {
        caseId: access.review.id,
        milestoneId: milestone.id,
        doneOn,
        today: today(),
      })
      return reply.redirect(`${base(request, access)}?done=1`, 303)
    },
  )
}
