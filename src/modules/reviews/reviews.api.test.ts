import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership } from '../../../test/factories.ts'
import { createApiToken } from '../../platform/auth/api-tokens.service.ts'
import type { Database } from '../../platform/db/client.ts'
import { buildOverviewWorld, type OverviewWorld } from './overview.fixtures.ts'
import { NOW } from './reviews.fixtures.ts'

// The overview's world: A (a local review, published 15 December 2025, sent to the panel on time
// and to Foundations late) and D (a handed-over SCR, published 10 May 2025) are published; B, C,
// E, F and G are not.

interface Item {
  id: string
  reference: string
  title: string | null
  publishedOn: string
  stage: string
  deadlines: {
    key: string
    due: string
    explanation: string
    doneOn: string | null
    timeliness: string
    lateBy: number
  }[]
}

describe('reviews API', () => {
  let database: Database
  let t: TestApp
  let world: OverviewWorld
  let token: string
  let otherToken: string

  const get = (url: string, bearer: string | null = token) =>
    t.app.inject({ method: 'GET', url, headers: bearer ? { authorization: `Bearer ${bearer}` } : {} })
  const base = () => `/api/v1/partnerships/${world.partnership.slug}/reviews`

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildOverviewWorld(database.db)
    const tokenFor = async (partnershipId: string) =>
      (
        await createApiToken(database.db, {
          partnershipId,
          name: 'Reporting',
          scope: 'read',
          createdBy: null,
          expiresAt: null,
          now: NOW,
        })
      ).token
    token = await tokenFor(world.partnership.id)
    otherToken = await tokenFor((await buildPartnership(database.db)).id)
    t = await buildTestApp(database, { now: () => NOW })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('lists published reviews only, with the deadlines of publication and the sends', async () => {
    const response = await get(base())
    expect(response.statusCode).toBe(200)
    const body = response.json() as { items: Item[]; total: number; limit: number; offset: number }
    expect(body.total).toBe(2)
    expect(body.items.map((i) => i.id).sort()).toEqual([world.cases.a.id, world.cases.d.id].sort())
    for (const hidden of ['b', 'c', 'e', 'f', 'g'] as const) {
      expect(JSON.stringify(body)).not.toContain(world.cases[hidden].id)
      expect(JSON.stringify(body)).not.toContain(world.cases[hidden].reference)
    }
    const a = body.items.find((i) => i.id === world.cases.a.id)!
    expect(a).toMatchObject({
      reference: world.cases.a.reference,
      title: 'Learning from Child A',
      publishedOn: '2025-12-15',
      stage: 'closed',
    })
    // Nothing of the incident or the rapid review: only publication and the sends.
    expect(a.deadlines.map((d) => [d.key, d.due, d.doneOn, d.timeliness])).toEqual([
      ['send_national_panel', '2025-12-22', '2025-12-18', 'on_time'],
      ['send_foundations', '2025-12-22', '2026-01-05', 'late'],
      ['publication', '2026-01-01', '2025-12-15', 'on_time'],
    ])
    expect(a.deadlines.every((d) => d.explanation.length > 0)).toBe(true)
    expect(a.deadlines[1]!.lateBy).toBeGreaterThan(0)
    expect(JSON.stringify(a)).not.toContain('2025-06-02')

    const closed = (await get(`${base()}?stage=closed&limit=1`)).json() as { items: Item[]; total: number }
    expect(closed.total).toBe(2)
    expect(closed.items).toHaveLength(1)
    expect(((await get(`${base()}?stage=review`)).json() as { total: number }).total).toBe(0)
    expect((await get(`${base()}?stage=secret`)).statusCode).toBe(400)
  })

  it('gives one published review, and 404 (not 403) for an unpublished case or a bad id', async () => {
    const d = await get(`${base()}/${world.cases.d.id}`)
    expect(d.statusCode).toBe(200)
    expect(d.json()).toMatchObject({
      procedure: 'scr2015',
      publishedOn: '2025-05-10',
      deadlines: [
        { key: 'send_national_panel', doneOn: '2025-05-12', timeliness: 'on_time' },
        { key: 'send_foundations', doneOn: '2025-05-14', timeliness: 'on_time' },
      ],
    })
    for (const id of [world.cases.b.id, world.cases.e.id, 'not-an-id']) {
      const response = await get(`${base()}/${id}`)
      expect(response.statusCode, id).toBe(404)
      expect(response.headers['content-type']).toContain('application/problem+json')
      expect(response.body).not.toContain(world.cases.b.reference)
    }
  })

  it('is for a token of the partnership only', async () => {
    expect((await get(base(), null)).statusCode).toBe(401)
    expect((await get(base(), otherToken)).statusCode).toBe(404)
    expect((await get(`${base()}/${world.cases.a.id}`, otherToken)).statusCode).toBe(404)
  })

  it('is described in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as {
      paths: Record<string, { get?: { tags?: string[]; security?: unknown } }>
    }
    for (const path of [
      '/api/v1/partnerships/{slug}/reviews',
      '/api/v1/partnerships/{slug}/reviews/{review}',
    ]) {
      expect(doc.paths[path]?.get?.tags, path).toEqual(['reviews'])
      expect(doc.paths[path]?.get?.security).toEqual([{ bearer: [] }])
    }
  })
})
