import { count, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership } from '../../../test/factories.ts'
import type { Database } from '../../platform/db/client.ts'
import {
  applySetPreset,
  applyStructurePreset,
  readJsonPreset,
  setPresetSchema,
  structurePresetSchema,
} from './structure.presets.ts'
import {
  agencies,
  collaborationMembers,
  groups,
  memberships,
  otherPartnerships,
  people,
} from './structure.table.ts'

describe('structure presets', () => {
  let database: Database
  beforeAll(async () => {
    database = await createTestDatabase()
  })
  afterAll(() => database.close())

  it('creates the Thurrock structure from the seeds, and a second run changes nothing', async () => {
    const { db } = database
    const partnership = await buildPartnership(db, { slug: 'thurrock' })
    const preset = readJsonPreset('thurrock', structurePresetSchema)
    const first = await applyStructurePreset(db, {
      partnershipId: partnership.id,
      preset,
      now: new Date(),
      accountPassword: 'purple kettle harbour',
    })
    expect(first).toEqual({
      agencies: 19,
      groups: 6,
      otherPartnerships: 7,
      people: 12,
      memberships: 23,
      accounts: 7,
    })

    const statutory = await db.select().from(agencies).where(eq(agencies.kind, 'statutory_partner'))
    expect(statutory.map((a) => a.name).sort()).toEqual([
      'Essex Police',
      'NHS Mid and South Essex Integrated Care Board',
      'Thurrock Council',
    ])
    expect(statutory.every((a) => a.leadPartnerTitle && a.delegatedPartnerTitle)).toBe(true)
    const byslug = new Map((await db.select().from(groups)).map((g) => [g.slug, g]))
    const meb = byslug.get('management-executive-board')!
    expect(meb.accountableToId).toBe(byslug.get('strategic-group')!.id)
    expect(meb.meetingsPerYear).toBe(4)
    expect(meb.standardItems).toContainEqual({ title: 'Finance', months: [3, 10] })
    const strategic = byslug.get('strategic-group')!
    expect([strategic.transitionalMeetingsPerYear, strategic.meetingsPerYear]).toEqual([6, 4])
    const lay = await db.select().from(memberships).where(eq(memberships.role, 'lay_member'))
    expect(lay).toHaveLength(2)
    const deputy = (await db.select().from(memberships).where(eq(memberships.role, 'deputy')))[0]
    expect(deputy?.deputyForId).toBeTruthy()

    const again = await applyStructurePreset(db, {
      partnershipId: partnership.id,
      preset,
      now: new Date(),
      accountPassword: 'x',
    })
    expect(again).toEqual({
      agencies: 0,
      groups: 0,
      otherPartnerships: 0,
      people: 0,
      memberships: 0,
      accounts: 0,
    })
    const [n] = await db.select({ n: count() }).from(people)
    expect(n?.n).toBe(12)
    expect((await db.select().from(otherPartnerships)).length).toBe(7)
  })

  it('creates the SET collaboration with its partnerships and groups, once', async () => {
    const { db } = database
    const preset = readJsonPreset('set', setPresetSchema)
    const first = await applySetPreset(db, preset, new Date())
    expect(first).toEqual({ groups: 5, partnerships: 2 })
    expect(await db.select().from(collaborationMembers)).toHaveLength(3)
    expect(await applySetPreset(db, preset, new Date())).toEqual({ groups: 0, partnerships: 0 })
    const setGroups = await db.select().from(groups).where(eq(groups.kind, 'external'))
    expect(setGroups.map((g) => g.name)).toContain('SET Procedures Group')
    expect(setGroups.every((g) => g.collaborationId && !g.partnershipId)).toBe(true)
  })
})
