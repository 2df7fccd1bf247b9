import { generateKeyPairSync } from 'node:crypto'
import { createServer, type RequestListener } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider from 'oidc-provider'

/**
 * A real OpenID provider for tests (oidc-provider, on 127.0.0.1 and a free port) with its
 * development login pages, which accept any password: never anything but a test double.
 * An account's claims are `{ sub, email: sub, email_verified: true }` unless `accounts` says otherwise.
 */
export async function startTestProvider(client: {
  clientId: string
  clientSecret: string
  redirectUris: string[]
}) {
  const accounts = new Map<string, Record<string, unknown>>()
  let handler: RequestListener = (_request, response) => response.writeHead(503).end()
  const server = createServer((request, response) => handler(request, response))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: client.clientId,
        client_secret: client.clientSecret,
        redirect_uris: client.redirectUris,
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({ sub, email: sub, email_verified: true, ...accounts.get(sub) }),
    }),
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['preferred_username'] },
    // As Entra ID does, put the e-mail address in the ID token itself.
    conformIdTokenClaims: false,
    cookies: { keys: ['test-provider-cookie-key'] },
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    // Its own key and lifetimes, so the provider does not warn about its development defaults.
    jwks: { keys: [{ ...signingKey(), kid: 'test', alg: 'RS256', use: 'sig' }] },
    ttl: { Interaction: 600, Session: 600, Grant: 600, AccessToken: 600, IdToken: 600 },
  })
  handler = provider.callback()
  return {
    issuer,
    accounts,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

const signingKey = () =>
  generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }) as Record<
    string,
    unknown
  >

/**
 * Plays the browser at the provider: follows redirects and fills in the login and consent forms
 * (or cancels at the login form), until the provider sends the browser back to another site.
 * Returns that address, for the app under test to be called with.
 */
export async function signInAtProvider(
  authorizationUrl: string,
  login: string,
  options: { cancel?: boolean } = {},
): Promise<URL> {
  const jar = new Map<string, string>()
  const origin = new URL(authorizationUrl).origin
  let url = new URL(authorizationUrl)
  let response = await visit(jar, url)
  for (let step = 0; step < 20; step++) {
    const location = response.headers.get('location')
    if (response.status >= 300 && response.status < 400 && location) {
      url = new URL(location, url)
      if (url.origin !== origin) return url
      response = await visit(jar, url)
      continue
    }
    const html = await response.text()
    const action = html.match(/<form[^>]*action="([^"]+)"/)?.[1]?.replaceAll('&amp;', '&')
    const prompt = html.match(/name="prompt" value="([^"]+)"/)?.[1]
    if (!action || !prompt)
      throw new Error(`Unexpected page at the provider (${response.status}): ${html.slice(0, 500)}`)
    if (prompt === 'login' && options.cancel) {
      url = new URL(`${url.pathname}/abort`, url)
      response = await visit(jar, url)
      continue
    }
    const fields: Record<string, string> =
      prompt === 'login' ? { prompt, login, password: 'any password will do' } : { prompt }
    url = new URL(action, url)
    response = await visit(jar, url, new URLSearchParams(fields))
  }
  throw new Error('The provider never sent the browser back')
}

async function visit(jar: Map<string, string>, url: URL, form?: URLSearchParams) {
  const headers: Record<string, string> = { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') }
  if (form) headers['content-type'] = 'application/x-www-form-urlencoded'
  const response = await fetch(url, {
    method: form ? 'POST' : 'GET',
    headers,
    body: form?.toString(),
    redirect: 'manual',
  })
  for (const cookie of response.headers.getSetCookie()) {
    const [pair = '', ...attributes] = cookie.split(';')
    const [name = '', value = ''] = pair.split(/=(.*)/s)
    const expires = attributes.find((a) => a.trim().toLowerCase().startsWith('expires='))
    const gone = value === '' || (expires && new Date(expires.split('=')[1] ?? '').getTime() < Date.now())
    if (gone) jar.delete(name.trim())
    else jar.set(name.trim(), value)
  }
  return response
}
