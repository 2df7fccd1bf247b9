import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp, type TestClient } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership, buildUser } from '../../../test/factories.ts'
import type { Partnership } from '../../modules/partnership/partnership.table.ts'
import { verifyAuditLog } from '../audit/audit.service.ts'
import { auditLog } from '../audit/audit.table.ts'
import type { Database } from '../db/client.ts'
import { outbox } from '../notify/notify.table.ts'

const GOOD = 'purple kettle harbour'

describe('invitations, resets, throttling, people and accounts', () => {
  let database: Database
  let t: TestApp
  let partnership: Partnership
  let admin: { id: string; email: string; password: string }
  let clock = new Date('2026-11-23T09:00:00Z')
  const later = (ms: number) => {
    clock = new Date(clock.getTime() + ms)
  }

  beforeAll(async () => {
    database = await createTestDatabase()
    partnership = await buildPartnership(database.db)
    admin = await buildUser(database.db, { partnershipId: partnership.id, role: 'administrator' })
    t = await buildTestApp(database, { now: () => clock })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  async function signedInAdmin(): Promise<TestClient> {
    const client = t.client()
    await client.signIn(admin.email, admin.password)
    return client
  }

  /** The link in the newest message to an address (the clock moves on between messages). */
  async function lastLinkTo(email: string): Promise<string> {
    const messages = await database.db
      .select()
      .from(outbox)
      .where(eq(outbox.toAddress, email))
      .orderBy(outbox.createdAt)
    const link = messages.at(-1)?.textBody.match(/http:\/\/localhost:3000(\/\S+)/)?.[1]
    if (!link) throw new Error(`No link e-mailed to ${email}`)
    return link
  }

  it('invites a person who sets a password with the link once, then signs in', async () => {
    const client = await signedInAdmin()
    const invalid = await client.submit(
      `/p/${partnership.slug}/users/invite`,
      `/p/${partnership.slug}/users/invite`,
      {
        name: 'Sam Patel',
        email: 'not an address',
        role: 'member',
      },
    )
    expect(invalid.statusCode).toBe(400)
    expect(invalid.body).toContain('Enter an e-mail address in the correct format')
    expect(invalid.body).toContain('value="Sam Patel"')

    const sent = await client.submit(
      `/p/${partnership.slug}/users/invite`,
      `/p/${partnership.slug}/users/invite`,
      {
        name: 'Sam Patel',
        email: 'Sam.Patel@Example.org',
        role: 'member',
      },
    )
    expect(sent.statusCode).toBe(303)
    const again = await client.submit(
      `/p/${partnership.slug}/users/invite`,
      `/p/${partnership.slug}/users/invite`,
      {
        name: 'Sam Patel',
        email: 'sam.patel@example.org',
        role: 'member',
      },
    )
    expect(again.statusCode).toBe(400)
    expect(again.body).toContain('is already in')

    const link = await lastLinkTo('sam.patel@example.org')
    expect(link).toMatch(/^\/invitation\?token=/)
    const newcomer = t.client()
    const page = await newcomer.get(link)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Welcome, Sam Patel')
    const token = new URL(link, 'http://x').searchParams.get('token')!
    const weak = await newcomer.submit(link, '/invitation', {
      token,
      password: 'password1234',
      confirm: 'password1234',
    })
    expect(weak.statusCode).toBe(400)
    expect(weak.body).toContain('This password is too common')
    const mismatch = await newcomer.submit(link, '/invitation', {
      token,
      password: GOOD,
      confirm: `${GOOD}!`,
    })
    expect(mismatch.body).toContain('Enter the same password twice')
    const set = await newcomer.submit(link, '/invitation', { token, password: GOOD, confirm: GOOD })
    expect(set.statusCode).toBe(303)
    expect(set.headers.location).toBe('/sign-in?reset=1')
    await newcomer.signIn('sam.patel@example.org', GOOD)
    expect((await newcomer.get(`/p/${partnership.slug}`)).statusCode).toBe(200)

    const reused = await t.client().get(link)
    expect(reused.statusCode).toBe(410)
    expect(reused.body).toContain('This link has already been used')
  })

  it('refuses an expired invitation and a made-up one', async () => {
    const client = await signedInAdmin()
    await client.submit(`/p/${partnership.slug}/users/invite`, `/p/${partnership.slug}/users/invite`, {
      name: 'Late Comer',
      email: 'late@example.org',
      role: 'member',
    })
    const link = await lastLinkTo('late@example.org')
    later(7 * 24 * 3_600_000 + 1000)
    const expired = await t.client().get(link)
    expect(expired.statusCode).toBe(410)
    expect(expired.body).toContain('This link has expired')
    expect((await t.client().get('/invitation?token=made-up')).body).toContain('This link is not valid')
  })

  it('answers "forgotten password" the same way for any address, and resets once within the hour', async () => {
    const person = await buildUser(database.db, { partnershipId: partnership.id, role: 'member' })
    const other = t.client()
    await other.signIn(person.email, person.password)

    const known = await t
      .client()
      .submit('/forgotten-password', '/forgotten-password', { email: person.email })
    const unknown = await t
      .client()
      .submit('/forgotten-password', '/forgotten-password', { email: 'nobody@example.org' })
    const strip = (html: string, email: string) =>
      html.replace(email, 'EMAIL').replace(/nonce-[^"']+|value="[^"]+"|nonce="[^"]+"|[0-9a-f-]{36}/g, '')
    expect(strip(known.body, person.email)).toBe(strip(unknown.body, 'nobody@example.org'))
    expect(
      (await database.db.select().from(outbox).where(eq(outbox.toAddress, 'nobody@example.org'))).length,
    ).toBe(0)

    const link = await lastLinkTo(person.email)
    const token = new URL(link, 'http://x').searchParams.get('token')!
    const reset = await t.client().submit(link, '/reset-password', { token, password: GOOD, confirm: GOOD })
    expect(reset.statusCode).toBe(303)
    // Everyone signed in as this person is signed out.
    expect((await other.get(`/p/${partnership.slug}`)).statusCode).toBe(303)
    await t.client().signIn(person.email, GOOD)

    later(1000)
    await t.client().submit('/forgotten-password', '/forgotten-password', { email: person.email })
    const second = await lastLinkTo(person.email)
    later(3_600_000 + 1000)
    expect((await t.client().get(second)).body).toContain('This link has expired')
  })

  it('slows down repeated failed sign-ins with a clear message, audited, and lets go by itself', async () => {
    const person = await buildUser(database.db, { partnershipId: partnership.id, role: 'member' })
    for (let i = 0; i < 5; i++) {
      const wrong = await t
        .client()
        .submit('/sign-in', '/sign-in', { email: person.email, password: `wrong ${i}` })
      expect(wrong.statusCode).toBe(400)
    }
    const locked = await t
      .client()
      .submit('/sign-in', '/sign-in', { email: person.email, password: person.password })
    expect(locked.statusCode).toBe(429)
    expect(locked.body).toContain('There have been too many attempts to sign in. Try again after')
    const failures = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, person.email), eq(auditLog.action, 'failed')))
    expect(failures).toHaveLength(5)
    later(15 * 60_000 + 1000)
    await t.client().signIn(person.email, person.password)
  })

  it('changes roles, keeps the last administrator and deactivates without deleting', async () => {
    const person = await buildUser(database.db, { partnershipId: partnership.id, role: 'member' })
    const personClient = t.client()
    await personClient.signIn(person.email, person.password)
    expect((await personClient.get(`/p/${partnership.slug}/rules`)).statusCode).toBe(403)

    const client = await signedInAdmin()
    const page = `/p/${partnership.slug}/users/${person.id}`
    expect((await client.submit(page, `${page}/role`, { role: 'partner' })).statusCode).toBe(303)
    expect((await personClient.get(`/p/${partnership.slug}/rules`)).statusCode).toBe(200)

    const self = `/p/${partnership.slug}/users/${admin.id}`
    const demote = await client.submit(self, `${self}/role`, { role: 'member' })
    expect(demote.headers.location).toContain('error=last_administrator')
    expect((await client.get(demote.headers.location as string)).body).toContain(
      'must keep at least one administrator',
    )

    expect((await client.submit(page, `${page}/deactivate`, {})).statusCode).toBe(303)
    expect((await personClient.get(`/p/${partnership.slug}`)).statusCode).toBe(404)
    const list = await client.get(`/p/${partnership.slug}/users`)
    expect(list.body).toContain('Deactivated')
    expect((await verifyAuditLog(database.db)).ok).toBe(true)
  })

  it('lets a person change their name and password, see their sessions and end them', async () => {
    const person = await buildUser(database.db, { partnershipId: partnership.id, role: 'member' })
    const laptop = t.client()
    const phone = t.client()
    await laptop.signIn(person.email, person.password)
    await phone.signIn(person.email, person.password)

    const name = await laptop.submit('/account/name', '/account/name', { name: '' })
    expect(name.statusCode).toBe(400)
    expect((await laptop.submit('/account/name', '/account/name', { name: 'Jo Smith' })).statusCode).toBe(303)
    expect((await laptop.get('/account')).body).toContain('Jo Smith')

    const sessions = await laptop.get('/account/sessions')
    expect(sessions.body.match(/data-testid="session"/g)).toHaveLength(2)
    expect(sessions.body).toContain('This device')

    const wrong = await laptop.submit('/account/password', '/account/password', {
      current: 'nope',
      password: GOOD,
      confirm: GOOD,
    })
    expect(wrong.body).toContain('Your current password is not correct')
    const changed = await laptop.submit('/account/password', '/account/password', {
      current: person.password,
      password: GOOD,
      confirm: GOOD,
    })
    expect(changed.statusCode).toBe(303)
    expect((await laptop.get('/account')).statusCode).toBe(200)
    expect((await phone.get('/account')).statusCode).toBe(303)

    const everywhere = await laptop.submit('/account/sessions', '/account/sessions/end-all', {})
    expect(everywhere.headers.location).toBe('/sign-in?signedOut=1')
    expect((await laptop.get('/account')).statusCode).toBe(303)
  })
})
