import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { ChangeContext } from '../../platform/audit/audit.service.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import type { Database } from '../../platform/db/client.ts'
import { buildMeetingWorld, insertGroup } from '../meetings/meetings.fixtures.ts'
import { FieldProblems } from '../partnership/agencies.problems.ts'
import { buildReviewWorld, insertCase, insertPanelMember, NOW, type ReviewWorld } from './reviews.fixtures.ts'
import { createCase, involvedAgencyIds, referenceTakenMessage, updateCase } from './reviews.service.ts'
import { reviewCases, reviewPanelMembers } from './reviews.table.ts'

async function problems(promise: Promise<unknown>): Promise<Record<string, string>> {
  try {
    await promise
  } catch (error) {
    if (error instanceof FieldProblems) return error.fields
    throw error
  }
  throw new Error('Expected the call to be refused')
}

describe('opening and changing a case', () => {
  let database: Database
  let world: ReviewWorld
  let other: ReviewWorld
  let change: ChangeContext

  const casesOf = (partnershipId: string) =>
    database.db.select().from(reviewCases).where(eq(reviewCases.partnershipId, partnershipId))
  const auditOf = (id: string) =>
    database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityType, 'review_case'), eq(auditLog.entityId, id)))
      .orderBy(auditLog.seq)

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildReviewWorld(database.db)
    other = await buildReviewWorld(database.db)
    change = { partnershipId: world.partnership.id, actorId: world.accounts.businessTeam.userId, now: NOW }
  })
  afterAll(async () => {
    await database.close()
  })

  it('opens a serious incident with its agencies and the Learning and Practice Review Group by default, audited', async () => {
    const created = await createCase(database.db, change, {
      reference: '  Child   Q1 ',
      procedure: 'wt2023',
      summary: 'A baby was injured at home.',
      becameAwareOn: '2026-02-24',
      agencyIds: [world.agencies.police.id, world.agencies.council.id, world.agencies.police.id],
    })
    expect(created).toMatchObject({
      reference: 'Child Q1',
      procedure: 'wt2023',
      summary: 'A baby was injured at home.',
      becameAwareOn: '2026-02-24',
      groupId: world.lpr.id,
      createdById: world.accounts.businessTeam.userId,
    })
    expect(await involvedAgencyIds(database.db, created.id)).toEqual(
      [world.agencies.council.id, world.agencies.police.id].sort(),
    )
    const [entry, ...more] = await auditOf(created.id)
    expect(more).toEqual([])
    expect(entry).toMatchObject({ action: 'create', actorId: world.accounts.businessTeam.userId })
    expect(entry!.after).toMatchObject({
      reference: 'Child Q1',
      groupId: world.lpr.id,
      becameAwareOn: '2026-02-24',
    })
    expect((entry!.after as { agencyIds: string[] }).agencyIds).toHaveLength(2)
  })

  it('opens a handed-over Serious Case Review without an awareness date, in the chosen group', async () => {
    const created = await createCase(database.db, change, {
      reference: 'Child S1',
      procedure: 'scr2015',
      becameAwareOn: '2026-01-01',
      groupId: world.ipr.id,
    })
    expect(created).toMatchObject({
      procedure: 'scr2015',
      becameAwareOn: null,
      groupId: world.ipr.id,
      summary: '',
    })
  })

  it('leaves the group empty when there is no Learning and Practice Review Group and none is chosen', async () => {
    const plain = await buildMeetingWorld(database.db)
    const created = await createCase(
      database.db,
      { ...change, partnershipId: plain.partnership.id },
      {
        reference: 'Child Q1',
        procedure: 'scr2015',
      },
    )
    expect(created.groupId).toBeNull()
    // Another partnership's references are its own: Child Q1 again, in its LPR group.
    const theirs = await createCase(
      database.db,
      { ...change, partnershipId: other.partnership.id },
      {
        reference: 'child q1',
        procedure: 'scr2015',
      },
    )
    expect(theirs.groupId).toBe(other.lpr.id)
  })

  it('refuses bad input field by field and writes nothing', async () => {
    const before = (await casesOf(world.partnership.id)).length
    expect(
      await problems(
        createCase(database.db, change, {
          reference: '',
          procedure: 'wt2023',
          summary: 'x'.repeat(2001),
          becameAwareOn: null,
          groupId: other.lpr.id,
          agencyIds: [other.agencies.police.id],
        }),
      ),
    ).toEqual({
      reference: 'Enter the case reference, for example Child Q',
      summary: 'The summary must be 2,000 characters or fewer',
      becameAwareOn: 'Enter the date the partnership became aware of the serious incident',
      groupId: 'Select one of the partnership’s open groups',
      agencyIds: 'Select agencies from the list',
    })
    expect(
      await problems(
        createCase(database.db, change, {
          reference: 'C'.repeat(61),
          procedure: 'wt2023',
          becameAwareOn: '2026-03-03',
          groupId: 'not-a-uuid',
          agencyIds: ['nope'],
        }),
      ),
    ).toEqual({
      reference: 'The reference must be 60 characters or fewer',
      becameAwareOn: 'The date the partnership became aware must be today (2 March 2026) or in the past',
      groupId: 'Select one of the partnership’s open groups',
      agencyIds: 'Select agencies from the list',
    })
    expect(
      await problems(
        createCase(database.db, change, { reference: 'Child Z', procedure: 'other' as 'wt2023' }),
      ),
    ).toEqual({ procedure: 'Select whether this is a new serious incident or a handed-over review' })
    const closed = await insertGroup(database.db, world.partnership.id, {
      name: 'Closed',
      closedOn: '2025-12-31',
    })
    expect(
      await problems(
        createCase(database.db, change, { reference: 'Child Z', procedure: 'scr2015', groupId: closed.id }),
      ),
    ).toEqual({ groupId: 'Select one of the partnership’s open groups' })
    expect((await casesOf(world.partnership.id)).length).toBe(before)
  })

  it('refuses a reference already used whatever its case, and a double submit records one case', async () => {
    const input = { reference: 'Child D1', procedure: 'wt2023' as const, becameAwareOn: '2026-03-02' }
    const results = await Promise.allSettled([
      createCase(database.db, change, input),
      createCase(database.db, change, input),
    ])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult
    expect(refused.reason).toBeInstanceOf(FieldProblems)
    expect((refused.reason as FieldProblems).fields).toEqual({ reference: referenceTakenMessage('Child D1') })
    expect(await problems(createCase(database.db, change, { ...input, reference: 'child d1' }))).toEqual({
      reference: referenceTakenMessage('child d1'),
    })
    const rows = (await casesOf(world.partnership.id)).filter((c) => c.reference.toLowerCase() === 'child d1')
    expect(rows).toHaveLength(1)
  })

  it('changes the details, replaces the agencies and audits what was added and removed', async () => {
    const review = await createCase(database.db, change, {
      reference: 'Child E1',
      procedure: 'wt2023',
      becameAwareOn: '2026-02-02',
      agencyIds: [world.agencies.police.id, world.agencies.council.id],
    })
    const updated = await updateCase(database.db, change, review.id, {
      reference: 'Child E2',
      summary: 'Neglect over several years.',
      groupId: world.ipr.id,
      agencyIds: [world.agencies.council.id, world.agencies.school.id],
    })
    expect(updated).toMatchObject({
      reference: 'Child E2',
      summary: 'Neglect over several years.',
      groupId: world.ipr.id,
    })
    expect(await involvedAgencyIds(database.db, review.id)).toEqual(
      [world.agencies.council.id, world.agencies.school.id].sort(),
    )
    const entries = await auditOf(review.id)
    expect(entries.map((e) => e.action)).toEqual(['create', 'update'])
    expect(entries[1]!.before).toEqual({ reference: 'Child E1', summary: '', groupId: world.lpr.id })
    expect(entries[1]!.after).toEqual({
      reference: 'Child E2',
      summary: 'Neglect over several years.',
      groupId: world.ipr.id,
      agenciesAdded: [world.agencies.school.id],
      agenciesRemoved: [world.agencies.police.id],
    })

    // The same again changes nothing and writes nothing.
    await updateCase(database.db, change, review.id, {
      reference: 'Child E2',
      summary: 'Neglect over several years.',
      groupId: world.ipr.id,
      agencyIds: [world.agencies.school.id, world.agencies.council.id],
    })
    expect(await auditOf(review.id)).toHaveLength(2)

    // Only the agencies: audited as agencies alone.
    await updateCase(database.db, change, review.id, {
      reference: 'Child E2',
      summary: 'Neglect over several years.',
      groupId: world.ipr.id,
      agencyIds: [],
    })
    const last = (await auditOf(review.id))[2]!
    expect(last.before).toEqual({})
    expect(last.after).toEqual({
      agenciesAdded: [],
      agenciesRemoved: [world.agencies.council.id, world.agencies.school.id].sort(),
    })
    expect(await involvedAgencyIds(database.db, review.id)).toEqual([])
  })

  it('refuses to name an agency as involved while its member sits on the panel without an override', async () => {
    const review = await createCase(database.db, change, {
      reference: 'Child P1',
      procedure: 'wt2023',
      becameAwareOn: '2026-02-02',
      agencyIds: [world.agencies.council.id],
    })
    const p = world.partnership.id
    // Hana Head sits for the school; Pat Police for the police, with an override recorded.
    await insertPanelMember(database.db, p, review.id, world.people.head.id, world.agencies.school.id)
    await database.db.insert(reviewPanelMembers).values({
      id: crypto.randomUUID(),
      partnershipId: p,
      caseId: review.id,
      personId: world.people.police.id,
      agencyId: world.agencies.police.id,
      overrideReason: 'The police view is needed and the officer had no part in the case.',
      addedAt: change.now,
    })
    const fields = { reference: 'Child P1', summary: '', groupId: world.lpr.id }
    const refused = await problems(
      updateCase(database.db, change, review.id, {
        ...fields,
        agencyIds: [world.agencies.council.id, world.agencies.school.id],
      }),
    )
    expect(refused.agencyIds).toBe(
      'Hana Head sits on this review’s panel for Testshire Academy: remove them from the panel (and add them again with an override if they should stay) before naming Testshire Academy as involved',
    )
    expect(await involvedAgencyIds(database.db, review.id)).toEqual([world.agencies.council.id])
    // A member seated with an override does not stand in the way.
    await updateCase(database.db, change, review.id, {
      ...fields,
      agencyIds: [world.agencies.council.id, world.agencies.police.id],
    })
    expect(await involvedAgencyIds(database.db, review.id)).toEqual(
      [world.agencies.council.id, world.agencies.police.id].sort(),
    )
  })

  it('refuses a change that breaks a rule, and a case of another partnership', async () => {
    const taken = await insertCase(database.db, world.partnership.id, { reference: 'Child F1' })
    const review = await insertCase(database.db, world.partnership.id, {
      reference: 'Child F2',
      summary: 'Kept.',
    })
    expect(
      await problems(
        updateCase(database.db, change, review.id, {
          reference: 'CHILD f1',
          summary: 'y'.repeat(2001),
          groupId: other.ipr.id,
          agencyIds: [other.agencies.school.id],
        }),
      ),
    ).toEqual({
      reference: referenceTakenMessage('CHILD f1'),
      summary: 'The summary must be 2,000 characters or fewer',
      groupId: 'Select one of the partnership’s open groups',
      agencyIds: 'Select agencies from the list',
    })
    const [still] = await database.db.select().from(reviewCases).where(eq(reviewCases.id, review.id))
    expect(still).toMatchObject({ reference: 'Child F2', summary: 'Kept.' })
    expect(await auditOf(review.id)).toEqual([])
    expect(taken.reference).toBe('Child F1')

    const elsewhere = await insertCase(database.db, other.partnership.id, { reference: 'Child F3' })
    await expect(
      updateCase(database.db, change, elsewhere.id, { reference: 'Child F4', agencyIds: [] }),
    ).rejects.toMatchObject({ status: 404 })
    await expect(updateCase(database.db, change, 'nope', { reference: 'Child F4' })).rejects.toMatchObject({
      status: 404,
    })
  })
})
