import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { recordAudit } from '../src/platform/audit/audit.service.ts'
import { type Database, openDatabase } from '../src/platform/db/client.ts'
import { runMigrations } from '../src/platform/db/migrate.ts'

const script = new URL('./audit-verify.ts', import.meta.url).pathname

// The script runs as a child process on an embedded database of its own (also when the other
// tests use PostgreSQL): the folder allows one process at a time, so the test opens it only
// between runs.
describe('npm run audit:verify', { timeout: 60_000 }, () => {
  let dir: string
  const verify = () =>
    spawnSync(process.execPath, [script], {
      encoding: 'utf8',
      env: { ...process.env, DATA_DIR: dir, DATABASE_URL: '' },
    })
  async function inDatabase(work: (database: Database) => Promise<void>) {
    const database = await openDatabase({ dataDir: dir })
    try {
      await work(database)
    } finally {
      await database.close()
    }
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'masa-audit-verify-'))
    await inDatabase(async (database) => {
      await runMigrations(database)
      for (const id of ['a', 'b', 'c']) {
        await recordAudit(database.db, { entityType: 'rule', entityId: id, action: 'update', after: { id } })
      }
    })
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('passes an intact chain', () => {
    const result = verify()
    expect(result.stderr).toBe('')
    expect(result.stdout).toBe('Audit log verified: 3 entries, the chain is intact.\n')
    expect(result.status).toBe(0)
  })

  it('fails, naming the entry, when one was altered in the database', async () => {
    await inDatabase(async ({ db }) => {
      // The trigger refuses updates; someone with the owner's rights could disable it first.
      await db.execute(sql`alter table audit_log disable trigger audit_log_append_only`)
      await db.execute(sql`update audit_log set after = '{"id": "x"}' where entity_id = 'b'`)
      await db.execute(sql`alter table audit_log enable trigger audit_log_append_only`)
    })
    const result = verify()
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('entry 2 was altered after it was written')
    expect(result.stderr).toContain('FAILED')
  })
})
