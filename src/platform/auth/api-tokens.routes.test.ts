import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp, type TestClient } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership, buildUser } from '../../../test/factories.ts'
import type { Partnership } from '../../modules/partnership/partnership.table.ts'
import { auditLog } from '../audit/audit.table.ts'
import type { Database } from '../db/client.ts'
import { createApiToken } from './api-tokens.service.ts'
import { apiTokens } from './auth.table.ts'

describe('API tokens', () => {
  let database: Database
  let t: TestApp
  let partnership: Partnership
  let elsewhere: Partnership
  let admin: TestClient
  let clock = new Date('2025-05-01T09:00:00Z')

  beforeAll(async () => {
    database = await createTestDatabase()
    partnership = await buildPartnership(database.db, { aims: ['Aim one'], principles: ['Principle one'] })
    elsewhere = await buildPartnership(database.db)
    const person = await buildUser(database.db, { partnershipId: partnership.id, role: 'administrator' })
    t = await buildTestApp(database, { now: () => clock })
    admin = t.client()
    await admin.signIn(person.email, person.password)
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  const api = (url: string, token?: string) =>
    t.app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} })
  const tokensPage = () => `/p/${partnership.slug}/api-tokens`
  const create = (fields: Record<string, string>) => admin.submit(`${tokensPage()}/new`, tokensPage(), fields)

  it('creates a token on the page, shows it once, and the API accepts it', async () => {
    const created = await create({ name: 'Dashboard', scope: 'read', expiresDays: '30' })
    expect(created.statusCode).toBe(200)
    expect(created.headers['cache-control']).toBe('no-store')
    expect(created.body).toContain('It will not be shown again')
    const token = created.body.match(/<code data-testid="token">([^<]+)<\/code>/)?.[1]
    expect(token).toMatch(/^masa_[\w-]{43}$/)

    const response = await api(`/api/v1/partnerships/${partnership.slug}`, token)
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({
      slug: partnership.slug,
      name: partnership.name,
      shortName: partnership.shortName,
      area: partnership.area,
      vision: partnership.vision,
      aims: ['Aim one'],
      principles: ['Principle one'],
    })
    const [row] = await database.db.select().from(apiTokens).where(eq(apiTokens.name, 'Dashboard'))
    expect(row).toMatchObject({ scope: 'read', lastUsedAt: clock, useCount: 1 })
    expect(row!.expiresAt).toEqual(new Date(clock.getTime() + 30 * 86_400_000))

    const list = await admin.get(tokensPage())
    expect(list.body).toContain('Dashboard')
    expect(list.body).toContain('Active')
    expect(list.body).not.toContain(token)

    // A read token of one partnership learns nothing of another.
    const refused = await api(`/api/v1/partnerships/${elsewhere.slug}`, token)
    expect(refused.statusCode).toBe(404)
    expect(refused.headers['content-type']).toContain('application/problem+json')
  })

  it('asks for a name, a scope and a sensible expiry', async () => {
    const response = await create({ name: ' ', expiresDays: '400' })
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('Enter a name for the token')
    expect(response.body).toContain('Select what the token may do')
    expect(response.body).toContain('Expiry must be a whole number of days, from 1 to 365')
    expect(response.body).toContain('href="#expiresDays"')
    const defaulted = await create({ name: 'Defaulted', scope: 'write', expiresDays: '' })
    expect(defaulted.statusCode).toBe(200)
    const [row] = await database.db.select().from(apiTokens).where(eq(apiTokens.name, 'Defaulted'))
    expect(row!.expiresAt).toEqual(new Date(clock.getTime() + 90 * 86_400_000))
  })

  it('refuses a revoked or expired token, or none, with 401 problem details', async () => {
    const { token } = await createApiToken(database.db, {
      partnershipId: partnership.id,
      name: 'Short-lived',
      scope: 'read',
      createdBy: null,
      expiresAt: new Date(clock.getTime() + 60_000),
      now: clock,
    })
    const url = `/api/v1/partnerships/${partnership.slug}`
    expect((await api(url, token)).statusCode).toBe(200)
    const anonymous = await api(url)
    expect(anonymous.statusCode).toBe(401)
    expect(anonymous.headers['content-type']).toContain('application/problem+json')

    clock = new Date(clock.getTime() + 120_000)
    const expired = await api(url, token)
    expect(expired.statusCode).toBe(401)
    expect(expired.json()).toMatchObject({ status: 401, instance: url })
    expect((await admin.get(tokensPage())).body).toContain('Expired')

    const live = await createApiToken(database.db, {
      partnershipId: partnership.id,
      name: 'To revoke',
      scope: 'write',
      createdBy: null,
      expiresAt: null,
      now: clock,
    })
    expect((await api(url, live.token)).statusCode).toBe(200)
    const revoked = await admin.submit(tokensPage(), `${tokensPage()}/${live.id}/revoke`, {})
    expect(revoked.statusCode).toBe(303)
    expect(revoked.headers.location).toBe(`${tokensPage()}?revoked=1`)
    const refused = await api(url, live.token)
    expect(refused.statusCode).toBe(401)
    expect(refused.headers['content-type']).toContain('application/problem+json')
    const list = await admin.get(tokensPage())
    expect(list.body).toContain('Revoked')
    expect(list.body).not.toContain(`revoke-${live.id}`)
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, live.id), eq(auditLog.action, 'revoke')))
    expect(entry).toBeDefined()
    // Another partnership's token cannot be revoked from here.
    const theirs = await createApiToken(database.db, {
      partnershipId: elsewhere.id,
      name: 'Theirs',
      scope: 'read',
      createdBy: null,
      expiresAt: null,
      now: clock,
    })
    const ignored = await admin.submit(tokensPage(), `${tokensPage()}/${theirs.id}/revoke`, {})
    expect(ignored.headers.location).toBe(tokensPage())
    expect((await api(`/api/v1/partnerships/${elsewhere.slug}`, theirs.token)).statusCode).toBe(200)
  })

  it('is for administrators only', async () => {
    const member = await buildUser(database.db, { partnershipId: partnership.id, role: 'business_team' })
    const client = t.client()
    await client.signIn(member.email, member.password)
    expect((await client.get(tokensPage())).statusCode).toBe(403)
    expect((await client.get(`${tokensPage()}/new`)).statusCode).toBe(403)
    const page = await client.get(`/p/${partnership.slug}`)
    const csrf = page.body.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? ''
    const refused = await client.post(tokensPage(), { _csrf: csrf, name: 'Sneaky', scope: 'write' })
    expect(refused.statusCode).toBe(403)
    expect(await database.db.select().from(apiTokens).where(eq(apiTokens.name, 'Sneaky'))).toEqual([])
  })

  it('documents the route in the OpenAPI description, behind a bearer token', async () => {
    const doc = (await api('/api/v1/openapi.json')).json()
    const operation = doc.paths['/api/v1/partnerships/{slug}'].get
    expect(operation.security).toEqual([{ bearer: [] }])
    expect(operation.tags).toEqual(['partnerships'])
  })
})
