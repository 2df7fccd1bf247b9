import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../../platform/db/client.ts'
import {
  buildReviewWorld,
  insertCase,
  insertPanelMember,
  type ReviewWorld,
  TODAY,
} from './reviews.fixtures.ts'
import { caseSummary, type SummaryContext, summaryContext } from './reviews.queries.ts'
import {
  reviewInformationRequests,
  reviewPartnerNotices,
  reviewRecommendations,
  reviewSends,
} from './reviews.table.ts'
import { caseFacts, caseTasks, caseTimeline } from './reviews.tasks.ts'

// The clock is Monday 2 March 2026. The world's safeguarding partners are the council, the police
// and the integrated care board.

describe('a case’s task list and timeline', () => {
  let database: Database
  let world: ReviewWorld
  let context: SummaryContext

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildReviewWorld(database.db)
    context = await summaryContext(database.db, world.partnership.id, TODAY)
  })
  afterAll(async () => {
    await database.close()
  })

  const statuses = async (
    fields: Parameters<typeof insertCase>[2],
    prepare?: (caseId: string) => Promise<void>,
  ) => {
    const review = await insertCase(database.db, world.partnership.id, fields)
    await prepare?.(review.id)
    const summary = await caseSummary(database.db, review, context)
    const facts = await caseFacts(database.db, world.partnership.id, review.id)
    const slug = world.partnership.slug
    return {
      review,
      facts,
      tasks: caseTasks(slug, summary, facts).map((t) => [
        t.title.text,
        'tag' in t.status ? t.status.tag.text : t.status.text,
        t.href?.replace(`/p/${slug}/reviews/${review.id}`, '') ?? null,
      ]),
      timeline: caseTimeline(summary, facts).map((e) => [e.datetime.timestamp, e.label.text]),
    }
  }

  it('starts a serious incident with the notification due and later steps that cannot start', async () => {
    // Aware Thursday 26 February: the notification is due Thursday 5 March.
    const { tasks, timeline } = await statuses({ becameAwareOn: '2026-02-26' })
    expect(tasks).toEqual([
      ['Notify the national panel', 'Due 5 March 2026', '/incident'],
      ['Tell the safeguarding partners', 'Not yet started', '/incident'],
      ['Ask agencies for information', 'Cannot start yet', null],
      ['Complete the rapid review', 'Cannot start yet', null],
      ['Record the partners’ decision', 'Cannot start yet', null],
    ])
    expect(timeline).toEqual([['2026-02-26', 'The local authority became aware']])
  })

  it('counts the partners told and the information received, and shows an overdue rapid review', async () => {
    // Notified Monday 2 February: the rapid review was due Monday 23 February.
    const { tasks, facts } = await statuses(
      { becameAwareOn: '2026-01-29', notifiedOn: '2026-02-02' },
      async (caseId) => {
        const p = world.partnership.id
        await database.db.insert(reviewPartnerNotices).values(
          [world.agencies.council.id, world.agencies.police.id].map((agencyId) => ({
            id: randomUUID(),
            partnershipId: p,
            caseId,
            agencyId,
            toldOn: '2026-01-30',
          })),
        )
        await database.db.insert(reviewInformationRequests).values([
          {
            id: randomUUID(),
            partnershipId: p,
            caseId,
            agencyId: world.agencies.health.id,
            requestedOn: '2026-02-03',
            dueOn: '2026-02-10',
            receivedOn: '2026-02-09',
          },
          {
            id: randomUUID(),
            partnershipId: p,
            caseId,
            agencyId: world.agencies.school.id,
            requestedOn: '2026-02-03',
            dueOn: '2026-02-10',
          },
        ])
      },
    )
    expect(facts).toMatchObject({
      partners: 3,
      partnersTold: 2,
      firstToldOn: '2026-01-30',
      requests: 2,
      requestsReceived: 1,
    })
    expect(tasks).toEqual([
      ['Notify the national panel', 'Completed', '/incident'],
      ['Tell the safeguarding partners', 'In progress', '/incident'],
      ['Ask agencies for information', 'In progress', '/incident'],
      ['Complete the rapid review', 'Overdue by 5 working days', '/incident'],
      ['Record the partners’ decision', 'Cannot start yet', null],
    ])
  })

  it('ends at the decision when there is to be no further review', async () => {
    const { tasks } = await statuses({
      becameAwareOn: '2026-01-05',
      notifiedOn: '2026-01-06',
      rapidReviewCompletedOn: '2026-01-20',
      decision: 'no_further_review',
      decisionRationale: 'Single-agency learning already in hand.',
      decidedOn: '2026-01-27',
    })
    expect(tasks.at(-1)).toEqual(['Record the partners’ decision', 'Completed', '/decision'])
    expect(tasks).toHaveLength(5)
  })

  it('follows a published local review to its sends and recommendations, with its history newest first', async () => {
    const { tasks, timeline } = await statuses(
      {
        becameAwareOn: '2025-06-02',
        notifiedOn: '2025-06-04',
        rapidReviewMeetingOn: '2025-06-20',
        rapidReviewCompletedOn: '2025-06-20',
        decision: 'local_review',
        decisionRationale: 'Learning across agencies.',
        decidedOn: '2025-07-01',
        termsOfReference: 'Information sharing.',
        reviewerName: 'An Independent Reviewer',
        publishedOn: '2026-02-25',
        publishedTitle: 'Learning from the review',
      },
      async (caseId) => {
        const p = world.partnership.id
        await insertPanelMember(database.db, p, caseId, world.people.head.id, world.agencies.school.id)
        await database.db.insert(reviewSends).values({
          id: randomUUID(),
          partnershipId: p,
          caseId,
          recipient: 'national_panel',
          sentOn: '2026-02-26',
        })
        await database.db
          .insert(reviewRecommendations)
          .values({ id: randomUUID(), partnershipId: p, caseId, number: 1, text: 'Share early.' })
      },
    )
    expect(tasks.slice(5)).toEqual([
      ['Agree the terms of reference and appoint the reviewer', 'Completed', '/review'],
      ['Build the panel', 'Completed', '/panel'],
      ['Publish the report', 'Completed', '/publication'],
      // Foundations was due 4 March (7 days from 25 February) and is not sent yet.
      ['Send the report to the national panel and Foundations', 'Due 4 March 2026', '/publication'],
      ['Turn the recommendations into actions', 'In progress', '/learning'],
    ])
    expect(timeline).toEqual([
      ['2026-02-26', 'Sent to the national panel'],
      ['2026-02-25', 'Published'],
      ['2025-07-01', 'The partners decided'],
      ['2025-06-20', 'Rapid review completed'],
      ['2025-06-20', 'Rapid review meeting'],
      ['2025-06-04', 'National panel notified'],
      ['2025-06-02', 'The local authority became aware'],
    ])
  })

  it('starts a handed-over Serious Case Review at the review itself', async () => {
    const { tasks } = await statuses({ procedure: 'scr2015' })
    expect(tasks.map((t) => t[0])).toEqual([
      'Agree the terms of reference and appoint the reviewer',
      'Build the panel',
      'Publish the report',
      'Send the report to the national panel and Foundations',
      'Turn the recommendations into actions',
    ])
    expect(tasks[3]![1]).toBe('Cannot start yet')
  })
})
