import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { ChangeContext } from '../../platform/audit/audit.service.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import type { Database } from '../../platform/db/client.ts'
import { insertPerson, insertSeat } from '../meetings/meetings.fixtures.ts'
import { FieldProblems } from '../partnership/agencies.problems.ts'
import { addPanelMember, panelCandidates, panelMembers, removePanelMember } from './panel.service.ts'
import {
  buildReviewWorld,
  insertCase,
  insertInvolvedAgency,
  NOW,
  type ReviewWorld,
  TODAY,
} from './reviews.fixtures.ts'
import { type ReviewCase, reviewPanelMembers } from './reviews.table.ts'

// Child Q: the police and the council were involved. The Individual Practice Review Group has
// the council chair, Pat Police, Harriet Health, Hana Head (a school) and a police deputy.

describe('review panel', () => {
  let database: Database
  let world: ReviewWorld
  let review: ReviewCase
  let change: ChangeContext

  const problemOf = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(FieldProblems)
    return (error as FieldProblems).fields
  }
  const rows = () =>
    database.db.select().from(reviewPanelMembers).where(eq(reviewPanelMembers.caseId, review.id))

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildReviewWorld(database.db)
    review = await insertCase(database.db, world.partnership.id, { reference: 'Child Q' })
    await insertInvolvedAgency(database.db, world.partnership.id, review.id, world.agencies.police.id)
    await insertInvolvedAgency(database.db, world.partnership.id, review.id, world.agencies.council.id)
    change = { partnershipId: world.partnership.id, actorId: world.accounts.businessTeam.userId, now: NOW }
  })
  afterAll(async () => {
    await database.close()
  })

  it('lists the group’s seat holders as candidates, marking those from involved agencies', async () => {
    const candidates = await panelCandidates(database.db, review, TODAY)
    const byName = new Map(candidates.map((c) => [c.name, c]))
    expect([...byName.keys()].sort()).toEqual(
      ['Chris Chair', 'Dev Deputy', 'Hana Head', 'Harriet Health', 'Pat Police'].sort(),
    )
    expect(byName.get('Pat Police')).toMatchObject({ agencyName: 'Testshire Police', involved: true })
    expect(byName.get('Chris Chair')?.involved).toBe(true)
    expect(byName.get('Hana Head')).toMatchObject({ agencyName: 'Testshire Academy', involved: false })
  })

  it('refuses someone from an involved agency without an override, and changes nothing', async () => {
    const fields = await problemOf(
      addPanelMember(database.db, change, {
        caseId: review.id,
        personId: world.people.police.id,
        today: TODAY,
      }),
    )
    expect(fields.personId).toBe(
      'Pat Police is from Testshire Police, which was involved in this case. Members come from agencies with no direct involvement; record an override with a reason to add them.',
    )
    expect(await rows()).toHaveLength(0)
  })

  it('refuses an override whose reason is shorter than 10 characters', async () => {
    const fields = await problemOf(
      addPanelMember(database.db, change, {
        caseId: review.id,
        personId: world.people.police.id,
        overrideReason: ' Needed ',
        today: TODAY,
      }),
    )
    expect(fields.overrideReason).toBe('The reason for the override must be at least 10 characters')
    expect(await rows()).toHaveLength(0)
  })

  it('accepts an override with a reason and stores it, audited', async () => {
    const reason = 'The only officer trained in joint investigations; not involved personally'
    const result = await addPanelMember(database.db, change, {
      caseId: review.id,
      personId: world.people.police.id,
      overrideReason: reason,
      today: TODAY,
    })
    expect(result).toEqual({ added: true, name: 'Pat Police' })
    const [row] = await rows()
    expect(row).toMatchObject({
      personId: world.people.police.id,
      agencyId: world.agencies.police.id,
      overrideReason: reason,
      addedById: world.accounts.businessTeam.userId,
    })
    const audit = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityType, 'review_panel_member'), eq(auditLog.entityId, row!.id)))
    expect(audit.map((a) => a.action)).toEqual(['add'])
    const members = await panelMembers(database.db, review.id)
    expect(members[0]).toMatchObject({
      name: 'Pat Police',
      agencyName: 'Testshire Police',
      overrideReason: reason,
    })
  })

  it('adds someone from an uninvolved agency with no override, and a second time harmlessly', async () => {
    const add = () =>
      addPanelMember(database.db, change, {
        caseId: review.id,
        personId: world.people.head.id,
        overrideReason: 'Typed but not needed',
        today: TODAY,
      })
    expect(await add()).toEqual({ added: true, name: 'Hana Head' })
    expect(await add()).toEqual({ added: false, name: 'Hana Head' })
    const heads = (await rows()).filter((r) => r.personId === world.people.head.id)
    expect(heads).toHaveLength(1)
    expect(heads[0]?.overrideReason).toBeNull()
    const candidates = await panelCandidates(database.db, review, TODAY)
    expect(candidates.map((c) => c.name)).not.toContain('Hana Head')
  })

  it('refuses someone who holds no current seat on a review panel group', async () => {
    // Nora sits on the Learning and Practice Review Group only.
    const nora = await insertPerson(database.db, world.partnership.id, {
      name: 'Nora Learning',
      agencyId: world.agencies.health.id,
    })
    await insertSeat(database.db, {
      partnershipId: world.partnership.id,
      groupId: world.lpr.id,
      personId: nora.id,
      agencyId: world.agencies.health.id,
    })
    const fields = await problemOf(
      addPanelMember(database.db, change, { caseId: review.id, personId: nora.id, today: TODAY }),
    )
    expect(fields.personId).toBe('Choose someone who sits on the Individual Practice Review Group')
    // Harriet Health's seat starts on 1 January 2025: before then she is no candidate.
    await problemOf(
      addPanelMember(database.db, change, {
        caseId: review.id,
        personId: world.people.health.id,
        today: '2024-12-31',
      }),
    )
    expect((await rows()).some((r) => r.personId === nora.id || r.personId === world.people.health.id)).toBe(
      false,
    )
  })

  it('removes a member with the reason, keeps them as a past member, and may add them again', async () => {
    const [head] = (await rows()).filter((r) => r.personId === world.people.head.id)
    expect(
      await removePanelMember(database.db, change, {
        caseId: review.id,
        memberId: head!.id,
        reason: 'Moved to another school',
      }),
    ).toBe(true)
    // A second removal (a double-submitted form) changes nothing.
    expect(
      await removePanelMember(database.db, change, {
        caseId: review.id,
        memberId: head!.id,
        reason: 'Again',
      }),
    ).toBe(false)
    const members = await panelMembers(database.db, review.id)
    const past = members.find((m) => m.id === head!.id)
    expect(past).toMatchObject({ removedReason: 'Moved to another school' })
    expect(past?.removedAt).toEqual(NOW)
    const audit = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityType, 'review_panel_member'), eq(auditLog.entityId, head!.id)))
    expect(audit.map((a) => a.action).sort()).toEqual(['add', 'remove'])
    const again = await addPanelMember(database.db, change, {
      caseId: review.id,
      personId: world.people.head.id,
      today: TODAY,
    })
    expect(again.added).toBe(true)
    expect((await rows()).filter((r) => r.personId === world.people.head.id)).toHaveLength(2)
  })

  it('refuses a removal without a reason', async () => {
    const [police] = (await rows()).filter((r) => r.personId === world.people.police.id)
    const fields = await problemOf(
      removePanelMember(database.db, change, { caseId: review.id, memberId: police!.id, reason: '  ' }),
    )
    expect(fields.reason).toBe('Enter why they are leaving the panel')
  })
})
