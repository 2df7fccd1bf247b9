import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { changeOf } from '../http/change.ts'
import { AppError, notFound } from '../http/errors.ts'
import type { FormErrors } from '../http/forms.ts'
import { isUploadedFile } from '../http/upload.ts'
import { builtInTemplate, templateFields } from './default-templates.ts'
import { type DocumentTemplateKind, documentTemplateKinds } from './documents.table.ts'
import { attachment, docxType } from './download.ts'
import {
  builtInFilename,
  ownTemplate,
  templateKindLabels,
  templatesInUse,
  uploadTemplate,
  useBuiltInTemplate,
} from './templates.service.ts'

const views = 'platform/documents/views'
const MAX_BYTES = 20 * 1024 * 1024

const flashes: Record<string, (kind: string) => string> = {
  uploaded: (kind) => `Your ${kind} template is now in use`,
  builtIn: (kind) => `The built-in ${kind} template is now in use`,
  unchanged: () => 'Nothing was changed',
}

const fieldError = (field: string, text: string): FormErrors => ({
  list: [{ text, href: `#${field}` }],
  fields: { [field]: { text } },
})

const kindName = (kind: DocumentTemplateKind) => templateKindLabels[kind].toLowerCase()

/** The partnership's Word templates (minutes, letters): which is in use, download, upload its own, go back. */
export async function templateRoutes(app: FastifyInstance, ctx: AppContext) {
  const config = { permission: 'templates:edit' as const }
  const base = (request: FastifyRequest) => `/p/${request.partnership!.slug}/templates`
  const change = (request: FastifyRequest) => changeOf(ctx, request)
  const kindOf = (request: FastifyRequest): DocumentTemplateKind => {
    const { kind } = request.params as { kind: string }
    const found = documentTemplateKinds.find((k) => k === kind)
    if (!found) throw notFound()
    return found
  }

  app.get('/p/:slug/templates', { config }, async (request, reply) => {
    const query = request.query as Record<string, string | undefined>
    const flashKey = Object.keys(flashes).find((key) => query[key] !== undefined)
    const flashKind = documentTemplateKinds.find((k) => k === query[flashKey ?? ''])
    return reply.render(`${views}/templates.njk`, {
      title: 'Document templates',
      base: base(request),
      templates: (await templatesInUse(ctx.db, request.partnership!.id)).map((t) => ({
        ...t,
        label: templateKindLabels[t.kind],
        fields: templateFields[t.kind],
      })),
      flash: flashKey ? flashes[flashKey]!(flashKind ? kindName(flashKind) : '') : undefined,
    })
  })

  app.get('/p/:slug/templates/:kind/built-in.docx', { config }, async (request, reply) => {
    const kind = kindOf(request)
    return reply
      .type(docxType)
      .header('content-disposition', attachment(builtInFilename(kind)))
      .send(Buffer.from(await builtInTemplate(kind)))
  })

  app.get('/p/:slug/templates/:kind/own.docx', { config }, async (request, reply) => {
    const own = await ownTemplate(ctx.db, request.partnership!.id, kindOf(request))
    if (!own) throw notFound()
    return reply
      .type(docxType)
      .header('content-disposition', attachment(own.filename))
      .send(Buffer.from(own.content))
  })

  function showUpload(
    reply: FastifyReply,
    request: FastifyRequest,
    kind: DocumentTemplateKind,
    errors?: FormErrors,
  ) {
    return reply.status(errors ? 400 : 200).render(`${views}/upload.njk`, {
      title: `Upload your ${kindName(kind)} template`,
      kind,
      kindName: kindName(kind),
      base: base(request),
      errors,
    })
  }

  app.get('/p/:slug/templates/:kind/upload', { config }, async (request, reply) =>
    showUpload(reply, request, kindOf(request)),
  )

  app.post('/p/:slug/templates/:kind/upload', { config }, async (request, reply) => {
    const kind = kindOf(request)
    const body = (request.body ?? {}) as { file?: unknown }
    const file = isUploadedFile(body.file) ? body.file : null
    if (!file || file.content.length === 0) {
      return showUpload(reply, request, kind, fieldError('file', 'Select a Word document (.docx)'))
    }
    if (file.content.length > MAX_BYTES) {
      return showUpload(reply, request, kind, fieldError('file', 'The file must be smaller than 20 MB'))
    }
    try {
      const { changed } = await uploadTemplate(ctx.db, change(request), {
        kind,
        filename: file.filename || builtInFilename(kind),
        content: new Uint8Array(file.content),
      })
      return reply.redirect(`${base(request)}?${changed ? 'uploaded' : 'unchanged'}=${kind}`, 303)
    } catch (error) {
      if (error instanceof AppError && error.code === 'template_invalid') {
        return showUpload(
          reply,
          request,
          kind,
          fieldError('file', `The template cannot be used: ${error.message}`),
        )
      }
      throw error
    }
  })

  app.get('/p/:slug/templates/:kind/built-in', { config }, async (request, reply) => {
    const kind = kindOf(request)
    return reply.render(`${views}/built-in.njk`, {
      title: `Use the built-in ${kindName(kind)} template`,
      kind,
      kindName: kindName(kind),
      base: base(request),
    })
  })

  app.post('/p/:slug/templates/:kind/built-in', { config }, async (request, reply) => {
    const kind = kindOf(request)
    const { changed } = await useBuiltInTemplate(ctx.db, change(request), kind)
    return reply.redirect(`${base(request)}?${changed ? 'builtIn' : 'unchanged'}=${kind}`, 303)
  })
}
