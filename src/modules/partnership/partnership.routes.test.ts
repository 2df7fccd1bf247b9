import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership, buildUser } from '../../../test/factories.ts'
import { partnershipRoles } from '../../platform/auth/auth.table.ts'
import type { Database } from '../../platform/db/client.ts'
import { applyStructurePreset, readJsonPreset, structurePresetSchema } from './structure.presets.ts'

describe('start page and overview', () => {
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

  it('lets a person in two partnerships switch between them', async () => {
    const first = await buildPartnership(database.db, {
      name: 'Alphaborough Safeguarding Children Partnership',
    })
    const second = await buildPartnership(database.db, {
      name: 'Betashire Safeguarding Children Partnership',
    })
    const person = await buildUser(database.db, { partnershipId: first.id, role: 'member' })
    await database.db
      .insert(partnershipRoles)
      .values({ partnershipId: second.id, userId: person.id, role: 'partner' })
    const client = t.client()
    await client.signIn(person.email, person.password)
    const start = await client.get('/')
    expect(start.body).toContain('Your partnerships')
    expect(start.body).toContain(`href="/p/${first.slug}"`)
    expect(start.body).toContain(`href="/p/${second.slug}"`)
    const overview = await client.get(`/p/${second.slug}`)
    expect(overview.body).toContain('data-testid="switch-partnership"')
    expect(overview.body).toContain('Betashire Safeguarding Children Partnership')
  })

  it('shows the structure at a glance: counts and the safeguarding partners', async () => {
    const partnership = await buildPartnership(database.db)
    const preset = readJsonPreset('thurrock', structurePresetSchema)
    await applyStructurePreset(database.db, {
      partnershipId: partnership.id,
      preset: { ...preset, accounts: [] },
      now: new Date(),
    })
    const member = await buildUser(database.db, { partnershipId: partnership.id, role: 'member' })
    const client = t.client()
    await client.signIn(member.email, member.password)
    const overview = await client.get(`/p/${partnership.slug}`)
    expect(overview.body).toMatch(/<strong>19<\/strong> agencies/)
    expect(overview.body).toMatch(/<strong>6<\/strong> groups/)
    expect(overview.body).toContain('Delegated: Head of Public Protection')
    expect(overview.body).not.toContain('data-testid="switch-partnership"')
  })
})
