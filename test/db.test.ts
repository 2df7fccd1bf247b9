import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Database, queryRows } from '../src/platform/db/client.ts'
import { createTestDatabase } from './db.ts'

describe('test database', () => {
  let database: Database
  beforeAll(async () => {
    database = await createTestDatabase()
  })
  afterAll(() => database.close())

  it('has the migrations applied', async () => {
    const rows = await queryRows(database.db, sql`select count(*)::int as n from partnerships`)
    expect(rows).toEqual([{ n: 0 }])
    expect(await database.ping()).toBe(true)
  })

  it('refuses to change or delete audit entries', async () => {
    await database.db.execute(sql`insert into audit_log (id, seq, at, entity_type, entity_id, action, prev_hash, hash)
      values (gen_random_uuid(), 1, now(), 'test', '1', 'create', '', 'x')`)
    await expect(database.db.execute(sql`update audit_log set action = 'edit'`)).rejects.toThrow()
    await expect(database.db.execute(sql`delete from audit_log`)).rejects.toThrow()
  })
})
