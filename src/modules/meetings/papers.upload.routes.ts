import type { FastifyContextConfig, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { AppContext } from '../../app.ts'
import { type FormErrors, formValues, parseForm } from '../../platform/http/forms.ts'
import { isUploadedFile } from '../../platform/http/upload.ts'
import { agendaFor } from './agenda.service.ts'
import type { MeetingAccess } from './meetings.access.ts'
import { meetingTitle } from './meetings.labels.ts'
import { checkPaperFile, paperFilename } from './papers.filetype.ts'
import { type PapersPages, papersViews as views } from './papers.pages.ts'
import { addPaper, addPaperVersion, type PaperUpload } from './papers.service.ts'
import type { Paper } from './papers.table.ts'

const uploadForm = z.object({
  title: z
    .string({ error: 'Enter the title of the paper' })
    .trim()
    .min(1, 'Enter the title of the paper')
    .max(200, 'The title must be 200 characters or fewer'),
  agendaItemId: z.string().optional().default(''),
  restricted: z.union([z.string(), z.array(z.string())]).optional(),
})

// A file over the limit is cut short rather than thrown: the rest of the form still arrives, so
// the page can say the file is too large (with the CSRF token read) instead of failing the request.
const keepParsing = { throwFileSizeLimit: false } as NonNullable<FastifyContextConfig['multipartOptions']>

/** Uploading a paper and its new versions (the business team). */
export function paperUploadRoutes(app: FastifyInstance, ctx: AppContext, pages: PapersPages) {
  const edit = { permission: 'meetings:edit' as const }
  const upload = { ...edit, multipartOptions: keepParsing }
  const { base, change, header, openMeeting, paperFromUrl } = pages

  async function readFile(
    body: unknown,
  ): Promise<{ ok: true; file: PaperUpload } | { ok: false; error: string }> {
    const file = (body as { file?: unknown } | undefined)?.file
    if (!isUploadedFile(file) || file.content.length === 0) return { ok: false, error: 'Select a file' }
    const check = await checkPaperFile(file.content)
    if (!check.ok) return check
    return {
      ok: true,
      file: {
        filename: paperFilename(file.filename, check.type.ext),
        content: file.content,
        type: check.type,
      },
    }
  }

  async function showUpload(
    request: FastifyRequest,
    reply: FastifyReply,
    access: MeetingAccess,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    const items = await agendaFor(ctx.db, access.meeting.id)
    const chosen = String(values.agendaItemId ?? '')
    const ticked = values.restricted
    return reply.status(errors ? 400 : 200).render(`${views}/upload.njk`, {
      title: `Upload a paper: ${meetingTitle(access.meeting, access.group.name)}`,
      header: header(request, access),
      pageHeading: 'Upload a paper',
      base: base(request, access),
      action: `${base(request, access)}/papers/new`,
      itemOptions: [
        { value: '', text: 'Not under an agenda item' },
        ...items.map((i) => ({ value: i.id, text: `Item ${i.number}: ${i.title}` })),
      ].map((o) => ({ ...o, selected: o.value === chosen })),
      restrictedChecked: Array.isArray(ticked) ? ticked.includes('yes') : ticked === 'yes',
      values,
      errors,
    })
  }

  app.get('/p/:slug/meetings/:meeting/papers/new', { config: edit }, async (request, reply) => {
    const access = await openMeeting(request)
    const query = request.query as { item?: string }
    return showUpload(request, reply, access, { agendaItemId: query.item ?? '' })
  })

  app.post('/p/:slug/meetings/:meeting/papers/new', { config: upload }, async (request, reply) => {
    const access = await openMeeting(request)
    const { file: _file, ...values } = formValues(request.body)
    const form = parseForm(uploadForm, values)
    const errors: FormErrors = form.ok ? { list: [], fields: {} } : form.errors
    const add = (field: string, text: string) => {
      if (errors.fields[field]) return
      errors.fields[field] = { text }
      errors.list.push({ text, href: `#${field}` })
    }
    const itemId = form.ok ? form.data.agendaItemId : ''
    if (itemId) {
      const standing = await agendaFor(ctx.db, access.meeting.id)
      if (!standing.some((i) => i.id === itemId)) add('agendaItemId', 'Select an agenda item from the list')
    }
    const file = await readFile(request.body)
    if (!file.ok) add('file', file.error)
    if (!form.ok || !file.ok || errors.list.length) return showUpload(request, reply, access, values, errors)
    const restricted = form.data.restricted
    await addPaper(ctx.db, change(request), {
      meetingId: access.meeting.id,
      title: form.data.title,
      agendaItemId: itemId || null,
      restricted: Array.isArray(restricted) ? restricted.includes('yes') : restricted === 'yes',
      file: file.file,
    })
    return reply.redirect(`${base(request, access)}/papers?uploaded=1`, 303)
  })

  async function showVersionForm(
    request: FastifyRequest,
    reply: FastifyReply,
    access: MeetingAccess,
    paper: Paper,
    errors?: FormErrors,
  ) {
    return reply.status(errors ? 400 : 200).render(`${views}/version.njk`, {
      title: `Upload a new version: ${meetingTitle(access.meeting, access.group.name)}`,
      header: header(request, access),
      pageHeading: `Upload a new version of “${paper.title}”`,
      base: base(request, access),
      paper,
      errors,
    })
  }

  app.get(
    '/p/:slug/meetings/:meeting/papers/:paper/versions/new',
    { config: edit },
    async (request, reply) => {
      const access = await openMeeting(request)
      const paper = await paperFromUrl(request, access)
      if (paper.withdrawnAt) return reply.redirect(`${base(request, access)}/papers`, 303)
      return showVersionForm(request, reply, access, paper)
    },
  )

  app.post(
    '/p/:slug/meetings/:meeting/papers/:paper/versions/new',
    { config: upload },
    async (request, reply) => {
      const access = await openMeeting(request)
      const paper = await paperFromUrl(request, access)
      const file = await readFile(request.body)
      if (!file.ok) {
        const errors = { list: [{ text: file.error, href: '#file' }], fields: { file: { text: file.error } } }
        return showVersionForm(request, reply, access, paper, errors)
      }
      await addPaperVersion(ctx.db, change(request), {
        meetingId: access.meeting.id,
        paperId: paper.id,
        file: file.file,
      })
      return reply.redirect(`${base(request, access)}/papers?version=1`, 303)
    },
  )
}
