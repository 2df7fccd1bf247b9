import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp, titleOf } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership } from '../../../test/factories.ts'
import type { Database } from '../db/client.ts'

describe('web shell', () => {
  let database: Database
  let t: TestApp
  beforeAll(async () => {
    database = await createTestDatabase()
    await buildPartnership(database.db, { name: 'Shellshire Safeguarding Children Partnership' })
    t = await buildTestApp(database)
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('serves the start page with the layout, the partnership and security headers', async () => {
    const response = await t.client().get('/')
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain('Shellshire Safeguarding Children Partnership')
    expect(response.body).toContain('href="#main-content"')
    expect(response.body).toContain('href="/accessibility"')
    const csp = String(response.headers['content-security-policy'])
    const nonce = csp.match(/script-src 'self' 'nonce-([^']+)'/)?.[1]
    expect(nonce).toBeTruthy()
    // The GOV.UK template's inline script runs only with the nonce.
    expect(response.body).toContain(`<script nonce="${nonce}">document.body.className`)
    expect(response.headers['x-content-type-options']).toBe('nosniff')
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('serves the accessibility statement, privacy notice and cookies pages', async () => {
    for (const [url, title] of [
      ['/accessibility', 'Accessibility statement'],
      ['/privacy', 'Privacy notice'],
      ['/cookies', 'Cookies'],
    ] as const) {
      const response = await t.client().get(url)
      expect(response.statusCode).toBe(200)
      expect(titleOf(response.body)).toBe(`${title} – MASA`)
    }
  })

  it('answers an unknown page with the 404 page', async () => {
    const response = await t.client().get('/no-such-page')
    expect(response.statusCode).toBe(404)
    expect(response.body).toContain('Page not found')
  })

  it('answers API errors as problem details', async () => {
    const response = await t.client().get('/api/v1/no-such-thing')
    expect(response.statusCode).toBe(404)
    expect(response.headers['content-type']).toContain('application/problem+json')
    expect(response.json()).toMatchObject({ status: 404, title: 'Page not found' })
  })

  it('publishes an OpenAPI document generated from the routes', async () => {
    const response = await t.client().get('/api/v1/openapi.json')
    expect(response.statusCode).toBe(200)
    const doc = response.json()
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths)).toContain('/api/v1/partnerships')
    const list = await t.client().get('/api/v1/partnerships')
    expect(list.json().items.some((p: { name: string }) => p.name.startsWith('Shellshire'))).toBe(true)
  })

  it('serves design-system assets with long-lived caching and compresses pages', async () => {
    const page = await t.client().get('/')
    const css = page.body.match(/href="(\/assets\/govuk-[^"]+\.css)"/)?.[1]
    expect(css).toBeTruthy()
    const asset = await t.app.inject({ url: css! })
    expect(asset.statusCode).toBe(200)
    expect(asset.headers['cache-control']).toContain('immutable')
    const font = await t.app.inject({ url: '/assets/images/favicon.svg' })
    expect(font.statusCode).toBe(200)
    const gzipped = await t.app.inject({ url: '/', headers: { 'accept-encoding': 'gzip' } })
    expect(gzipped.headers['content-encoding']).toBe('gzip')
  })

  it('reports health and readiness', async () => {
    expect((await t.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' })
    expect((await t.app.inject({ url: '/readyz' })).json()).toMatchObject({ status: 'ok' })
  })
})

describe('logged paths', () => {
  it('leave out the secret in a calendar feed or a response link', async () => {
    const { redactSecrets } = await import('../../app.ts')
    expect(redactSecrets('/calendar/abc123.ics')).toBe('/calendar/[secret]')
    expect(redactSecrets('/respond/abc123')).toBe('/respond/[secret]')
    expect(redactSecrets('/p/thurrock/meetings')).toBe('/p/thurrock/meetings')
  })
})
