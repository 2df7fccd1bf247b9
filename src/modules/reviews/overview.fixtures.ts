import { randomUUID } from 'node:crypto'
import type { Db } from '../../platform/db/client.ts'
import { insertAction } from '../actions/actions.fixtures.ts'
import { buildReviewWorld, insertCase, insertPanelMember, type ReviewWorld } from './reviews.fixtures.ts'
import {
  externalReviews,
  learningBriefings,
  type ReviewCase,
  reviewRecommendationActions,
  reviewRecommendations,
  reviewSends,
} from './reviews.table.ts'

// A small known world for the board, the report and the API. Today is Monday 2 March 2026; the
// reporting year 2025 runs from 1 April 2025 to 31 March 2026.
//
//   A  local review: aware 2 Jun 2025, notified 4 Jun (on time), rapid review 20 Jun (on time),
//      decided 1 Jul, published 15 Dec 2025 (on time), sent to the panel 18 Dec (on time) and to
//      Foundations 5 Jan 2026 (late): closed. Two recommendations, one action open, one closed.
//   B  aware 1 Sep 2025, notified 12 Sep (late), rapid review overdue: at the rapid review.
//      Hana Head (member) sits on its panel.
//   C  aware 23 Feb 2026, not notified (due today): at notification.
//   D  SCR handed over (recorded 2019), published 10 May 2025, both sends on time: closed.
//   E  SCR handed over (recorded 2019), in review.
//   F  aware 1 May 2024, no further review decided 1 Jun 2024: closed before the year.
//   G  aware 1 Jul 2025, notified 3 Jul (on time), rapid review 20 Jul (on time), single-agency
//      review decided 1 Aug 2025: in review.

export interface OverviewWorld extends ReviewWorld {
  cases: Record<'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g', ReviewCase>
}

const handedOver = new Date('2019-09-30T09:00:00Z')

export async function buildOverviewWorld(db: Db): Promise<OverviewWorld> {
  const world = await buildReviewWorld(db)
  const pid = world.partnership.id
  const suffix = randomUUID().slice(0, 4)
  const ref = (letter: string) => `Child ${letter}${suffix}`
  const decided = (decision: ReviewCase['decision'], decidedOn: string) => ({
    decision,
    decidedOn,
    decisionRationale: 'The partners agreed.',
  })
  const a = await insertCase(db, pid, {
    reference: ref('A'),
    becameAwareOn: '2025-06-02',
    notifiedOn: '2025-06-04',
    rapidReviewCompletedOn: '2025-06-20',
    ...decided('local_review', '2025-07-01'),
    publishedOn: '2025-12-15',
    publishedTitle: 'Learning from Child A',
  })
  const b = await insertCase(db, pid, {
    reference: ref('B'),
    becameAwareOn: '2025-09-01',
    notifiedOn: '2025-09-12',
  })
  const c = await insertCase(db, pid, { reference: ref('C'), becameAwareOn: '2026-02-23' })
  const d = await insertCase(db, pid, {
    reference: ref('D'),
    procedure: 'scr2015',
    createdAt: handedOver,
    publishedOn: '2025-05-10',
    publishedTitle: 'Serious Case Review: Child D',
  })
  const e = await insertCase(db, pid, { reference: ref('E'), procedure: 'scr2015', createdAt: handedOver })
  const f = await insertCase(db, pid, {
    reference: ref('F'),
    becameAwareOn: '2024-05-01',
    notifiedOn: '2024-05-03',
    rapidReviewCompletedOn: '2024-05-20',
    ...decided('no_further_review', '2024-06-01'),
  })
  const g = await insertCase(db, pid, {
    reference: ref('G'),
    becameAwareOn: '2025-07-01',
    notifiedOn: '2025-07-03',
    rapidReviewCompletedOn: '2025-07-20',
    ...decided('single_agency', '2025-08-01'),
  })
  const send = (caseId: string, recipient: 'national_panel' | 'foundations', sentOn: string) =>
    db.insert(reviewSends).values({ id: randomUUID(), partnershipId: pid, caseId, recipient, sentOn })
  await send(a.id, 'national_panel', '2025-12-18')
  await send(a.id, 'foundations', '2026-01-05')
  await send(d.id, 'national_panel', '2025-05-12')
  await send(d.id, 'foundations', '2025-05-14')
  await insertPanelMember(db, pid, b.id, world.people.head.id, world.agencies.school.id)

  for (const [number, closed] of [
    [1, false],
    [2, true],
  ] as const) {
    const recommendation = randomUUID()
    await db.insert(reviewRecommendations).values({
      id: recommendation,
      partnershipId: pid,
      caseId: a.id,
      number,
      text: `Recommendation ${number} of the review`,
    })
    const action = await insertAction(db, {
      partnershipId: pid,
      groupId: world.lpr.id,
      ownerAgencyId: world.agencies.council.id,
      reference: `A2026-9${number}${suffix}`,
      closedAt: closed ? new Date('2026-02-10T10:00:00Z') : null,
      closedReason: closed ? 'Done' : null,
    })
    await db.insert(reviewRecommendationActions).values({
      id: randomUUID(),
      partnershipId: pid,
      recommendationId: recommendation,
      actionId: action.id,
    })
  }
  await db.insert(learningBriefings).values([
    {
      id: randomUUID(),
      partnershipId: pid,
      caseId: a.id,
      title: 'Seven-minute briefing: Child A',
      summary: 'What practitioners should know.',
      publishedOn: '2025-12-20',
    },
    {
      id: randomUUID(),
      partnershipId: pid,
      caseId: a.id,
      title: 'A briefing in draft',
      summary: 'Not yet.',
    },
  ])
  await db.insert(externalReviews).values([
    {
      id: randomUUID(),
      partnershipId: pid,
      title: 'National review of infants at risk',
      source: 'national',
      origin: 'The national panel',
      localLearning: 'Check the safe sleeping advice given at birth visits.',
      loggedOn: '2025-10-01',
    },
    {
      id: randomUUID(),
      partnershipId: pid,
      title: 'An older review from another area',
      source: 'other_area',
      origin: 'Southend',
      loggedOn: '2024-10-01',
    },
  ])
  return { ...world, cases: { a, b, c, d, e, f, g } }
}
