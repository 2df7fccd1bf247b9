import { and, eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TestClient, testConfig } from '../../../../test/app.ts'
import { createTestDatabase } from '../../../../test/db.ts'
import { buildPartnership, buildUser } from '../../../../test/factories.ts'
import { createApp } from '../../../app.ts'
import type { Partnership } from '../../../modules/partnership/partnership.table.ts'
import { auditLog } from '../../audit/audit.table.ts'
import type { Database } from '../../db/client.ts'
import { partnershipSecurity, sessions } from '../auth.table.ts'
import { oidcSignInOptions, saveOidcSettings, turnOffOidc } from './oidc.repository.ts'
import { signInAtProvider, startTestProvider } from './test-provider.ts'

// The whole flow against a real provider: the app is called through inject (as a browser at
// http://localhost would), the provider over real HTTP on 127.0.0.1.
describe('sign in with an OpenID Connect provider', () => {
  const clientId = 'masa-test-client'
  const clientSecret = 'a-client-secret-nobody-may-ever-see-4f9d2c'
  let database: Database
  let app: FastifyInstance
  let provider: Awaited<ReturnType<typeof startTestProvider>>
  let partnership: Partnership
  let elsewhere: Partnership
  let member: { id: string; email: string; password: string }
  let outsider: { id: string; email: string; password: string }

  beforeAll(async () => {
    database = await createTestDatabase()
    partnership = await buildPartnership(database.db)
    elsewhere = await buildPartnership(database.db)
    member = await buildUser(database.db, { partnershipId: partnership.id, role: 'member' })
    outsider = await buildUser(database.db, { partnershipId: elsewhere.id, role: 'member' })
    provider = await startTestProvider({
      clientId,
      clientSecret,
      redirectUris: [partnership, elsewhere].map((p) => `http://localhost/sign-in/oidc/${p.slug}/callback`),
    })
    await saveOidcSettings(
      database.db,
      partnership.id,
      {
        issuer: provider.issuer,
        clientId,
        clientSecret,
        label: 'your Test Council account',
        emailClaim: 'email',
      },
      new Date(),
    )
    app = await createApp({ config: testConfig({ PUBLIC_URL: 'http://localhost' }), database, logger: false })
    await app.ready()
  })
  afterAll(async () => {
    await app?.close()
    await provider?.close()
    await database?.close()
  })

  /** Starts at MASA, signs in at the provider as `login`, and brings the answer back to MASA. */
  async function signInThrough(
    client: TestClient,
    login: string,
    options: { cancel?: boolean; slug?: string; tamper?: (url: URL) => void } = {},
  ) {
    const slug = options.slug ?? partnership.slug
    const start = await client.get(`/sign-in/oidc/${slug}?returnTo=${encodeURIComponent(`/p/${slug}`)}`)
    expect(start.statusCode).toBe(303)
    const back = await signInAtProvider(start.headers.location as string, login, options)
    expect(`${back.origin}${back.pathname}`).toBe(`http://localhost/sign-in/oidc/${slug}/callback`)
    options.tamper?.(back)
    return client.get(`${back.pathname}${back.search}`)
  }

  const refusals = async () =>
    (
      await database.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.partnershipId, partnership.id), eq(auditLog.action, 'oidc_refused')))
    ).map((e) => (e.after as { reason: string }).reason)

  it('sends the person to the provider with PKCE, state and nonce kept in a short-lived cookie', async () => {
    const client = new TestClient(app)
    const start = await client.get(`/sign-in/oidc/${partnership.slug}`)
    expect(start.statusCode).toBe(303)
    const to = new URL(start.headers.location as string)
    expect(to.origin).toBe(provider.issuer)
    expect(to.searchParams.get('code_challenge_method')).toBe('S256')
    expect(to.searchParams.get('code_challenge')).toBeTruthy()
    expect(to.searchParams.get('state')).toBeTruthy()
    expect(to.searchParams.get('nonce')).toBeTruthy()
    expect(to.searchParams.get('redirect_uri')).toBe(
      `http://localhost/sign-in/oidc/${partnership.slug}/callback`,
    )
    const cookie = start.cookies.find((c) => c.name === 'masa_oidc')
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/sign-in/oidc', maxAge: 600 })
  })

  it('signs a member in, whatever the case of the address, and back to the page they asked for', async () => {
    const client = new TestClient(app)
    const done = await signInThrough(client, member.email.toUpperCase())
    expect(done.statusCode).toBe(303)
    expect(done.headers.location).toBe(`/p/${partnership.slug}`)
    expect(client.cookies.has('masa_oidc')).toBe(false)
    expect((await client.get(`/p/${partnership.slug}`)).statusCode).toBe(200)
    const [session] = await database.db.select().from(sessions).where(eq(sessions.userId, member.id))
    expect(session?.method).toBe(provider.issuer)
    const accepted = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.actorId, member.id), eq(auditLog.action, 'oidc_accepted')))
    expect(accepted).toHaveLength(1)
  })

  it('refuses an address with no account in this partnership, and creates none', async () => {
    for (const email of ['stranger@example.org', outsider.email]) {
      const client = new TestClient(app)
      const done = await signInThrough(client, email)
      expect(done.statusCode).toBe(403)
      expect(done.body).toContain(`There is no MASA account for ${email} in ${partnership.name}.`)
      expect(done.body).toContain('Ask your partnership&#39;s business team to invite you.')
      expect(done.body).toContain('href="/sign-in"')
      expect(client.cookies.has('masa_session')).toBe(false)
      expect((await client.get(`/p/${partnership.slug}`)).statusCode).toBe(303)
    }
    expect(await refusals()).toContain('no_account')
  })

  it('refuses an address the provider says is not verified', async () => {
    provider.accounts.set('unverified-person', { email: member.email, email_verified: false })
    const client = new TestClient(app)
    const done = await signInThrough(client, 'unverified-person')
    expect(done.statusCode).toBe(403)
    expect(done.body).toContain('Your e-mail address has not been confirmed')
    expect(client.cookies.has('masa_session')).toBe(false)
    expect(await refusals()).toContain('email_not_verified')
  })

  it('refuses an answer whose state was tampered with', async () => {
    const client = new TestClient(app)
    const done = await signInThrough(client, member.email, {
      tamper: (url) => url.searchParams.set('state', 'forged-state'),
    })
    expect(done.statusCode).toBe(400)
    expect(done.body).toContain('Your sign-in could not be completed')
    expect(client.cookies.has('masa_session')).toBe(false)
    expect(await refusals()).toContain('state_mismatch')
  })

  it('refuses an answer brought to a browser that did not start the sign-in', async () => {
    const starter = new TestClient(app)
    const start = await starter.get(`/sign-in/oidc/${partnership.slug}`)
    const back = await signInAtProvider(start.headers.location as string, member.email)
    const other = new TestClient(app)
    const done = await other.get(`${back.pathname}${back.search}`)
    expect(done.statusCode).toBe(400)
    expect(done.body).toContain('It took too long, or it was started in another browser.')
    expect(other.cookies.has('masa_session')).toBe(false)
    // Nor can a browser make up the cookie: it is signed with the session secret.
    const forger = new TestClient(app)
    const forged = {
      partnershipId: partnership.id,
      issuer: provider.issuer,
      state: back.searchParams.get('state'),
      nonce: 'made-up',
      codeVerifier: 'made-up',
      returnTo: '/',
      startedAt: Date.now(),
    }
    forger.cookies.set(
      'masa_oidc',
      `${Buffer.from(JSON.stringify(forged)).toString('base64url')}.not-a-signature`,
    )
    const forgedDone = await forger.get(`${back.pathname}${back.search}`)
    expect(forgedDone.statusCode).toBe(400)
    expect(forger.cookies.has('masa_session')).toBe(false)
    expect(await refusals()).toContain('missing_state')
  })

  it('explains kindly when the person cancels at the provider', async () => {
    const client = new TestClient(app)
    const done = await signInThrough(client, member.email, { cancel: true })
    expect(done.statusCode).toBe(403)
    expect(done.body).toContain('You have not been signed in')
    expect(done.body).toContain('href="/sign-in"')
    expect(client.cookies.has('masa_session')).toBe(false)
    expect(await refusals()).toContain('provider_error')
  })

  it('offers a button only for partnerships with a provider, and 404 for one without', async () => {
    const options = await oidcSignInOptions(database.db, '/p/x')
    expect(options).toContainEqual({
      href: `/sign-in/oidc/${partnership.slug}?returnTo=%2Fp%2Fx`,
      label: 'your Test Council account',
    })
    expect(options.some((o) => o.href.includes(elsewhere.slug))).toBe(false)
    expect((await new TestClient(app).get(`/sign-in/oidc/${elsewhere.slug}`)).statusCode).toBe(404)
  })
})

describe('sign-in settings', () => {
  const clientId = 'masa-settings-client'
  const clientSecret = 'settings-secret-that-must-never-be-shown-7c1e'
  let database: Database
  let app: FastifyInstance
  let provider: Awaited<ReturnType<typeof startTestProvider>>
  let partnership: Partnership
  const people: Record<string, { id: string; email: string; password: string }> = {}
  let page: string

  beforeAll(async () => {
    database = await createTestDatabase()
    partnership = await buildPartnership(database.db)
    const elsewhere = await buildPartnership(database.db)
    page = `/p/${partnership.slug}/sign-in-settings`
    for (const role of ['administrator', 'business_team', 'member'] as const)
      people[role] = await buildUser(database.db, { partnershipId: partnership.id, role })
    people.outsider = await buildUser(database.db, { partnershipId: elsewhere.id, role: 'administrator' })
    provider = await startTestProvider({
      clientId,
      clientSecret,
      redirectUris: [`http://localhost/sign-in/oidc/${partnership.slug}/callback`],
    })
    app = await createApp({ config: testConfig({ PUBLIC_URL: 'http://localhost' }), database, logger: false })
    await app.ready()
  })
  afterAll(async () => {
    await app?.close()
    await provider?.close()
    await database?.close()
  })

  const signedIn = async (who: string) => {
    const client = new TestClient(app)
    const person = people[who]!
    await client.signIn(person.email, person.password)
    return client
  }
  const stored = async () => {
    const [row] = await database.db
      .select()
      .from(partnershipSecurity)
      .where(eq(partnershipSecurity.partnershipId, partnership.id))
    return row
  }
  const valid = () => ({
    issuer: provider.issuer,
    clientId,
    clientSecret,
    label: 'your Settings Council account',
    emailClaim: 'preferred_username',
  })

  it('is only for the partnership’s administrators', async () => {
    expect((await new TestClient(app).get(page)).statusCode).toBe(303)
    expect((await (await signedIn('member')).get(page)).statusCode).toBe(403)
    expect((await (await signedIn('business_team')).get(page)).statusCode).toBe(403)
    expect((await (await signedIn('outsider')).get(page)).statusCode).toBe(404)
    const administrator = await signedIn('administrator')
    const shown = await administrator.get(page)
    expect(shown.statusCode).toBe(200)
    expect(shown.body).toContain(`http://localhost/sign-in/oidc/${partnership.slug}/callback`)
    const refused = await (await signedIn('member')).post(page, { ...valid(), _csrf: 'x' })
    expect(refused.statusCode).toBe(403)
    expect(await stored()).toBeUndefined()
  })

  it('checks the form, and never shows the secret back', async () => {
    const administrator = await signedIn('administrator')
    const bad = await administrator.submit(page, page, {
      ...valid(),
      issuer: 'not a url',
      emailClaim: 'e mail',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Enter the issuer as a full web address')
    expect(bad.body).toContain('Enter a claim name')
    expect(bad.body).not.toContain(clientSecret)
    const noSecret = await administrator.submit(page, page, { ...valid(), clientSecret: '' })
    expect(noSecret.statusCode).toBe(400)
    expect(noSecret.body).toContain('Enter the client secret')
    const wrongIssuer = await administrator.submit(page, page, {
      ...valid(),
      issuer: `${provider.issuer}/elsewhere`,
    })
    expect(wrongIssuer.statusCode).toBe(400)
    expect(wrongIssuer.body).toContain('MASA could not read the provider’s settings')
    expect(wrongIssuer.body).not.toContain(clientSecret)
    expect(await stored()).toBeUndefined()
  })

  it('saves the provider, keeps the secret when left blank, audits without it, and turns it off', async () => {
    const administrator = await signedIn('administrator')
    const saved = await administrator.submit(page, page, valid())
    expect(saved.statusCode).toBe(303)
    const shown = await administrator.get(saved.headers.location as string)
    expect(shown.body).toContain('Sign-in settings saved')
    expect(shown.body).toContain(`value="${provider.issuer}"`)
    expect(shown.body).toContain('Stored (not shown)')
    expect(shown.body).not.toContain(clientSecret)
    expect(await stored()).toMatchObject({
      oidcIssuer: provider.issuer,
      oidcClientSecret: clientSecret,
      oidcEmailClaim: 'preferred_username',
      requireSecondFactor: false,
    })

    const kept = await administrator.submit(page, page, {
      ...valid(),
      clientSecret: '',
      label: 'Settings Council',
    })
    expect(kept.statusCode).toBe(303)
    expect(await stored()).toMatchObject({ oidcClientSecret: clientSecret, oidcLabel: 'Settings Council' })

    const entries = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.partnershipId, partnership.id), eq(auditLog.action, 'oidc_settings_changed')))
    expect(entries.map((e) => (e.after as { secretChanged: boolean }).secretChanged)).toEqual([true, false])
    expect(JSON.stringify(entries)).not.toContain(clientSecret)
    expect(await oidcSignInOptions(database.db)).toContainEqual({
      href: `/sign-in/oidc/${partnership.slug}`,
      label: 'Settings Council',
    })

    const off = await administrator.submit(page, page, { intent: 'turn-off' })
    expect(off.statusCode).toBe(303)
    expect(await stored()).toMatchObject({ oidcIssuer: null, oidcClientSecret: null })
    expect(await oidcSignInOptions(database.db)).toEqual([])
    expect((await new TestClient(app).get(`/sign-in/oidc/${partnership.slug}`)).statusCode).toBe(404)
  })

  it('leaves the second-factor rule in the same row alone', async () => {
    const requireSecondFactor = (value: boolean) =>
      database.db
        .update(partnershipSecurity)
        .set({ requireSecondFactor: value })
        .where(eq(partnershipSecurity.partnershipId, partnership.id))
    await saveOidcSettings(database.db, partnership.id, valid(), new Date())
    await requireSecondFactor(true)
    await saveOidcSettings(database.db, partnership.id, { ...valid(), clientSecret: undefined }, new Date())
    expect(await stored()).toMatchObject({ requireSecondFactor: true, oidcClientSecret: clientSecret })
    await turnOffOidc(database.db, partnership.id, new Date())
    expect(await stored()).toMatchObject({ requireSecondFactor: true, oidcIssuer: null })
    await requireSecondFactor(false)
  })

  it('signs a person in with the configured claim (preferred_username, as Entra ID sends it)', async () => {
    const administrator = await signedIn('administrator')
    expect((await administrator.submit(page, page, valid())).statusCode).toBe(303)
    const person = people.member!
    // No email_verified and no email claim: only the configured claim, from the configured issuer, counts.
    provider.accounts.set('entra-user', {
      email: undefined,
      email_verified: undefined,
      preferred_username: person.email,
    })
    const client = new TestClient(app)
    const start = await client.get(`/sign-in/oidc/${partnership.slug}`)
    const back = await signInAtProvider(start.headers.location as string, 'entra-user')
    const done = await client.get(`${back.pathname}${back.search}`)
    expect(done.statusCode).toBe(303)
    expect((await client.get(`/p/${partnership.slug}`)).statusCode).toBe(200)
  })
})
