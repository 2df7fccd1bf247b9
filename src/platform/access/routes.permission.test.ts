import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership, buildUser } from '../../../test/factories.ts'
import type { Partnership } from '../../modules/partnership/partnership.table.ts'
import type { Role } from '../auth/auth.table.ts'
import type { Database } from '../db/client.ts'
import { permissions } from './policy.ts'

describe('route permissions', () => {
  let database: Database
  let t: TestApp
  let partnership: Partnership
  const people: Partial<Record<Role | 'outsider', { email: string; password: string }>> = {}

  beforeAll(async () => {
    database = await createTestDatabase()
    partnership = await buildPartnership(database.db)
    const elsewhere = await buildPartnership(database.db)
    for (const role of ['administrator', 'business_team', 'partner', 'member', 'scrutineer'] as const) {
      people[role] = await buildUser(database.db, { partnershipId: partnership.id, role })
    }
    people.outsider = await buildUser(database.db, { partnershipId: elsewhere.id, role: 'administrator' })
    t = await buildTestApp(database)
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('every route declares a known permission', () => {
    const routes = t.app.routeTable.filter((r) => !r.asset)
    expect(routes.length).toBeGreaterThan(10)
    const undeclared = routes.filter(
      (r) => !r.permission || !(permissions as readonly string[]).includes(r.permission),
    )
    expect(undeclared.map((r) => `${r.method} ${r.url}`)).toEqual([])
  })

  // What each person gets for each page: 200 allowed, 403 refused, 404 outside the partnership,
  // 303 sent to sign in.
  const matrix: [url: string, expected: Record<'anonymous' | Role | 'outsider', number>][] = [
    [
      '/',
      {
        anonymous: 200,
        administrator: 200,
        business_team: 200,
        partner: 200,
        member: 200,
        scrutineer: 200,
        outsider: 200,
      },
    ],
    [
      '/p/{slug}',
      {
        anonymous: 303,
        administrator: 200,
        business_team: 200,
        partner: 200,
        member: 200,
        scrutineer: 200,
        outsider: 404,
      },
    ],
    [
      '/p/{slug}/rules',
      {
        anonymous: 303,
        administrator: 200,
        business_team: 200,
        partner: 200,
        member: 403,
        scrutineer: 200,
        outsider: 404,
      },
    ],
    [
      '/p/{slug}/outbox',
      {
        anonymous: 303,
        administrator: 200,
        business_team: 403,
        partner: 403,
        member: 403,
        scrutineer: 403,
        outsider: 404,
      },
    ],
    [
      '/p/{slug}/users',
      {
        anonymous: 303,
        administrator: 200,
        business_team: 403,
        partner: 403,
        member: 403,
        scrutineer: 403,
        outsider: 404,
      },
    ],
    [
      '/p/{slug}/audit',
      {
        anonymous: 303,
        administrator: 200,
        business_team: 403,
        partner: 403,
        member: 403,
        scrutineer: 403,
        outsider: 404,
      },
    ],
    [
      '/p/{slug}/api-tokens',
      {
        anonymous: 303,
        administrator: 200,
        business_team: 403,
        partner: 403,
        member: 403,
        scrutineer: 403,
        outsider: 404,
      },
    ],
    [
      '/p/{slug}/security',
      {
        anonymous: 303,
        administrator: 200,
        business_team: 403,
        partner: 403,
        member: 403,
        scrutineer: 403,
        outsider: 404,
      },
    ],
    [
      '/p/{slug}/sign-in-settings',
      {
        anonymous: 303,
        administrator: 200,
        business_team: 403,
        partner: 403,
        member: 403,
        scrutineer: 403,
        outsider: 404,
      },
    ],
    [
      '/p/{slug}/agencies',
      {
        anonymous: 303,
        administrator: 200,
        business_team: 200,
        partner: 200,
        member: 200,
        scrutineer: 200,
        outsider: 404,
      },
    ],
    [
      '/p/{slug}/agencies/new',
      {
        anonymous: 303,
        administrator: 200,
        business_team: 200,
        partner: 403,
        member: 403,
        scrutineer: 403,
        outsider: 404,
      },
    ],
    [
      '/p/{slug}/import',
      {
        anonymous: 303,
        administrator: 200,
        business_team: 200,
        partner: 403,
        member: 403,
        scrutineer: 403,
        outsider: 404,
      },
    ],
    [
      '/account',
      {
        anonymous: 303,
        administrator: 200,
        business_team: 200,
        partner: 200,
        member: 200,
        scrutineer: 200,
        outsider: 200,
      },
    ],
  ]

  for (const [pattern, expected] of matrix) {
    for (const [who, status] of Object.entries(expected)) {
      it(`GET ${pattern} as ${who} answers ${status}`, async () => {
        const client = t.client()
        const person = people[who as Role | 'outsider']
        if (person) await client.signIn(person.email, person.password)
        const response = await client.get(pattern.replace('{slug}', partnership.slug))
        expect(response.statusCode).toBe(status)
      })
    }
  }

  it('refuses a rules change from anyone but an administrator, changing nothing', async () => {
    const client = t.client()
    await client.signIn(people.business_team!.email, people.business_team!.password)
    const page = await client.get(`/p/${partnership.slug}/rules`)
    expect(page.body).not.toContain('Save rules')
    const response = await client.post(`/p/${partnership.slug}/rules`, {
      _csrf: page.body.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '',
      actionResponse: '20',
    })
    expect(response.statusCode).toBe(403)
  })
})
