import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp, titleOf } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership, buildUser } from '../../../test/factories.ts'
import type { Database } from '../../platform/db/client.ts'
import { addGroup, addPerson, insertAgency, NOW } from './groups.fixtures.ts'
import { addMembership } from './memberships.service.ts'
import type { Partnership } from './partnership.table.ts'
import { type Agency, people } from './structure.table.ts'

type Account = { id: string; email: string; password: string }

describe('people pages', () => {
  let database: Database
  let t: TestApp
  let partnership: Partnership
  let editor: Account
  let member: Account
  let police: Agency
  const base = () => `/p/${partnership.slug}/people`
  const signedIn = async (account: Account) => {
    const client = t.client()
    await client.signIn(account.email, account.password)
    return client
  }
  const rows = (html: string) => html.match(/data-testid="person-row"/g)?.length ?? 0

  beforeAll(async () => {
    database = await createTestDatabase()
    partnership = await buildPartnership(database.db)
    editor = await buildUser(database.db, { partnershipId: partnership.id, role: 'business_team' })
    member = await buildUser(database.db, { partnershipId: partnership.id, role: 'member' })
    police = await insertAgency(database.db, partnership.id, {
      name: 'Essex Police',
      kind: 'statutory_partner',
    })
    t = await buildTestApp(database, { now: () => NOW })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('adds a person through the form, linking their account, and shows their groups', async () => {
    const client = await signedIn(editor)
    const empty = await client.get(base())
    expect(empty.body).toContain('data-testid="no-people"')
    expect(empty.body).toContain('data-testid="add-person"')
    const response = await client.submit(`${base()}/new`, `${base()}/new`, {
      name: 'Daniel Okafor',
      jobTitle: 'Head of Public Protection',
      agencyId: police.id,
      email: member.email,
    })
    expect(response.statusCode).toBe(303)
    const location = response.headers.location as string
    expect(location).toMatch(new RegExp(`^${base()}/[0-9a-f-]{36}\\?added=1$`))
    const id = location.split('/').at(-1)!.split('?')[0]!
    const group = await addGroup(database.db, partnership.id, { name: 'Audit Group' })
    await addMembership(database.db, {
      partnershipId: partnership.id,
      actorId: null,
      now: NOW,
      groupId: group.id,
      fields: {
        personId: id,
        role: 'member',
        deputyForId: null,
        agencyId: null,
        startsOn: '2025-04-01',
        endsOn: null,
        ruleException: null,
      },
    })
    const page = await client.get(location)
    expect(page.body).toContain('Person added')
    expect(page.body).toContain('data-testid="person-name">Daniel Okafor<')
    expect(page.body).toMatch(/Signs in to MASA\s*<\/dt>\s*<dd class="govuk-summary-list__value">\s*Yes/)
    expect(page.body).toContain('Audit Group</a>')
  })

  it('refuses a duplicate e-mail, keeping what was typed', async () => {
    const client = await signedIn(editor)
    await addPerson(database.db, partnership.id, {
      name: 'Helen Marsh',
      email: 'helen.marsh@msehealth.example',
    })
    const typed = {
      name: 'H Marsh',
      jobTitle: 'Chief Nurse',
      agencyId: police.id,
      email: 'HELEN.MARSH@msehealth.example',
    }
    const response = await client.submit(`${base()}/new`, `${base()}/new`, typed)
    expect(response.statusCode).toBe(400)
    expect(titleOf(response.body)).toMatch(/^Error: Add a person/)
    expect(response.body).toContain(
      'Helen Marsh already has the e-mail address HELEN.MARSH@msehealth.example in the directory',
    )
    expect(response.body).toContain('href="#email"')
    expect(response.body).toContain('value="H Marsh"')
    expect(response.body).toContain('value="Chief Nurse"')
    expect(response.body).toContain(`<option value="${police.id}" selected>`)
    expect(await database.db.select().from(people).where(eq(people.name, 'H Marsh'))).toEqual([])
  })

  it('filters, sorts and pages the directory', async () => {
    const own = await buildPartnership(database.db)
    const admin = await buildUser(database.db, { partnershipId: own.id, role: 'administrator' })
    const agency = await insertAgency(database.db, own.id, { name: 'Thurrock Council' })
    for (let i = 1; i <= 27; i++)
      await addPerson(database.db, own.id, {
        name: `Person ${String(i).padStart(2, '0')}`,
        agencyId: i % 2 ? agency.id : null,
      })
    const client = await signedIn(admin)
    const url = `/p/${own.slug}/people`
    const first = await client.get(url)
    expect(rows(first.body)).toBe(25)
    expect(first.body).toContain('Showing 1 to 25 of 27')
    expect(first.body).toContain(`href="${url}?page=2"`)
    const second = await client.get(`${url}?page=2`)
    expect(rows(second.body)).toBe(2)
    const filtered = await client.get(`${url}?agency=${agency.id}&q=person+0`)
    expect(rows(filtered.body)).toBe(5)
    expect(filtered.body).toContain('Clear filters')
    const sorted = await client.get(`${url}?sort=name&order=desc`)
    expect(sorted.body.indexOf('Person 27')).toBeLessThan(sorted.body.indexOf('Person 26'))
    expect(sorted.body).toContain('aria-sort="descending"')
    expect((await client.get(`${url}?sort=nonsense&page=-4`)).statusCode).toBe(200)
  })

  it('records that someone has left', async () => {
    const client = await signedIn(editor)
    const person = await addPerson(database.db, partnership.id, { name: 'Leaving Person' })
    const page = `${base()}/${person.id}/leave`
    const missing = await client.submit(page, page, {
      'leftOn-day': '',
      'leftOn-month': '',
      'leftOn-year': '',
    })
    expect(missing.statusCode).toBe(400)
    expect(missing.body).toContain('Enter the date they left')
    const done = await client.submit(page, page, {
      'leftOn-day': '28',
      'leftOn-month': '2',
      'leftOn-year': '2026',
    })
    expect(done.statusCode).toBe(303)
    const detail = await client.get(done.headers.location as string)
    expect(detail.body).toContain('Left on 28 February 2026')
  })

  it('lets a member read the directory but not change it', async () => {
    const client = await signedIn(member)
    const person = await addPerson(database.db, partnership.id)
    const list = await client.get(base())
    expect(list.statusCode).toBe(200)
    expect(list.body).not.toContain('data-testid="add-person"')
    expect((await client.get(`${base()}/${person.id}`)).statusCode).toBe(200)
    expect((await client.get(`${base()}/${person.id}`)).body).not.toContain('data-testid="edit-person"')
    for (const url of [`${base()}/new`, `${base()}/${person.id}/edit`, `${base()}/${person.id}/leave`])
      expect((await client.get(url)).statusCode).toBe(403)
    expect((await client.submit(base(), `${base()}/new`, { name: 'Nope' })).statusCode).toBe(403)
    expect((await client.get(`${base()}/not-a-uuid`)).statusCode).toBe(404)
  })
})
