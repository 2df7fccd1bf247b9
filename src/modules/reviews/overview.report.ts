import { and, asc, eq, gte, inArray, lte } from 'drizzle-orm'
import { csvRow } from '../../platform/audit/csv.ts'
import { formatDate } from '../../platform/calendar/dates.ts'
import type { DbOrTx } from '../../platform/db/client.ts'
import { actionPath } from '../actions/actions.labels.ts'
import { actions } from '../actions/actions.table.ts'
import { timelinessTag } from '../meetings/deadlines.ts'
import {
  activeIn,
  caseStart,
  lastCompleteYear,
  type OverviewInput,
  type Problems,
  type ReportingYear,
  readYear,
  reportingYear,
  within,
  yearItems,
} from './overview.service.ts'
import { decisionLabels, procedureLabels, reviewPath, reviewsPath, stageLabels } from './reviews.labels.ts'
import { type CaseSummary, caseSummaries, summaryContext } from './reviews.queries.ts'
import { mustBeSent, reviewStages, sendLabels } from './reviews.rules.ts'
import {
  externalReviews,
  learningBriefings,
  reviewDecisions,
  reviewRecommendationActions,
  reviewRecommendations,
  reviewSendRecipients,
} from './reviews.table.ts'

/**
 * The figures the annual report needs for one reporting year (April to March), each with the
 * list of cases behind it. Only the cases whose records the viewer may see are counted.
 */

const stepOf = (s: CaseSummary, key: string) => s.deadlines.find((d) => d.key === key) ?? null
const onTime = (s: CaseSummary, key: string) => stepOf(s, key)?.timeliness === 'on_time'

export async function reportPage(db: DbOrTx, input: OverviewInput) {
  const { partnershipId, slug, viewer, today, query } = input
  const problems: Problems = { list: [], fields: {} }
  const start = readYear(query.year, problems) ?? lastCompleteYear(today)
  const year = reportingYear(start)
  const context = await summaryContext(db, partnershipId, today)
  const all = await caseSummaries(db, partnershipId, viewer, context)
  const link = (s: CaseSummary, key?: string, date?: string | null) => {
    const step = key ? stepOf(s, key) : null
    return {
      reference: s.review.reference,
      href: reviewPath(slug, s.review.id),
      date: date ? formatDate(date) : null,
      tag: step ? timelinessTag(step) : null,
    }
  }
  const figure = (
    cases: CaseSummary[],
    key: string | undefined,
    dateOf: (s: CaseSummary) => string | null,
  ) => ({
    total: cases.length,
    onTime: key ? cases.filter((s) => onTime(s, key)).length : 0,
    cases: cases.map((s) => link(s, key, dateOf(s))),
  })

  const notified = all.filter((s) => s.review.procedure === 'wt2023' && within(s.review.notifiedOn, year))
  const rapid = all.filter((s) => within(s.review.rapidReviewCompletedOn, year))
  const decided = all.filter((s) => s.review.decision && within(s.review.decidedOn, year))
  const local = all.filter((s) => s.review.decision === 'local_review')
  const published = all.filter((s) => within(s.review.publishedOn, year))
  const toSend = published.filter((s) => mustBeSent(s.review))
  const sendKeys = reviewSendRecipients.map((r) => `send_${r}`)
  const sentInTime = (s: CaseSummary) => sendKeys.every((key) => onTime(s, key))
  const publishedIds = published.map((s) => s.review.id)
  const visibleIds = new Set(all.map((s) => s.review.id))

  const [recommendations, briefings, external] = await Promise.all([
    publishedIds.length === 0
      ? []
      : db
          .select({
            caseId: reviewRecommendations.caseId,
            id: reviewRecommendations.id,
            number: reviewRecommendations.number,
            text: reviewRecommendations.text,
            actionId: actions.id,
            actionReference: actions.reference,
            closedAt: actions.closedAt,
          })
          .from(reviewRecommendations)
          .leftJoin(
            reviewRecommendationActions,
            eq(reviewRecommendationActions.recommendationId, reviewRecommendations.id),
          )
          .leftJoin(actions, eq(actions.id, reviewRecommendationActions.actionId))
          .where(
            and(
              eq(reviewRecommendations.partnershipId, partnershipId),
              inArray(reviewRecommendations.caseId, publishedIds),
            ),
          )
          .orderBy(asc(reviewRecommendations.number), asc(actions.reference)),
    db
      .select()
      .from(learningBriefings)
      .where(
        and(
          eq(learningBriefings.partnershipId, partnershipId),
          gte(learningBriefings.publishedOn, year.from),
          lte(learningBriefings.publishedOn, year.to),
        ),
      )
      .orderBy(asc(learningBriefings.publishedOn), asc(learningBriefings.title)),
    db
      .select()
      .from(externalReviews)
      .where(
        and(
          eq(externalReviews.partnershipId, partnershipId),
          gte(externalReviews.loggedOn, year.from),
          lte(externalReviews.loggedOn, year.to),
        ),
      )
      .orderBy(asc(externalReviews.loggedOn), asc(externalReviews.title)),
  ])

  const referenceOf = new Map(all.map((s) => [s.review.id, s.review.reference]))
  const recommendationRows = new Map<
    string,
    {
      caseReference: string
      caseHref: string
      number: number
      text: string
      actions: { reference: string; href: string; open: boolean }[]
    }
  >()
  for (const r of recommendations) {
    const row = recommendationRows.get(r.id) ?? {
      caseReference: referenceOf.get(r.caseId) ?? '',
      caseHref: `${reviewPath(slug, r.caseId)}/learning`,
      number: r.number,
      text: r.text,
      actions: [],
    }
    if (r.actionId && r.actionReference) {
      row.actions.push({
        reference: r.actionReference,
        href: actionPath(slug, r.actionId),
        open: r.closedAt === null,
      })
    }
    recommendationRows.set(r.id, row)
  }
  const recommendationList = [...recommendationRows.values()].sort(
    (a, b) => a.caseReference.localeCompare(b.caseReference) || a.number - b.number,
  )
  const linkedActions = recommendationList.flatMap((r) => r.actions)
  const scrs = all.filter((s) => s.review.procedure === 'scr2015')
  const inYear = all.filter((s) => activeIn(s, year))
  const board = `${reviewsPath(slug)}/board`

  return {
    errors: problems.list.length ? problems : null,
    year,
    yearItems: yearItems(all, today, start, null),
    values: { year: String(start) },
    isDefault: start === lastCompleteYear(today),
    boardHref: `${board}?year=${start}`,
    csvHref: `${reviewsPath(slug)}/report.csv?year=${start}`,
    stages: reviewStages.map((stage) => ({
      label: stageLabels[stage],
      count: inYear.filter((s) => s.stage === stage).length,
      href: `${board}?year=${start}&stage=${stage}`,
    })),
    openInYear: inYear.length,
    notified: figure(notified, 'notification', (s) => s.review.notifiedOn),
    rapid: figure(rapid, 'rapid_review', (s) => s.review.rapidReviewCompletedOn),
    decisions: {
      total: decided.length,
      kinds: reviewDecisions.map((decision) => {
        const cases = decided.filter((s) => s.review.decision === decision)
        return {
          key: decision,
          label: decisionLabels[decision],
          count: cases.length,
          cases: cases.map((s) => link(s, undefined, s.review.decidedOn)),
        }
      }),
    },
    localStarted: figure(
      local.filter((s) => within(s.review.decidedOn, year)),
      'publication',
      (s) => s.review.decidedOn,
    ),
    localPublished: figure(
      local.filter((s) => within(s.review.publishedOn, year)),
      'publication',
      (s) => s.review.publishedOn,
    ),
    sends: {
      total: toSend.length,
      onTime: toSend.filter(sentInTime).length,
      recipients: reviewSendRecipients.map((recipient) => ({
        label: sendLabels[recipient],
        sent: toSend.filter((s) => s.sends.has(recipient)).length,
        onTime: toSend.filter((s) => onTime(s, `send_${recipient}`)).length,
      })),
      cases: toSend.map((s) => ({
        ...link(s, undefined, s.review.publishedOn),
        steps: sendKeys.flatMap((key) => {
          const step = stepOf(s, key)
          return step
            ? [
                {
                  label: step.label,
                  sentOn: step.doneOn ? formatDate(step.doneOn) : null,
                  tag: timelinessTag(step),
                },
              ]
            : []
        }),
      })),
    },
    recommendations: {
      total: recommendationList.length,
      actions: linkedActions.length,
      open: linkedActions.filter((a) => a.open).length,
      closed: linkedActions.filter((a) => !a.open).length,
      rows: recommendationList,
    },
    briefings: {
      total: briefings.length,
      rows: briefings.map((b) => ({
        title: b.title,
        publishedOn: b.publishedOn ? formatDate(b.publishedOn) : null,
        caseReference: b.caseId ? (referenceOf.get(b.caseId) ?? null) : null,
        href: b.caseId && visibleIds.has(b.caseId) ? `${reviewPath(slug, b.caseId)}/learning` : null,
      })),
    },
    external: {
      total: external.length,
      rows: external.map((e) => ({
        title: e.title,
        source: e.source === 'national' ? 'National review' : 'Another area’s review',
        origin: e.origin,
        loggedOn: formatDate(e.loggedOn),
        localLearning: e.localLearning,
      })),
    },
    scrs: {
      total: scrs.length,
      published: scrs.filter((s) => s.review.publishedOn).length,
      rows: scrs.map((s) => ({
        ...link(s, undefined, s.review.publishedOn),
        stage: stageLabels[s.stage],
        next: s.next ? { label: s.next.label, tag: timelinessTag(s.next) } : null,
      })),
    },
  }
}

export type ReportPage = Awaited<ReturnType<typeof reportPage>>

const csvHeader = [
  'Reference',
  'Procedure',
  'Stage',
  'Decision',
  'Became aware',
  'Notified',
  'Notification due',
  'Notification',
  'Rapid review completed',
  'Rapid review due',
  'Rapid review',
  'Decided',
  'Published',
  'Publication due',
  'Publication',
  'Sent to the national panel',
  'Sent to Foundations',
  'Sends',
]

const stepText = (s: CaseSummary, key: string) => {
  const step = stepOf(s, key)
  return step ? [step.due, timelinessTag(step).text] : ['', '']
}

/** The cases open at some time in the reporting year, one row each, for the annual report's tables. */
export async function reportCsv(db: DbOrTx, input: OverviewInput & { year: ReportingYear }): Promise<string> {
  const { partnershipId, viewer, today, year } = input
  const context = await summaryContext(db, partnershipId, today)
  const all = await caseSummaries(db, partnershipId, viewer, context)
  const rows = all
    .filter((s) => activeIn(s, year))
    .sort(
      (a, b) =>
        caseStart(a).localeCompare(caseStart(b)) || a.review.reference.localeCompare(b.review.reference),
    )
  let out = csvRow(csvHeader)
  for (const s of rows) {
    const r = s.review
    const sends = sendKeysOf(s)
    out += csvRow([
      r.reference,
      procedureLabels[r.procedure],
      stageLabels[s.stage],
      r.decision ? decisionLabels[r.decision] : '',
      r.becameAwareOn ?? '',
      r.notifiedOn ?? '',
      ...stepText(s, 'notification'),
      r.rapidReviewCompletedOn ?? '',
      ...stepText(s, 'rapid_review'),
      r.decidedOn ?? '',
      r.publishedOn ?? '',
      ...stepText(s, 'publication'),
      s.sends.get('national_panel') ?? '',
      s.sends.get('foundations') ?? '',
      sends,
    ])
  }
  return out
}

function sendKeysOf(s: CaseSummary): string {
  if (!s.review.publishedOn || !mustBeSent(s.review)) return ''
  const steps = reviewSendRecipients.map((r) => stepOf(s, `send_${r}`))
  return steps.every((step) => step?.timeliness === 'on_time')
    ? 'Both on time'
    : steps.map((step) => (step ? timelinessTag(step).text : '')).join('; ')
}
