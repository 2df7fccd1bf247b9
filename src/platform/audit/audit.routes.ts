import { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'
import { notFound } from '../http/errors.ts'
import { parseForm } from '../http/forms.ts'
import {
  auditFilterSchema,
  eachAuditEntry,
  filterNames,
  filterQuery,
  getAuditEntry,
  listAuditEntries,
  queryValues,
} from './audit.query.ts'
import { recordAudit } from './audit.service.ts'
import { csvRow } from './csv.ts'
import { londonWhen } from './london.ts'

const pageSize = 50
/** An export stops here; narrower filters get the rest. */
export const maxExportRows = 100_000
const uuid = /^[0-9a-f-]{36}$/
const seqParam = /^\d{1,15}$/

const cursor = (value: string | undefined) => (value && seqParam.test(value) ? Number(value) : undefined)

/**
 * The partnership's audit log, for administrators: a filtered list, one entry in full, and a
 * CSV export. Reading the log is not itself recorded (every page view would add an entry);
 * exporting it is, since an export leaves the service.
 */
export async function auditRoutes(app: FastifyInstance, ctx: AppContext) {
  const config = { permission: 'audit:view' as const }

  app.get('/p/:slug/audit', { config }, async (request, reply) => {
    const partnership = request.partnership!
    const query = queryValues(request.query)
    const form = parseForm(auditFilterSchema, query)
    const base = `/p/${partnership.slug}/audit`
    if (!form.ok) {
      return reply.status(400).render('platform/audit/views/audit.njk', {
        title: 'Audit log',
        errors: form.errors,
        values: form.values,
        entries: [],
        base,
        filtered: true,
      })
    }
    const filters = form.data
    const page = await listAuditEntries(ctx.db, partnership.id, filters, {
      before: cursor(query.before),
      after: cursor(query.after),
      limit: pageSize,
    })
    const qs = filterQuery(filters)
    const withQs = (extra: string) => `?${[qs, extra].filter(Boolean).join('&')}`
    const first = page.entries[0]
    const last = page.entries.at(-1)
    return reply.render('platform/audit/views/audit.njk', {
      title: 'Audit log',
      values: filters,
      entries: page.entries.map((e) => ({ ...e, when: londonWhen(e.at) })),
      base,
      filtered: qs !== '',
      csvHref: `${base}.csv${qs ? `?${qs}` : ''}`,
      newerHref: page.hasNewer && first ? withQs(`after=${first.seq}`) : undefined,
      olderHref: page.hasOlder && last ? withQs(`before=${last.seq}`) : undefined,
      maxExportRows: maxExportRows.toLocaleString('en-GB'),
    })
  })

  app.get('/p/:slug/audit.csv', { config }, async (request, reply) => {
    const partnership = request.partnership!
    const query = queryValues(request.query)
    const form = parseForm(auditFilterSchema, query)
    // The list page shows what is wrong with the filters.
    if (!form.ok) return reply.redirect(`/p/${partnership.slug}/audit?${new URLSearchParams(query)}`, 303)
    const filters = form.data
    const now = ctx.now()
    await recordAudit(
      ctx.db,
      {
        partnershipId: partnership.id,
        actorId: request.user!.id,
        entityType: 'audit_log',
        entityId: partnership.id,
        action: 'export',
        after: {
          format: 'csv',
          filters: Object.fromEntries(filterNames.filter((n) => filters[n]).map((n) => [n, filters[n]])),
        },
        requestId: request.id,
      },
      now,
    )
    const rows = async function* () {
      // A byte-order mark, so that spreadsheet programs read the file as UTF-8.
      yield `\ufeff${csvRow(header)}`
      for await (const e of eachAuditEntry(ctx.db, partnership.id, filters, { max: maxExportRows })) {
        yield csvRow([
          e.at.toISOString(),
          e.seq,
          e.actorEmail ?? '',
          e.entityType,
          e.entityId,
          e.action,
          json(e.before),
          json(e.after),
          e.requestId ?? '',
          e.hash,
        ])
      }
    }
    const filename = `audit-${partnership.slug}-${now.toISOString().slice(0, 10)}.csv`
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${filename}"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(rows()))
  })

  app.get('/p/:slug/audit/:id', { config }, async (request, reply) => {
    const partnership = request.partnership!
    const { id } = request.params as { id: string }
    const entry = uuid.test(id) ? await getAuditEntry(ctx.db, partnership.id, id) : null
    if (!entry) throw notFound()
    return reply.render('platform/audit/views/audit-entry.njk', {
      title: `Audit entry ${entry.seq}`,
      entry,
      when: londonWhen(entry.at),
      before: pretty(entry.before),
      after: pretty(entry.after),
      back: `/p/${partnership.slug}/audit`,
    })
  })
}

const header = [
  'at',
  'seq',
  'actor_email',
  'entity_type',
  'entity_id',
  'action',
  'before',
  'after',
  'request_id',
  'hash',
]
const json = (value: unknown) => (value === null || value === undefined ? '' : JSON.stringify(value))
const pretty = (value: unknown) =>
  value === null || value === undefined ? null : JSON.stringify(value, null, 2)
