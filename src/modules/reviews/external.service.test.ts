import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { ChangeContext } from '../../platform/audit/audit.service.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import type { Database } from '../../platform/db/client.ts'
import { FieldProblems } from '../partnership/agencies.problems.ts'
import {
  briefingMessages,
  briefingsOf,
  externalMessages,
  listBriefings,
  listExternalReviews,
  saveBriefing,
  saveExternalReview,
} from './external.service.ts'
import type { ReviewViewer } from './reviews.access.ts'
import { buildReviewWorld, insertCase, insertPanelMember, NOW, type ReviewWorld } from './reviews.fixtures.ts'
import { externalReviews } from './reviews.table.ts'

async function problems(promise: Promise<unknown>): Promise<Record<string, string>> {
  try {
    await promise
  } catch (error) {
    if (error instanceof FieldProblems) return error.fields
    throw error
  }
  throw new Error('Expected the call to be refused')
}

const national = {
  title: 'Child protection in England',
  source: 'national' as const,
  origin: 'The national panel',
  publishedOn: '2022-05-25',
  url: 'https://example.org/national',
  localLearning: 'Multi-agency training on joint working',
}

describe('reviews from elsewhere and learning briefings', () => {
  let database: Database
  let world: ReviewWorld
  let other: ReviewWorld
  let change: ChangeContext

  const audits = (entityType: string, entityId: string) =>
    database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityType, entityType), eq(auditLog.entityId, entityId)))
      .orderBy(auditLog.seq)
  const viewer = (role: ReviewViewer['role'], userId: string | null): ReviewViewer => ({ role, userId })

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildReviewWorld(database.db)
    other = await buildReviewWorld(database.db)
    change = { partnershipId: world.partnership.id, actorId: world.accounts.businessTeam.userId, now: NOW }
  })
  afterAll(async () => {
    await database.close()
  })

  it('logs a review from elsewhere only with the local learning taken, audited', async () => {
    expect(
      await problems(
        saveExternalReview(database.db, change, null, {
          ...national,
          title: ' ',
          localLearning: ' ',
          publishedOn: '2026-03-03',
        }),
      ),
    ).toEqual({
      title: externalMessages.title,
      publishedOn: 'The date it was published must be today (2 March 2026) or in the past',
      localLearning: externalMessages.localLearning,
    })
    expect(await listExternalReviews(database.db, world.partnership.id)).toEqual([])

    const { id } = await saveExternalReview(database.db, change, null, national)
    const [saved] = await database.db.select().from(externalReviews).where(eq(externalReviews.id, id))
    expect(saved).toMatchObject({ ...national, loggedOn: '2026-03-02', partnershipId: world.partnership.id })
    expect(await saveExternalReview(database.db, change, id, national)).toEqual({ id, changed: false })
    expect(
      await saveExternalReview(database.db, change, id, { ...national, localLearning: 'A new audit' }),
    ).toEqual({ id, changed: true })
    const entries = await audits('external_review', id)
    expect(entries.map((e) => e.action)).toEqual(['create', 'update'])
    expect(entries[1]!.after).toEqual({ localLearning: 'A new audit' })
    // Another partnership cannot change it.
    const outsider = { ...change, partnershipId: other.partnership.id }
    await expect(saveExternalReview(database.db, outsider, id, national)).rejects.toMatchObject({
      status: 404,
    })
  })

  it('shows published briefings to everyone, unpublished ones to the business team only', async () => {
    const p = world.partnership.id
    const secret = await insertCase(database.db, p, { reference: 'Child V1', procedure: 'scr2015' })
    const published = await insertCase(database.db, p, {
      reference: 'Child V2',
      procedure: 'scr2015',
      publishedOn: '2026-01-10',
      publishedTitle: 'Learning from a family',
      publicationUrl: 'https://example.org/v2',
    })
    await insertPanelMember(database.db, p, secret.id, world.people.head.id)
    const { id: externalId } = await saveExternalReview(database.db, change, null, {
      ...national,
      title: 'Another area’s review',
    })
    expect(
      await problems(
        saveBriefing(database.db, change, { caseId: secret.id }, null, {
          title: '',
          summary: '',
          publishedOn: '2026-03-03',
        }),
      ),
    ).toEqual({
      title: briefingMessages.title,
      summary: briefingMessages.summary,
      publishedOn: 'The publish date must be today (2 March 2026) or in the past',
    })
    const save = (owner: Parameters<typeof saveBriefing>[2], title: string, publishedOn: string | null) =>
      saveBriefing(database.db, change, owner, null, { title, summary: `${title} in brief`, publishedOn })
    const fromSecret = await save({ caseId: secret.id }, 'Briefing on neglect', '2026-02-01')
    await save({ caseId: published.id }, 'Briefing on a family', '2026-02-02')
    await save({ externalReviewId: externalId }, 'Briefing from elsewhere', '2026-02-03')
    await save({ caseId: secret.id }, 'Draft briefing', null)
    expect((await audits('learning_briefing', fromSecret.id)).map((e) => e.action)).toEqual(['create'])

    const team = await listBriefings(
      database.db,
      p,
      viewer('business_team', world.accounts.businessTeam.userId),
    )
    expect(team.map((b) => b.title)).toEqual([
      'Draft briefing',
      'Briefing from elsewhere',
      'Briefing on a family',
      'Briefing on neglect',
    ])
    expect(team[3]!.source).toEqual({ kind: 'case', caseId: secret.id, reference: 'Child V1' })

    const member = await listBriefings(database.db, p, viewer('member', world.accounts.otherMember.userId))
    expect(member.map((b) => b.title)).toEqual([
      'Briefing from elsewhere',
      'Briefing on a family',
      'Briefing on neglect',
    ])
    expect(member[0]!.source).toEqual({
      kind: 'external',
      externalReviewId: externalId,
      title: 'Another area’s review',
      url: 'https://example.org/national',
    })
    // Not on the panel: a published case by its published title, an unpublished one not at all.
    expect(member[1]!.source).toEqual({
      kind: 'published',
      title: 'Learning from a family',
      url: 'https://example.org/v2',
    })
    expect(member[2]!.source).toBeNull()
    expect(JSON.stringify(member)).not.toContain('Child V')

    // On the secret case's panel: its reference; the published one by title.
    const head = await listBriefings(database.db, p, viewer('member', world.accounts.head.userId))
    expect(head.find((b) => b.title === 'Briefing on neglect')!.source).toMatchObject({
      kind: 'case',
      reference: 'Child V1',
    })
    expect(head.find((b) => b.title === 'Briefing on a family')!.source).toMatchObject({ kind: 'published' })
    // A partner sees every record, but not unpublished briefings.
    const partner = await listBriefings(database.db, p, viewer('partner', world.accounts.partner.userId))
    expect(partner).toHaveLength(3)
    expect(partner.find((b) => b.title === 'Briefing on a family')!.source).toMatchObject({
      kind: 'case',
      reference: 'Child V2',
    })
    // Nothing of another partnership.
    expect(await listBriefings(database.db, other.partnership.id, viewer('business_team', null))).toEqual([])
    expect(await briefingsOf(database.db, p, { caseId: secret.id }, false)).toHaveLength(1)
    expect(await briefingsOf(database.db, p, { caseId: secret.id }, true)).toHaveLength(2)
  })

  it('changes a briefing only through the review it belongs to', async () => {
    const p = world.partnership.id
    const review = await insertCase(database.db, p, { procedure: 'scr2015' })
    const elsewhere = await insertCase(database.db, p, { procedure: 'scr2015' })
    const { id } = await saveBriefing(database.db, change, { caseId: review.id }, null, {
      title: 'Briefing',
      summary: 'Summary',
      publishedOn: null,
    })
    await expect(
      saveBriefing(database.db, change, { caseId: elsewhere.id }, id, {
        title: 'Moved',
        summary: 'Summary',
        publishedOn: null,
      }),
    ).rejects.toMatchObject({ status: 404 })
    expect(
      await saveBriefing(database.db, change, { caseId: review.id }, id, {
        title: 'Briefing',
        summary: 'Summary',
        publishedOn: '2026-03-02',
      }),
    ).toEqual({ id, changed: true })
    const entries = await audits('learning_briefing', id)
    expect(entries.map((e) => e.action)).toEqual(['create', 'update'])
    expect(entries[1]!.after).toEqual({ publishedOn: '2026-03-02' })
  })
})
