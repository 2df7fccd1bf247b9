import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../test/db.ts'
import { loadExample } from './example.ts'
import { applyPartnershipPreset, readPreset } from './modules/partnership/partnership.presets.ts'
import { listPartnerships } from './modules/partnership/partnership.repository.ts'
import { verifyPassword } from './platform/auth/passwords.ts'
import { findUserByEmail } from './platform/auth/users.repository.ts'
import { type Database, queryRows } from './platform/db/client.ts'

describe('the Thurrock example', () => {
  let database: Database
  const dir = mkdtempSync(join(tmpdir(), 'masa-example-'))
  beforeAll(async () => {
    database = await createTestDatabase()
  })
  afterAll(async () => {
    await database.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('loads the partnership from the seeds with a first administrator, once', async () => {
    const signIn = await loadExample(database.db, { dataDir: dir, now: new Date() })
    expect(signIn?.email).toBe('admin@thurrock.example')
    const all = await listPartnerships(database.db)
    // Thurrock, and the two other SET partnerships of the collaboration.
    expect(all.map((p) => p.slug).sort()).toEqual(['essex', 'southend', 'thurrock'])
    const thurrock = all.find((p) => p.slug === 'thurrock')
    expect(thurrock?.name).toBe('Thurrock Local Safeguarding Children Partnership')
    expect(thurrock?.vision).toMatch(/^Thurrock children and young people are happy, healthy, safe/)
    expect(thurrock?.aims).toEqual([
      'Safeguarding is everybody’s business',
      'Reduce the number of children in need of responsive safeguarding through effective help and support at an earlier stage',
      'Voice of the child',
      'A Partnership fit to meet future demands',
    ])
    expect(thurrock?.principles).toHaveLength(6)
    const admin = await findUserByEmail(database.db, 'admin@thurrock.example')
    expect(await verifyPassword(admin!.passwordHash, signIn!.password!)).toBe(true)

    const again = await loadExample(database.db, { dataDir: dir, now: new Date() })
    expect(again).toEqual(signIn)
    expect(await listPartnerships(database.db)).toHaveLength(3)
    expect(signIn?.accounts.map((a) => a.role).sort()).toEqual([
      'business_team',
      'member',
      'member',
      'partner',
      'partner',
      'partner',
      'scrutineer',
    ])
    const partner = await findUserByEmail(
      database.db,
      signIn!.accounts.find((a) => a.role === 'partner')!.email,
    )
    expect(await verifyPassword(partner!.passwordHash, signIn!.password!)).toBe(true)
    const reapplied = await applyPartnershipPreset(database.db, readPreset('thurrock'), new Date())
    expect(reapplied.created).toBe(false)
  })
})

describe('the Thurrock example loaded long after the preset’s dates', () => {
  let database: Database
  const dir = mkdtempSync(join(tmpdir(), 'masa-example-later-'))
  beforeAll(async () => {
    database = await createTestDatabase()
  })
  afterAll(async () => {
    await database.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('still has a chair for every group that has one in the preset, and its meetings, actions and reviews', async () => {
    // 15 June 2028: the preset's Audit Group, Learning and Practice Review Group and Child
    // Exploitation Group chairs' terms have all ended by then; the example renews them.
    const now = new Date('2028-06-15T09:00:00Z')
    await loadExample(database.db, { dataDir: dir, now })
    const chairs = await queryRows<{ slug: string }>(
      database.db,
      sql`
      select g.slug from memberships m join groups g on g.id = m.group_id
      where m.role = 'chair' and m.starts_on <= '2028-06-15' and (m.ends_on is null or m.ends_on >= '2028-06-15')
        and g.partnership_id = (select id from partnerships where slug = 'thurrock')
      order by g.slug`,
    )
    expect(chairs.map((r) => r.slug)).toEqual([
      'audit-group',
      'learning-and-practice-review-group',
      'management-executive-board',
      'multi-agency-child-exploitation-group',
    ])
    const [counts] = await queryRows<{ meetings: number; actions: number; cases: number }>(
      database.db,
      sql`select (select count(*)::int from meetings) as meetings, (select count(*)::int from actions) as actions,
        (select count(*)::int from review_cases) as cases`,
    )
    expect(counts!.meetings).toBeGreaterThan(0)
    expect(counts!.actions).toBeGreaterThan(0)
    expect(counts!.cases).toBeGreaterThan(0)
  })
})
