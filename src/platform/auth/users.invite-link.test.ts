import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership, buildUser } from '../../../test/factories.ts'
import { people } from '../../modules/partnership/structure.table.ts'
import type { Database } from '../db/client.ts'
import { createOutbox } from '../notify/notify.service.ts'
import { invitePerson } from './users.service.ts'

describe('inviting someone already in the directory', () => {
  let database: Database
  beforeAll(async () => {
    database = await createTestDatabase()
  })
  afterAll(() => database.close())

  it('links their directory entry to the new account', async () => {
    const { db } = database
    const partnership = await buildPartnership(db)
    const admin = await buildUser(db, { partnershipId: partnership.id, role: 'administrator' })
    const personId = randomUUID()
    await db.insert(people).values({
      id: personId,
      partnershipId: partnership.id,
      name: 'Kim Lowe',
      email: 'Kim.Lowe@example.org',
    })
    const userId = await invitePerson(db, createOutbox({ db, now: () => new Date() }), {
      partnership,
      email: 'kim.lowe@example.org',
      name: 'Kim Lowe',
      role: 'member',
      invitedBy: admin.id,
      publicUrl: 'http://localhost:3000',
      now: new Date(),
    })
    const [row] = await db.select().from(people).where(eq(people.id, personId))
    expect(row?.userId).toBe(userId)
  })
})
