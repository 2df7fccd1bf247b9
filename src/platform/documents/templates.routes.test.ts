import PizZip from 'pizzip'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, csrfTokenIn, type TestApp, type TestClient } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership, buildUser } from '../../../test/factories.ts'
import type { Partnership } from '../../modules/partnership/partnership.table.ts'
import type { Database } from '../db/client.ts'
import { docxWithLines } from './documents.fixtures.ts'
import { templateFor } from './templates.service.ts'

const NOW = new Date('2026-03-02T10:00:00Z')
const docx = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'

describe('document template pages', () => {
  let database: Database
  let t: TestApp
  let partnership: Partnership
  let admin: TestClient
  const base = () => `/p/${partnership.slug}/templates`

  beforeAll(async () => {
    database = await createTestDatabase()
    partnership = await buildPartnership(database.db)
    t = await buildTestApp(database, { now: () => NOW })
    const user = await buildUser(database.db, { partnershipId: partnership.id, role: 'administrator' })
    admin = t.client()
    await admin.signIn(user.email, user.password)
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('shows the template in use for each kind and downloads the built-in one', async () => {
    const page = await admin.get(base())
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('data-testid="template-built-in-minutes"')
    expect(page.body).toContain('data-testid="template-built-in-letter"')
    expect(page.body).toContain('<code>{addresseeName}</code>')
    const file = await admin.get(`${base()}/letter/built-in.docx`)
    expect(file.statusCode).toBe(200)
    expect(file.headers['content-type']).toBe(docx)
    expect(file.headers['content-disposition']).toContain('attachment; filename="masa-letter-template.docx"')
    expect(new PizZip(file.rawPayload).file('word/document.xml')!.asText()).toContain('{subject}')
    expect((await admin.get(`${base()}/agenda/built-in.docx`)).statusCode).toBe(404)
  })

  it('refuses a broken template with a clear message and keeps the one in use', async () => {
    const form = await admin.get(`${base()}/minutes/upload`)
    const broken = await admin.upload(
      `${base()}/minutes/upload`,
      { _csrf: csrfTokenIn(form.body) },
      {
        field: 'file',
        name: 'broken.docx',
        type: docx,
        content: Buffer.from(await docxWithLines(['{#items}{title}'])),
      },
    )
    expect(broken.statusCode).toBe(400)
    expect(broken.body).toContain('The template cannot be used: The loop with tag')
    expect((await templateFor(database.db, partnership.id, 'minutes')).own).toBe(false)
  })

  it('uses an uploaded template, and goes back to the built-in one after confirming', async () => {
    const form = await admin.get(`${base()}/minutes/upload`)
    const content = Buffer.from(
      await docxWithLines(['Our minutes: {groupName}', '{#items}', '{title}', '{/items}']),
    )
    const uploaded = await admin.upload(
      `${base()}/minutes/upload`,
      { _csrf: csrfTokenIn(form.body) },
      { field: 'file', name: 'Our “minutes”.docx', type: docx, content },
    )
    expect(uploaded.statusCode).toBe(303)
    expect(uploaded.headers.location).toBe(`${base()}?uploaded=minutes`)
    const page = await admin.get(uploaded.headers.location as string)
    expect(page.body).toContain('Your minutes template is now in use')
    expect(page.body).toContain('data-testid="template-own-minutes"')
    const own = await admin.get(`${base()}/minutes/own.docx`)
    expect(own.rawPayload.equals(content)).toBe(true)
    expect(own.headers['content-disposition']).toContain(
      "filename*=UTF-8''Our%20%E2%80%9Cminutes%E2%80%9D.docx",
    )

    const confirm = await admin.get(`${base()}/minutes/built-in`)
    expect(confirm.body).toContain('data-testid="confirm-built-in"')
    const reset = await admin.submit(`${base()}/minutes/built-in`, `${base()}/minutes/built-in`, {})
    expect(reset.headers.location).toBe(`${base()}?builtIn=minutes`)
    expect((await templateFor(database.db, partnership.id, 'minutes')).own).toBe(false)
    expect((await admin.get(`${base()}/minutes/own.docx`)).statusCode).toBe(404)
  })

  it('is for administrators: the business team gets 403', async () => {
    const user = await buildUser(database.db, { partnershipId: partnership.id, role: 'business_team' })
    const team = t.client()
    await team.signIn(user.email, user.password)
    expect((await team.get(base())).statusCode).toBe(403)
    expect((await team.get(`${base()}/minutes/built-in.docx`)).statusCode).toBe(403)
    const other = await buildPartnership(database.db)
    expect((await admin.get(`/p/${other.slug}/templates`)).statusCode).toBeGreaterThanOrEqual(403)
  })
})
