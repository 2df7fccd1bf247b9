import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { createApp } from '../src/app.ts'
import { loadConfig } from '../src/platform/config/config.ts'
import type { Database } from '../src/platform/db/client.ts'

export interface TestApp {
  app: FastifyInstance
  /** A browser-like client: keeps cookies and sends forms with a real CSRF token taken from the page. */
  client(): TestClient
}

export function testConfig(overrides: Record<string, string> = {}) {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    SESSION_SECRET: 'test-secret-that-is-at-least-32-characters-long',
    DATA_DIR: '/nonexistent/masa-test',
    ...overrides,
  })
}

export async function buildTestApp(database: Database, options: { now?: () => Date } = {}): Promise<TestApp> {
  const app = await createApp({ config: testConfig(), database, now: options.now, logger: false })
  await app.ready()
  return { app, client: () => new TestClient(app) }
}

export class TestClient {
  readonly app: FastifyInstance
  readonly cookies = new Map<string, string>()
  constructor(app: FastifyInstance) {
    this.app = app
  }

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  private keepCookies(response: LightMyRequestResponse) {
    for (const c of response.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      const expired = c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now())
      if (expired || c.value === '') this.cookies.delete(c.name)
      else this.cookies.set(c.name, c.value)
    }
  }

  async get(url: string) {
    const response = await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader() } })
    this.keepCookies(response)
    return response
  }

  /** Opens the form page first, as a browser would, and submits with its token. */
  async submit(formPage: string, action: string, fields: Record<string, string>) {
    const page = await this.get(formPage)
    const token = csrfTokenIn(page.body)
    return this.post(action, { ...fields, _csrf: token })
  }

  async post(url: string, fields: Record<string, string>) {
    const response = await this.app.inject({
      method: 'POST',
      url,
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    })
    this.keepCookies(response)
    return response
  }

  /** Sends a multipart form with one file, as a browser's file upload does. */
  async upload(
    url: string,
    fields: Record<string, string>,
    file: { field: string; name: string; type: string; content: Buffer | string },
  ) {
    const form = new FormData()
    for (const [k, v] of Object.entries(fields)) form.append(k, v)
    const bytes = typeof file.content === 'string' ? file.content : new Uint8Array(file.content)
    form.append(file.field, new Blob([bytes], { type: file.type }), file.name)
    const encoded = new Response(form)
    const response = await this.app.inject({
      method: 'POST',
      url,
      headers: { cookie: this.cookieHeader(), 'content-type': encoded.headers.get('content-type')! },
      payload: Buffer.from(await encoded.arrayBuffer()),
    })
    this.keepCookies(response)
    return response
  }

  async signIn(email: string, password: string) {
    const response = await this.submit('/sign-in', '/sign-in', { email, password })
    if (response.statusCode !== 303) throw new Error(`Sign-in failed with ${response.statusCode}`)
    return response
  }
}

export function csrfTokenIn(html: string): string {
  const match = html.match(/name="_csrf" value="([^"]+)"/)
  if (!match?.[1]) throw new Error('No CSRF token on the page')
  return match[1]
}

/** The text of an element found by a simple regex, for assertions that do not need a DOM. */
export function titleOf(html: string): string {
  return html.match(/<title[^>]*>([^<]*)<\/title>/)?.[1]?.trim() ?? ''
}
