import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openDatabase } from './client.ts'
import { acquireDataDirLock, DataDirLockedError } from './lock.ts'

describe('embedded database lock', () => {
  const dir = mkdtempSync(join(tmpdir(), 'masa-lock-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('stops a second process from opening the same data folder, with a clear message', async () => {
    const database = await openDatabase({ dataDir: dir })
    try {
      const script = `import { openDatabase } from ${JSON.stringify(new URL('./client.ts', import.meta.url).href)}
        try { await openDatabase({ dataDir: ${JSON.stringify(dir)} }); console.log('opened') }
        catch (e) { console.log(e.name + ': ' + e.message); process.exit(3) }`
      const other = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })
      expect(other.status).toBe(3)
      expect(other.stdout).toContain('DataDirLockedError')
      expect(other.stdout).toContain(`in use by another MASA process (pid ${process.pid})`)
    } finally {
      await database.close()
    }
    // Closing releases the lock.
    const again = await openDatabase({ dataDir: dir })
    await again.close()
  })

  it('takes over a lock left by a process that has died', () => {
    const stale = mkdtempSync(join(tmpdir(), 'masa-stale-'))
    writeFileSync(join(stale, 'masa.lock'), '999999999')
    const release = acquireDataDirLock(stale)
    // Now held by this live process: a second open is refused even from the same process.
    expect(() => acquireDataDirLock(stale)).toThrow(DataDirLockedError)
    release()
    acquireDataDirLock(stale)()
    rmSync(stale, { recursive: true, force: true })
  })
})
