import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership, buildUser } from '../../../test/factories.ts'
import type { Database } from '../db/client.ts'
import { safeReturnTo } from './auth.routes.ts'

describe('sign in and out', () => {
  let database: Database
  let t: TestApp
  let person: { email: string; password: string }
  let slug: string

  beforeAll(async () => {
    database = await createTestDatabase()
    const partnership = await buildPartnership(database.db)
    slug = partnership.slug
    person = await buildUser(database.db, { partnershipId: partnership.id, role: 'member' })
    t = await buildTestApp(database)
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('sends a person who is not signed in to sign in, then back to the page', async () => {
    const client = t.client()
    const page = await client.get(`/p/${slug}`)
    expect(page.statusCode).toBe(303)
    expect(page.headers.location).toBe(`/sign-in?returnTo=${encodeURIComponent(`/p/${slug}`)}`)
    const form = await client.get(page.headers.location as string)
    expect(form.body).toContain(`name="returnTo" value="/p/${slug}"`)
    const signedIn = await client.submit(page.headers.location as string, '/sign-in', {
      email: person.email.toUpperCase(),
      password: person.password,
      returnTo: `/p/${slug}`,
    })
    expect(signedIn.statusCode).toBe(303)
    expect(signedIn.headers.location).toBe(`/p/${slug}`)
    const cookie = signedIn.cookies.find((c) => c.name === 'masa_session')
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' })
    expect((await client.get(`/p/${slug}`)).statusCode).toBe(200)
  })

  it('gives the same answer for a wrong password and an unknown address, keeping the e-mail typed', async () => {
    const wrong = await t
      .client()
      .submit('/sign-in', '/sign-in', { email: person.email, password: 'not the password' })
    const unknown = await t
      .client()
      .submit('/sign-in', '/sign-in', { email: 'nobody@example.org', password: 'whatever' })
    for (const response of [wrong, unknown]) {
      expect(response.statusCode).toBe(400)
      expect(response.body).toContain('Enter a correct e-mail address and password')
    }
    expect(unknown.body).toContain('value="nobody@example.org"')
    expect(wrong.body).not.toContain('not the password')
  })

  it('asks for both fields', async () => {
    const response = await t.client().submit('/sign-in', '/sign-in', { email: '', password: '' })
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('Enter your e-mail address')
    expect(response.body).toContain('Enter your password')
  })

  it('ends the session on sign-out', async () => {
    const client = t.client()
    await client.signIn(person.email, person.password)
    const token = client.cookies.get('masa_session')
    const out = await client.submit(`/p/${slug}`, '/sign-out', {})
    expect(out.statusCode).toBe(303)
    // The old cookie no longer signs anybody in, even if it was copied.
    const replay = await t.app.inject({ url: `/p/${slug}`, headers: { cookie: `masa_session=${token}` } })
    expect(replay.statusCode).toBe(303)
  })

  it('never redirects off the site after sign-in', () => {
    expect(safeReturnTo('/p/x')).toBe('/p/x')
    expect(safeReturnTo('//evil.example')).toBe('/')
    expect(safeReturnTo('https://evil.example')).toBe('/')
    expect(safeReturnTo('/\\evil.example')).toBe('/')
    expect(safeReturnTo(undefined)).toBe('/')
  })
})

describe('service unavailable', () => {
  it('shows the 503 page when the database does not answer', async () => {
    const database = await createTestDatabase()
    const t = await buildTestApp(database)
    await database.close()
    const response = await t.client().get('/')
    expect(response.statusCode).toBe(503)
    expect(response.body).toContain('Sorry, the service is unavailable')
    expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(503)
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200)
    await t.app.close()
  })
})
