import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../../platform/db/client.ts'
import type { ReviewViewer } from './reviews.access.ts'
import {
  buildReviewWorld,
  insertCase,
  insertPanelMember,
  type ReviewWorld,
  TODAY,
} from './reviews.fixtures.ts'
import { caseSummaries, caseSummary, type SummaryContext, summaryContext } from './reviews.queries.ts'
import {
  type ReviewCase,
  reviewCases,
  reviewInformationRequests,
  reviewMilestones,
  reviewSends,
} from './reviews.table.ts'

// One partnership's cases at every stage on 2 March 2026, with agency information and
// milestones; head sits on the panel of the review in progress only.

describe('case summaries', () => {
  let database: Database
  let world: ReviewWorld
  let other: ReviewWorld
  let context: SummaryContext
  const cases = {} as Record<
    'incident' | 'rapid' | 'decision' | 'review' | 'sending' | 'closed' | 'elsewhere',
    ReviewCase
  >

  const viewer = (who: keyof ReviewWorld['accounts'], role: ReviewViewer['role']): ReviewViewer => ({
    role,
    userId: world.accounts[who].userId,
  })

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildReviewWorld(database.db)
    other = await buildReviewWorld(database.db)
    const p = world.partnership.id
    const db = database.db
    // Aware Tuesday 24 February 2026: notification due Tuesday 3 March.
    cases.incident = await insertCase(db, p, { reference: 'Child A', becameAwareOn: '2026-02-24' })
    // Notified Monday 2 February: rapid review due Monday 23 February (overdue), information due 9 February, received late.
    cases.rapid = await insertCase(db, p, {
      reference: 'Child B',
      becameAwareOn: '2026-01-28',
      notifiedOn: '2026-02-02',
    })
    cases.decision = await insertCase(db, p, {
      reference: 'Child C',
      becameAwareOn: '2026-01-05',
      notifiedOn: '2026-01-06',
      rapidReviewCompletedOn: '2026-01-20',
    })
    // A local review decided 1 October 2025: publication due 1 April 2026; milestones before that.
    cases.review = await insertCase(db, p, {
      reference: 'Child D',
      becameAwareOn: '2025-09-01',
      notifiedOn: '2025-09-02',
      rapidReviewCompletedOn: '2025-09-19',
      decision: 'local_review',
      decisionRationale: 'Learning across agencies.',
      decidedOn: '2025-10-01',
    })
    cases.sending = await insertCase(db, p, {
      reference: 'Child E',
      procedure: 'scr2015',
      publishedOn: '2026-02-25',
      publishedTitle: 'Learning from Child E',
      publicationUrl: 'https://example.org/child-e',
    })
    cases.closed = await insertCase(db, p, {
      reference: 'Child F',
      procedure: 'scr2015',
      publishedOn: '2025-06-02',
    })
    cases.elsewhere = await insertCase(db, other.partnership.id, {
      reference: 'Child A',
      becameAwareOn: '2026-02-24',
    })

    await db.insert(reviewInformationRequests).values({
      id: randomUUID(),
      partnershipId: p,
      caseId: cases.rapid.id,
      agencyId: world.agencies.health.id,
      requestedOn: '2026-02-02',
      dueOn: '2026-02-09',
      receivedOn: '2026-02-11',
    })
    await db.insert(reviewMilestones).values([
      {
        id: randomUUID(),
        partnershipId: p,
        caseId: cases.review.id,
        title: 'First draft received',
        dueOn: '2026-03-20',
        position: 2,
      },
      {
        id: randomUUID(),
        partnershipId: p,
        caseId: cases.review.id,
        title: 'Terms of reference agreed',
        dueOn: '2025-11-03',
        doneOn: '2025-11-03',
        position: 1,
      },
    ])
    for (const [caseId, recipient, sentOn] of [
      [cases.sending.id, 'national_panel', '2026-02-27'],
      [cases.closed.id, 'national_panel', '2025-06-05'],
      [cases.closed.id, 'foundations', '2025-06-06'],
    ] as const) {
      await db.insert(reviewSends).values({ id: randomUUID(), partnershipId: p, caseId, recipient, sentOn })
    }
    await insertPanelMember(db, p, cases.review.id, world.people.head.id, world.agencies.school.id)
    context = await summaryContext(db, p, TODAY)
  })
  afterAll(async () => {
    await database.close()
  })

  it('gives each case its stage, by reference, only the partnership’s', async () => {
    const all = await caseSummaries(database.db, world.partnership.id, null, context)
    expect(all.map((s) => [s.review.reference, s.stage])).toEqual([
      ['Child A', 'notification'],
      ['Child B', 'rapid_review'],
      ['Child C', 'decision'],
      ['Child D', 'review'],
      ['Child E', 'sending'],
      ['Child F', 'closed'],
    ])
    expect(all.find((s) => s.review.reference === 'Child E')!.sends.get('national_panel')).toBe('2026-02-27')
  })

  it('puts every dated step in due order with the next one not done', async () => {
    const [rapid] = await caseSummaries(database.db, world.partnership.id, null, context, {
      only: cases.rapid.id,
    })
    expect(rapid!.deadlines.map((d) => [d.key.replace(/_.*/, ''), d.due, d.timeliness, d.lateBy])).toEqual([
      // Aware Wednesday 28 January: due 4 February; notified 2 February.
      ['notification', '2026-02-04', 'on_time', 0],
      ['information', '2026-02-09', 'late', 2],
      // 15 working days from 2 February; overdue by 5 working days on 2 March.
      ['rapid', '2026-02-23', 'overdue', 5],
    ])
    expect(rapid!.deadlines[1]!.label).toBe('Information from Testshire Integrated Care Board')
    expect(rapid!.next?.key).toBe('rapid_review')

    const review = await caseSummary(database.db, cases.review, context)
    expect(review.deadlines.map((d) => [d.label, d.due, d.doneOn])).toEqual([
      ['Serious incident notified to the national panel', '2025-09-08', '2025-09-02'],
      ['Rapid review completed', '2025-09-23', '2025-09-19'],
      ['Terms of reference agreed', '2025-11-03', '2025-11-03'],
      ['First draft received', '2026-03-20', null],
      ['Local review published', '2026-04-01', null],
    ])
    expect(review.next?.label).toBe('First draft received')
    expect(review.next?.explanation).toBe('The milestone’s due date')

    const incident = await caseSummary(database.db, cases.incident, context)
    expect(incident.next).toMatchObject({ key: 'notification', due: '2026-03-03', timeliness: 'due' })

    const sending = await caseSummary(database.db, cases.sending, context)
    expect(sending.next).toMatchObject({ key: 'send_foundations', due: '2026-03-04' })
    // A closed case has nothing next, even with nothing outstanding.
    const closed = await caseSummary(database.db, cases.closed, context)
    expect(closed.next).toBeNull()
    expect(closed.deadlines.every((d) => d.doneOn)).toBe(true)
  })

  it('lists a standard "Publication" milestone once: the rule’s deadline where there is one, met by publishing', async () => {
    const db = database.db
    const p = world.partnership.id
    await db.insert(reviewMilestones).values([
      // A local review has the rule's publication deadline: the milestone would repeat it.
      {
        id: randomUUID(),
        partnershipId: p,
        caseId: cases.review.id,
        title: 'Publication',
        dueOn: '2026-04-01',
        position: 3,
      },
      // A handed-over SCR has no rule for publication: its milestone is met by publishing.
      {
        id: randomUUID(),
        partnershipId: p,
        caseId: cases.sending.id,
        title: 'Publication',
        dueOn: '2026-02-20',
        position: 1,
      },
    ])
    const review = await caseSummary(db, cases.review, context)
    expect(review.deadlines.filter((d) => /publi/i.test(d.label)).map((d) => [d.key, d.due])).toEqual([
      ['publication', '2026-04-01'],
    ])
    const sending = await caseSummary(db, cases.sending, context)
    expect(sending.deadlines.find((d) => d.label === 'Publication')).toMatchObject({
      doneOn: '2026-02-25',
      timeliness: 'late',
      lateBy: 3,
    })
    await db.delete(reviewMilestones).where(sql`${reviewMilestones.title} = 'Publication'`)
  })

  it('narrows the cases to what the viewer may see', async () => {
    const refs = async (v: ReviewViewer) =>
      (await caseSummaries(database.db, world.partnership.id, v, context)).map((s) => s.review.reference)
    const every = ['Child A', 'Child B', 'Child C', 'Child D', 'Child E', 'Child F']
    expect(await refs(viewer('businessTeam', 'business_team'))).toEqual(every)
    expect(await refs(viewer('administrator', 'administrator'))).toEqual(every)
    expect(await refs(viewer('partner', 'partner'))).toEqual(every)
    expect(await refs(viewer('police', 'partner'))).toEqual(every)
    expect(await refs(viewer('head', 'member'))).toEqual(['Child D'])
    expect(await refs(viewer('chair', 'member'))).toEqual([])
    expect(await refs(viewer('otherMember', 'member'))).toEqual([])
    expect(await refs(viewer('scrutineer', 'scrutineer'))).toEqual([])
    expect(await refs({ role: null, userId: null })).toEqual([])
  })

  it('narrows further with a condition', async () => {
    const published = await caseSummaries(database.db, world.partnership.id, null, context, {
      where: sql`${reviewCases.publishedOn} is not null`,
    })
    expect(published.map((s) => s.review.reference)).toEqual(['Child E', 'Child F'])
  })
})
