import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { AppContext } from '../../app.ts'
import { attachment, docxType } from '../../platform/documents/download.ts'
import { templateRoutes } from '../../platform/documents/templates.routes.ts'
import { AppError, notFound } from '../../platform/http/errors.ts'
import { type FormErrors, parseForm } from '../../platform/http/forms.ts'
import { isUploadedFile } from '../../platform/http/upload.ts'
import { editableMeetingFromUrl, type MeetingAccess, meetingFromUrl } from './meetings.access.ts'
import { meetingHeader } from './meetings.labels.ts'
import { minutesDocumentData, minutesDocx, minutesFilename, minutesPdf } from './minutes.document.ts'
import { fieldError, minutesPage, views } from './minutes.page.ts'
import {
  alreadyText,
  canReadMinutes,
  MAX_MINUTES_FILE,
  MAX_NOTE,
  MAX_SUMMARY,
  minutedItems,
  minutesOf,
  saveMinutesDraft,
  uploadMinutesFile,
} from './minutes.service.ts'
import { minutesWorkflowRoutes } from './minutes.workflow.routes.ts'

const noteField = (itemId: string) => `notes-${itemId}`

/**
 * A meeting's minutes: the page, drafting or uploading them, and the documents (Word, PDF, the
 * uploaded file). The workflow's steps and the partnership's Word templates register from here.
 */
export async function minutesRoutes(app: FastifyInstance, ctx: AppContext) {
  await app.register(templateRoutes, ctx)
  await app.register(minutesWorkflowRoutes, ctx)
  const { view, edit, today, change, base, titleOf, done, showMinutes, attempt } = minutesPage(ctx)

  app.get('/p/:slug/meetings/:meeting/minutes', { config: view }, async (request, reply) =>
    showMinutes(request, reply, await meetingFromUrl(ctx, request, today())),
  )

  // -------------------------------------------------------------------------------------------
  // Drafting: notes per agenda item, or a file

  /** The drafting pages are for the business team, while the minutes are being drafted. */
  async function draftable(request: FastifyRequest, reply: FastifyReply) {
    const access = await editableMeetingFromUrl(ctx, request, today())
    const row = await minutesOf(ctx.db, access.meeting.id)
    if (access.meeting.cancelledAt) {
      return {
        access,
        row,
        refused: await showMinutes(request, reply, access, {
          problem: 'This meeting was cancelled: it has no minutes',
          status: 400,
        }),
      }
    }
    if (row && row.status !== 'drafting') {
      return {
        access,
        row,
        refused: await showMinutes(request, reply, access, { problem: alreadyText[row.status], status: 409 }),
      }
    }
    return { access, row, refused: null }
  }

  async function showEdit(
    request: FastifyRequest,
    reply: FastifyReply,
    access: MeetingAccess,
    options: { values: Record<string, unknown>; errors?: FormErrors },
  ) {
    const items = await minutedItems(ctx.db, access.meeting.id)
    return reply.status(options.errors ? 400 : 200).render(`${views}/edit.njk`, {
      title: `Write the minutes: ${titleOf(access)}`,
      header: meetingHeader(request.partnership!.slug, access.meeting, access.group, 'minutes'),
      base: base(request, access),
      items: items.map((item, index) => ({
        number: index + 1,
        title: item.title,
        presenter: item.presenter,
        field: noteField(item.id),
      })),
      values: options.values,
      errors: options.errors,
    })
  }

  app.get('/p/:slug/meetings/:meeting/minutes/edit', { config: edit }, async (request, reply) => {
    const { access, row, refused } = await draftable(request, reply)
    if (refused) return refused
    const values: Record<string, unknown> = { summary: row?.summary ?? '' }
    for (const [id, note] of Object.entries(row?.itemNotes ?? {})) values[noteField(id)] = note
    return showEdit(request, reply, access, { values })
  })

  app.post('/p/:slug/meetings/:meeting/minutes/edit', { config: edit }, async (request, reply) => {
    const { access, refused } = await draftable(request, reply)
    if (refused) return refused
    const items = await minutedItems(ctx.db, access.meeting.id)
    const tooLong = (what: string, max: number) =>
      `${what} must be ${max.toLocaleString('en-GB')} characters or fewer`
    const schema = z.object({
      summary: z.string().max(MAX_SUMMARY, tooLong('The summary', MAX_SUMMARY)).optional().default(''),
      ...Object.fromEntries(
        items.map((item) => [
          noteField(item.id),
          z
            .string()
            .max(MAX_NOTE, tooLong(`The minutes of “${item.title}”`, MAX_NOTE))
            .optional()
            .default(''),
        ]),
      ),
    })
    const form = parseForm(schema, request.body)
    if (!form.ok) return showEdit(request, reply, access, { values: form.values, errors: form.errors })
    const data = form.data as Record<string, string>
    const notes = Object.fromEntries(items.map((item) => [item.id, data[noteField(item.id)] ?? '']))
    return attempt(request, reply, access, async () => {
      const { changed } = await saveMinutesDraft(ctx.db, change(request), {
        meeting: access.meeting,
        summary: data.summary ?? '',
        notes,
      })
      return changed ? 'saved' : 'unchanged'
    })
  })

  function showUpload(
    request: FastifyRequest,
    reply: FastifyReply,
    access: MeetingAccess,
    errors?: FormErrors,
  ) {
    return reply.status(errors ? 400 : 200).render(`${views}/upload.njk`, {
      title: `Upload the minutes: ${titleOf(access)}`,
      header: meetingHeader(request.partnership!.slug, access.meeting, access.group, 'minutes'),
      base: base(request, access),
      errors,
    })
  }

  app.get('/p/:slug/meetings/:meeting/minutes/upload', { config: edit }, async (request, reply) => {
    const { access, refused } = await draftable(request, reply)
    return refused ?? showUpload(request, reply, access)
  })

  app.post('/p/:slug/meetings/:meeting/minutes/upload', { config: edit }, async (request, reply) => {
    const { access, refused } = await draftable(request, reply)
    if (refused) return refused
    const body = (request.body ?? {}) as { file?: unknown }
    const file = isUploadedFile(body.file) ? body.file : null
    if (!file || file.content.length === 0) {
      return showUpload(request, reply, access, fieldError('file', 'Select a PDF or Word document'))
    }
    if (file.content.length > MAX_MINUTES_FILE) {
      return showUpload(request, reply, access, fieldError('file', 'The file must be smaller than 20 MB'))
    }
    try {
      const { changed } = await uploadMinutesFile(ctx.db, change(request), {
        meeting: access.meeting,
        filename: file.filename,
        content: new Uint8Array(file.content),
      })
      return reply.redirect(done(request, access, changed ? 'uploaded' : 'unchanged'), 303)
    } catch (error) {
      if (error instanceof AppError && error.code === 'minutes_file') {
        return showUpload(request, reply, access, fieldError('file', error.message))
      }
      if (error instanceof AppError && (error.status === 400 || error.status === 409)) {
        return showMinutes(request, reply, access, { problem: error.message, status: error.status })
      }
      throw error
    }
  })

  // -------------------------------------------------------------------------------------------
  // The minutes as files: the uploaded file, Word and PDF

  /** The meeting and its minutes, for someone allowed to read them (403 otherwise). */
  async function readableMinutes(request: FastifyRequest) {
    const access = await meetingFromUrl(ctx, request, today())
    const row = await minutesOf(ctx.db, access.meeting.id)
    if (!canReadMinutes(access, row?.status ?? 'none')) {
      throw new AppError('forbidden', 'These minutes are not yet circulated: you cannot read them yet', 403)
    }
    return { access, row }
  }

  app.get('/p/:slug/meetings/:meeting/minutes/file', { config: view }, async (request, reply) => {
    const { row } = await readableMinutes(request)
    if (!row?.uploadContent) throw notFound()
    return reply
      .type(row.uploadContentType ?? 'application/octet-stream')
      .header('content-disposition', attachment(row.uploadFilename ?? 'minutes'))
      .header('x-content-type-options', 'nosniff')
      .send(Buffer.from(row.uploadContent))
  })

  async function documentData(request: FastifyRequest) {
    const { access, row } = await readableMinutes(request)
    const data = await minutesDocumentData(ctx.db, {
      partnershipName: request.partnership!.name,
      meeting: access.meeting,
      group: access.group,
      minutes: row,
    })
    return { access, data }
  }

  app.get('/p/:slug/meetings/:meeting/minutes.docx', { config: view }, async (request, reply) => {
    const { access, data } = await documentData(request)
    const file = await minutesDocx(ctx.db, request.partnership!.id, data)
    return reply
      .type(docxType)
      .header('content-disposition', attachment(minutesFilename(access.meeting, access.group.slug, 'docx')))
      .send(file)
  })

  app.get('/p/:slug/meetings/:meeting/minutes.pdf', { config: view }, async (request, reply) => {
    const { access, data } = await documentData(request)
    return reply
      .type('application/pdf')
      .header('content-disposition', attachment(minutesFilename(access.meeting, access.group.slug, 'pdf')))
      .send(await minutesPdf(data))
  })
}
