import { eq } from 'drizzle-orm'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, csrfTokenIn, type TestApp, type TestClient } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership, buildUser } from '../../../test/factories.ts'
import type { Database } from '../../platform/db/client.ts'
import type { Partnership } from './partnership.table.ts'
import { applyStructurePreset, readJsonPreset, structurePresetSchema } from './structure.presets.ts'
import { agencies, memberships, people } from './structure.table.ts'

describe('import and export of registers', () => {
  let database: Database
  let t: TestApp
  let partnership: Partnership
  let team: { email: string; password: string }

  beforeAll(async () => {
    database = await createTestDatabase()
    partnership = await buildPartnership(database.db)
    team = await buildUser(database.db, { partnershipId: partnership.id, role: 'business_team' })
    const preset = readJsonPreset('thurrock', structurePresetSchema)
    await applyStructurePreset(database.db, {
      partnershipId: partnership.id,
      preset: { ...preset, accounts: [] },
      now: new Date(),
    })
    t = await buildTestApp(database)
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  async function upload(
    client: TestClient,
    kind: string,
    name: string,
    content: Buffer | string,
    type = 'text/csv',
  ) {
    const page = await client.get(`/p/${partnership.slug}/import`)
    return client.upload(
      `/p/${partnership.slug}/import`,
      { _csrf: csrfTokenIn(page.body), kind },
      { field: 'file', name, type, content },
    )
  }

  it('previews every row’s problems and saves nothing', async () => {
    const client = t.client()
    await client.signIn(team.email, team.password)
    const csv = [
      'Name,Job title,Agency,E-mail',
      'Asha Kaur,Designated Safeguarding Lead,Thurrock secondary schools and academies,asha.kaur@school.example',
      'Bad Address,Officer,Essex Police,not-an-email',
      'Unknown Agency,Officer,Essex Fire Brigade,unknown@example.org',
      'Duplicate,Officer,,asha.kaur@school.example',
    ].join('\n')
    const before = (await database.db.select().from(people)).length
    const response = await upload(client, 'people', 'people.csv', csv)
    expect(response.statusCode).toBe(303)
    const preview = await client.get(response.headers.location as string)
    expect(preview.body).toContain('4 rows')
    expect(preview.body).toContain('3 with problems')
    expect(preview.body).toContain('Email “not-an-email” is not an e-mail address')
    expect(preview.body).toContain('Agency “Essex Fire Brigade” is not in the register')
    expect(preview.body).toContain('Email asha.kaur@school.example is also on row 2')
    expect(preview.body).not.toContain('data-testid="confirm-import"')
    expect((await database.db.select().from(people)).length).toBe(before)
    // Confirming anyway is refused and changes nothing.
    const id = (response.headers.location as string).split('/').at(-1)!
    const forced = await client.submit(
      response.headers.location as string,
      `/p/${partnership.slug}/import/${id}/confirm`,
      {},
    )
    expect(forced.headers.location).toContain('problem=')
    expect((await database.db.select().from(people)).length).toBe(before)
  })

  it('saves a clean Excel import once, with a summary, and refuses a second confirmation', async () => {
    const client = t.client()
    await client.signIn(team.email, team.password)
    const workbook = new ExcelJS.Workbook()
    const sheet = workbook.addWorksheet('Agencies')
    sheet.addRow(['Name', 'Kind', 'Sector', 'Executive name', 'Executive title', 'Executive email'])
    sheet.addRow([
      'Thurrock Mind',
      'Voluntary',
      'voluntary',
      'Pat Lee',
      'Chief Executive',
      'pat.lee@mind.example',
    ])
    sheet.addRow(['Thurrock Foodbank', 'voluntary', 'Voluntary', '', '', ''])
    const content = Buffer.from(await workbook.xlsx.writeBuffer())
    const response = await upload(client, 'agencies', 'agencies.xlsx', content, 'application/octet-stream')
    expect(response.statusCode).toBe(303)
    const location = response.headers.location as string
    const preview = await client.get(location)
    expect(preview.body).toContain('data-testid="confirm-import"')
    const id = location.split('/').at(-1)!
    const saved = await client.submit(location, `/p/${partnership.slug}/import/${id}/confirm`, {})
    expect(saved.headers.location).toBe(location)
    expect((await client.get(location)).body).toContain('2 agencies added from agencies.xlsx')
    const mind = await database.db.select().from(agencies).where(eq(agencies.name, 'Thurrock Mind'))
    expect(mind[0]).toMatchObject({
      kind: 'voluntary',
      sector: 'voluntary',
      executiveEmail: 'pat.lee@mind.example',
    })
    const again = await client.submit(location, `/p/${partnership.slug}/import/${id}/confirm`, {})
    expect(decodeURIComponent(String(again.headers.location))).toContain('already been saved')
  })

  it('checks memberships: deputies must stand in for a member of the group', async () => {
    const client = t.client()
    await client.signIn(team.email, team.password)
    const csv = [
      'Group,Person email,Role,Agency,Starts on,Ends on,Deputy for email',
      'Multi-Agency Audit Group,tom.fairweather@school.example,member,,2026-04-01,,',
      'audit-group,sara.lind@probation.example,deputy,,2026-04-01,,tom.fairweather@school.example',
      'audit-group,chris.daly@thurrock.example,deputy,,2026-04-01,,mark.ellis@probation.example',
      'No Such Group,chris.daly@thurrock.example,member,,2026-13-01,,',
    ].join('\n')
    const response = await upload(client, 'memberships', 'members.csv', csv)
    const preview = await client.get(response.headers.location as string)
    expect(preview.body).toContain('2 with problems')
    // A deputy for a member the same file adds is fine; for someone not in the group it is not.
    expect(preview.body).toContain(
      'Deputy for mark.ellis@probation.example: that person is not a member of audit-group',
    )
    expect(preview.body).toContain('Group “No Such Group” is not in the partnership')
    expect(preview.body).toContain('Starts on must be a date like 2026-04-01')
  })

  it('refuses a file that is not a register, keeping the choice', async () => {
    const client = t.client()
    await client.signIn(team.email, team.password)
    const empty = await upload(client, 'people', 'empty.csv', '')
    expect(empty.statusCode).toBe(400)
    expect(empty.body).toContain('Select a CSV or Excel file')
    const noColumns = await upload(client, 'agencies', 'x.csv', 'Colour,Size\nred,big\n')
    expect(noColumns.statusCode).toBe(400)
    expect(noColumns.body).toContain('The file has no column for: Name, Kind, Sector')
    expect(noColumns.body).toMatch(/value="agencies" checked/)
  })

  it('exports registers as CSV and Excel in the columns an import reads', async () => {
    const client = t.client()
    await client.signIn(team.email, team.password)
    const csv = await client.get(`/p/${partnership.slug}/export/memberships.csv`)
    expect(csv.headers['content-type']).toContain('text/csv')
    expect(csv.body.split('\r\n')[0]).toBe(
      'Group,Person email,Role,Agency,Starts on,Ends on,Deputy for email',
    )
    expect(csv.body).toContain(
      'Management Executive Board,sara.lind@probation.example,deputy,The Probation Service (Essex),2025-04-01,,mark.ellis@probation.example',
    )
    const xlsx = await t.app.inject({
      url: `/p/${partnership.slug}/export/people.xlsx`,
      headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    })
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer)
    expect(workbook.worksheets[0]?.getRow(1).getCell(1).value).toBe('Name')
    expect(workbook.worksheets[0]?.rowCount).toBe(13)
    expect((await client.get(`/p/${partnership.slug}/export/secrets.csv`)).statusCode).toBe(404)
    void memberships
  })
})
