import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { ChangeContext } from '../../platform/audit/audit.service.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import { createCalendarRepository } from '../../platform/calendar/calendar.repository.ts'
import type { Database } from '../../platform/db/client.ts'
import { createAction } from '../actions/actions.service.ts'
import { actions } from '../actions/actions.table.ts'
import { FieldProblems } from '../partnership/agencies.problems.ts'
import {
  actionFromRecommendation,
  addRecommendation,
  defaultActionGroup,
  learningMessages,
  recommendationsOf,
  recordImpact,
  updateRecommendation,
} from './learning.service.ts'
import { buildReviewWorld, insertCase, NOW, type ReviewWorld, TODAY } from './reviews.fixtures.ts'
import { type ReviewCase, reviewRecommendationActions, reviewRecommendations } from './reviews.table.ts'

async function problems(promise: Promise<unknown>): Promise<Record<string, string>> {
  try {
    await promise
  } catch (error) {
    if (error instanceof FieldProblems) return error.fields
    throw error
  }
  throw new Error('Expected the call to be refused')
}

describe('recommendations and their actions', () => {
  let database: Database
  let world: ReviewWorld
  let change: ChangeContext
  let review: ReviewCase

  const audits = (entityType: string, entityId: string) =>
    database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityType, entityType), eq(auditLog.entityId, entityId)))
      .orderBy(auditLog.seq)
  const links = (recommendationId: string) =>
    database.db
      .select()
      .from(reviewRecommendationActions)
      .where(eq(reviewRecommendationActions.recommendationId, recommendationId))

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildReviewWorld(database.db)
    change = { partnershipId: world.partnership.id, actorId: world.accounts.businessTeam.userId, now: NOW }
    review = await insertCase(database.db, world.partnership.id, { procedure: 'scr2015' })
  })
  afterAll(async () => {
    await database.close()
  })

  it('numbers recommendations in order, changes their text, audited', async () => {
    expect(await problems(addRecommendation(database.db, change, review.id, '  '))).toEqual({
      text: learningMessages.text,
    })
    const first = await addRecommendation(database.db, change, review.id, 'Share chronologies earlier')
    const second = await addRecommendation(database.db, change, review.id, 'Train on neglect')
    expect([first.number, second.number]).toEqual([1, 2])
    // The same form sent twice records it once.
    expect(await problems(addRecommendation(database.db, change, review.id, 'Train on neglect'))).toEqual({
      text: learningMessages.duplicate,
    })
    expect(await updateRecommendation(database.db, change, review.id, second.id, 'Train on neglect')).toEqual(
      {
        changed: false,
      },
    )
    expect(
      await updateRecommendation(database.db, change, review.id, second.id, 'Train every agency on neglect'),
    ).toEqual({ changed: true })
    const entries = await audits('review_recommendation', second.id)
    expect(entries.map((e) => e.action)).toEqual(['create', 'update'])
    expect(entries[1]!.after).toEqual({ text: 'Train every agency on neglect' })
    // Another case's numbering starts again.
    const other = await insertCase(database.db, world.partnership.id, { procedure: 'scr2015' })
    expect((await addRecommendation(database.db, change, other.id, 'Another')).number).toBe(1)
  })

  it('records evidence of impact, dated today or earlier', async () => {
    const rec = await addRecommendation(database.db, change, review.id, 'Audit the front door')
    expect(
      await problems(
        recordImpact(database.db, change, review.id, rec.id, {
          impactEvidence: '',
          impactRecordedOn: '2026-03-03',
        }),
      ),
    ).toEqual({
      impactEvidence: learningMessages.impact,
      impactRecordedOn: 'The date of the evidence must be today (2 March 2026) or in the past',
    })
    expect(
      await recordImpact(database.db, change, review.id, rec.id, {
        impactEvidence: 'Re-audit shows referrals answered in a day',
        impactRecordedOn: '2026-02-27',
      }),
    ).toEqual({ changed: true })
    const [saved] = await database.db
      .select()
      .from(reviewRecommendations)
      .where(eq(reviewRecommendations.id, rec.id))
    expect(saved!.impactRecordedOn).toBe('2026-02-27')
    expect((await audits('review_recommendation', rec.id)).map((e) => e.action)).toEqual(['create', 'impact'])
  })

  it('turns a recommendation into an action of the group, linked and audited in the same transaction', async () => {
    const rec = await addRecommendation(database.db, change, review.id, 'Health visitors to share concerns')
    const action = await actionFromRecommendation(database.db, change, review.id, rec.id, {
      description: 'Health visitors to share concerns with the school nurse',
      ownerAgencyId: world.agencies.health.id,
      ownerPersonId: world.people.health.id,
      groupId: world.lpr.id,
    })
    expect(action.groupId).toBe(world.lpr.id)
    expect(action.reference).toMatch(/^A2026-\d{4}$/)
    expect((await links(rec.id)).map((l) => l.actionId)).toEqual([action.id])
    const entries = await audits('review_recommendation', rec.id)
    expect(entries.map((e) => e.action)).toEqual(['create', 'action_created'])
    expect(entries[1]!.after).toEqual({ actionId: action.id, reference: action.reference })
    // The action's own entry and the link's entry come from one transaction: one request, consecutive.
    const [actionEntry] = await audits('action', action.id)
    expect(actionEntry!.action).toBe('create')
    expect(entries[1]!.seq).toBe(actionEntry!.seq + 1)

    const context = {
      today: TODAY,
      calendar: await createCalendarRepository(database.db).calendarFor(world.partnership.id),
      reminderDays: 5,
    }
    const listed = (await recommendationsOf(database.db, review.id, context)).find((r) => r.id === rec.id)!
    expect(listed.actions).toEqual([
      {
        id: action.id,
        reference: action.reference,
        description: 'Health visitors to share concerns with the school nurse',
        ownerAgency: world.agencies.health.name,
        ownerPerson: 'Harriet Health',
        dueOn: null,
        rag: 'not_issued',
      },
    ])
  })

  it('leaves no link when the action is refused, and no action when the link fails', async () => {
    const rec = await addRecommendation(database.db, change, review.id, 'Police to attend strategy meetings')
    const before = (await database.db.select().from(actions)).length
    expect(
      await problems(
        actionFromRecommendation(database.db, change, review.id, rec.id, {
          description: 'Police to attend every strategy meeting',
          ownerAgencyId: '',
          groupId: world.lpr.id,
        }),
      ),
    ).toMatchObject({ ownerAgencyId: expect.any(String) })
    expect(await links(rec.id)).toEqual([])
    expect((await audits('review_recommendation', rec.id)).map((e) => e.action)).toEqual(['create'])

    // A failure after the action is written (in the link) rolls the action back too.
    await expect(
      createAction(
        database.db,
        change,
        { description: 'Rolled back', ownerAgencyId: world.agencies.police.id, groupId: world.lpr.id },
        async () => {
          throw new Error('link failed')
        },
      ),
    ).rejects.toThrow('link failed')
    expect((await database.db.select().from(actions)).length).toBe(before)
    expect(await database.db.select().from(actions).where(eq(actions.description, 'Rolled back'))).toEqual([])
  })

  it('gives actions to the case’s group, else the Learning and Practice Review Group', async () => {
    expect(await defaultActionGroup(database.db, review, TODAY)).toBe(world.lpr.id)
    const owned = await insertCase(database.db, world.partnership.id, { groupId: world.ipr.id })
    expect(await defaultActionGroup(database.db, owned, TODAY)).toBe(world.ipr.id)
  })
})
