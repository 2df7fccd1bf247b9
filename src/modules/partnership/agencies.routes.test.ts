import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp, titleOf } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership, buildUser } from '../../../test/factories.ts'
import { verifyAuditLog } from '../../platform/audit/audit.service.ts'
import { createApiToken } from '../../platform/auth/api-tokens.service.ts'
import type { Database } from '../../platform/db/client.ts'
import { createAgency } from './agencies.service.ts'
import type { Partnership } from './partnership.table.ts'
import { agencies } from './structure.table.ts'

type Person = { id: string; email: string; password: string }

describe('agency pages', () => {
  let database: Database
  let t: TestApp
  let partnership: Partnership
  let elsewhere: Partnership
  let editor: Person
  let member: Person
  let outsider: Person
  const base = () => `/p/${partnership.slug}/agencies`
  const validForm = (overrides: Record<string, string> = {}) => ({
    name: 'Essex Police',
    kind: 'statutory_partner',
    sector: 'police',
    'activeFrom-day': '29',
    'activeFrom-month': '9',
    'activeFrom-year': '2019',
    statutoryRole: 'police',
    leadPartnerTitle: 'Chief Constable',
    delegatedPartnerTitle: 'Assistant Chief Constable',
    executiveName: '',
    executiveTitle: '',
    executiveEmail: '',
    ...overrides,
  })
  const signedIn = async (person: Person) => {
    const client = t.client()
    await client.signIn(person.email, person.password)
    return client
  }
  const rowsOf = (html: string) => html.match(/data-testid="agency-row"/g)?.length ?? 0

  beforeAll(async () => {
    database = await createTestDatabase()
    partnership = await buildPartnership(database.db)
    elsewhere = await buildPartnership(database.db)
    editor = await buildUser(database.db, { partnershipId: partnership.id, role: 'business_team' })
    member = await buildUser(database.db, { partnershipId: partnership.id, role: 'member' })
    outsider = await buildUser(database.db, { partnershipId: elsewhere.id, role: 'administrator' })
    t = await buildTestApp(database, { now: () => new Date('2026-03-02T10:00:00Z') })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('shows an empty register with the add button to the business team', async () => {
    const client = await signedIn(editor)
    const page = await client.get(base())
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('data-testid="no-agencies"')
    expect(page.body).toContain('data-testid="add-agency"')
  })

  it('adds an agency through the form and shows it with its history', async () => {
    const client = await signedIn(editor)
    const response = await client.submit(`${base()}/new`, `${base()}/new`, validForm())
    expect(response.statusCode).toBe(303)
    const location = response.headers.location as string
    expect(location).toMatch(new RegExp(`^${base()}/[0-9a-f-]{36}\\?added=1$`))
    const page = await client.get(location)
    expect(page.body).toContain('Agency added')
    expect(page.body).toContain('data-testid="agency-name">Essex Police<')
    expect(page.body).toContain('29 September 2019')
    expect(page.body).toContain('moj-timeline')
    expect(page.body).toContain('Delegated safeguarding partner: Assistant Chief Constable')
    const [saved] = await database.db
      .select()
      .from(agencies)
      .where(eq(agencies.partnershipId, partnership.id))
    expect(saved).toMatchObject({ name: 'Essex Police', activeFrom: '2019-09-29', statutoryRole: 'police' })
  })

  it('comes back with the error summary, "Error: " in the title and every typed value', async () => {
    const client = await signedIn(editor)
    const response = await client.submit(
      `${base()}/new`,
      `${base()}/new`,
      validForm({
        name: 'Thurrock <Youth> Service',
        kind: 'relevant_agency',
        sector: '',
        'activeFrom-day': '31',
        'activeFrom-month': '2',
        'activeFrom-year': '2024',
        statutoryRole: '',
        leadPartnerTitle: 'Director',
        delegatedPartnerTitle: '',
        executiveName: 'Jo Bloggs',
        executiveTitle: 'Head of Service',
        executiveEmail: 'jo.bloggs-at-thurrock',
      }),
    )
    expect(response.statusCode).toBe(400)
    expect(titleOf(response.body)).toMatch(/^Error: Add an agency/)
    expect(response.body).toContain('govuk-error-summary')
    expect(response.body).toContain('href="#sector">Select a sector</a>')
    expect(response.body).toContain('href="#activeFrom-day">The date it joined must be a real date</a>')
    expect(response.body).toContain('href="#executiveEmail">Enter an e-mail address in the correct format')
    // Typed values come back, escaped.
    expect(response.body).toContain('value="Thurrock &lt;Youth&gt; Service"')
    expect(response.body).toMatch(/name="activeFrom-day" type="text" value="31"/)
    expect(response.body).toMatch(/name="activeFrom-month" type="text" value="2"/)
    expect(response.body).toMatch(/name="activeFrom-year" type="text" value="2024"/)
    expect(response.body).toContain('value="Jo Bloggs"')
    expect(response.body).toContain('value="Head of Service"')
    expect(response.body).toContain('value="jo.bloggs-at-thurrock"')
    expect(response.body).toContain('value="Director"')
    expect(response.body).toMatch(/value="relevant_agency" checked/)
    expect(
      await database.db.select().from(agencies).where(eq(agencies.name, 'Thurrock <Youth> Service')),
    ).toEqual([])
  })

  it('shows the rules the service enforces beside their fields: duplicate name, statutory fields', async () => {
    const client = await signedIn(editor)
    const response = await client.submit(
      `${base()}/new`,
      `${base()}/new`,
      validForm({ name: 'ESSEX POLICE', kind: 'voluntary', sector: 'voluntary' }),
    )
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('href="#name">An agency called ESSEX POLICE already exists</a>')
    expect(response.body).toContain(
      'href="#statutoryRole">Only a statutory safeguarding partner has a statutory role',
    )
    expect(response.body).toContain('href="#leadPartnerTitle">')
    expect(response.body).toContain('value="ESSEX POLICE"')
  })

  it('filters, sorts with aria-sort and pages the register', async () => {
    const names = Array.from({ length: 27 }, (_, i) => `School ${String(i + 1).padStart(2, '0')}`)
    for (const name of names) {
      await createAgency(database.db, {
        partnershipId: partnership.id,
        actorId: editor.id,
        now: new Date(),
        fields: {
          name,
          kind: 'education',
          sector: 'education',
          statutoryRole: null,
          leadPartnerTitle: null,
          delegatedPartnerTitle: null,
          executiveName: null,
          executiveTitle: null,
          executiveEmail: null,
          activeFrom: null,
        },
      })
    }
    const client = await signedIn(member)
    const first = await client.get(base())
    expect(rowsOf(first.body)).toBe(25)
    expect(first.body).toMatch(/aria-sort="ascending">\s*<a[^>]+href="[^"]+\?order=desc"/)
    expect(first.body).toContain('aria-sort="none"')
    expect(first.body).toContain(`href="${base()}?page=2"`)
    const second = await client.get(`${base()}?page=2`)
    expect(rowsOf(second.body)).toBe(3)
    const descending = await client.get(`${base()}?sort=name&order=desc`)
    expect(descending.body).toMatch(/aria-sort="descending"/)
    expect(descending.body.indexOf('School 27')).toBeLessThan(descending.body.indexOf('School 26'))
    const filtered = await client.get(`${base()}?kind=statutory_partner&q=police`)
    expect(rowsOf(filtered.body)).toBe(1)
    expect(filtered.body).toContain('Essex Police')
    expect(filtered.body).toContain('Selected filters')
    const none = await client.get(`${base()}?q=nothing+like+this`)
    expect(none.body).toContain('No agencies match the filters')
    // Nonsense in the query string falls back to the defaults.
    const odd = await client.get(`${base()}?sort=drop&order=sideways&page=-3&kind=spy`)
    expect(odd.statusCode).toBe(200)
    expect(rowsOf(odd.body)).toBe(25)
  })

  it('lets a member see the register and an agency, but not add, change or end one', async () => {
    const client = await signedIn(member)
    const page = await client.get(base())
    expect(page.statusCode).toBe(200)
    expect(page.body).not.toContain('data-testid="add-agency"')
    expect((await client.get(`${base()}/new`)).statusCode).toBe(403)
    const [agency] = await database.db
      .select()
      .from(agencies)
      .where(eq(agencies.partnershipId, partnership.id))
    const detail = await client.get(`${base()}/${agency!.id}`)
    expect(detail.statusCode).toBe(200)
    expect(detail.body).not.toContain('data-testid="edit-agency"')
    expect((await client.get(`${base()}/${agency!.id}/edit`)).statusCode).toBe(403)
    const refused = await client.post(`${base()}/new`, {
      ...validForm({ name: 'Sneaky' }),
      _csrf: page.body.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '',
    })
    expect(refused.statusCode).toBe(403)
    expect(await database.db.select().from(agencies).where(eq(agencies.name, 'Sneaky'))).toEqual([])
  })

  it('answers 404 to a person from another partnership, and for an unknown agency', async () => {
    const client = await signedIn(outsider)
    expect((await client.get(base())).statusCode).toBe(404)
    const [agency] = await database.db
      .select()
      .from(agencies)
      .where(eq(agencies.partnershipId, partnership.id))
    expect((await client.get(`${base()}/${agency!.id}`)).statusCode).toBe(404)
    const insider = await signedIn(editor)
    expect((await insider.get(`${base()}/not-a-uuid`)).statusCode).toBe(404)
    expect((await insider.get(`${base()}/00000000-0000-4000-8000-000000000000`)).statusCode).toBe(404)
    // Another partnership's agency is not found through this partnership's address.
    const theirs = await createAgency(database.db, {
      partnershipId: elsewhere.id,
      actorId: outsider.id,
      now: new Date(),
      fields: {
        name: 'Kent Police',
        kind: 'other',
        sector: 'police',
        statutoryRole: null,
        leadPartnerTitle: null,
        delegatedPartnerTitle: null,
        executiveName: null,
        executiveTitle: null,
        executiveEmail: null,
        activeFrom: null,
      },
    })
    expect((await insider.get(`${base()}/${theirs.id}`)).statusCode).toBe(404)
  })

  it('changes and ends an agency, keeping every typed value when the end form is wrong', async () => {
    const client = await signedIn(editor)
    const [agency] = await database.db.select().from(agencies).where(eq(agencies.name, 'Essex Police'))
    const url = `${base()}/${agency!.id}`
    const edit = await client.get(`${url}/edit`)
    expect(edit.body).toMatch(/name="activeFrom-day" type="text" value="29"/)
    const saved = await client.submit(
      `${url}/edit`,
      `${url}/edit`,
      validForm({ executiveEmail: 'cc@essex.police.uk' }),
    )
    expect(saved.headers.location).toBe(`${url}?saved=1`)
    const wrong = await client.submit(`${url}/end`, `${url}/end`, {
      'activeTo-day': '1',
      'activeTo-month': '',
      'activeTo-year': '2018',
      closedReason: '',
    })
    expect(wrong.statusCode).toBe(400)
    expect(titleOf(wrong.body)).toMatch(/^Error: End Essex Police/)
    expect(wrong.body).toContain('href="#activeTo-month">The date it ended must include a month</a>')
    expect(wrong.body).toContain(
      'href="#closedReason">Enter why the agency is no longer part of the arrangements</a>',
    )
    expect(wrong.body).toMatch(/name="activeTo-year" type="text" value="2018"/)
    const early = await client.submit(`${url}/end`, `${url}/end`, {
      'activeTo-day': '1',
      'activeTo-month': '1',
      'activeTo-year': '2018',
      closedReason: 'Merged',
    })
    expect(early.statusCode).toBe(400)
    expect(early.body).toContain('The date it ended must be the same as or after the date it joined')
    expect(early.body).toContain('>Merged</textarea>')
    const ended = await client.submit(`${url}/end`, `${url}/end`, {
      'activeTo-day': '1',
      'activeTo-month': '3',
      'activeTo-year': '2026',
      closedReason: 'Force merger',
    })
    expect(ended.headers.location).toBe(`${url}?ended=1`)
    const page = await client.get(`${url}?ended=1`)
    expect(page.body).toContain('data-testid="agency-status">Ended<')
    expect(page.body).toContain('Agency ended')
    expect(page.body).toContain('Executive’s e-mail address: none → cc@essex.police.uk')
    // The row is kept, closed with its date and reason.
    const [row] = await database.db.select().from(agencies).where(eq(agencies.id, agency!.id))
    expect(row).toMatchObject({ activeTo: '2026-03-01', closedReason: 'Force merger' })
    expect((await verifyAuditLog(database.db)).ok).toBe(true)
  })

  describe('API', () => {
    it('lists the agencies of the token’s partnership and refuses another’s', async () => {
      const { token } = await createApiToken(database.db, {
        partnershipId: partnership.id,
        name: 'Reporting',
        scope: 'read',
        createdBy: null,
        expiresAt: null,
        now: new Date(),
      })
      const headers = { authorization: `Bearer ${token}` }
      const response = await t.app.inject({
        method: 'GET',
        url: `/api/v1/partnerships/${partnership.slug}/agencies?kind=statutory_partner`,
        headers,
      })
      expect(response.statusCode).toBe(200)
      const body = response.json()
      expect(body).toMatchObject({ total: 1, page: 1, pages: 1 })
      expect(body.items[0]).toMatchObject({
        name: 'Essex Police',
        kind: 'statutory_partner',
        statutoryRole: 'police',
        activeTo: '2026-03-01',
        status: 'ended',
      })
      expect(body.items[0].partnershipId).toBeUndefined()
      const all = await t.app.inject({
        method: 'GET',
        url: `/api/v1/partnerships/${partnership.slug}/agencies?pageSize=10&page=3`,
        headers,
      })
      expect(all.json()).toMatchObject({ total: 28, page: 3, pages: 3 })
      const other = await t.app.inject({
        method: 'GET',
        url: `/api/v1/partnerships/${elsewhere.slug}/agencies`,
        headers,
      })
      expect([403, 404]).toContain(other.statusCode)
      expect(other.headers['content-type']).toContain('application/problem+json')
      const anonymous = await t.app.inject({
        method: 'GET',
        url: `/api/v1/partnerships/${partnership.slug}/agencies`,
      })
      expect(anonymous.statusCode).toBe(401)
      const spec = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json()
      expect(spec.paths['/api/v1/partnerships/{slug}/agencies'].get.tags).toEqual(['agencies'])
    })
  })
})
