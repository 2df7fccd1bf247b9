import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp, type TestClient } from '../../../../test/app.ts'
import { createTestDatabase } from '../../../../test/db.ts'
import { buildPartnership, buildUser } from '../../../../test/factories.ts'
import { verifyAuditLog } from '../../audit/audit.service.ts'
import { auditLog } from '../../audit/audit.table.ts'
import type { Database } from '../../db/client.ts'
import { recoveryCodes, users } from '../auth.table.ts'
import { codeAt, enrol, wrongCodeAt } from './testing.ts'

type Person = { id: string; email: string; password: string }

describe('second factor: enrolment and sign-in', () => {
  let database: Database
  let t: TestApp
  let slug: string
  let partnershipId: string
  // A clock the test moves on, so each sign-in has a code of a new 30-second step.
  let clock = new Date('2026-03-02T10:00:05Z')
  const tick = (seconds = 30) => {
    clock = new Date(clock.getTime() + seconds * 1000)
  }
  const member = async () => buildUser(database.db, { partnershipId, role: 'member' })
  const auditActions = async (userId: string) =>
    (
      await database.db.select().from(auditLog).where(eq(auditLog.entityId, userId)).orderBy(auditLog.seq)
    ).map((r) => r.action)

  /** Signs in with the password, as far as the second-factor page. */
  async function signInWithPassword(client: TestClient, person: Person, returnTo = `/p/${slug}`) {
    const response = await client.submit('/sign-in', '/sign-in', {
      email: person.email,
      password: person.password,
      returnTo,
    })
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe(`/sign-in/second-factor?returnTo=${encodeURIComponent(returnTo)}`)
    return response.headers.location as string
  }

  beforeAll(async () => {
    database = await createTestDatabase()
    const partnership = await buildPartnership(database.db)
    slug = partnership.slug
    partnershipId = partnership.id
    t = await buildTestApp(database, { now: () => clock })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('enrols, then asks for a code at every sign-in, refusing wrong and replayed codes', async () => {
    const person = await member()
    const client = t.client()
    await client.signIn(person.email, person.password)

    const status = await client.get('/account/second-factor')
    expect(status.statusCode).toBe(200)
    expect(status.body).toContain('Not set up')
    const started = await client.submit('/account/second-factor', '/account/second-factor/start', {})
    expect(started.statusCode).toBe(303)
    expect(started.headers.location).toBe('/account/second-factor/set-up')

    const setUp = await client.get('/account/second-factor/set-up')
    expect(setUp.statusCode).toBe(200)
    expect(setUp.headers['cache-control']).toBe('no-store')
    const [row] = await database.db.select().from(users).where(eq(users.id, person.id))
    expect(setUp.body).toContain(row?.totpSecret?.match(/.{4}/g)?.join(' '))
    const qr = setUp.body.match(
      /src="data:image\/svg\+xml;base64,([^"]+)" alt="QR code for your authenticator app"/,
    )
    expect(Buffer.from(qr![1]!, 'base64').toString()).toMatch(/^<svg/)

    // A wrong code: the error, and the same QR code to try again.
    const wrong = await client.submit('/account/second-factor/set-up', '/account/second-factor/confirm', {
      code: await wrongCodeAt(database.db, person.id, clock),
    })
    expect(wrong.statusCode).toBe(400)
    expect(wrong.body).toContain('Enter a correct security code')
    expect(wrong.body).toContain(qr![1])

    const confirmed = await client.submit('/account/second-factor/set-up', '/account/second-factor/confirm', {
      code: await codeAt(database.db, person.id, clock),
    })
    expect(confirmed.statusCode).toBe(200)
    expect(confirmed.headers['cache-control']).toBe('no-store')
    const shown = [...confirmed.body.matchAll(/<code>([0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4})<\/code>/g)].map(
      (m) => m[1]!,
    )
    expect(shown).toHaveLength(10)
    // This session gave the code, so it carries on; the page now says the factor is on.
    const on = await client.get('/account/second-factor')
    expect(on.body).toContain('Recovery codes left')
    expect(on.body).toMatch(/Recovery codes left[\s\S]*?10/)

    await client.submit('/account', '/sign-out', {})

    // The code used to turn it on is not accepted again, even in the same 30 seconds.
    const stale = t.client()
    const page = await signInWithPassword(stale, person)
    const replayedAtOnce = await stale.submit(page, '/sign-in/second-factor', {
      code: await codeAt(database.db, person.id, clock),
      returnTo: `/p/${slug}`,
    })
    expect(replayedAtOnce.statusCode).toBe(400)

    tick()
    const next = t.client()
    const form = await signInWithPassword(next, person)
    // Half-way signed in opens nothing but the second-factor pages.
    expect((await next.get(`/p/${slug}`)).statusCode).toBe(303)
    expect((await next.get(`/p/${slug}`)).headers.location).toMatch(/^\/sign-in\?returnTo=/)
    expect((await next.get('/account/second-factor')).statusCode).toBe(303)
    expect((await next.get('/account')).statusCode).toBe(303)

    const refused = await next.submit(form, '/sign-in/second-factor', {
      code: await wrongCodeAt(database.db, person.id, clock),
      returnTo: `/p/${slug}`,
    })
    expect(refused.statusCode).toBe(400)
    expect(refused.body).toContain('Enter a correct security code')
    expect(refused.body).toContain('href="#code"')
    expect((await next.get(`/p/${slug}`)).statusCode).toBe(303)

    const code = await codeAt(database.db, person.id, clock)
    const accepted = await next.submit(form, '/sign-in/second-factor', { code, returnTo: `/p/${slug}` })
    expect(accepted.statusCode).toBe(303)
    expect(accepted.headers.location).toBe(`/p/${slug}`)
    expect((await next.get(`/p/${slug}`)).statusCode).toBe(200)

    // The same code again, in another sign-in, is a replay.
    const again = t.client()
    const againForm = await signInWithPassword(again, person)
    const replayed = await again.submit(againForm, '/sign-in/second-factor', { code, returnTo: `/p/${slug}` })
    expect(replayed.statusCode).toBe(400)
    expect(replayed.body).toContain('Enter a correct security code')
    expect((await again.get(`/p/${slug}`)).statusCode).toBe(303)

    // A recovery code works once.
    const recover = t.client()
    await signInWithPassword(recover, person)
    const recoveryPage = `/sign-in/recovery-code?returnTo=${encodeURIComponent(`/p/${slug}`)}`
    const used = await recover.submit(recoveryPage, '/sign-in/recovery-code', {
      code: shown[0]!.toUpperCase(),
      returnTo: `/p/${slug}`,
    })
    expect(used.statusCode).toBe(303)
    expect(used.headers.location).toBe(`/p/${slug}`)
    expect((await recover.get(`/p/${slug}`)).statusCode).toBe(200)
    const twice = t.client()
    await signInWithPassword(twice, person)
    const usedAgain = await twice.submit(recoveryPage, '/sign-in/recovery-code', {
      code: shown[0]!,
      returnTo: `/p/${slug}`,
    })
    expect(usedAgain.statusCode).toBe(400)
    expect(usedAgain.body).toContain('Enter a correct recovery code')

    const actions = await auditActions(person.id)
    expect(actions).toEqual(
      expect.arrayContaining([
        'second_factor_enrolment_started',
        'second_factor_enabled',
        'password_accepted',
        'second_factor_refused',
        'second_factor_accepted',
      ]),
    )
    const refusals = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'second_factor_refused'))
    expect(refusals.map((r) => (r.after as { reason: string }).reason)).toEqual(
      expect.arrayContaining(['wrong', 'replayed']),
    )
    expect((await verifyAuditLog(database.db)).ok).toBe(true)
  })

  it('sends a person who is not half-way through signing in away from the code pages', async () => {
    const person = await member()
    expect((await t.client().get('/sign-in/second-factor')).headers.location).toBe('/sign-in')
    const client = t.client()
    await client.signIn(person.email, person.password)
    const response = await client.get('/sign-in/second-factor')
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/')
  })

  it('never sends a person off the site after the code', async () => {
    const person = await member()
    await enrol(database.db, person.id, clock)
    tick()
    const client = t.client()
    const form = await signInWithPassword(client, person, '/')
    const response = await client.submit(form, '/sign-in/second-factor', {
      code: await codeAt(database.db, person.id, clock),
      returnTo: '//evil.example',
    })
    expect(response.headers.location).toBe('/')
  })

  it('stops taking codes after five wrong ones, even a right one', async () => {
    const person = await member()
    await enrol(database.db, person.id, clock)
    tick()
    const client = t.client()
    const form = await signInWithPassword(client, person)
    for (let i = 0; i < 5; i++) {
      const wrong = await client.submit(form, '/sign-in/second-factor', {
        code: await wrongCodeAt(database.db, person.id, clock),
      })
      expect(wrong.statusCode).toBe(400)
    }
    // Signing in with the password again does not give a fresh set of guesses.
    const fresh = t.client()
    const freshForm = await signInWithPassword(fresh, person)
    const locked = await fresh.submit(freshForm, '/sign-in/second-factor', {
      code: await codeAt(database.db, person.id, clock),
    })
    expect(locked.statusCode).toBe(429)
    expect(locked.body).toMatch(/too many wrong codes. Try again after \d{1,2}:\d{2}\s?(am|pm)/)
    expect(await auditActions(person.id)).toContain('second_factor_throttled')
    // Once the failures are older than the window, the right code works.
    tick(16 * 60)
    const retry = await fresh.submit(freshForm, '/sign-in/second-factor', {
      code: await codeAt(database.db, person.id, clock),
    })
    expect(retry.statusCode).toBe(303)
  })

  it('asks for the code in the right shape before checking it', async () => {
    const person = await member()
    await enrol(database.db, person.id, clock)
    const client = t.client()
    const form = await signInWithPassword(client, person)
    const empty = await client.submit(form, '/sign-in/second-factor', { code: '' })
    expect(empty.statusCode).toBe(400)
    expect(empty.body).toContain('Enter the security code')
    const letters = await client.submit(form, '/sign-in/second-factor', { code: '12ab56' })
    expect(letters.body).toContain('The security code must be 6 numbers')
  })

  it('gives new recovery codes and turns off only with a current code', async () => {
    const person = await member()
    const old = await enrol(database.db, person.id, clock)
    tick()
    const client = t.client()
    const form = await signInWithPassword(client, person, '/account/second-factor')
    await client.submit(form, '/sign-in/second-factor', { code: await codeAt(database.db, person.id, clock) })

    const wrong = await client.submit(
      '/account/second-factor/recovery-codes',
      '/account/second-factor/recovery-codes',
      {
        code: await wrongCodeAt(database.db, person.id, clock),
      },
    )
    expect(wrong.statusCode).toBe(400)
    expect(wrong.body).toContain('Enter a correct security code')

    tick()
    const renewed = await client.submit(
      '/account/second-factor/recovery-codes',
      '/account/second-factor/recovery-codes',
      {
        code: await codeAt(database.db, person.id, clock),
      },
    )
    expect(renewed.statusCode).toBe(200)
    const fresh = [...renewed.body.matchAll(/<code>([0-9a-z-]{14})<\/code>/g)].map((m) => m[1]!)
    expect(fresh).toHaveLength(10)
    expect(fresh).not.toContain(old[0])
    const unused = await database.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, person.id))
    expect(unused.filter((r) => r.usedAt === null)).toHaveLength(10)

    tick()
    const off = await client.submit('/account/second-factor/disable', '/account/second-factor/disable', {
      code: await codeAt(database.db, person.id, clock),
    })
    expect(off.statusCode).toBe(303)
    expect(off.headers.location).toBe('/account/second-factor?off=1')
    const [row] = await database.db.select().from(users).where(eq(users.id, person.id))
    expect(row?.totpEnabledAt).toBeNull()
    expect(await auditActions(person.id)).toEqual(
      expect.arrayContaining(['recovery_codes_replaced', 'second_factor_disabled']),
    )
    // Off: the next sign-in needs only the password.
    const later = t.client()
    expect((await later.signIn(person.email, person.password)).headers.location).toBe('/')
  })

  it('signs out the sessions that began before the second factor was turned on', async () => {
    const person = await member()
    const elsewhere = t.client()
    await elsewhere.signIn(person.email, person.password)
    const here = t.client()
    await here.signIn(person.email, person.password)
    await here.submit('/account/second-factor', '/account/second-factor/start', {})
    const done = await here.submit('/account/second-factor/set-up', '/account/second-factor/confirm', {
      code: await codeAt(database.db, person.id, clock),
    })
    expect(done.statusCode).toBe(200)
    expect((await here.get(`/p/${slug}`)).statusCode).toBe(200)
    expect((await elsewhere.get(`/p/${slug}`)).statusCode).toBe(303)
  })
})
