import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../db/client.ts'
import { recordAudit, verifyAuditLog } from './audit.service.ts'

describe('audit log', () => {
  let database: Database
  beforeAll(async () => {
    database = await createTestDatabase()
  })
  afterAll(() => database.close())

  it('chains entries so that verification passes', async () => {
    const { db } = database
    await db.transaction(async (tx) => {
      await recordAudit(tx, {
        entityType: 'rule',
        entityId: 'a',
        action: 'update',
        before: { b: 1, a: 2 },
        after: { a: 3 },
      })
    })
    await recordAudit(db, { entityType: 'rule', entityId: 'b', action: 'update', after: { n: 10 } })
    await expect(verifyAuditLog(db)).resolves.toEqual({ ok: true, checked: 2, problems: [] })
  })

  it('detects an entry altered directly in the database', async () => {
    const { db } = database
    // The trigger refuses updates; an attacker with the owner's rights could disable it first.
    await db.execute(sql`alter table audit_log disable trigger audit_log_append_only`)
    await db.execute(sql`update audit_log set after = '{"n": 11}' where entity_id = 'b'`)
    await db.execute(sql`alter table audit_log enable trigger audit_log_append_only`)
    const result = await verifyAuditLog(db)
    expect(result.ok).toBe(false)
    expect(result.problems).toContain('entry 2 was altered after it was written')
  })
})
