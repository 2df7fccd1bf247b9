import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership, buildUser } from '../../../test/factories.ts'
import { verifyAuditLog } from '../../platform/audit/audit.service.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import type { Database } from '../../platform/db/client.ts'
import { FieldProblems } from './agencies.problems.ts'
import type { AgencyListOptions } from './agencies.repository.ts'
import { type AgencyFields, createAgency, endAgency, listAgencies, updateAgency } from './agencies.service.ts'
import { agencies } from './structure.table.ts'

const now = new Date('2026-03-02T10:00:00Z')
const today = '2026-03-02'

const fields = (overrides: Partial<AgencyFields> = {}): AgencyFields => ({
  name: 'Thurrock Council',
  kind: 'relevant_agency',
  sector: 'local_authority',
  statutoryRole: null,
  leadPartnerTitle: null,
  delegatedPartnerTitle: null,
  executiveName: null,
  executiveTitle: null,
  executiveEmail: null,
  activeFrom: null,
  ...overrides,
})

async function refusal(promise: Promise<unknown>): Promise<Record<string, string>> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(FieldProblems)
  return (error as FieldProblems).fields
}

describe('agencies service', () => {
  let database: Database
  let actorId: string

  beforeAll(async () => {
    database = await createTestDatabase()
    const setup = await buildPartnership(database.db)
    actorId = (await buildUser(database.db, { partnershipId: setup.id, role: 'business_team' })).id
  })
  afterAll(async () => {
    await database.close()
  })

  const newPartnership = async () => (await buildPartnership(database.db)).id
  const add = (partnershipId: string, overrides: Partial<AgencyFields> = {}) =>
    createAgency(database.db, { partnershipId, actorId, now, fields: fields(overrides) })
  const count = async (partnershipId: string) =>
    (await database.db.select().from(agencies).where(eq(agencies.partnershipId, partnershipId))).length

  it('creates an agency and records who added it in the audit log', async () => {
    const partnershipId = await newPartnership()
    const agency = await add(partnershipId, {
      name: '  Essex Police  ',
      kind: 'statutory_partner',
      sector: 'police',
      statutoryRole: 'police',
      leadPartnerTitle: 'Chief Constable',
      delegatedPartnerTitle: 'Assistant Chief Constable',
    })
    expect(agency.name).toBe('Essex Police')
    const entries = await database.db.select().from(auditLog).where(eq(auditLog.entityId, agency.id))
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({ entityType: 'agency', action: 'create', actorId, partnershipId })
    expect(entries[0]?.after).toMatchObject({ name: 'Essex Police', statutoryRole: 'police' })
    expect((await verifyAuditLog(database.db)).ok).toBe(true)
  })

  it('refuses a duplicate name in any case and saves nothing', async () => {
    const partnershipId = await newPartnership()
    await add(partnershipId, { name: 'Thurrock Council' })
    const problems = await refusal(add(partnershipId, { name: 'THURROCK council' }))
    expect(problems.name).toBe('An agency called THURROCK council already exists')
    expect(await count(partnershipId)).toBe(1)
    // Another partnership may use the same name.
    const other = await newPartnership()
    await expect(add(other, { name: 'Thurrock Council' })).resolves.toBeTruthy()
  })

  it('turns the unique index refusing a name into the same field error', async () => {
    const { isUniqueViolation } = await import('./agencies.problems.ts')
    const partnershipId = await newPartnership()
    await add(partnershipId, { name: 'Basildon Hospital' })
    const error = await database.db
      .insert(agencies)
      .values({
        id: crypto.randomUUID(),
        partnershipId,
        name: 'basildon hospital',
        kind: 'other',
        sector: 'health',
      })
      .then(
        () => null,
        (e: unknown) => e,
      )
    expect(isUniqueViolation(error, 'agencies_partnership_name_idx')).toBe(true)
    expect(isUniqueViolation(error, 'another_idx')).toBe(false)
  })

  it('allows one agency per statutory role, and another once the first has ended', async () => {
    const partnershipId = await newPartnership()
    const council = await add(partnershipId, {
      name: 'Thurrock Council',
      kind: 'statutory_partner',
      statutoryRole: 'local_authority',
      activeFrom: '2019-09-29',
    })
    const problems = await refusal(
      add(partnershipId, {
        name: 'Essex County Council',
        kind: 'statutory_partner',
        statutoryRole: 'local_authority',
      }),
    )
    expect(problems.statutoryRole).toBe(
      'Thurrock Council is already the local authority statutory partner: end it first, or choose another role',
    )
    expect(await count(partnershipId)).toBe(1)
    await endAgency(database.db, {
      partnershipId,
      actorId,
      now,
      id: council.id,
      endedOn: '2025-03-31',
      reason: 'Merged',
    })
    await expect(
      add(partnershipId, {
        name: 'Essex County Council',
        kind: 'statutory_partner',
        statutoryRole: 'local_authority',
      }),
    ).resolves.toBeTruthy()
  })

  it('gives statutory roles and lead and delegated partners to statutory partners only', async () => {
    const partnershipId = await newPartnership()
    const problems = await refusal(
      add(partnershipId, {
        statutoryRole: 'police',
        leadPartnerTitle: 'Chief Constable',
        delegatedPartnerTitle: 'ACC',
      }),
    )
    expect(Object.keys(problems).sort()).toEqual([
      'delegatedPartnerTitle',
      'leadPartnerTitle',
      'statutoryRole',
    ])
    const missing = await refusal(add(partnershipId, { kind: 'statutory_partner' }))
    expect(missing.statutoryRole).toBe('Select which statutory safeguarding partner this is')
    const email = await refusal(add(partnershipId, { executiveEmail: 'not an address' }))
    expect(email.executiveEmail).toMatch(/correct format/)
    expect(await count(partnershipId)).toBe(0)
  })

  it('ends an agency with a date and a reason, keeping the row, and refuses an end before the start', async () => {
    const partnershipId = await newPartnership()
    const ccg = await add(partnershipId, { name: 'Thurrock CCG', sector: 'health', activeFrom: '2019-09-29' })
    const early = await refusal(
      endAgency(database.db, { partnershipId, actorId, now, id: ccg.id, endedOn: '2019-01-01', reason: 'x' }),
    )
    expect(early.activeTo).toBe('The date it ended must be the same as or after the date it joined')
    const blank = await refusal(
      endAgency(database.db, {
        partnershipId,
        actorId,
        now,
        id: ccg.id,
        endedOn: '2022-06-30',
        reason: '  ',
      }),
    )
    expect(blank.closedReason).toBeDefined()
    const ended = await endAgency(database.db, {
      partnershipId,
      actorId,
      now,
      id: ccg.id,
      endedOn: '2022-06-30',
      reason: 'Replaced by the Mid and South Essex ICB',
    })
    expect(ended).toMatchObject({
      activeTo: '2022-06-30',
      closedReason: 'Replaced by the Mid and South Essex ICB',
    })
    expect(await count(partnershipId)).toBe(1)
    const again = await refusal(
      endAgency(database.db, {
        partnershipId,
        actorId,
        now,
        id: ccg.id,
        endedOn: '2023-01-01',
        reason: 'again',
      }),
    )
    expect(again.activeTo).toBe('Thurrock CCG has already ended')
    // The start can no longer move past the end.
    const moved = await refusal(
      updateAgency(database.db, {
        partnershipId,
        actorId,
        now,
        id: ccg.id,
        fields: fields({ name: 'Thurrock CCG', sector: 'health', activeFrom: '2023-01-01' }),
      }),
    )
    expect(moved.activeFrom).toBeDefined()
    const entries = await database.db.select().from(auditLog).where(eq(auditLog.entityId, ccg.id))
    expect(entries.map((e) => e.action)).toEqual(['create', 'end'])
    expect(entries[1]?.before).toEqual({ activeTo: null, closedReason: null })
    expect((await verifyAuditLog(database.db)).ok).toBe(true)
  })

  it('records only the fields an update changed, and nothing when nothing changed', async () => {
    const partnershipId = await newPartnership()
    const agency = await add(partnershipId, { name: 'Youth Offending Service', sector: 'youth_justice' })
    const same = await updateAgency(database.db, {
      partnershipId,
      actorId,
      now,
      id: agency.id,
      fields: fields({ name: 'Youth Offending Service', sector: 'youth_justice' }),
    })
    expect(same.changed).toEqual([])
    const renamed = await updateAgency(database.db, {
      partnershipId,
      actorId,
      now,
      id: agency.id,
      fields: fields({
        name: 'Youth Justice Service',
        sector: 'youth_justice',
        executiveEmail: 'head@yjs.example.org',
      }),
    })
    expect(renamed.changed).toEqual(['name', 'executiveEmail'])
    const entries = await database.db.select().from(auditLog).where(eq(auditLog.entityId, agency.id))
    expect(entries.map((e) => e.action)).toEqual(['create', 'update'])
    expect(entries[1]?.before).toEqual({ name: 'Youth Offending Service', executiveEmail: null })
    expect(entries[1]?.after).toEqual({
      name: 'Youth Justice Service',
      executiveEmail: 'head@yjs.example.org',
    })
    // Renaming to its own name in another case is not a duplicate of itself.
    await expect(
      updateAgency(database.db, {
        partnershipId,
        actorId,
        now,
        id: agency.id,
        fields: fields({ name: 'YOUTH JUSTICE SERVICE', sector: 'youth_justice' }),
      }),
    ).resolves.toBeTruthy()
  })

  describe('the register', () => {
    let partnershipId: string
    const options = (overrides: Partial<AgencyListOptions> = {}): AgencyListOptions => ({
      filter: {},
      sort: 'name',
      order: 'asc',
      page: 1,
      pageSize: 50,
      today,
      ...overrides,
    })
    const names = async (overrides: Partial<AgencyListOptions> = {}) =>
      (await listAgencies(database.db, partnershipId, options(overrides))).rows.map((a) => a.name)

    beforeAll(async () => {
      partnershipId = await newPartnership()
      await add(partnershipId, {
        name: 'Thurrock Council',
        kind: 'statutory_partner',
        statutoryRole: 'local_authority',
      })
      await add(partnershipId, {
        name: 'Essex Police',
        kind: 'statutory_partner',
        sector: 'police',
        statutoryRole: 'police',
      })
      await add(partnershipId, {
        name: 'Mid and South Essex ICB',
        kind: 'statutory_partner',
        sector: 'health',
        statutoryRole: 'health',
      })
      await add(partnershipId, { name: 'Ormiston Park Academy', kind: 'education', sector: 'education' })
      await add(partnershipId, { name: 'Essex Fire and Rescue', sector: 'fire' })
      await add(partnershipId, { name: 'Barnardo’s 100%_club', kind: 'voluntary', sector: 'voluntary' })
      const ccg = await add(partnershipId, { name: 'Thurrock CCG', sector: 'health' })
      await endAgency(database.db, {
        partnershipId,
        actorId,
        now,
        id: ccg.id,
        endedOn: '2022-06-30',
        reason: 'ICB',
      })
      // Ends later this year: still active today.
      const later = await add(partnershipId, { name: 'Anchor Trust', kind: 'other', sector: 'housing' })
      await endAgency(database.db, {
        partnershipId,
        actorId,
        now,
        id: later.id,
        endedOn: '2026-12-31',
        reason: 'Contract ends',
      })
    })

    it('sorts by name, either way, in any case', async () => {
      expect(await names()).toEqual([
        'Anchor Trust',
        'Barnardo’s 100%_club',
        'Essex Fire and Rescue',
        'Essex Police',
        'Mid and South Essex ICB',
        'Ormiston Park Academy',
        'Thurrock CCG',
        'Thurrock Council',
      ])
      expect((await names({ order: 'desc' }))[0]).toBe('Thurrock Council')
    })

    it('sorts by kind and sector as people read them, then by name', async () => {
      // Education or childcare, Other, Relevant agency, Statutory safeguarding partner, Voluntary or community.
      expect(await names({ sort: 'kind' })).toEqual([
        'Ormiston Park Academy',
        'Anchor Trust',
        'Essex Fire and Rescue',
        'Thurrock CCG',
        'Essex Police',
        'Mid and South Essex ICB',
        'Thurrock Council',
        'Barnardo’s 100%_club',
      ])
      expect((await names({ sort: 'sector', order: 'desc' }))[0]).toBe('Barnardo’s 100%_club')
    })

    it('filters by kind, sector, status and part of the name', async () => {
      expect(await names({ filter: { kind: 'statutory_partner' } })).toHaveLength(3)
      expect(await names({ filter: { sector: 'health' } })).toEqual([
        'Mid and South Essex ICB',
        'Thurrock CCG',
      ])
      expect(await names({ filter: { status: 'ended' } })).toEqual(['Thurrock CCG'])
      expect(await names({ filter: { status: 'active' } })).toHaveLength(7)
      expect(await names({ filter: { q: 'essex' } })).toEqual([
        'Essex Fire and Rescue',
        'Essex Police',
        'Mid and South Essex ICB',
      ])
      // % and _ are letters to search for, not wildcards.
      expect(await names({ filter: { q: '0%_' } })).toEqual(['Barnardo’s 100%_club'])
      expect(await names({ filter: { q: '%' } })).toEqual(['Barnardo’s 100%_club'])
      expect(await names({ filter: { sector: 'health', status: 'active', q: 'ICB' } })).toEqual([
        'Mid and South Essex ICB',
      ])
    })

    it('pages through the register, counting every match', async () => {
      const first = await listAgencies(database.db, partnershipId, options({ pageSize: 3 }))
      expect(first).toMatchObject({ total: 8, page: 1, pages: 3 })
      expect(first.rows.map((a) => a.name)).toEqual([
        'Anchor Trust',
        'Barnardo’s 100%_club',
        'Essex Fire and Rescue',
      ])
      const last = await listAgencies(database.db, partnershipId, options({ pageSize: 3, page: 3 }))
      expect(last.rows.map((a) => a.name)).toEqual(['Thurrock CCG', 'Thurrock Council'])
      // A page past the end shows the last page.
      const beyond = await listAgencies(database.db, partnershipId, options({ pageSize: 3, page: 9 }))
      expect(beyond.page).toBe(3)
      const none = await listAgencies(
        database.db,
        partnershipId,
        options({ filter: { q: 'nothing like it' } }),
      )
      expect(none).toMatchObject({ rows: [], total: 0, page: 1, pages: 1 })
    })

    it('never shows another partnership’s agencies', async () => {
      const other = await newPartnership()
      await add(other, { name: 'Kent Police', sector: 'police' })
      expect(await names({ filter: { q: 'Kent' } })).toEqual([])
    })
  })
})
