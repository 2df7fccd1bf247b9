import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership, buildUser } from '../../../test/factories.ts'
import type { Database } from '../db/client.ts'
import { changeRole, deactivateMembership } from './users.service.ts'

describe('the last administrator', () => {
  let database: Database
  beforeAll(async () => {
    database = await createTestDatabase()
  })
  afterAll(() => database.close())

  it('survives two administrators demoting each other at the same moment', async () => {
    const { db } = database
    const partnership = await buildPartnership(db)
    const a = await buildUser(db, { partnershipId: partnership.id, role: 'administrator' })
    const b = await buildUser(db, { partnershipId: partnership.id, role: 'administrator' })
    const now = new Date()
    const results = await Promise.allSettled([
      changeRole(db, { partnershipId: partnership.id, userId: a.id, role: 'member', actorId: b.id, now }),
      deactivateMembership(db, { partnershipId: partnership.id, userId: b.id, actorId: a.id, now }),
    ])
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult
    expect(refused.reason.code).toBe('last_administrator')
  })
})
