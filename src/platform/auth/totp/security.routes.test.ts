import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp, type TestClient } from '../../../../test/app.ts'
import { createTestDatabase } from '../../../../test/db.ts'
import { buildPartnership, buildUser } from '../../../../test/factories.ts'
import type { Partnership } from '../../../modules/partnership/partnership.table.ts'
import { verifyAuditLog } from '../../audit/audit.service.ts'
import { auditLog } from '../../audit/audit.table.ts'
import type { Database } from '../../db/client.ts'
import { partnershipSecurity } from '../auth.table.ts'
import { requiresSecondFactor, setRequiresSecondFactor } from './requirement.ts'
import { codeAt, enrol } from './testing.ts'

type Person = { id: string; email: string; password: string }

describe('a partnership that requires a second factor', () => {
  let database: Database
  let t: TestApp
  let clock = new Date('2026-03-02T10:00:05Z')
  const tick = () => {
    clock = new Date(clock.getTime() + 30_000)
  }

  /** Password, then the code from the person's app. */
  async function signInWithCode(client: TestClient, person: Person) {
    tick()
    await client.signIn(person.email, person.password)
    const done = await client.submit('/sign-in/second-factor', '/sign-in/second-factor', {
      code: await codeAt(database.db, person.id, clock),
    })
    expect(done.statusCode).toBe(303)
  }

  beforeAll(async () => {
    database = await createTestDatabase()
    t = await buildTestApp(database, { now: () => clock })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('lets an administrator with a second factor require one, keeping the other settings, audited', async () => {
    const partnership = await buildPartnership(database.db)
    // The OpenID settings share the row, and must survive the change.
    await database.db
      .insert(partnershipSecurity)
      .values({ partnershipId: partnership.id, oidcIssuer: 'https://login.example', oidcClientId: 'masa' })
    const admin = await buildUser(database.db, { partnershipId: partnership.id, role: 'administrator' })
    await buildUser(database.db, { partnershipId: partnership.id, role: 'member' })
    await enrol(database.db, admin.id, clock)
    const client = t.client()
    await signInWithCode(client, admin)

    const page = await client.get(`/p/${partnership.slug}/security`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Require a second factor for everyone in this partnership?')
    expect(page.body).toContain('1 of the 2 people in this partnership has set up an authenticator app')

    const missing = await client.submit(
      `/p/${partnership.slug}/security`,
      `/p/${partnership.slug}/security`,
      {},
    )
    expect(missing.statusCode).toBe(400)
    expect(missing.body).toContain('Select yes if everyone in this partnership must use a second factor')

    const saved = await client.submit(`/p/${partnership.slug}/security`, `/p/${partnership.slug}/security`, {
      requireSecondFactor: 'yes',
    })
    expect(saved.statusCode).toBe(303)
    expect(saved.headers.location).toBe(`/p/${partnership.slug}/security?saved=1`)
    expect((await client.get(saved.headers.location as string)).body).toContain('Security settings saved')
    const [row] = await database.db
      .select()
      .from(partnershipSecurity)
      .where(eq(partnershipSecurity.partnershipId, partnership.id))
    expect(row).toMatchObject({
      requireSecondFactor: true,
      oidcIssuer: 'https://login.example',
      oidcClientId: 'masa',
    })

    // Saving the same again changes nothing and records nothing.
    const same = await client.submit(`/p/${partnership.slug}/security`, `/p/${partnership.slug}/security`, {
      requireSecondFactor: 'yes',
    })
    expect(same.headers.location).toBe(`/p/${partnership.slug}/security?saved=0`)

    const entries = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'second_factor_requirement_changed'))
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({
      partnershipId: partnership.id,
      actorId: admin.id,
      entityType: 'partnership_security',
      before: { requireSecondFactor: false },
      after: { requireSecondFactor: true },
    })
    expect((await verifyAuditLog(database.db)).ok).toBe(true)
  })

  it('stops an administrator without a second factor from shutting themselves out', async () => {
    const partnership = await buildPartnership(database.db)
    const admin = await buildUser(database.db, { partnershipId: partnership.id, role: 'administrator' })
    const client = t.client()
    await client.signIn(admin.email, admin.password)
    const refused = await client.submit(
      `/p/${partnership.slug}/security`,
      `/p/${partnership.slug}/security`,
      {
        requireSecondFactor: 'yes',
      },
    )
    expect(refused.statusCode).toBe(400)
    expect(refused.body).toContain('Set up your own second factor before you require one for everyone')
    expect(await requiresSecondFactor(database.db, partnership.id)).toBe(false)
  })

  it('lets only an administrator of the partnership change the rule', async () => {
    const partnership = await buildPartnership(database.db)
    const elsewhere = await buildPartnership(database.db)
    const url = `/p/${partnership.slug}/security`
    const cases: [Person, number][] = [
      [await buildUser(database.db, { partnershipId: partnership.id, role: 'member' }), 403],
      [await buildUser(database.db, { partnershipId: partnership.id, role: 'business_team' }), 403],
      [await buildUser(database.db, { partnershipId: elsewhere.id, role: 'administrator' }), 404],
    ]
    for (const [person, status] of cases) {
      const client = t.client()
      await client.signIn(person.email, person.password)
      expect((await client.get(url)).statusCode).toBe(status)
      const token = (await client.get('/account')).body.match(/name="_csrf" value="([^"]+)"/)?.[1]
      const post = await client.post(url, { _csrf: token ?? '', requireSecondFactor: 'no' })
      expect(post.statusCode).toBe(status)
    }
    expect((await t.client().get(url)).statusCode).toBe(303)
    await setRequiresSecondFactor(database.db, partnership.id, true, clock)
    const member = cases[0]![0]
    const client = t.client()
    await client.signIn(member.email, member.password)
    const token = (await client.get('/account')).body.match(/name="_csrf" value="([^"]+)"/)?.[1]
    expect((await client.post(url, { _csrf: token ?? '', requireSecondFactor: 'no' })).statusCode).toBe(303)
    expect(await requiresSecondFactor(database.db, partnership.id)).toBe(true)
  })

  it('sends a member without a second factor to set one up, and lets them in once they have', async () => {
    const partnership: Partnership = await buildPartnership(database.db)
    await setRequiresSecondFactor(database.db, partnership.id, true, clock)
    const member = await buildUser(database.db, { partnershipId: partnership.id, role: 'member' })
    const client = t.client()
    await client.signIn(member.email, member.password)

    const withheld = await client.get(`/p/${partnership.slug}`)
    expect(withheld.statusCode).toBe(303)
    expect(withheld.headers.location).toBe('/account/second-factor?required=1')
    const asked = await client.get('/account/second-factor?required=1')
    expect(asked.body).toContain('A partnership you belong to requires a second factor')

    await client.submit('/account/second-factor?required=1', '/account/second-factor/start', {})
    const done = await client.submit('/account/second-factor/set-up', '/account/second-factor/confirm', {
      code: await codeAt(database.db, member.id, clock),
    })
    expect(done.statusCode).toBe(200)
    expect((await client.get(`/p/${partnership.slug}`)).statusCode).toBe(200)

    // And now they cannot turn it off while the partnership requires it.
    const status = await client.get('/account/second-factor')
    expect(status.body).toContain(`because ${partnership.name} requires one`)
    expect(status.body).not.toContain('href="/account/second-factor/disable"')
    tick()
    const off = await client.submit('/account/second-factor/disable', '/account/second-factor/disable', {
      code: await codeAt(database.db, member.id, clock),
    })
    expect(off.statusCode).toBe(409)
    expect(off.body).toContain('You cannot turn off your second factor')
    expect((await client.get(`/p/${partnership.slug}`)).statusCode).toBe(200)
  })

  it('asks a person half-way through signing in for the code before any partnership page', async () => {
    const partnership = await buildPartnership(database.db)
    await setRequiresSecondFactor(database.db, partnership.id, true, clock)
    const member = await buildUser(database.db, { partnershipId: partnership.id, role: 'member' })
    await enrol(database.db, member.id, clock)
    const client = t.client()
    await client.signIn(member.email, member.password)
    expect((await client.get(`/p/${partnership.slug}`)).statusCode).toBe(303)
    expect((await client.get(`/p/${partnership.slug}/security`)).statusCode).toBe(303)
    tick()
    await client.submit('/sign-in/second-factor', '/sign-in/second-factor', {
      code: await codeAt(database.db, member.id, clock),
    })
    expect((await client.get(`/p/${partnership.slug}`)).statusCode).toBe(200)
  })
})
