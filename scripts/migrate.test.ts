import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const script = new URL('./migrate.ts', import.meta.url).pathname
const run = (env: Record<string, string>) =>
  spawnSync(process.execPath, [script], {
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '', ...env },
  })

describe('npm run db:migrate', () => {
  it('applies the migrations to the embedded database', () => {
    const dir = mkdtempSync(join(tmpdir(), 'masa-migrate-'))
    const result = run({ DATA_DIR: dir })
    rmSync(dir, { recursive: true, force: true })
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    expect(result.stdout).toContain('Migrations applied')
  })

  it('exits non-zero when it cannot migrate', () => {
    const result = run({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' })
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('Migration failed')
  })
})
