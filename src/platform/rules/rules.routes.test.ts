import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp, titleOf } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership, buildUser } from '../../../test/factories.ts'
import type { Partnership } from '../../modules/partnership/partnership.table.ts'
import { verifyAuditLog } from '../audit/audit.service.ts'
import type { Database } from '../db/client.ts'
import { defaultRuleSet } from './rules.definitions.ts'
import { getRuleSet } from './rules.service.ts'

describe('rules page', () => {
  let database: Database
  let t: TestApp
  let partnership: Partnership
  let admin: { email: string; password: string }
  const url = () => `/p/${partnership.slug}/rules`
  const allRules = (overrides: Record<string, string> = {}) => ({
    ...Object.fromEntries(Object.entries(defaultRuleSet).map(([k, v]) => [k, String(v)])),
    ...overrides,
  })

  beforeAll(async () => {
    database = await createTestDatabase()
    partnership = await buildPartnership(database.db)
    admin = await buildUser(database.db, { partnershipId: partnership.id, role: 'administrator' })
    // 23 November 2026 is a Monday.
    t = await buildTestApp(database, { now: () => new Date('2026-11-23T09:00:00Z') })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('shows each rule with its value, its source and a worked example', async () => {
    const client = t.client()
    await client.signIn(admin.email, admin.password)
    const page = await client.get(url())
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain(
      'minuted and forwarded to the meeting Chair for approval within 10 working days',
    )
    // Monday 23 November 2026 + 10 working days = Monday 7 December 2026.
    expect(page.body).toContain(
      'due 7 December 2026: meeting on 23 November 2026 + 10 working days, skipping 4 weekend days',
    )
  })

  it('comes back with the error summary, "Error: " in the title and every typed value', async () => {
    const client = t.client()
    await client.signIn(admin.email, admin.password)
    const response = await client.submit(
      url(),
      url(),
      allRules({ actionResponse: 'ten', draftMinutesToChair: '0', chairTenure: '18' }),
    )
    expect(response.statusCode).toBe(400)
    expect(titleOf(response.body)).toMatch(/^Error: Rules and deadlines/)
    expect(response.body).toContain('govuk-error-summary')
    expect(response.body).toContain(
      'href="#actionResponse">Response to an action must be a whole number, like 10</a>',
    )
    expect(response.body).toContain(
      'href="#draftMinutesToChair">Draft minutes to the chair must be 1 or more</a>',
    )
    expect(response.body).toMatch(
      /id="actionResponse" name="actionResponse" type="text" spellcheck="false" value="ten"/,
    )
    expect(response.body).toContain('value="18"')
    // Nothing was saved, not even the valid change.
    expect(await getRuleSet(database.db, partnership.id)).toEqual(defaultRuleSet)
  })

  it('saves a change, says so and records it in the audit log', async () => {
    const client = t.client()
    await client.signIn(admin.email, admin.password)
    const response = await client.submit(url(), url(), allRules({ actionResponse: '12' }))
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe(`${url()}?saved=1`)
    const page = await client.get(response.headers.location as string)
    expect(page.body).toContain('1 rule was changed')
    expect((await getRuleSet(database.db, partnership.id)).actionResponse).toBe(12)
    const audit = await verifyAuditLog(database.db)
    expect(audit.ok).toBe(true)
  })

  it('refuses a form with a missing or forged CSRF token and changes nothing', async () => {
    const client = t.client()
    await client.signIn(admin.email, admin.password)
    await client.get(url())
    const missing = await client.post(url(), allRules({ actionResponse: '30' }))
    expect(missing.statusCode).toBe(403)
    expect(missing.body).toContain('Your form could not be sent')
    const forged = await client.post(url(), { ...allRules({ actionResponse: '30' }), _csrf: 'forged-token' })
    expect(forged.statusCode).toBe(403)
    expect((await getRuleSet(database.db, partnership.id)).actionResponse).not.toBe(30)
  })
})
