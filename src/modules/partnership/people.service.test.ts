import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership, buildUser } from '../../../test/factories.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import { partnershipRoles } from '../../platform/auth/auth.table.ts'
import type { Database } from '../../platform/db/client.ts'
import type { FieldProblems } from './agencies.problems.ts'
import { addGroup, addPerson, insertAgency, NOW } from './groups.fixtures.ts'
import { addMembership } from './memberships.service.ts'
import type { Partnership } from './partnership.table.ts'
import { listPeople, markLeft, updatePerson } from './people.service.ts'
import { memberships, people } from './structure.table.ts'

describe('people', () => {
  let database: Database
  let partnership: Partnership

  const refused = async (promise: Promise<unknown>): Promise<Record<string, string>> => {
    const error = (await promise.then(
      () => null,
      (e: unknown) => e,
    )) as FieldProblems | null
    expect(error?.name).toBe('FieldProblems')
    return error!.fields
  }

  beforeAll(async () => {
    database = await createTestDatabase()
    partnership = await buildPartnership(database.db)
  })
  afterAll(async () => {
    await database.close()
  })

  it('refuses a second person with the same e-mail in any case, and saves nothing', async () => {
    const own = await buildPartnership(database.db)
    await addPerson(database.db, own.id, { name: 'Priya Shah', email: 'priya.shah@thurrock.example' })
    const fields = await refused(
      addPerson(database.db, own.id, { name: 'P Shah', email: 'Priya.Shah@Thurrock.example' }),
    )
    expect(fields.email).toBe(
      'Priya Shah already has the e-mail address Priya.Shah@Thurrock.example in the directory',
    )
    expect(await database.db.select().from(people).where(eq(people.partnershipId, own.id))).toHaveLength(1)
    // Another partnership's directory is its own; and people without an address do not clash.
    await addPerson(database.db, partnership.id, { email: 'priya.shah@thurrock.example' })
    await addPerson(database.db, own.id, { email: null })
    await addPerson(database.db, own.id, { email: null })
  })

  it('refuses an agency of another partnership and a malformed e-mail', async () => {
    const other = await buildPartnership(database.db)
    const theirs = await insertAgency(database.db, other.id)
    const fields = await refused(
      addPerson(database.db, partnership.id, { agencyId: theirs.id, email: 'not-an-address' }),
    )
    expect(fields).toEqual({
      agencyId: 'Select an agency from the list',
      email: 'Enter an e-mail address in the correct format, like name@example.org',
    })
  })

  it('links the account of an active user with a role in the partnership', async () => {
    const own = await buildPartnership(database.db)
    const user = await buildUser(database.db, { partnershipId: own.id, role: 'member' })
    const linked = await addPerson(database.db, own.id, { email: user.email.toUpperCase() })
    expect(linked.userId).toBe(user.id)
    // Someone with an account but no role here is not linked.
    const outsider = await buildUser(database.db, { partnershipId: partnership.id, role: 'member' })
    expect((await addPerson(database.db, own.id, { email: outsider.email })).userId).toBeNull()
    // Nor is someone whose role here has been withdrawn.
    const gone = await buildUser(database.db, { partnershipId: own.id, role: 'member' })
    await database.db
      .update(partnershipRoles)
      .set({ deactivatedAt: NOW })
      .where(and(eq(partnershipRoles.userId, gone.id), eq(partnershipRoles.partnershipId, own.id)))
    expect((await addPerson(database.db, own.id, { email: gone.email })).userId).toBeNull()
  })

  it('re-links when the e-mail changes, and audits what changed', async () => {
    const own = await buildPartnership(database.db)
    const user = await buildUser(database.db, { partnershipId: own.id, role: 'partner' })
    const person = await addPerson(database.db, own.id, { name: 'Dan', email: 'dan@old.example' })
    expect(person.userId).toBeNull()
    const { person: saved, changed } = await updatePerson(database.db, {
      partnershipId: own.id,
      actorId: null,
      now: NOW,
      id: person.id,
      fields: {
        name: 'Dan Okafor',
        jobTitle: 'Head of Public Protection',
        agencyId: null,
        email: user.email,
      },
    })
    expect(changed).toEqual(['name', 'jobTitle', 'email', 'userId'])
    expect(saved.userId).toBe(user.id)
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, person.id), eq(auditLog.action, 'update')))
    expect(entry?.after).toMatchObject({ name: 'Dan Okafor', userId: user.id })
  })

  it('marks someone as left without deleting them, ending their seats', async () => {
    const own = await buildPartnership(database.db)
    const group = await addGroup(database.db, own.id)
    const person = await addPerson(database.db, own.id)
    await addMembership(database.db, {
      partnershipId: own.id,
      actorId: null,
      now: NOW,
      groupId: group.id,
      fields: {
        personId: person.id,
        role: 'member',
        deputyForId: null,
        agencyId: null,
        startsOn: '2025-04-01',
        endsOn: null,
        ruleException: null,
      },
    })
    const left = await markLeft(database.db, {
      partnershipId: own.id,
      actorId: null,
      now: NOW,
      id: person.id,
      leftOn: '2026-02-28',
    })
    expect(left.leftOn).toBe('2026-02-28')
    const [seat] = await database.db.select().from(memberships).where(eq(memberships.personId, person.id))
    expect(seat).toMatchObject({ endsOn: '2026-02-28', endedReason: 'Left the partnership' })
    expect(
      (
        await refused(
          markLeft(database.db, {
            partnershipId: own.id,
            actorId: null,
            now: NOW,
            id: person.id,
            leftOn: '2026-03-01',
          }),
        )
      ).leftOn,
    ).toMatch(/left on 28 February 2026/)
  })

  it('lists a page of the directory with filters and sorting, in SQL', async () => {
    const own = await buildPartnership(database.db)
    const police = await insertAgency(database.db, own.id, { name: 'Essex Police' })
    const council = await insertAgency(database.db, own.id, { name: 'Thurrock Council' })
    await addPerson(database.db, own.id, {
      name: 'Cara Jones',
      agencyId: police.id,
      jobTitle: 'Detective Inspector',
    })
    await addPerson(database.db, own.id, {
      name: 'abe Smith',
      agencyId: council.id,
      jobTitle: 'Social worker',
    })
    await addPerson(database.db, own.id, { name: 'Bea Lay', email: 'bea@lay.example' })
    const left = await addPerson(database.db, own.id, { name: 'Dev Gone', agencyId: police.id })
    await markLeft(database.db, {
      partnershipId: own.id,
      actorId: null,
      now: NOW,
      id: left.id,
      leftOn: '2026-01-01',
    })
    const list = (options: Partial<Parameters<typeof listPeople>[2]>) =>
      listPeople(database.db, own.id, {
        filter: {},
        sort: 'name',
        order: 'asc',
        page: 1,
        pageSize: 2,
        today: '2026-03-02',
        ...options,
      })
    const first = await list({})
    expect(first.rows.map((r) => r.name)).toEqual(['abe Smith', 'Bea Lay'])
    expect(first).toMatchObject({ total: 4, page: 1, pages: 2 })
    expect((await list({ page: 9 })).rows.map((r) => r.name)).toEqual(['Cara Jones', 'Dev Gone'])
    expect(
      (await list({ filter: { agencyId: police.id, status: 'current' } })).rows.map((r) => r.name),
    ).toEqual(['Cara Jones'])
    expect((await list({ filter: { status: 'left' } })).rows.map((r) => r.name)).toEqual(['Dev Gone'])
    expect((await list({ filter: { q: 'DETECTIVE' } })).rows.map((r) => r.name)).toEqual(['Cara Jones'])
    expect((await list({ filter: { q: 'lay.example' } })).rows.map((r) => r.name)).toEqual(['Bea Lay'])
    expect((await list({ filter: { q: '%' } })).total).toBe(0)
    const byAgency = await list({ sort: 'agency', order: 'desc', pageSize: 10 })
    expect(byAgency.rows.map((r) => r.agencyName)).toEqual([
      'Thurrock Council',
      'Essex Police',
      'Essex Police',
      null,
    ])
  })
})
