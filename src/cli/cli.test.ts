import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildPartnership } from '../../test/factories.ts'
import type { Partnership } from '../modules/partnership/partnership.table.ts'
import { auditLog } from '../platform/audit/audit.table.ts'
import { resolveApiToken } from '../platform/auth/api-tokens.service.ts'
import { partnershipRoles, userTokens } from '../platform/auth/auth.table.ts'
import { verifyPassword } from '../platform/auth/passwords.ts'
import { hashToken } from '../platform/auth/sessions.service.ts'
import { findUserByEmail } from '../platform/auth/users.repository.ts'
import { type Database, openDatabase } from '../platform/db/client.ts'
import { runMigrations } from '../platform/db/migrate.ts'

const script = new URL('../../scripts/masa.ts', import.meta.url).pathname
const password = 'lantern orchard velvet 42'

// Each run is a child process on an embedded database in a folder of its own: the folder allows
// one process at a time, so the test opens it only between runs.
describe('npm run masa', { timeout: 60_000 }, () => {
  let dir: string
  let partnership: Partnership

  const masa = (args: string[], input?: string) =>
    spawnSync(process.execPath, [script, ...args], {
      encoding: 'utf8',
      input,
      env: { ...process.env, DATA_DIR: dir, DATABASE_URL: '', PUBLIC_URL: 'https://masa.example.org' },
    })
  async function inDatabase<T>(work: (database: Database) => Promise<T>): Promise<T> {
    const database = await openDatabase({ dataDir: dir })
    try {
      return await work(database)
    } finally {
      await database.close()
    }
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'masa-cli-'))
    partnership = await inDatabase(async (database) => {
      await runMigrations(database)
      return buildPartnership(database.db)
    })
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('adds a person with a password from standard input, which then verifies', async () => {
    const email = 'Chair@Example.org'
    const run = masa(
      [
        'user:add',
        '--partnership',
        partnership.slug,
        '--email',
        email,
        '--role',
        'administrator',
        '--name',
        'Chris Chair',
        '--password-stdin',
      ],
      `${password}\n`,
    )
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('Added Chris Chair (chair@example.org)')
    expect(run.stdout).toContain('Password set.')
    await inDatabase(async ({ db }) => {
      const user = await findUserByEmail(db, email)
      expect(user?.name).toBe('Chris Chair')
      expect(await verifyPassword(user!.passwordHash, password)).toBe(true)
      const [role] = await db.select().from(partnershipRoles).where(eq(partnershipRoles.userId, user!.id))
      expect(role).toMatchObject({ partnershipId: partnership.id, role: 'administrator' })
      const [entry] = await db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.entityId, user!.id), eq(auditLog.action, 'create')))
      expect(entry).toMatchObject({ actorId: null, entityType: 'user', partnershipId: partnership.id })
      expect(JSON.stringify(entry!.after)).not.toContain(password)
    })
  })

  it('refuses a password the policy refuses, and changes nothing', () => {
    const run = masa(
      [
        'user:add',
        '--partnership',
        partnership.slug,
        '--email',
        'weak@example.org',
        '--role',
        'member',
        '--password-stdin',
      ],
      'password1234\n',
    )
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('--password-stdin: This password is too common')
  })

  it('without a password, prints a one-time invitation link', async () => {
    const run = masa([
      'user:add',
      '--partnership',
      partnership.slug,
      '--email',
      'new@example.org',
      '--role',
      'member',
    ])
    expect(run.status).toBe(0)
    const link = run.stdout.trim().split('\n').at(-1)!
    expect(link).toMatch(/^https:\/\/masa\.example\.org\/invitation\?token=[\w-]{43}$/)
    const token = new URL(link).searchParams.get('token')!
    await inDatabase(async ({ db }) => {
      const [row] = await db
        .select()
        .from(userTokens)
        .where(eq(userTokens.tokenHash, hashToken(token)))
      expect(row?.kind).toBe('invitation')
      expect(row!.expiresAt.getTime() - row!.createdAt.getTime()).toBe(7 * 86_400_000)
    })
    const reset = masa(['user:reset-password', '--email', 'chair@example.org'])
    expect(reset.status).toBe(0)
    expect(reset.stdout.trim().split('\n').at(-1)).toMatch(
      /^https:\/\/masa\.example\.org\/reset-password\?token=/,
    )
  })

  it('creates an API token and prints it alone on the last line', async () => {
    const run = masa([
      'token:add',
      '--partnership',
      partnership.slug,
      '--scope',
      'read',
      '--name',
      'Deploy',
      '--expires-days',
      '7',
    ])
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    const token = run.stdout.trimEnd().split('\n').at(-1)!
    expect(token).toMatch(/^masa_[\w-]{43}$/)
    await inDatabase(async ({ db }) => {
      const resolved = await resolveApiToken(db, token, new Date())
      expect(resolved).toMatchObject({ partnershipId: partnership.id, scope: 'read', name: 'Deploy' })
    })
  })

  it('says what is wrong: exit 2 for a wrong call, 1 for a failure, and no stack trace', () => {
    const badRole = masa([
      'user:add',
      '--partnership',
      partnership.slug,
      '--email',
      'x@example.org',
      '--role',
      'king',
    ])
    expect(badRole.status).toBe(2)
    expect(badRole.stderr).toContain(
      '--role must be one of administrator, business_team, partner, member, scrutineer',
    )

    const unknown = masa(['token:add', '--partnership', 'nowhere', '--scope', 'read'])
    expect(unknown.status).toBe(1)
    expect(unknown.stderr).toContain('Unknown partnership: nowhere')
    expect(unknown.stderr).not.toMatch(/\n\s+at /)

    const missing = masa(['token:add', '--scope', 'read'])
    expect(missing.status).toBe(2)
    expect(missing.stderr).toContain('--partnership is required')

    const nobody = masa(['user:reset-password', '--email', 'nobody@example.org'])
    expect(nobody.status).toBe(1)
    expect(nobody.stderr).toContain('Unknown person: nobody@example.org')

    const command = masa(['user:delete'])
    expect(command.status).toBe(2)
    expect(command.stderr).toContain('Unknown command: user:delete')
  })

  it('runs a job, verifies the audit log, and lists its commands', () => {
    const job = masa(['job:run', 'prune-sign-in-failures'])
    expect(job.status).toBe(0)
    expect(job.stdout).toBe('prune-sign-in-failures: succeeded\n')
    const verify = masa(['audit:verify'])
    expect(verify.status).toBe(0)
    expect(verify.stdout).toMatch(/^Audit log verified: \d+ entries, the chain is intact\.\n$/)
    const help = masa(['help'])
    expect(help.status).toBe(0)
    for (const name of ['user:add', 'user:reset-password', 'token:add', 'job:run', 'audit:verify']) {
      expect(help.stdout).toContain(name)
    }
  })
})
