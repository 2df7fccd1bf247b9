import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp, titleOf } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership, buildUser } from '../../../test/factories.ts'
import type { Database } from '../../platform/db/client.ts'
import { type AgencyFields, createAgency } from './agencies.service.ts'
import { listAgencyReviews } from './agency-reviews.service.ts'
import type { Partnership } from './partnership.table.ts'
import { otherPartnerships } from './structure.table.ts'

type Person = { id: string; email: string; password: string }

const agencyFields = (overrides: Partial<AgencyFields>): AgencyFields => ({
  name: '',
  kind: 'relevant_agency',
  sector: 'other',
  statutoryRole: null,
  leadPartnerTitle: null,
  delegatedPartnerTitle: null,
  executiveName: null,
  executiveTitle: null,
  executiveEmail: null,
  activeFrom: null,
  ...overrides,
})

describe('yearly review and other partnership pages', () => {
  let database: Database
  let t: TestApp
  let partnership: Partnership
  let editor: Person
  let scrutineer: Person
  const ids: Record<string, string> = {}
  const reviews = () => `/p/${partnership.slug}/agencies/reviews`
  const others = () => `/p/${partnership.slug}/other-partnerships`
  const signedIn = async (person: Person) => {
    const client = t.client()
    await client.signIn(person.email, person.password)
    return client
  }

  beforeAll(async () => {
    database = await createTestDatabase()
    partnership = await buildPartnership(database.db)
    editor = await buildUser(database.db, { partnershipId: partnership.id, role: 'administrator' })
    scrutineer = await buildUser(database.db, { partnershipId: partnership.id, role: 'scrutineer' })
    // The first agency was added on 1 April 2025, so the first review is due on 1 April 2026.
    const created = new Date('2025-04-01T09:00:00Z')
    const change = { partnershipId: partnership.id, actorId: editor.id, now: created }
    await createAgency(database.db, {
      ...change,
      fields: agencyFields({
        name: 'Thurrock Council',
        kind: 'statutory_partner',
        sector: 'local_authority',
        statutoryRole: 'local_authority',
      }),
    })
    for (const name of ['Essex Fire and Rescue', 'Probation Service']) {
      ids[name] = (await createAgency(database.db, { ...change, fields: agencyFields({ name }) })).id
    }
    t = await buildTestApp(database, { now: () => new Date('2026-03-20T10:00:00Z') })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('shows when the first review is due, as a computed tag', async () => {
    const client = await signedIn(scrutineer)
    const page = await client.get(reviews())
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('govuk-tag--yellow')
    expect(page.body).toContain('Due soon')
    expect(page.body).toContain('<strong>1 April 2026</strong>: due in 12 days.')
    expect(page.body).not.toContain('data-testid="record-review"')
    expect((await client.get(`${reviews()}/new`)).statusCode).toBe(403)
  })

  it('lists each non-statutory active agency and keeps everything typed on error', async () => {
    const client = await signedIn(editor)
    const form = await client.get(`${reviews()}/new`)
    expect(form.body.match(/data-testid="review-row"/g)).toHaveLength(2)
    expect(form.body).not.toContain('>Thurrock Council<')
    expect(form.body).toMatch(/name="reviewedOn-day" type="text" value="20"/)
    const fire = ids['Essex Fire and Rescue']!
    const probation = ids['Probation Service']!
    const response = await client.submit(`${reviews()}/new`, `${reviews()}/new`, {
      'reviewedOn-day': '19',
      'reviewedOn-month': '3',
      'reviewedOn-year': '2026',
      [`decision-${fire}`]: 'removed',
      [`reason-${fire}`]: '',
      [`reason-${probation}`]: 'Typed but not chosen',
      added: 'Thurrock Housing — runs temporary accommodation\nNo reason here',
    })
    expect(response.statusCode).toBe(400)
    expect(titleOf(response.body)).toMatch(/^Error: Record the yearly review/)
    expect(response.body).toContain(`href="#reason-${fire}">Enter why Essex Fire and Rescue was removed</a>`)
    expect(response.body).toContain(
      `href="#decision-${probation}">Select whether Probation Service was kept, changed or removed</a>`,
    )
    expect(response.body).toContain('href="#added">Give a reason for adding No reason here')
    expect(response.body).toMatch(new RegExp(`name="decision-${fire}" type="radio" value="removed" checked`))
    expect(response.body).toContain('value="Typed but not chosen"')
    expect(response.body).toContain(
      'Thurrock Housing — runs temporary accommodation\nNo reason here</textarea>',
    )
    expect(response.body).toMatch(/name="reviewedOn-day" type="text" value="19"/)
    expect(await listAgencyReviews(database.db, partnership.id)).toEqual([])
  })

  it('records a review and shows it in the history, due again in a year', async () => {
    const client = await signedIn(editor)
    const fire = ids['Essex Fire and Rescue']!
    const probation = ids['Probation Service']!
    const response = await client.submit(`${reviews()}/new`, `${reviews()}/new`, {
      'reviewedOn-day': '19',
      'reviewedOn-month': '3',
      'reviewedOn-year': '2026',
      [`decision-${fire}`]: 'removed',
      [`reason-${fire}`]: 'Now attends through the community safety partnership',
      [`decision-${probation}`]: 'kept',
      [`reason-${probation}`]: '',
      added: 'Thurrock Housing — runs temporary accommodation',
    })
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe(`${reviews()}?recorded=1`)
    const page = await client.get(response.headers.location as string)
    expect(page.body).toContain('Review recorded')
    expect(page.body).toContain('Review of 19 March 2026')
    expect(page.body).toContain('<strong>19 March 2027</strong>: due in 364 days.')
    expect(page.body).toContain('govuk-tag--green')
    const [review] = await listAgencyReviews(database.db, partnership.id)
    expect(review?.outcomes).toEqual([
      {
        agency: 'Essex Fire and Rescue',
        decision: 'removed',
        reason: 'Now attends through the community safety partnership',
      },
      { agency: 'Probation Service', decision: 'kept', reason: '' },
      { agency: 'Thurrock Housing', decision: 'added', reason: 'runs temporary accommodation' },
    ])
  })

  it('adds and edits another partnership and its protocol, refusing a duplicate name', async () => {
    const client = await signedIn(editor)
    const empty = await client.get(others())
    expect(empty.body).toContain('No other partnerships yet')
    const created = await client.submit(`${others()}/new`, `${others()}/new`, {
      name: 'Thurrock Community Safety Partnership',
      kind: 'community_safety_partnership',
      protocol: 'Shared priorities:\nexploitation',
      'protocolReviewDue-day': '1',
      'protocolReviewDue-month': '3',
      'protocolReviewDue-year': '2026',
    })
    expect(created.statusCode).toBe(303)
    const detail = await client.get(created.headers.location as string)
    expect(detail.body).toContain('Shared priorities:<br />\nexploitation')
    expect(detail.body).toContain('Overdue')
    const list = await client.get(others())
    expect(list.body.match(/data-testid="other-partnership-row"/g)).toHaveLength(1)
    expect(list.body).toContain('govuk-tag--red')
    const duplicate = await client.submit(`${others()}/new`, `${others()}/new`, {
      name: 'thurrock community safety partnership',
      kind: 'other',
      protocol: 'Kept text',
      'protocolReviewDue-day': '',
      'protocolReviewDue-month': '',
      'protocolReviewDue-year': '',
    })
    expect(duplicate.statusCode).toBe(400)
    expect(titleOf(duplicate.body)).toMatch(/^Error: /)
    expect(duplicate.body).toContain(
      'href="#name">A partnership called thurrock community safety partnership already exists</a>',
    )
    expect(duplicate.body).toContain('>Kept text</textarea>')
    const [row] = await database.db
      .select()
      .from(otherPartnerships)
      .where(eq(otherPartnerships.partnershipId, partnership.id))
    const editUrl = `${others()}/${row!.id}/edit`
    const saved = await client.submit(editUrl, editUrl, {
      name: 'Thurrock Community Safety Partnership',
      kind: 'community_safety_partnership',
      protocol: 'Reviewed',
      'protocolReviewDue-day': '1',
      'protocolReviewDue-month': '3',
      'protocolReviewDue-year': '2027',
    })
    expect(saved.headers.location).toBe(`${others()}/${row!.id}?saved=1`)
    const member = await signedIn(scrutineer)
    expect((await member.get(others())).statusCode).toBe(200)
    expect((await member.get(editUrl)).statusCode).toBe(403)
  })
})
