import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { envExample, loadConfig, variables } from './config.ts'

describe('configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'masa-config-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('has a default for everything, so no configuration runs the embedded database', () => {
    const config = loadConfig({ DATA_DIR: dir })
    expect(config.PORT).toBe(3000)
    expect(config.embedded).toBe(true)
    expect(config.secureCookies).toBe(false)
  })

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ DATA_DIR: dir, PORT: 'eighty' })).toThrow(/PORT: /)
    expect(() => loadConfig({ DATA_DIR: dir, DATABASE_URL: 'mysql://x' })).toThrow(
      /DATABASE_URL: must start with postgres/,
    )
    expect(() => loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/)
  })

  it('generates a session secret once and keeps it in the data folder', () => {
    const first = loadConfig({ DATA_DIR: dir })
    const second = loadConfig({ DATA_DIR: dir })
    expect(first.SESSION_SECRET.length).toBeGreaterThanOrEqual(32)
    expect(second.SESSION_SECRET).toBe(first.SESSION_SECRET)
    expect(readFileSync(join(dir, 'session-secret'), 'utf8').trim()).toBe(first.SESSION_SECRET)
  })

  it('refuses to start in production without a secret, or with a short one', () => {
    expect(() => loadConfig({ DATA_DIR: dir, NODE_ENV: 'production' })).toThrow(
      /SESSION_SECRET: required in production/,
    )
    expect(() => loadConfig({ DATA_DIR: dir, SESSION_SECRET: 'short' })).toThrow(
      /SESSION_SECRET: must be at least 32/,
    )
  })

  it('makes cookies Secure when served over HTTPS', () => {
    expect(loadConfig({ DATA_DIR: dir, PUBLIC_URL: 'https://masa.example.org' }).secureCookies).toBe(true)
  })

  it('keeps .env.example in step with the declarations', () => {
    const committed = readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8')
    expect(committed).toBe(envExample())
    for (const name of Object.keys(variables)) expect(committed).toContain(`${name}=`)
  })
})
