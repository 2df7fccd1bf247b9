import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership } from '../../../test/factories.ts'
import { createApiToken } from '../../platform/auth/api-tokens.service.ts'
import type { Database } from '../../platform/db/client.ts'
import { applyStructurePreset, readJsonPreset, structurePresetSchema } from './structure.presets.ts'

describe('GET /api/v1/partnerships/{slug}/people', () => {
  let database: Database
  let t: TestApp
  beforeAll(async () => {
    database = await createTestDatabase()
    t = await buildTestApp(database)
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('lists the directory for a token of that partnership only', async () => {
    const partnership = await buildPartnership(database.db)
    const other = await buildPartnership(database.db)
    const preset = readJsonPreset('thurrock', structurePresetSchema)
    await applyStructurePreset(database.db, {
      partnershipId: partnership.id,
      preset: { ...preset, accounts: [] },
      now: new Date(),
    })
    const { token } = await createApiToken(database.db, {
      partnershipId: partnership.id,
      name: 'reporting',
      scope: 'read',
      createdBy: null,
      expiresAt: null,
      now: new Date(),
    })
    const headers = { authorization: `Bearer ${token}` }
    const list = await t.app.inject({
      url: `/api/v1/partnerships/${partnership.slug}/people?q=okafor`,
      headers,
    })
    expect(list.statusCode).toBe(200)
    expect(list.json()).toMatchObject({
      total: 1,
      items: [{ name: 'Daniel Okafor', agencyName: 'Essex Police' }],
    })
    const refused = await t.app.inject({ url: `/api/v1/partnerships/${other.slug}/people`, headers })
    expect(refused.statusCode).toBeGreaterThanOrEqual(403)
    expect(refused.headers['content-type']).toContain('application/problem+json')
    const anonymous = await t.app.inject({ url: `/api/v1/partnerships/${partnership.slug}/people` })
    expect(anonymous.statusCode).toBe(401)
    const openapi = (await t.app.inject({ url: '/api/v1/openapi.json' })).json()
    expect(Object.keys(openapi.paths)).toContain('/api/v1/partnerships/{slug}/people')
  })
})
