import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp, type TestClient, titleOf } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership, buildUser } from '../../../test/factories.ts'
import { auditLog } from '../audit/audit.table.ts'
import type { Database } from '../db/client.ts'
import { notificationPreferences } from './notify.table.ts'

describe('/account/notifications', () => {
  let database: Database
  let t: TestApp
  let client: TestClient
  let userId: string
  const now = new Date('2026-03-02T10:00:00Z')
  const page = '/account/notifications'

  beforeAll(async () => {
    database = await createTestDatabase()
    const partnership = await buildPartnership(database.db)
    const person = await buildUser(database.db, { partnershipId: partnership.id, role: 'member' })
    userId = person.id
    t = await buildTestApp(database, { now: () => now })
    client = t.client()
    await client.signIn(person.email, person.password)
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  const preference = async () =>
    (
      await database.db
        .select()
        .from(notificationPreferences)
        .where(eq(notificationPreferences.userId, userId))
    )[0]

  it('offers the two choices in a form with a CSRF token, single notices chosen at first', async () => {
    const response = await client.get(page)
    expect(response.statusCode).toBe(200)
    expect(titleOf(response.body)).toContain('How you get notices')
    expect(response.body).toContain('name="_csrf"')
    expect(response.body).toContain('Send me each notice as it happens')
    expect(response.body).toContain('Send me one e-mail a day with all my notices')
    expect(response.body).toMatch(/value="each" checked/)
  })

  it('refuses a form without its CSRF token and a form with no choice', async () => {
    const forged = await client.post(page, { delivery: 'daily' })
    expect(forged.statusCode).toBe(403)
    const empty = await client.submit(page, page, {})
    expect(empty.statusCode).toBe(400)
    expect(titleOf(empty.body)).toMatch(/^Error: /)
    expect(empty.body).toContain('Select how you want to get notices')
    expect(empty.body).toContain('href="#delivery"')
    const nonsense = await client.submit(page, page, { delivery: 'weekly' })
    expect(nonsense.statusCode).toBe(400)
    expect(await preference()).toBeUndefined()
  })

  it('saves the daily digest, audits it, and can change back', async () => {
    const saved = await client.submit(page, page, { delivery: 'daily' })
    expect(saved.statusCode).toBe(303)
    expect(saved.headers.location).toBe(`${page}?saved=1`)
    expect(await preference()).toMatchObject({ dailyDigest: true, updatedAt: now })
    const shown = await client.get(`${page}?saved=1`)
    expect(shown.body).toContain('Your choice has been saved')
    expect(shown.body).toMatch(/value="daily" checked/)

    await client.submit(page, page, { delivery: 'each' })
    expect(await preference()).toMatchObject({ dailyDigest: false })
    const entries = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityType, 'notification_preference'), eq(auditLog.entityId, userId)))
      .orderBy(auditLog.seq)
    expect(entries.map((e) => [e.before, e.after, e.partnershipId, e.actorId])).toEqual([
      [{ dailyDigest: false }, { dailyDigest: true }, null, userId],
      [{ dailyDigest: true }, { dailyDigest: false }, null, userId],
    ])
  })

  it('is for people who are signed in', async () => {
    const anonymous = await t.client().get(page)
    expect(anonymous.statusCode).toBe(303)
    expect(anonymous.headers.location).toContain('/sign-in')
  })
})
