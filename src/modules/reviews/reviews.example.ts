import { randomUUID } from 'node:crypto'
import { and, eq, inArray, sql } from 'drizzle-orm'
import { partnershipRoles } from '../../platform/auth/auth.table.ts'
import { createCalendarRepository } from '../../platform/calendar/calendar.repository.ts'
import { addCalendarDays, addMonths } from '../../platform/calendar/dates.ts'
import { londonInstant } from '../../platform/calendar/london-time.ts'
import type { Db } from '../../platform/db/client.ts'
import { computeDeadline, getRuleSet } from '../../platform/rules/rules.service.ts'
import { actions } from '../actions/actions.table.ts'
import { londonDay } from '../partnership/agencies.problems.ts'
import { agencies, groups, memberships, people } from '../partnership/structure.table.ts'
import {
  externalReviews,
  learningBriefings,
  reviewAgencies,
  reviewCases,
  reviewDrafts,
  reviewInformationRequests,
  reviewMilestones,
  reviewPanelMembers,
  reviewPartnerNotices,
  reviewRecommendationActions,
  reviewRecommendations,
  reviewSends,
} from './reviews.table.ts'

/**
 * The Thurrock example's practice reviews, loaded after its meetings and actions into an empty
 * database, every date counted back from `now` so the example stays realistic whatever day it
 * loads:
 *
 * - Child L and Child M: the two Serious Case Reviews the old board handed over under the 2015
 *   procedure; L published and sent to the national panel and Foundations, M still in review.
 * - Child Q: a serious incident at the rapid review, notified on time; information asked of three
 *   agencies, one of them overdue.
 * - Child R: decided as a local review; its panel from agencies not involved in the case, one
 *   member with a recorded override; milestones and a first draft.
 * - Child P: a local review published within six months and sent on time, its recommendations
 *   turned into actions for the Learning and Practice Review Group, and a learning briefing.
 * - A national review logged from elsewhere with the local learning taken from it.
 *
 * Cases are known by reference only; no text names a child or a family member. Rows go in
 * directly, in sets, without audit entries, as the meetings' and actions' examples do. Nothing is
 * loaded when the partnership already has a case, or lacks the groups and agencies it needs.
 */
export interface ReviewsExampleRows {
  cases: number
  actions: number
}

const none: ReviewsExampleRows = { cases: 0, actions: 0 }

export async function loadReviewsExample(
  db: Db,
  options: { partnershipId: string; now: Date },
): Promise<ReviewsExampleRows> {
  const { partnershipId, now } = options
  const today = londonDay(now)
  const [rules, calendar, existing, groupRows, agencyRows, personRows, staff, numbered] = await Promise.all([
    getRuleSet(db, partnershipId),
    createCalendarRepository(db).calendarFor(partnershipId),
    db
      .select({ id: reviewCases.id })
      .from(reviewCases)
      .where(eq(reviewCases.partnershipId, partnershipId))
      .limit(1),
    db
      .select({ id: groups.id, kind: groups.kind, name: groups.name })
      .from(groups)
      .where(eq(groups.partnershipId, partnershipId)),
    db
      .select({ id: agencies.id, name: agencies.name, statutoryRole: agencies.statutoryRole })
      .from(agencies)
      .where(eq(agencies.partnershipId, partnershipId)),
    db
      .select({ id: people.id, name: people.name, agencyId: people.agencyId })
      .from(people)
      .where(eq(people.partnershipId, partnershipId)),
    db
      .select({ userId: partnershipRoles.userId })
      .from(partnershipRoles)
      .where(
        and(
          eq(partnershipRoles.partnershipId, partnershipId),
          inArray(partnershipRoles.role, ['business_team', 'administrator']),
        ),
      )
      .limit(1),
    // The last action reference of each year (A2026-0042 …): the actions below follow on.
    db
      .select({
        year: sql<string>`substring(${actions.reference} from 2 for 4)`,
        n: sql<
          number | null
        >`max(cast(substring(${actions.reference} from ${'^A[0-9]{4}-([0-9]+)$'}) as integer))`,
      })
      .from(actions)
      .where(eq(actions.partnershipId, partnershipId))
      .groupBy(sql`1`),
  ])
  if (existing.length > 0) return none
  const lpr = groupRows.find((g) => g.name === 'Learning and Practice Review Group')
  const agency = (name: string) => agencyRows.find((a) => a.name === name)
  const byRole = (role: string) => agencyRows.find((a) => a.statutoryRole === role)
  const council = byRole('local_authority')
  const police = byRole('police')
  const icb = byRole('health')
  const nelft = agency('NELFT NHS Foundation Trust')
  const hospital = agency('Mid and South Essex NHS Foundation Trust')
  const probation = agency('The Probation Service (Essex)')
  const schools = agency('Thurrock secondary schools and academies')
  const ipr = groupRows.find((g) => g.kind === 'review_panel')
  if (!lpr || !ipr || !council || !police || !icb || !nelft || !hospital || !probation || !schools)
    return none
  const personOf = (agencyId: string, preferred?: string) =>
    personRows.find((p) => p.agencyId === agencyId && p.name === preferred) ??
    personRows.find((p) => p.agencyId === agencyId)
  const by = staff[0]?.userId ?? null
  const at = (day: string) => londonInstant(day, '10:00')
  const due = (key: Parameters<typeof computeDeadline>[1], anchor: string) =>
    computeDeadline(rules, key, anchor, calendar).date
  const working = (day: string, n: number) => calendar.addWorkingDays(day, n)
  /** The last working day on or before `day`. */
  const workingOnOrBefore = (day: string) => (calendar.isWorkingDay(day) ? day : working(day, -1))
  const earliest = (a: string, b: string) => (a < b ? a : b)

  const cases: (typeof reviewCases.$inferInsert)[] = []
  const caseRow = (fields: Omit<typeof reviewCases.$inferInsert, 'id' | 'partnershipId'>) => {
    const row = { id: randomUUID(), partnershipId, groupId: lpr.id, createdById: by, ...fields }
    cases.push(row)
    return row
  }
  const involved: (typeof reviewAgencies.$inferInsert)[] = []
  const involve = (caseId: string, agencyIds: string[], involvement: string) => {
    for (const agencyId of agencyIds) {
      involved.push({ id: randomUUID(), partnershipId, caseId, agencyId, involvement })
    }
  }
  const notices: (typeof reviewPartnerNotices.$inferInsert)[] = []
  const tellPartners = (caseId: string, toldOn: string) => {
    for (const a of [council, police, icb]) {
      notices.push({ id: randomUUID(), partnershipId, caseId, agencyId: a.id, toldOn })
    }
  }
  const sends: (typeof reviewSends.$inferInsert)[] = []
  const send = (caseId: string, publishedOn: string, days: [number, number]) => {
    const [panel, foundations] = days
    sends.push(
      {
        id: randomUUID(),
        partnershipId,
        caseId,
        recipient: 'national_panel',
        sentOn: addCalendarDays(publishedOn, panel),
        createdById: by,
      },
      {
        id: randomUUID(),
        partnershipId,
        caseId,
        recipient: 'foundations',
        sentOn: addCalendarDays(publishedOn, foundations),
        createdById: by,
      },
    )
  }

  // The two Serious Case Reviews handed over from the old board.
  const handedOver = at(workingOnOrBefore(addMonths(today, -18)))
  const scrL = caseRow({
    reference: 'Child L',
    procedure: 'scr2015',
    summary:
      'Serious Case Review commissioned by the Thurrock LSCB and handed over to the partnership, to be completed under Working Together 2015.',
    reviewerName: 'Margaret Ilori',
    reviewerOrganisation: 'Independent safeguarding consultant',
    termsOfReference:
      'How agencies worked together to recognise and respond to neglect over the two years before the incident.',
    finalReportOn: workingOnOrBefore(addMonths(today, -9)),
    publishedOn: workingOnOrBefore(addMonths(today, -8)),
    publishedTitle: 'Serious Case Review: Child L',
    publicationUrl: 'https://lscp.thurrock.example/reviews/child-l',
    createdAt: handedOver,
  })
  send(scrL.id, scrL.publishedOn!, [2, 5])
  const scrM = caseRow({
    reference: 'Child M',
    procedure: 'scr2015',
    summary:
      'Serious Case Review commissioned by the Thurrock LSCB and handed over to the partnership; criminal proceedings delayed the report.',
    reviewerName: 'David Acheson',
    reviewerOrganisation: 'Independent reviewer',
    termsOfReference:
      'The response to a teenager’s exploitation outside the home, and the transition between services.',
    createdAt: handedOver,
  })

  // Child P: a local review published on time, its recommendations now actions.
  const awareP = workingOnOrBefore(addMonths(today, -15))
  const notifiedP = earliest(working(awareP, 3), due('panelNotificationWithin', awareP))
  const rapidP = earliest(working(notifiedP, 13), due('rapidReviewWithin', notifiedP))
  const decidedP = working(rapidP, 5)
  const publishedP = earliest(
    workingOnOrBefore(addMonths(decidedP, 6)),
    workingOnOrBefore(addMonths(today, -7)),
  )
  const caseP = caseRow({
    reference: 'Child P',
    summary: 'A baby was seriously injured at home. Several agencies knew of concerns in the months before.',
    becameAwareOn: awareP,
    notifiedOn: notifiedP,
    rapidReviewMeetingOn: rapidP,
    rapidReviewCompletedOn: rapidP,
    rapidReviewConclusions:
      'Learning about pre-birth assessment and the voice of fathers could not be drawn from the rapid review alone.',
    panelResponse: 'The national panel agreed a local review was appropriate.',
    panelResponseOn: working(rapidP, 4),
    decision: 'local_review',
    decisionRationale: 'Multi-agency learning about pre-birth assessment and working with fathers.',
    decidedOn: decidedP,
    termsOfReference:
      'Pre-birth assessment, information sharing between midwifery, health visiting and police, and the involvement of fathers.',
    reviewerName: 'Sian Treloar',
    reviewerOrganisation: 'Independent reviewer',
    familyInvolvement: 'The mother contributed to the review; the father declined.',
    finalReportOn: working(publishedP, -10),
    publishedOn: publishedP,
    publishedTitle: 'Child P: learning from a local child safeguarding practice review',
    publicationUrl: 'https://lscp.thurrock.example/reviews/child-p',
    createdAt: at(awareP),
  })
  involve(caseP.id, [council.id, police.id, hospital.id], 'Knew the family before the incident')
  tellPartners(caseP.id, awareP)
  send(caseP.id, publishedP, [3, 6])

  // Child R: a local review under way, with its panel, milestones and a first draft.
  const awareR = workingOnOrBefore(addMonths(today, -4))
  const notifiedR = earliest(working(awareR, 2), due('panelNotificationWithin', awareR))
  const rapidR = earliest(working(notifiedR, 12), due('rapidReviewWithin', notifiedR))
  const decidedR = working(rapidR, 4)
  const caseR = caseRow({
    reference: 'Child R',
    summary:
      'A child was admitted to hospital with injuries after concerns about domestic abuse in the home.',
    becameAwareOn: awareR,
    notifiedOn: notifiedR,
    rapidReviewMeetingOn: rapidR,
    rapidReviewCompletedOn: rapidR,
    rapidReviewConclusions:
      'Domestic abuse notifications did not reach the school; a fuller review would add learning.',
    decision: 'local_review',
    decisionRationale: 'Learning for every agency about domestic abuse notifications and the child’s voice.',
    decidedOn: decidedR,
    termsOfReference:
      'Domestic abuse notifications, the role of schools, and how the child’s wishes were heard.',
    reviewerName: 'Owen Castellanos',
    reviewerOrganisation: 'Independent reviewer',
    familyInvolvement: 'The reviewer has met the mother; the grandparents have been invited.',
    createdAt: at(awareR),
  })
  involve(caseR.id, [council.id, police.id, nelft.id], 'Worked with the family in the year before')
  tellPartners(caseR.id, awareR)
  const panel: (typeof reviewPanelMembers.$inferInsert)[] = []
  const seat = (agencyId: string, preferred: string, overrideReason: string | null = null) => {
    const person = personOf(agencyId, preferred)
    if (!person) return
    panel.push({
      id: randomUUID(),
      partnershipId,
      caseId: caseR.id,
      personId: person.id,
      agencyId,
      overrideReason,
      addedById: by,
      addedAt: at(decidedR),
    })
  }
  seat(probation.id, 'Mark Ellis')
  seat(schools.id, 'Tom Fairweather')
  seat(icb.id, 'Ruth Adeyemi')
  seat(
    police.id,
    'Daniel Okafor',
    'Essex Police’s public protection lead had no part in the case; the chair agreed the police view is needed.',
  )
  // The seeds leave the Individual Practice Review Group's seats to be filled: the example seats
  // the panel above and the council's lead, so a new review has people to choose from (and one
  // from an agency that is often involved, whom the independence rule refuses without a reason).
  const iprSince = workingOnOrBefore(addMonths(today, -12))
  const iprSeats: (typeof memberships.$inferInsert)[] = []
  for (const [agencyId, name] of [
    [probation.id, 'Mark Ellis'],
    [schools.id, 'Tom Fairweather'],
    [icb.id, 'Ruth Adeyemi'],
    [police.id, 'Daniel Okafor'],
    [council.id, 'Priya Shah'],
  ] as const) {
    const person = personRows.find((p) => p.agencyId === agencyId && p.name === name)
    if (!person) continue
    iprSeats.push({
      id: randomUUID(),
      groupId: ipr.id,
      partnershipId,
      personId: person.id,
      role: 'member',
      agencyId,
      startsOn: iprSince,
    })
  }
  const milestones: (typeof reviewMilestones.$inferInsert)[] = [
    {
      id: randomUUID(),
      partnershipId,
      caseId: scrM.id,
      title: 'Final report to the safeguarding partners',
      dueOn: workingOnOrBefore(addMonths(today, 2)),
      position: 1,
    },
  ]
  const draftOn = earliest(addCalendarDays(today, -7), workingOnOrBefore(addMonths(decidedR, 3)))
  for (const [position, title, dueOn, doneOn] of [
    [1, 'Terms of reference agreed', working(decidedR, 10), working(decidedR, 8)],
    [
      2,
      'Practitioner learning event',
      workingOnOrBefore(addMonths(decidedR, 2)),
      workingOnOrBefore(addMonths(decidedR, 2)),
    ],
    [3, 'First draft received', workingOnOrBefore(addMonths(decidedR, 3)), draftOn],
    [4, 'Report published', workingOnOrBefore(addMonths(decidedR, 6)), null],
  ] as const) {
    milestones.push({
      id: randomUUID(),
      partnershipId,
      caseId: caseR.id,
      title,
      dueOn,
      doneOn: doneOn && doneOn <= today ? doneOn : null,
      position,
    })
  }
  const draft = {
    id: randomUUID(),
    partnershipId,
    caseId: caseR.id,
    version: 1,
    receivedOn: draftOn,
    note: 'First draft from the reviewer, for the panel’s comments.',
    createdById: by,
  }

  // Child Q: a serious incident at the rapid review; one agency's information is overdue.
  const awareQ = working(today, -12)
  const notifiedQ = earliest(working(awareQ, 2), due('panelNotificationWithin', awareQ))
  const requestedQ = working(notifiedQ, 1)
  const caseQ = caseRow({
    reference: 'Child Q',
    summary: 'A young person was seriously harmed outside the home. Exploitation is suspected.',
    becameAwareOn: awareQ,
    notifiedOn: notifiedQ,
    createdAt: at(awareQ),
  })
  involve(caseQ.id, [council.id, police.id, nelft.id], 'Known to the service')
  tellPartners(caseQ.id, awareQ)
  const dueQ = due('agencyInformationWithin', requestedQ)
  const requests = [
    [council.id, working(requestedQ, 3)],
    [police.id, dueQ],
    [nelft.id, null],
  ].map(([agencyId, receivedOn]) => ({
    id: randomUUID(),
    partnershipId,
    caseId: caseQ.id,
    agencyId: agencyId!,
    requestedOn: requestedQ,
    dueOn: dueQ,
    receivedOn: receivedOn && receivedOn <= today ? receivedOn : null,
    note: 'A chronology of contact with the young person and the family over the last year.',
  }))

  // Child P's recommendations, each now an action of the Learning and Practice Review Group (which
  // does not name the case: see actionFromRecommendation).
  const recommendations = [
    'Midwifery, health visiting and children’s social care should agree how fathers and partners are included in pre-birth assessment.',
    'Essex Police should share domestic abuse incident notifications with health visiting within one working day.',
    'The partnership should run practitioner briefings on the learning from this review.',
  ].map((text, i) => ({
    id: randomUUID(),
    partnershipId,
    caseId: caseP.id,
    number: i + 1,
    text,
    impactEvidence:
      i === 0
        ? 'A joint pre-birth protocol is in use; an audit found fathers recorded in most assessments.'
        : null,
    impactRecordedOn: i === 0 ? addCalendarDays(today, -14) : null,
  }))
  const actionCreated = addCalendarDays(publishedP, 14)
  const year = actionCreated.slice(0, 4)
  const last = Number(numbered.find((r) => r.year === year)?.n ?? 0)
  const owners = [council.id, police.id, council.id]
  const actionRows = recommendations.map((r, i) => ({
    id: randomUUID(),
    partnershipId,
    groupId: lpr.id,
    reference: `A${year}-${String(last + i + 1).padStart(4, '0')}`,
    // The recommendation's text alone: the action register is seen beyond the case's record.
    description: r.text,
    ownerAgencyId: owners[i]!,
    closedAt: i === 0 ? at(addCalendarDays(today, -14)) : null,
    closedReason: i === 0 ? 'Completed: the protocol is in use and audited' : null,
    closedById: i === 0 ? by : null,
    createdById: by,
    createdAt: at(actionCreated),
  }))

  const briefing = {
    id: randomUUID(),
    partnershipId,
    caseId: caseP.id,
    title: 'Seven-minute briefing: learning from Child P',
    summary:
      'Include fathers and partners in pre-birth assessment; share domestic abuse notifications quickly; ask who lives in the home.',
    publishedOn: earliest(addMonths(publishedP, 1), today),
    createdById: by,
  }
  const loggedOn = workingOnOrBefore(addMonths(today, -5))
  const external = {
    id: randomUUID(),
    partnershipId,
    title: 'Safeguarding children with disabilities and complex health needs in residential settings',
    source: 'national' as const,
    origin: 'The Child Safeguarding Practice Review Panel',
    publishedOn: addCalendarDays(loggedOn, -20),
    localLearning:
      'Thurrock’s placements team now checks the safeguarding arrangements of every residential setting used, and reports them to the Learning and Practice Review Group each quarter.',
    loggedOn,
    createdById: by,
  }

  await db.transaction(async (tx) => {
    await tx.insert(reviewCases).values(cases)
    await tx.insert(reviewAgencies).values(involved)
    await tx.insert(reviewPartnerNotices).values(notices)
    await tx.insert(reviewSends).values(sends)
    if (iprSeats.length) await tx.insert(memberships).values(iprSeats)
    if (panel.length) await tx.insert(reviewPanelMembers).values(panel)
    await tx.insert(reviewMilestones).values(milestones)
    await tx.insert(reviewDrafts).values(draft)
    await tx.insert(reviewInformationRequests).values(requests)
    await tx.insert(reviewRecommendations).values(recommendations)
    await tx.insert(actions).values(actionRows)
    await tx.insert(reviewRecommendationActions).values(
      actionRows.map((a, i) => ({
        id: randomUUID(),
        partnershipId,
        recommendationId: recommendations[i]!.id,
        actionId: a.id,
      })),
    )
    await tx.insert(learningBriefings).values(briefing)
    await tx.insert(externalReviews).values(external)
  })
  return { cases: cases.length, actions: actionRows.length }
}
