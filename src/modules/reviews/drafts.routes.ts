import type { FastifyContextConfig, FastifyInstance, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { formatDate } from '../../platform/calendar/dates.ts'
import { changeOf } from '../../platform/http/change.ts'
import { notFound } from '../../platform/http/errors.ts'
import { formValues } from '../../platform/http/forms.ts'
import { isUploadedFile } from '../../platform/http/upload.ts'
import { attachmentDisposition, paperFilename } from '../meetings/papers.filetype.ts'
import {
  dateInputValues,
  formErrors,
  isFieldProblems,
  isUuid,
  problemErrors,
} from '../partnership/agencies.form.ts'
import {
  checkDraftFile,
  circulateDraft,
  type DraftRow,
  type DraftUpload,
  draftFile,
  findDraft,
  recordDraft,
  SHORT_MAX,
  TEXT_MAX,
} from './progress.service.ts'
import { type FormField, type Found, progressPages, readDate, readText } from './progress.view.ts'
import { editableReviewFromUrl, type ReviewAccess, reviewFromUrl } from './reviews.access.ts'
import { noNamesHint } from './reviews.labels.ts'

// A file over the limit is cut short rather than thrown, so the page can say it is too large.
const keepParsing = { throwFileSizeLimit: false } as NonNullable<FastifyContextConfig['multipartOptions']>

/** Called by progressRoutes: the review tab's drafts (record with a file, circulate, download). */
export async function draftsRoutes(app: FastifyInstance, ctx: AppContext) {
  const view = { permission: 'reviews:view' as const }
  const edit = { permission: 'reviews:edit' as const }
  const { today, base, showForm } = progressPages(ctx)

  const draftForm = (request: FastifyRequest, access: ReviewAccess) => ({
    heading: 'Record a draft',
    action: `${base(request, access)}/drafts/new`,
    button: 'Record draft',
    multipart: true,
    intro: 'The version number is given automatically.',
    fields: [
      {
        kind: 'date',
        name: 'receivedOn',
        label: 'Date it was received',
        hint: 'Today or earlier, for example 27 2 2026',
      },
      {
        kind: 'file',
        name: 'file',
        label: 'File (optional)',
        hint: 'A PDF or Word document, smaller than 20 MB',
      },
      { kind: 'textarea', name: 'note', label: 'Note (optional)', hint: noNamesHint },
    ] satisfies FormField[],
  })

  app.get('/p/:slug/reviews/:review/review/drafts/new', { config: edit }, async (request, reply) => {
    const access = await editableReviewFromUrl(ctx, request)
    return showForm(request, reply, access, draftForm(request, access), {})
  })

  app.post(
    '/p/:slug/reviews/:review/review/drafts/new',
    { config: { ...edit, multipartOptions: keepParsing } },
    async (request, reply) => {
      const access = await editableReviewFromUrl(ctx, request)
      const { file: upload, ...values } = formValues(request.body)
      const found: Found = {}
      const receivedOn = readDate(values, 'receivedOn', 'the date it was received', found, today())
      const note = readText(values, 'note', 'the note', TEXT_MAX, found)
      let file: DraftUpload | null = null
      if (isUploadedFile(upload) && upload.content.length > 0) {
        const check = await checkDraftFile(upload.content)
        if (check.ok)
          file = {
            filename: paperFilename(upload.filename, check.type.ext),
            content: upload.content,
            type: check.type,
          }
        else found.file = { text: check.error }
      }
      const order = ['receivedOn', 'file', 'note']
      if (Object.keys(found).length) {
        return showForm(request, reply, access, draftForm(request, access), values, formErrors(order, found))
      }
      try {
        await recordDraft(ctx.db, changeOf(ctx, request), {
          caseId: access.review.id,
          receivedOn,
          note,
          file,
          today: today(),
        })
      } catch (error) {
        if (!isFieldProblems(error)) throw error
        return showForm(
          request,
          reply,
          access,
          draftForm(request, access),
          values,
          problemErrors(error, order, ['receivedOn']),
        )
      }
      return reply.redirect(`${base(request, access)}?draft=1`, 303)
    },
  )

  async function draftFromUrl(request: FastifyRequest, access: ReviewAccess): Promise<DraftRow> {
    const { draft: id } = request.params as { draft: string }
    const draft = isUuid(id) ? await findDraft(ctx.db, access.review.id, id) : null
    if (!draft) throw notFound()
    return draft
  }

  const circulateForm = (request: FastifyRequest, access: ReviewAccess, draft: DraftRow) => ({
    heading: `Circulate draft ${draft.version}`,
    intro: `Received ${formatDate(draft.receivedOn)}.`,
    action: `${base(request, access)}/drafts/${draft.id}/circulate`,
    button: 'Save',
    fields: [
      {
        kind: 'date',
        name: 'circulatedOn',
        label: 'Date it was circulated',
        hint: 'Not before it was received, and today or earlier',
      },
      {
        kind: 'input',
        name: 'circulatedTo',
        label: 'Circulated to',
        hint: 'For example, “Panel members and agencies’ leads”',
      },
    ] satisfies FormField[],
  })

  app.get(
    '/p/:slug/reviews/:review/review/drafts/:draft/circulate',
    { config: edit },
    async (request, reply) => {
      const access = await editableReviewFromUrl(ctx, request)
      const draft = await draftFromUrl(request, access)
      return showForm(request, reply, access, circulateForm(request, access, draft), {
        ...dateInputValues('circulatedOn', draft.circulatedOn),
        circulatedTo: draft.circulatedTo ?? '',
      })
    },
  )

  app.post(
    '/p/:slug/reviews/:review/review/drafts/:draft/circulate',
    { config: edit },
    async (request, reply) => {
      const access = await editableReviewFromUrl(ctx, request)
      const draft = await draftFromUrl(request, access)
      const values = formValues(request.body)
      const found: Found = {}
      const circulatedOn = readDate(values, 'circulatedOn', 'the date it was circulated', found, today())
      const circulatedTo = readText(
        values,
        'circulatedTo',
        'who the draft was circulated to',
        SHORT_MAX,
        found,
        true,
      )
      const order = ['circulatedOn', 'circulatedTo']
      const form = circulateForm(request, access, draft)
      if (Object.keys(found).length)
        return showForm(request, reply, access, form, values, formErrors(order, found))
      try {
        await circulateDraft(ctx.db, changeOf(ctx, request), {
          caseId: access.review.id,
          draftId: draft.id,
          circulatedOn,
          circulatedTo,
          today: today(),
        })
      } catch (error) {
        if (!isFieldProblems(error)) throw error
        return showForm(request, reply, access, form, values, problemErrors(error, order, ['circulatedOn']))
      }
      return reply.redirect(`${base(request, access)}?circulated=1`, 303)
    },
  )

  // The file is as confidential as the case: reviewFromUrl checks who asks and audits the opening.
  app.get(
    '/p/:slug/reviews/:review/review/drafts/:draft/download',
    { config: view },
    async (request, reply) => {
      const access = await reviewFromUrl(ctx, request)
      const draft = await draftFromUrl(request, access)
      const file = await draftFile(ctx.db, access.review.id, draft.id)
      if (!file) throw notFound()
      return reply
        .header('content-disposition', attachmentDisposition(file.filename))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .type(file.contentType)
        .send(Buffer.from(file.content))
    },
  )
}
