import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership, buildUser } from '../../../test/factories.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import type { Database } from '../../platform/db/client.ts'
import { updateRules } from '../../platform/rules/rules.service.ts'
import type { FieldProblems } from './agencies.problems.ts'
import { addGroup, addPerson, insertAgency, NOW } from './groups.fixtures.ts'
import { membershipHistory } from './memberships.repository.ts'
import { addMembership, endMembership, type MembershipFields } from './memberships.service.ts'
import type { Partnership } from './partnership.table.ts'
import { type Agency, collaborationMembers, collaborations, groups, memberships } from './structure.table.ts'

describe('memberships', () => {
  let database: Database
  let partnership: Partnership
  let elsewhere: Partnership
  let partner: Agency
  let voluntary: Agency

  const seatsOf = (groupId: string) =>
    database.db.select().from(memberships).where(eq(memberships.groupId, groupId))
  const add = (
    groupId: string,
    fields: Partial<MembershipFields> & { personId: string },
    partnershipId?: string,
  ) =>
    addMembership(database.db, {
      partnershipId: partnershipId ?? partnership.id,
      actorId: null,
      now: NOW,
      groupId,
      fields: {
        role: 'member',
        deputyForId: null,
        agencyId: null,
        startsOn: '2026-01-01',
        endsOn: null,
        ruleException: null,
        ...fields,
      },
    })
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
    elsewhere = await buildPartnership(database.db)
    partner = await insertAgency(database.db, partnership.id, {
      name: 'Essex Police',
      kind: 'statutory_partner',
    })
    voluntary = await insertAgency(database.db, partnership.id, { name: 'Thurrock CVS', kind: 'voluntary' })
  })
  afterAll(async () => {
    await database.close()
  })

  it('adds a seat with the person’s agency by default, and audits it', async () => {
    const group = await addGroup(database.db, partnership.id)
    const person = await addPerson(database.db, partnership.id, { agencyId: partner.id })
    const seat = await add(group.id, { personId: person.id })
    expect(seat.agencyId).toBe(partner.id)
    expect(seat.partnershipId).toBe(partnership.id)
    const entries = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityType, 'membership'), eq(auditLog.entityId, seat.id)))
    expect(entries.map((e) => e.action)).toEqual(['create'])
  })

  it('refuses a seat that ends before it starts, and saves nothing', async () => {
    const group = await addGroup(database.db, partnership.id)
    const person = await addPerson(database.db, partnership.id)
    const fields = await refused(
      add(group.id, { personId: person.id, startsOn: '2026-04-01', endsOn: '2026-03-31' }),
    )
    expect(fields.endsOn).toBe('The end date must be the same as or after the start date')
    expect(await seatsOf(group.id)).toEqual([])
  })

  it('refuses a deputy for someone not in the group, and saves nothing', async () => {
    const group = await addGroup(database.db, partnership.id)
    const other = await addGroup(database.db, partnership.id)
    const [member, deputy] = [
      await addPerson(database.db, partnership.id),
      await addPerson(database.db, partnership.id),
    ]
    const elsewhereSeat = await add(other.id, { personId: member.id })
    const fields = await refused(
      add(group.id, { personId: deputy.id, role: 'deputy', deputyForId: elsewhereSeat.id }),
    )
    expect(fields.deputyForId).toMatch(/^Select a current member of Group/)
    expect(await seatsOf(group.id)).toEqual([])
    // Nor for a seat id that does not exist, nor with none named.
    expect(
      (await refused(add(group.id, { personId: deputy.id, role: 'deputy', deputyForId: randomUUID() })))
        .deputyForId,
    ).toBeTruthy()
    expect((await refused(add(group.id, { personId: deputy.id, role: 'deputy' }))).deputyForId).toBe(
      'Select the member this person is a deputy for',
    )
  })

  it('refuses a deputy for a member whose seat has ended, or for another deputy', async () => {
    const group = await addGroup(database.db, partnership.id)
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => addPerson(database.db, partnership.id)))
    const ended = await add(group.id, { personId: a!.id, startsOn: '2025-01-01', endsOn: '2026-01-31' })
    expect(
      (await refused(add(group.id, { personId: b!.id, role: 'deputy', deputyForId: ended.id }))).deputyForId,
    ).toMatch(/current member/)
    const member = await add(group.id, { personId: c!.id })
    const deputy = await add(group.id, { personId: b!.id, role: 'deputy', deputyForId: member.id })
    expect(deputy.deputyForId).toBe(member.id)
    const fields = await refused(
      add(group.id, { personId: a!.id, role: 'deputy', deputyForId: deputy.id, startsOn: '2026-02-01' }),
    )
    expect(fields.deputyForId).toBe('A deputy stands in for a member, not for another deputy')
  })

  it('refuses a person from another partnership, but a shared group takes people of its partnerships', async () => {
    const group = await addGroup(database.db, partnership.id)
    const stranger = await addPerson(database.db, elsewhere.id)
    expect((await refused(add(group.id, { personId: stranger.id }))).personId).toBe(
      'Select a person from the partnership’s directory',
    )
    expect(await seatsOf(group.id)).toEqual([])

    const collaborationId = randomUUID()
    await database.db
      .insert(collaborations)
      .values({ id: collaborationId, slug: `c-${collaborationId}`, name: 'SET' })
    await database.db.insert(collaborationMembers).values([
      { collaborationId, partnershipId: partnership.id },
      { collaborationId, partnershipId: elsewhere.id },
    ])
    const sharedId = randomUUID()
    await database.db.insert(groups).values({
      id: sharedId,
      collaborationId,
      slug: 'set-procedures',
      name: 'SET Procedures',
      kind: 'external',
    })
    const seat = await add(sharedId, { personId: stranger.id }, elsewhere.id)
    expect(seat.partnershipId).toBe(elsewhere.id)
    const outsider = await addPerson(database.db, (await buildPartnership(database.db)).id)
    expect((await refused(add(sharedId, { personId: outsider.id }))).personId).toMatch(
      /one of the partnerships/,
    )
  })

  it('gives a sub-group chair the tenure from the rules as an end date', async () => {
    const group = await addGroup(database.db, partnership.id, { kind: 'subgroup' })
    const chair = await addPerson(database.db, partnership.id, { agencyId: partner.id })
    const seat = await add(group.id, { personId: chair.id, role: 'chair', startsOn: '2026-04-01' })
    expect(seat.endsOn).toBe('2027-03-31')
    expect(seat.ruleException).toBeNull()
  })

  it('uses the partnership’s own tenure', async () => {
    const other = await buildPartnership(database.db)
    const admin = await buildUser(database.db, { partnershipId: other.id, role: 'administrator' })
    await updateRules(database.db, {
      partnershipId: other.id,
      actorId: admin.id,
      values: { chairTenure: 24 },
      now: NOW,
    })
    const agency = await insertAgency(database.db, other.id, { kind: 'statutory_partner' })
    const group = await addGroup(database.db, other.id, { kind: 'subgroup' })
    const chair = await addPerson(database.db, other.id, { agencyId: agency.id })
    const seat = await add(group.id, { personId: chair.id, role: 'chair', startsOn: '2026-04-01' }, other.id)
    expect(seat.endsOn).toBe('2028-03-31')
  })

  it('asks for a reason when a chair’s tenure is longer than the rule, and saves it with one', async () => {
    const group = await addGroup(database.db, partnership.id, { kind: 'subgroup' })
    const chair = await addPerson(database.db, partnership.id, { agencyId: partner.id })
    const long = { personId: chair.id, role: 'chair' as const, startsOn: '2026-04-01', endsOn: '2027-09-30' }
    const fields = await refused(add(group.id, long))
    expect(fields.ruleException).toMatch(
      /A chair’s tenure is 12 months: from 1 April 2026 it ends by 31 March 2027/,
    )
    expect(fields.ruleException).toMatch(/Give the reason for the exception/)
    expect(await seatsOf(group.id)).toEqual([])
    const seat = await add(group.id, {
      ...long,
      ruleException: '  Agreed by the board: continuity during the inspection  ',
    })
    expect(seat.ruleException).toBe('Agreed by the board: continuity during the inspection')
    expect(seat.endsOn).toBe('2027-09-30')
  })

  it('asks for a reason when a sub-group’s chair is not from a partnership agency', async () => {
    const group = await addGroup(database.db, partnership.id, { kind: 'subgroup' })
    const fromVoluntary = await addPerson(database.db, partnership.id, { agencyId: voluntary.id })
    const noAgency = await addPerson(database.db, partnership.id)
    expect(
      (await refused(add(group.id, { personId: fromVoluntary.id, role: 'chair' }))).ruleException,
    ).toMatch(/Thurrock CVS is neither/)
    expect((await refused(add(group.id, { personId: noAgency.id, role: 'chair' }))).ruleException).toMatch(
      /has no agency/,
    )
    expect(await seatsOf(group.id)).toEqual([])
    const seat = await add(group.id, {
      personId: fromVoluntary.id,
      role: 'chair',
      ruleException: 'Independent chair',
    })
    expect(seat.ruleException).toBe('Independent chair')
    // The rules are about sub-groups: a board's chair needs no exception, and gets no set tenure.
    const board = await addGroup(database.db, partnership.id, { kind: 'executive' })
    const boardChair = await add(board.id, { personId: noAgency.id, role: 'chair' })
    expect(boardChair.ruleException).toBeNull()
    expect(boardChair.endsOn).toBeNull()
  })

  it('refuses a second overlapping seat for the same person', async () => {
    const group = await addGroup(database.db, partnership.id)
    const person = await addPerson(database.db, partnership.id, { name: 'Sam Clarke' })
    await add(group.id, { personId: person.id, startsOn: '2025-01-01', endsOn: '2025-12-31' })
    await add(group.id, { personId: person.id, startsOn: '2026-01-01' })
    const fields = await refused(
      add(group.id, { personId: person.id, role: 'vice_chair', startsOn: '2026-02-01' }),
    )
    expect(fields.personId).toMatch(/^Sam Clarke already has a seat/)
  })

  it('ends a seat with a reason, ends its deputies with it, and keeps the history', async () => {
    const group = await addGroup(database.db, partnership.id)
    const [member, deputy] = [
      await addPerson(database.db, partnership.id, { name: 'Ann Member' }),
      await addPerson(database.db, partnership.id, { name: 'Bob Deputy' }),
    ]
    const seat = await add(group.id, { personId: member.id })
    await add(group.id, { personId: deputy.id, role: 'deputy', deputyForId: seat.id })
    const change = { partnershipId: partnership.id, actorId: null, now: NOW, groupId: group.id, id: seat.id }
    const missing = await refused(
      endMembership(database.db, { ...change, endsOn: '2025-12-31', reason: ' ' }),
    )
    expect(missing).toEqual({
      endsOn: 'The end date must be the same as or after the start date, 1 January 2026',
      endedReason: 'Enter why the seat is ending',
    })
    const ended = await endMembership(database.db, {
      ...change,
      endsOn: '2026-03-01',
      reason: 'Moved to another role',
    })
    expect(ended.endsOn).toBe('2026-03-01')
    expect(ended.endedReason).toBe('Moved to another role')
    const history = await membershipHistory(database.db, group.id)
    expect(history).toHaveLength(2)
    const deputyRow = history.find((h) => h.personName === 'Bob Deputy')!
    expect(deputyRow.endsOn).toBe('2026-03-01')
    expect(deputyRow.deputyForName).toBe('Ann Member')
    expect(deputyRow.endedReason).toBe('The seat they deputised for ended')
  })
})
