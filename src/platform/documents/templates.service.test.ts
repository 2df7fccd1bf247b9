import { and, count, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership, buildUser } from '../../../test/factories.ts'
import { auditLog } from '../audit/audit.table.ts'
import type { Database } from '../db/client.ts'
import { AppError } from '../http/errors.ts'
import { builtInTemplate, sampleData } from './default-templates.ts'
import { documentText, docxWithLines } from './documents.fixtures.ts'
import { renderDocx } from './docx.ts'
import {
  templateFor,
  templateProblems,
  templatesInUse,
  uploadTemplate,
  useBuiltInTemplate,
} from './templates.service.ts'

const NOW = new Date('2026-03-02T10:00:00Z')

describe('document templates', () => {
  let database: Database
  let partnershipId: string
  let actorId: string
  const change = () => ({ partnershipId, actorId, now: NOW })
  const audits = async () =>
    (
      await database.db
        .select({ n: count() })
        .from(auditLog)
        .where(and(eq(auditLog.partnershipId, partnershipId), eq(auditLog.entityType, 'document_template')))
    )[0]!.n

  beforeAll(async () => {
    database = await createTestDatabase()
    partnershipId = (await buildPartnership(database.db)).id
    actorId = (await buildUser(database.db, { partnershipId, role: 'administrator' })).id
  })
  afterAll(() => database.close())

  it('fills the built-in minutes and letter templates, with line breaks and lists', async () => {
    const minutes = await documentText(renderDocx(await builtInTemplate('minutes'), sampleData.minutes))
    expect(minutes).toContain('Minutes: Strategic Group')
    expect(minutes).toContain('A summary.\nOn two lines.')
    expect(minutes).toContain('A Deputy, Example Agency, for A Member')
    expect(minutes).toContain('Decision D1: Agreed.')
    expect(minutes).not.toContain('{')
    const letter = await documentText(renderDocx(await builtInTemplate('letter'), sampleData.letter))
    expect(letter).toContain('Dear A Person,')
    expect(letter).toContain('The second paragraph.')
    expect(letter).toContain('Business Manager')
    expect(await builtInTemplate('letter')).toBe(await builtInTemplate('letter'))
  })

  it('uses the built-in template until the partnership uploads its own, and goes back to it', async () => {
    expect((await templateFor(database.db, partnershipId, 'minutes')).own).toBe(false)
    const own = await docxWithLines([
      'OUR OWN MINUTES of {groupName}',
      '{#items}',
      '{number}. {title}: {notes}',
      '{/items}',
    ])
    expect(
      await uploadTemplate(database.db, change(), { kind: 'minutes', filename: 'ours.docx', content: own }),
    ).toEqual({
      changed: true,
    })
    expect(
      await uploadTemplate(database.db, change(), { kind: 'minutes', filename: 'ours.docx', content: own }),
    ).toEqual({
      changed: false,
    })
    const used = await templateFor(database.db, partnershipId, 'minutes')
    expect(used).toMatchObject({ own: true, filename: 'ours.docx' })
    const text = await documentText(
      renderDocx(used.content, {
        groupName: 'Audit Group',
        items: [{ number: 1, title: 'Welcome', notes: 'Hello' }],
      }),
    )
    expect(text).toContain('OUR OWN MINUTES of Audit Group')
    expect(text).toContain('1. Welcome: Hello')
    const listed = await templatesInUse(database.db, partnershipId)
    expect(listed.find((t) => t.kind === 'minutes')?.own?.filename).toBe('ours.docx')
    expect(listed.find((t) => t.kind === 'letter')?.own).toBeNull()
    expect(await audits()).toBe(1)

    expect(await useBuiltInTemplate(database.db, change(), 'minutes')).toEqual({ changed: true })
    expect(await useBuiltInTemplate(database.db, change(), 'minutes')).toEqual({ changed: false })
    expect((await templateFor(database.db, partnershipId, 'minutes')).own).toBe(false)
    expect(await audits()).toBe(2)
  })

  it('refuses a broken template with a clear message and saves nothing', async () => {
    const cases: [Uint8Array, string][] = [
      [await docxWithLines(['Minutes of {groupName']), 'The tag beginning with "{groupName" is unclosed'],
      [await docxWithLines(['{#items}{title}']), 'The loop with tag "items" is unclosed'],
      [
        await docxWithLines(['Minutes of {groupname}']),
        'The template uses {groupname}, which is not a field of minutes',
      ],
      [await docxWithLines(['No fields here']), 'The template has no fields in curly brackets'],
      [new Uint8Array(Buffer.from('not a zip at all')), 'The file is not a Word document (.docx)'],
    ]
    for (const [content, message] of cases) {
      expect(templateProblems('minutes', content).join(' ')).toContain(message)
      try {
        await uploadTemplate(database.db, change(), { kind: 'minutes', filename: 'broken.docx', content })
        throw new Error('expected a refusal')
      } catch (error) {
        expect(error).toBeInstanceOf(AppError)
        expect((error as AppError).status).toBe(400)
        expect((error as AppError).message).toContain(message)
      }
    }
    expect((await templateFor(database.db, partnershipId, 'minutes')).own).toBe(false)
  })
})
