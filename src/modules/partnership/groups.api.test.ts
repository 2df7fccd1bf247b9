import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership } from '../../../test/factories.ts'
import { createApiToken } from '../../platform/auth/api-tokens.service.ts'
import type { Database } from '../../platform/db/client.ts'
import { addGroup, addPerson, NOW } from './groups.fixtures.ts'
import { addMembership } from './memberships.service.ts'
import type { Partnership } from './partnership.table.ts'

describe('groups API', () => {
  let database: Database
  let t: TestApp
  let partnership: Partnership
  let token: string
  const get = (url: string, bearer = token) =>
    t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${bearer}` } })

  beforeAll(async () => {
    database = await createTestDatabase()
    partnership = await buildPartnership(database.db)
    const created = await createApiToken(database.db, {
      partnershipId: partnership.id,
      name: 'Reporting',
      scope: 'read',
      createdBy: null,
      expiresAt: null,
      now: NOW,
    })
    token = created.token
    const board = await addGroup(database.db, partnership.id, {
      name: 'Board',
      kind: 'executive',
      meetingsPerYear: 4,
      standardItems: [{ title: 'Finance', months: [3, 10] }],
    })
    await addGroup(database.db, partnership.id, {
      name: 'Panel',
      kind: 'review_panel',
      confidential: true,
      accountableToId: board.id,
    })
    const person = await addPerson(database.db, partnership.id, {
      name: 'Ann Chair',
      email: 'ann@example.org',
    })
    await addMembership(database.db, {
      partnershipId: partnership.id,
      actorId: null,
      now: NOW,
      groupId: board.id,
      fields: {
        personId: person.id,
        role: 'chair',
        deputyForId: null,
        agencyId: null,
        startsOn: '2025-04-01',
        endsOn: null,
        ruleException: null,
      },
    })
    t = await buildTestApp(database, { now: () => NOW })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('lists the groups with their reporting lines', async () => {
    const response = await get(`/api/v1/partnerships/${partnership.slug}/groups`)
    expect(response.statusCode).toBe(200)
    const { items } = response.json() as {
      items: { name: string; accountableToId: string | null; id: string; cadence: string }[]
    }
    expect(items.map((g) => g.name)).toEqual(['Board', 'Panel'])
    expect(items[1]?.accountableToId).toBe(items[0]?.id)
    expect(items[0]?.cadence).toBe('4 meetings a year')
  })

  it('gives one group with today’s members, but not a confidential group’s', async () => {
    const board = await get(`/api/v1/partnerships/${partnership.slug}/groups/board`)
    expect(board.statusCode).toBe(200)
    const body = board.json() as { members: Record<string, unknown>[]; standardItems: unknown }
    expect(body.standardItems).toEqual([{ title: 'Finance', months: [3, 10] }])
    expect(body.members).toHaveLength(1)
    expect(body.members[0]).toMatchObject({ role: 'chair', personName: 'Ann Chair' })
    expect(body.members[0]).not.toHaveProperty('userId')
    const panel = await get(`/api/v1/partnerships/${partnership.slug}/groups/panel`)
    expect((panel.json() as { members: unknown }).members).toBeNull()
    expect((await get(`/api/v1/partnerships/${partnership.slug}/groups/none`)).statusCode).toBe(404)
  })

  it('refuses a missing token and another partnership', async () => {
    expect(
      (await t.app.inject({ method: 'GET', url: `/api/v1/partnerships/${partnership.slug}/groups` }))
        .statusCode,
    ).toBe(401)
    const other = await buildPartnership(database.db)
    expect((await get(`/api/v1/partnerships/${other.slug}/groups`)).statusCode).not.toBe(200)
  })

  it('is described in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as {
      paths: Record<string, { get?: { tags?: string[] } }>
    }
    expect(doc.paths['/api/v1/partnerships/{slug}/groups']?.get?.tags).toEqual(['groups'])
    expect(doc.paths['/api/v1/partnerships/{slug}/groups/{group}']?.get?.tags).toEqual(['groups'])
  })
})
