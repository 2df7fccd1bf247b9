import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'
import { AppError, notFound } from '../../platform/http/errors.ts'
import type { FormErrors } from '../../platform/http/forms.ts'
import { isUploadedFile } from '../../platform/http/upload.ts'
import { exportCsv, exportXlsx } from './export.service.ts'
import { columns, importKindLabels } from './import.columns.ts'
import { UnreadableFileError } from './import.parse.ts'
import { confirmImport, createImport, getImport, recentImports } from './import.service.ts'
import { type ImportKind, importKinds } from './import.table.ts'

const MAX_BYTES = 5 * 1024 * 1024
const kindItems = importKinds.map((value) => ({ value, text: importKindLabels[value] }))
const fieldError = (field: string, text: string): FormErrors => ({
  list: [{ text, href: `#${field}` }],
  fields: { [field]: { text } },
})

/** Import registers from CSV or Excel: upload, a preview listing each row's problems, nothing saved until confirmed. */
export async function importRoutes(app: FastifyInstance, ctx: AppContext) {
  const edit = { permission: 'structure:edit' as const }
  const template = 'modules/partnership/views/import/upload.njk'

  app.get('/p/:slug/import', { config: edit }, async (request, reply) =>
    reply.render(template, {
      title: 'Import a register',
      kindItems,
      columns,
      recent: await recentImports(ctx.db, request.partnership!.id),
      values: { kind: (request.query as { kind?: string }).kind },
    }),
  )

  app.post('/p/:slug/import', { config: edit }, async (request, reply) => {
    const body = (request.body ?? {}) as { kind?: unknown; file?: unknown }
    const kind = importKinds.find((k) => k === body.kind)
    const again = async (errors: FormErrors) =>
      reply.status(400).render(template, {
        title: 'Import a register',
        kindItems,
        columns,
        errors,
        values: { kind },
        recent: await recentImports(ctx.db, request.partnership!.id),
      })
    if (!kind) return again(fieldError('kind', 'Select what the file holds'))
    const file = isUploadedFile(body.file) ? body.file : null
    const content = file?.content
    if (!file || !content || content.length === 0)
      return again(fieldError('file', 'Select a CSV or Excel file'))
    if (content.length > MAX_BYTES) return again(fieldError('file', 'The file must be smaller than 5 MB'))
    try {
      const id = await createImport(ctx.db, {
        partnershipId: request.partnership!.id,
        kind,
        fileName: file.filename,
        content,
        actorId: request.user!.id,
        now: ctx.now(),
      })
      return reply.redirect(`/p/${request.partnership!.slug}/import/${id}`, 303)
    } catch (error) {
      if (error instanceof UnreadableFileError || error instanceof AppError)
        return again(fieldError('file', error.message))
      throw error
    }
  })

  app.get('/p/:slug/import/:id', { config: edit }, async (request, reply) => {
    const { id } = request.params as { id: string }
    const pending = /^[0-9a-f-]{36}$/.test(id) ? await getImport(ctx.db, request.partnership!.id, id) : null
    if (!pending) throw notFound()
    const withProblems = pending.rows.filter((r) => r.problems.length).length
    const query = request.query as { problem?: string }
    return reply.render('modules/partnership/views/import/preview.njk', {
      title: pending.confirmedAt ? 'Import saved' : 'Check the import',
      pending,
      kindLabel: importKindLabels[pending.kind],
      columns: columns[pending.kind as ImportKind],
      withProblems,
      problem: query.problem,
    })
  })

  app.post('/p/:slug/import/:id/confirm', { config: edit }, async (request, reply) => {
    const { id } = request.params as { id: string }
    if (!/^[0-9a-f-]{36}$/.test(id)) throw notFound()
    const base = `/p/${request.partnership!.slug}/import/${id}`
    try {
      await confirmImport(ctx.db, {
        partnershipId: request.partnership!.id,
        id,
        actorId: request.user!.id,
        now: ctx.now(),
        requestId: request.id,
      })
    } catch (error) {
      if (error instanceof AppError && error.status === 409) {
        return reply.redirect(`${base}?problem=${encodeURIComponent(error.message)}`, 303)
      }
      throw error
    }
    return reply.redirect(base, 303)
  })

  app.get('/p/:slug/export/:file', { config: { permission: 'structure:view' } }, async (request, reply) => {
    const { file } = request.params as { file: string }
    const [name, format] = file.split('.') as [string, string | undefined]
    const kind = importKinds.find((k) => k === name)
    if (!kind || (format !== 'csv' && format !== 'xlsx')) throw notFound()
    const partnership = request.partnership!
    const fileName = `${partnership.slug}-${kind}-${ctx.now().toISOString().slice(0, 10)}.${format}`
    reply.header('content-disposition', `attachment; filename="${fileName}"`)
    if (format === 'csv') {
      return reply.type('text/csv; charset=utf-8').send(await exportCsv(ctx.db, partnership.id, kind))
    }
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .send(await exportXlsx(ctx.db, partnership.id, kind))
  })
}
