import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership } from '../../../test/factories.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import type { Database } from '../../platform/db/client.ts'
import type { FieldProblems } from './agencies.problems.ts'
import { addGroup, addPerson, groupFields, insertAgency, NOW } from './groups.fixtures.ts'
import {
  canSeeMembers,
  closeGroup,
  groupDetail,
  isAmong,
  slugify,
  structure,
  updateGroup,
} from './groups.service.ts'
import { addMembership } from './memberships.service.ts'
import type { Partnership } from './partnership.table.ts'
import { groups, memberships } from './structure.table.ts'

describe('groups', () => {
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
  const groupsOf = (partnershipId: string) =>
    database.db.select().from(groups).where(eq(groups.partnershipId, partnershipId))

  beforeAll(async () => {
    database = await createTestDatabase()
    partnership = await buildPartnership(database.db)
  })
  afterAll(async () => {
    await database.close()
  })

  it('makes a slug from the name, unique in the partnership, never "new"', async () => {
    expect(slugify('Learning & Practice Review Group')).toBe('learning-practice-review-group')
    expect(slugify('Équipe  Santé!')).toBe('equipe-sante')
    expect(slugify('***')).toBe('group')
    const own = await buildPartnership(database.db)
    const first = await addGroup(database.db, own.id, { name: 'Audit Group' })
    expect(first.slug).toBe('audit-group')
    await closeGroup(database.db, {
      partnershipId: own.id,
      actorId: null,
      now: NOW,
      id: first.id,
      closedOn: '2026-01-31',
      reason: 'Replaced',
    })
    const second = await addGroup(database.db, own.id, { name: 'Audit group' })
    expect(second.slug).toBe('audit-group-2')
    expect((await addGroup(database.db, own.id, { name: 'New' })).slug).toBe('new-2')
    // Another partnership may use the same slug.
    expect((await addGroup(database.db, partnership.id, { name: 'Audit Group' })).slug).toBe('audit-group')
  })

  it('refuses a second open group with the same name', async () => {
    const own = await buildPartnership(database.db)
    await addGroup(database.db, own.id, { name: 'MACE' })
    expect((await refused(addGroup(database.db, own.id, { name: 'mace' }))).name).toBe(
      'A group called mace already exists',
    )
    expect(await groupsOf(own.id)).toHaveLength(1)
  })

  it('refuses a task-and-finish group without an end date, and saves nothing', async () => {
    const own = await buildPartnership(database.db)
    const fields = await refused(
      addGroup(database.db, own.id, { kind: 'task_and_finish', name: 'Neglect strategy' }),
    )
    expect(fields).toEqual({ endsOn: 'Enter the date the task-and-finish group ends' })
    expect(await groupsOf(own.id)).toEqual([])
    const group = await addGroup(database.db, own.id, { kind: 'task_and_finish', endsOn: '2026-12-31' })
    expect(group.endsOn).toBe('2026-12-31')
  })

  it('asks for both halves of a transitional cadence', async () => {
    const fields = await refused(addGroup(database.db, partnership.id, { transitionalMeetingsPerYear: 6 }))
    expect(fields.transitionalUntil).toBe('Enter the date the transitional cadence ends')
  })

  it('refuses a cycle in reporting lines, and leaves the groups as they were', async () => {
    const own = await buildPartnership(database.db)
    const top = await addGroup(database.db, own.id, { name: 'Strategic Group', kind: 'strategic' })
    const board = await addGroup(database.db, own.id, {
      name: 'MEB',
      kind: 'executive',
      accountableToId: top.id,
    })
    const sub = await addGroup(database.db, own.id, { name: 'Audit', accountableToId: board.id })
    const change = { partnershipId: own.id, actorId: null, now: NOW }
    const fields = await refused(
      updateGroup(database.db, {
        ...change,
        id: top.id,
        fields: groupFields({ name: 'Strategic Group', kind: 'strategic', accountableToId: sub.id }),
      }),
    )
    expect(fields.accountableToId).toBe(
      'Strategic Group cannot report to Audit: Audit already reports to Strategic Group, directly or through other groups',
    )
    expect(
      (
        await refused(
          updateGroup(database.db, {
            ...change,
            id: top.id,
            fields: groupFields({ name: 'Strategic Group', accountableToId: top.id }),
          }),
        )
      ).accountableToId,
    ).toBe('A group cannot report to itself')
    const [after] = await database.db.select().from(groups).where(eq(groups.id, top.id))
    expect(after?.accountableToId).toBeNull()
    expect(after?.kind).toBe('strategic')
  })

  it('refuses a reporting line to another partnership’s group', async () => {
    const other = await buildPartnership(database.db)
    const theirs = await addGroup(database.db, other.id)
    expect(
      (await refused(addGroup(database.db, partnership.id, { accountableToId: theirs.id }))).accountableToId,
    ).toBe('Select an open group of the partnership from the list')
  })

  it('records only the fields that changed, and keeps the slug on a rename', async () => {
    const group = await addGroup(database.db, partnership.id, {
      name: 'Exploitation Group',
      meetingsPerYear: 4,
    })
    const { group: saved, changed } = await updateGroup(database.db, {
      partnershipId: partnership.id,
      actorId: null,
      now: NOW,
      id: group.id,
      fields: groupFields({
        name: 'Child Exploitation Group',
        meetingsPerYear: 6,
        standardItems: [{ title: 'Finance', months: [3, 10] }],
      }),
    })
    expect(changed).toEqual(['name', 'meetingsPerYear', 'standardItems'])
    expect(saved.slug).toBe('exploitation-group')
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, group.id), eq(auditLog.action, 'update')))
    expect(entry?.before).toEqual({ name: 'Exploitation Group', meetingsPerYear: 4, standardItems: [] })
  })

  it('closes a group with a reason, ending its seats, but not while another group reports to it', async () => {
    const own = await buildPartnership(database.db)
    const board = await addGroup(database.db, own.id, { name: 'Board', kind: 'executive' })
    const sub = await addGroup(database.db, own.id, { name: 'Sub', accountableToId: board.id })
    const person = await addPerson(database.db, own.id)
    await addMembership(database.db, {
      partnershipId: own.id,
      actorId: null,
      now: NOW,
      groupId: sub.id,
      fields: {
        personId: person.id,
        role: 'member',
        deputyForId: null,
        agencyId: null,
        startsOn: '2025-01-01',
        endsOn: null,
        ruleException: null,
      },
    })
    const change = { partnershipId: own.id, actorId: null, now: NOW }
    expect(
      (
        await refused(
          closeGroup(database.db, { ...change, id: board.id, closedOn: '2026-03-01', reason: 'Merged' }),
        )
      ).closedOn,
    ).toBe('Sub reports to this group: change its reporting line first')
    const closed = await closeGroup(database.db, {
      ...change,
      id: sub.id,
      closedOn: '2026-03-01',
      reason: 'Work done',
    })
    expect(closed.closedReason).toBe('Work done')
    const [seat] = await database.db.select().from(memberships).where(eq(memberships.groupId, sub.id))
    expect(seat?.endsOn).toBe('2026-03-01')
    expect(seat?.endedReason).toBe('The group closed')
    expect((await structure(database.db, own.id, '2026-03-02')).map((g) => g.name)).toEqual(['Board'])
  })

  describe('groupDetail', () => {
    it('returns exactly the seats current on the day, with names, in one go', async () => {
      const own = await buildPartnership(database.db)
      const agency = await insertAgency(database.db, own.id, {
        name: 'Thurrock Council',
        kind: 'statutory_partner',
      })
      const group = await addGroup(database.db, own.id, { name: 'Board', kind: 'executive' })
      const seat = async (name: string, startsOn: string, endsOn: string | null, extra: object = {}) => {
        const person = await addPerson(database.db, own.id, { name, agencyId: agency.id })
        const [row] = await database.db
          .insert(memberships)
          .values({
            id: randomUUID(),
            groupId: group.id,
            partnershipId: own.id,
            personId: person.id,
            role: 'member',
            agencyId: agency.id,
            startsOn,
            endsOn,
            ...extra,
          })
          .returning()
        return row!
      }
      const principal = await seat('Ann Current', '2025-04-01', null)
      await seat('Ben Ends Today', '2025-04-01', '2026-03-02')
      await seat('Cal Ended Yesterday', '2025-04-01', '2026-03-01')
      await seat('Dee Starts Today', '2026-03-02', null, { role: 'lay_member' })
      await seat('Eve Starts Tomorrow', '2026-03-03', null)
      await seat('Fay Deputy', '2025-04-01', null, { role: 'deputy', deputyForId: principal.id })
      await seat('Gus Chair', '2025-04-01', '2026-12-31', { role: 'chair' })

      const detail = await groupDetail(database.db, own.id, group.slug, '2026-03-02')
      expect(detail?.members.map((m) => m.personName)).toEqual([
        'Gus Chair',
        'Ann Current',
        'Ben Ends Today',
        'Dee Starts Today',
        'Fay Deputy',
      ])
      const deputy = detail?.members.find((m) => m.role === 'deputy')
      expect(deputy?.deputyForName).toBe('Ann Current')
      expect(deputy?.agencyName).toBe('Thurrock Council')
      expect(deputy?.personAgencyKind).toBe('statutory_partner')
      expect(detail?.counts).toEqual({ members: 5, layMembers: 1, chairs: 1, deputies: 1, allSeats: 7 })

      const later = await groupDetail(database.db, own.id, group.slug, '2026-03-03')
      expect(later?.members.map((m) => m.personName)).toContain('Eve Starts Tomorrow')
      expect(later?.members.map((m) => m.personName)).not.toContain('Ben Ends Today')
      expect(await groupDetail(database.db, partnership.id, group.slug, '2026-03-02')).toBeNull()
    })
  })

  it('shows a confidential group’s members to the business team and its own members only', () => {
    const confidential = { confidential: true }
    const members = [{ userId: 'u-1' }, { userId: null }]
    expect(canSeeMembers({ role: 'member', userId: 'u-2' }, { confidential: false }, false)).toBe(true)
    expect(canSeeMembers({ role: 'administrator', userId: 'u-2' }, confidential, false)).toBe(true)
    expect(canSeeMembers({ role: 'business_team', userId: 'u-2' }, confidential, false)).toBe(true)
    expect(
      canSeeMembers({ role: 'partner', userId: 'u-2' }, confidential, isAmong({ userId: 'u-2' }, members)),
    ).toBe(false)
    expect(
      canSeeMembers({ role: 'member', userId: 'u-1' }, confidential, isAmong({ userId: 'u-1' }, members)),
    ).toBe(true)
    expect(canSeeMembers({ userId: null }, confidential, isAmong({ userId: null }, members))).toBe(false)
  })
})
