import { createHash, randomUUID } from 'node:crypto'
import { and, eq, sql } from 'drizzle-orm'
import { auditChange, type ChangeContext } from '../audit/audit.service.ts'
import { users } from '../auth/auth.table.ts'
import type { Db, DbOrTx } from '../db/client.ts'
import { appError } from '../http/errors.ts'
import { builtInTemplate, fieldNames, sampleData } from './default-templates.ts'
import { type DocumentTemplateKind, documentTemplateKinds, documentTemplates } from './documents.table.ts'
import { renderDocx, TemplateProblem, templateTags } from './docx.ts'

export const templateKindLabels: Record<DocumentTemplateKind, string> = {
  minutes: 'Minutes',
  letter: 'Letters',
}

export const builtInFilename = (kind: DocumentTemplateKind) => `masa-${kind}-template.docx`

export interface TemplateInUse {
  kind: DocumentTemplateKind
  /** The partnership's own template, or null when the built-in one is used. */
  own: { filename: string; uploadedAt: Date; uploadedByName: string | null; size: number } | null
}

/** The template each kind of document is drawn from: the partnership's own or the built-in one. */
export async function templatesInUse(db: DbOrTx, partnershipId: string): Promise<TemplateInUse[]> {
  const rows = await db
    .select({
      kind: documentTemplates.kind,
      filename: documentTemplates.filename,
      uploadedAt: documentTemplates.uploadedAt,
      uploadedByName: users.name,
      size: sql<number>`octet_length(${documentTemplates.content})`.mapWith(Number),
    })
    .from(documentTemplates)
    .leftJoin(users, eq(users.id, documentTemplates.uploadedById))
    .where(eq(documentTemplates.partnershipId, partnershipId))
  return documentTemplateKinds.map((kind) => {
    const row = rows.find((r) => r.kind === kind)
    return {
      kind,
      own: row
        ? {
            filename: row.filename,
            uploadedAt: row.uploadedAt,
            uploadedByName: row.uploadedByName,
            size: row.size,
          }
        : null,
    }
  })
}

async function ownRow(db: DbOrTx, partnershipId: string, kind: DocumentTemplateKind) {
  const [row] = await db
    .select()
    .from(documentTemplates)
    .where(and(eq(documentTemplates.partnershipId, partnershipId), eq(documentTemplates.kind, kind)))
  return row ?? null
}

/** The partnership's own template file of a kind, if it uploaded one. */
export async function ownTemplate(db: DbOrTx, partnershipId: string, kind: DocumentTemplateKind) {
  const row = await ownRow(db, partnershipId, kind)
  return row ? { filename: row.filename, content: new Uint8Array(row.content) } : null
}

/**
 * The template to fill for a kind of document: the partnership's own when it uploaded one, the
 * built-in one otherwise. Fill it with `renderDocx(template.content, data)`.
 */
export async function templateFor(
  db: DbOrTx,
  partnershipId: string,
  kind: DocumentTemplateKind,
): Promise<{ content: Uint8Array; own: boolean; filename: string }> {
  const own = await ownTemplate(db, partnershipId, kind)
  if (own) return { ...own, own: true }
  return { content: await builtInTemplate(kind), own: false, filename: builtInFilename(kind) }
}

/**
 * What is wrong with a template of the kind, in words (nothing when it can be used): it must be
 * a Word document, its placeholders must be well formed, it must use at least one field and only
 * the kind's fields, and it must fill with sample data.
 */
export function templateProblems(kind: DocumentTemplateKind, content: Uint8Array): string[] {
  try {
    const known = fieldNames(kind)
    const tags = templateTags(content)
    if (tags.length === 0) {
      return [
        'The template has no fields in curly brackets, such as {partnershipName}: download the built-in template and keep its fields',
      ]
    }
    const unknown = tags.filter((name) => !known.has(name))
    if (unknown.length) {
      return unknown.map(
        (name) =>
          `The template uses {${name}}, which is not a field of ${templateKindLabels[kind].toLowerCase()}`,
      )
    }
    renderDocx(content, sampleData[kind])
    return []
  } catch (error) {
    if (error instanceof TemplateProblem) return error.problems
    throw error
  }
}

const fingerprint = (content: Uint8Array) => createHash('sha256').update(content).digest('hex')

/**
 * Makes an uploaded .docx the partnership's template of a kind, after checking it: a template
 * with problems is refused (status 400, the problems in the message) and nothing is saved.
 * The same file again changes nothing.
 */
export async function uploadTemplate(
  db: Db,
  change: ChangeContext,
  input: { kind: DocumentTemplateKind; filename: string; content: Uint8Array },
): Promise<{ changed: boolean }> {
  const problems = templateProblems(input.kind, input.content)
  if (problems.length) throw appError('template_invalid', problems.join('. '), 400)
  const after = {
    kind: input.kind,
    filename: input.filename,
    size: input.content.length,
    sha256: fingerprint(input.content),
  }
  return db.transaction(async (tx) => {
    const existing = await ownRow(tx, change.partnershipId, input.kind)
    const before = existing
      ? {
          kind: existing.kind,
          filename: existing.filename,
          size: existing.content.length,
          sha256: fingerprint(existing.content),
        }
      : null
    if (before && before.sha256 === after.sha256 && before.filename === after.filename) {
      return { changed: false }
    }
    const id = existing?.id ?? randomUUID()
    const values = {
      filename: input.filename,
      content: input.content,
      uploadedById: change.actorId,
      uploadedAt: change.now,
    }
    if (existing) await tx.update(documentTemplates).set(values).where(eq(documentTemplates.id, id))
    else
      await tx
        .insert(documentTemplates)
        .values({ id, partnershipId: change.partnershipId, kind: input.kind, ...values })
    await auditChange(
      tx,
      change,
      { type: 'document_template', id },
      existing ? 'replace' : 'upload',
      before,
      after,
    )
    return { changed: true }
  })
}

/** Goes back to the built-in template of a kind (the partnership's own is removed; the audit log keeps its name and fingerprint). */
export async function useBuiltInTemplate(
  db: Db,
  change: ChangeContext,
  kind: DocumentTemplateKind,
): Promise<{ changed: boolean }> {
  return db.transaction(async (tx) => {
    const existing = await ownRow(tx, change.partnershipId, kind)
    if (!existing) return { changed: false }
    await tx.delete(documentTemplates).where(eq(documentTemplates.id, existing.id))
    await auditChange(
      tx,
      change,
      { type: 'document_template', id: existing.id },
      'use_built_in',
      {
        kind,
        filename: existing.filename,
        size: existing.content.length,
        sha256: fingerprint(existing.content),
      },
      { kind, builtIn: true },
    )
    return { changed: true }
  })
}
