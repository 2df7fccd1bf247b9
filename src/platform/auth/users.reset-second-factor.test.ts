import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership, buildUser } from '../../../test/factories.ts'
import type { Database } from '../db/client.ts'
import { users } from './auth.table.ts'
import { enrol } from './totp/testing.ts'

describe('an administrator turns off a lost second factor', () => {
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

  it('clears it, signs the person out everywhere and audits it; only administrators may', async () => {
    const partnership = await buildPartnership(database.db)
    const admin = await buildUser(database.db, { partnershipId: partnership.id, role: 'administrator' })
    const team = await buildUser(database.db, { partnershipId: partnership.id, role: 'business_team' })
    const person = await buildUser(database.db, { partnershipId: partnership.id, role: 'member' })
    await enrol(database.db, person.id, new Date())
    const page = `/p/${partnership.slug}/users/${person.id}`

    const teamClient = t.client()
    await teamClient.signIn(team.email, team.password)
    expect((await teamClient.submit('/account', `${page}/reset-second-factor`, {})).statusCode).toBe(403)

    const client = t.client()
    await client.signIn(admin.email, admin.password)
    expect((await client.get(page)).body).toContain('data-testid="reset-second-factor"')
    const reset = await client.submit(page, `${page}/reset-second-factor`, {})
    expect(reset.statusCode).toBe(303)
    const [row] = await database.db.select().from(users).where(eq(users.id, person.id))
    expect(row?.totpEnabledAt).toBeNull()
    expect(row?.totpSecret).toBeNull()
    // They sign in with the password alone again (and set the factor up anew if required).
    const personClient = t.client()
    const signedIn = await personClient.signIn(person.email, person.password)
    expect(signedIn.headers.location).toBe('/')
  })
})
