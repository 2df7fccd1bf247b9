import { and, desc, eq } from 'drizzle-orm'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { AppContext } from '../../app.ts'
import { can } from '../../platform/access/policy.ts'
import { formatDate } from '../../platform/calendar/dates.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import { changeOf } from '../../platform/http/change.ts'
import { type FormErrors, formValues } from '../../platform/http/forms.ts'
import { timelinessTag } from '../meetings/deadlines.ts'
import { viewerOfRequest } from '../meetings/meetings.access.ts'
import {
  type DateError,
  dateItems,
  formErrors,
  isFieldProblems,
  readDateInput,
} from '../partnership/agencies.form.ts'
import { agencies, groups } from '../partnership/structure.table.ts'
import { editableReviewFromUrl, publishedReviews, seesEveryReview } from './reviews.access.ts'
import {
  decisionLabels,
  noNamesHint,
  procedureLabels,
  reviewPath,
  reviewsPath,
  stageColours,
  stageLabels,
} from './reviews.labels.ts'
import { casePage, caseView } from './reviews.page.ts'
import { type CaseSummary, caseSummaries, summaryContext } from './reviews.queries.ts'
import { defaultGroupOf } from './reviews.repository.ts'
import { type CaseDeadline, type ReviewStage, reviewStages } from './reviews.rules.ts'
import {
  agenciesOf,
  createCase,
  involvedAgencyIds,
  MAX_REFERENCE,
  MAX_SUMMARY,
  openGroupsOf,
  updateCase,
} from './reviews.service.ts'
import { type ReviewCase, type ReviewProcedure, reviewAgencies, reviewCases } from './reviews.table.ts'
import { caseFacts, caseTasks, caseTimeline } from './reviews.tasks.ts'

// The practice reviews list (records for those who may see them, published reviews for
// everyone), opening a case, a case's overview and changing its details.

const views = 'modules/reviews/views'
const view = { permission: 'reviews:view' as const }
const edit = { permission: 'reviews:edit' as const }

const newOrder = ['reference', 'procedure', 'becameAwareOn', 'summary', 'agencyIds', 'groupId'] as const
const editOrder = ['reference', 'summary', 'agencyIds', 'groupId'] as const

const flashes: Record<string, string> = {
  created: 'Case opened',
  changed: 'Case details saved',
}

const listOf = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).filter((s) => s !== ''))
const text = z
  .unknown()
  .optional()
  .transform((v) => (typeof v === 'string' ? v : ''))

const caseForm = z.object({
  reference: text,
  procedure: text,
  summary: text,
  groupId: text,
  agencyIds: listOf,
})

/** Only links that go to a web page: a stored address is never put in an href as it is. */
const safeUrl = (url: string | null) => (url && /^https?:\/\//i.test(url) ? url : null)

function stageTag(stage: ReviewStage) {
  return { text: stageLabels[stage], classes: `govuk-tag--${stageColours[stage]}` }
}

function deadlineView(step: CaseDeadline) {
  return {
    key: step.key,
    label: step.label,
    due: formatDate(step.due),
    explanation: step.explanation,
    doneOn: step.doneOn ? formatDate(step.doneOn) : null,
    tag: timelinessTag(step),
  }
}

function rowView(slug: string, summary: CaseSummary) {
  return {
    reference: summary.review.reference,
    href: reviewPath(slug, summary.review.id),
    stage: stageTag(summary.stage),
    handedOver: summary.review.procedure === 'scr2015',
    next: summary.next ? deadlineView(summary.next) : null,
  }
}

function publishedRows(ctx: AppContext, partnershipId: string) {
  // Only what is public: the title, the date and the link. Nothing else of a case leaves here.
  return ctx.db
    .select({
      reference: reviewCases.reference,
      publishedTitle: reviewCases.publishedTitle,
      publishedOn: reviewCases.publishedOn,
      publicationUrl: reviewCases.publicationUrl,
    })
    .from(reviewCases)
    .where(and(eq(reviewCases.partnershipId, partnershipId), publishedReviews()))
    .orderBy(desc(reviewCases.publishedOn), reviewCases.reference)
}

/** A submitted case form: the service's input, and the values as typed (to show again). */
function readCaseForm(body: unknown, isNew: boolean) {
  const values = formValues(body)
  const data = caseForm.parse(values)
  const procedure = data.procedure as ReviewProcedure
  let awareError: DateError | undefined
  let becameAwareOn: string | null = null
  if (isNew && procedure === 'wt2023') {
    const read = readDateInput(values, 'becameAwareOn', 'the date the partnership became aware', true)
    if (read.ok) becameAwareOn = read.value
    else awareError = read.error
  }
  return {
    input: {
      reference: data.reference,
      procedure,
      summary: data.summary,
      becameAwareOn,
      groupId: data.groupId || null,
      agencyIds: data.agencyIds,
    },
    values: { ...values, agencyIds: data.agencyIds },
    awareError,
  }
}

export async function reviewsRoutes(app: FastifyInstance, ctx: AppContext) {
  const today = () => londonDate(ctx.now())
  const isEditor = (request: FastifyRequest) =>
    can(request.actor, 'reviews:edit', { partnershipId: request.partnership!.id })

  app.get('/p/:slug/reviews', { config: view }, async (request, reply) => {
    const partnership = request.partnership!
    const query = request.query as Record<string, string | undefined>
    const viewer = viewerOfRequest(request)
    const context = await summaryContext(ctx.db, partnership.id, today())
    const [summaries, published] = await Promise.all([
      caseSummaries(ctx.db, partnership.id, viewer, context),
      publishedRows(ctx, partnership.id),
    ])
    const seesAll = seesEveryReview(viewer.role)
    const stage = reviewStages.find((s) => s === query.stage)
    const shown = stage ? summaries.filter((s) => s.stage === stage) : summaries
    const base = reviewsPath(partnership.slug)
    const canEdit = isEditor(request)
    return reply.render(`${views}/reviews/list.njk`, {
      title: 'Practice reviews',
      showRecords: seesAll || summaries.length > 0,
      seesAll,
      rows: shown.map((s) => rowView(partnership.slug, s)),
      total: summaries.length,
      stage: stage ?? '',
      stageItems: [
        { value: '', text: 'All stages' },
        ...reviewStages.map((s) => ({ value: s, text: stageLabels[s], selected: s === stage })),
      ],
      published: published.map((p) => ({
        title: p.publishedTitle || p.reference,
        publishedOn: p.publishedOn ? formatDate(p.publishedOn) : '',
        url: safeUrl(p.publicationUrl),
      })),
      canEdit,
      base,
      // The other pages narrow what they show themselves; those without records get the briefings.
      links:
        seesAll || summaries.length > 0
          ? [
              { text: 'Board of cases by stage', href: `${base}/board` },
              { text: 'Annual report figures', href: `${base}/report` },
              { text: 'Learning briefings', href: `${base}/briefings` },
              { text: 'Reviews from elsewhere', href: `${base}/external` },
            ]
          : [{ text: 'Learning briefings', href: `${base}/briefings` }],
    })
  })

  async function formChoices(partnershipId: string, selectedAgencies: readonly string[]) {
    const [agencyRows, groupRows] = await Promise.all([
      agenciesOf(ctx.db, partnershipId),
      openGroupsOf(ctx.db, partnershipId, today()),
    ])
    const chosen = new Set(selectedAgencies)
    return {
      agencyItems: agencyRows
        .filter((a) => !a.activeTo || a.activeTo >= today() || chosen.has(a.id))
        .map((a) => ({ value: a.id, text: a.name })),
      groupRows,
    }
  }

  function groupItems(
    rows: { id: string; name: string }[],
    selected: string,
    current?: { id: string; name: string },
  ) {
    const all = current && !rows.some((r) => r.id === current.id) ? [current, ...rows] : rows
    return all.map((g) => ({ value: g.id, text: g.name, selected: g.id === selected }))
  }

  async function showNew(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    const partnership = request.partnership!
    const agencyIds = (values.agencyIds as string[] | undefined) ?? []
    const { agencyItems, groupRows } = await formChoices(partnership.id, agencyIds)
    return reply.status(errors ? 400 : 200).render(`${views}/reviews/new.njk`, {
      title: 'Add a case',
      values,
      errors,
      agencyItems,
      groupItems: groupItems(groupRows, String(values.groupId ?? '')),
      awareItems: dateItems('becameAwareOn', values, errors?.fields.becameAwareOn),
      noNamesHint,
      maxReference: MAX_REFERENCE,
      maxSummary: MAX_SUMMARY,
      procedureLabels,
      action: `${reviewsPath(partnership.slug)}/new`,
      backHref: reviewsPath(partnership.slug),
    })
  }

  app.get('/p/:slug/reviews/new', { config: edit }, async (request, reply) => {
    const group = await defaultGroupOf(ctx.db, request.partnership!.id, today())
    return showNew(request, reply, { procedure: 'wt2023', groupId: group?.id ?? '', agencyIds: [] })
  })

  app.post('/p/:slug/reviews/new', { config: edit }, async (request, reply) => {
    const form = readCaseForm(request.body, true)
    try {
      const created = await createCase(ctx.db, changeOf(ctx, request), form.input)
      return reply.redirect(`${reviewPath(request.partnership!.slug, created.id)}?created=1`, 303)
    } catch (error) {
      if (!isFieldProblems(error)) throw error
      const found: Record<string, { text: string } | DateError> = asErrors(error.fields)
      if (found.becameAwareOn)
        found.becameAwareOn = form.awareError ?? {
          text: error.fields.becameAwareOn!,
          parts: ['day', 'month', 'year'],
        }
      return showNew(request, reply, form.values, formErrors(newOrder, found))
    }
  })

  app.get('/p/:slug/reviews/:review', { config: view }, async (request, reply) => {
    const { access, summary, header } = await casePage(ctx, request, 'overview')
    const { review } = access
    const slug = request.partnership!.slug
    const [group, involved, facts] = await Promise.all([
      groupOf(review),
      involvedAgencies(review.id),
      caseFacts(ctx.db, review.partnershipId, review.id),
    ])
    const query = request.query as Record<string, string | undefined>
    const flash = Object.keys(flashes).find((key) => query[key] !== undefined)
    return reply.render(`${views}/review/overview.njk`, {
      title: review.reference,
      header,
      review,
      procedure: procedureLabels[review.procedure],
      becameAwareOn: review.becameAwareOn ? formatDate(review.becameAwareOn) : null,
      group: group?.name ?? null,
      agencies: involved,
      deadlines: summary.deadlines.map(deadlineView),
      next: summary.next ? deadlineView(summary.next) : null,
      tasks: caseTasks(slug, summary, facts),
      timeline: caseTimeline(summary, facts),
      decision: review.decision
        ? {
            text: decisionLabels[review.decision],
            decidedOn: review.decidedOn ? formatDate(review.decidedOn) : null,
            rationale: review.decisionRationale,
          }
        : null,
      publication: review.publishedOn
        ? {
            title: review.publishedTitle || review.reference,
            publishedOn: formatDate(review.publishedOn),
            url: safeUrl(review.publicationUrl),
          }
        : null,
      closed: review.closedOn ? { on: formatDate(review.closedOn), reason: review.closedReason } : null,
      canEdit: access.canEdit,
      editHref: `${reviewPath(slug, review.id)}/edit`,
      flash: flash ? flashes[flash] : undefined,
    })
  })

  async function groupOf(review: ReviewCase) {
    if (!review.groupId) return null
    const [row] = await ctx.db
      .select({ id: groups.id, name: groups.name })
      .from(groups)
      .where(eq(groups.id, review.groupId))
    return row ?? null
  }

  function involvedAgencies(caseId: string) {
    return ctx.db
      .select({ id: agencies.id, name: agencies.name })
      .from(reviewAgencies)
      .innerJoin(agencies, eq(agencies.id, reviewAgencies.agencyId))
      .where(eq(reviewAgencies.caseId, caseId))
      .orderBy(agencies.name)
  }

  async function showEdit(
    request: FastifyRequest,
    reply: FastifyReply,
    review: ReviewCase,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    const slug = request.partnership!.slug
    const agencyIds = (values.agencyIds as string[] | undefined) ?? []
    const [{ agencyItems, groupRows }, current] = await Promise.all([
      formChoices(review.partnershipId, agencyIds),
      groupOf(review),
    ])
    const { header } = await caseView(ctx, request, review, 'overview')
    return reply.status(errors ? 400 : 200).render(`${views}/review/edit.njk`, {
      title: `Change case details: ${review.reference}`,
      header,
      pageHeading: 'Change case details',
      values,
      errors,
      agencyItems,
      groupItems: [
        ...(current ? [] : [{ value: '', text: 'No group', selected: !values.groupId }]),
        ...groupItems(groupRows, String(values.groupId ?? ''), current ?? undefined),
      ],
      noNamesHint,
      maxReference: MAX_REFERENCE,
      maxSummary: MAX_SUMMARY,
      action: `${reviewPath(slug, review.id)}/edit`,
      backHref: reviewPath(slug, review.id),
    })
  }

  app.get('/p/:slug/reviews/:review/edit', { config: edit }, async (request, reply) => {
    const { review } = await editableReviewFromUrl(ctx, request)
    return showEdit(request, reply, review, {
      reference: review.reference,
      summary: review.summary,
      groupId: review.groupId ?? '',
      agencyIds: await involvedAgencyIds(ctx.db, review.id),
    })
  })

  app.post('/p/:slug/reviews/:review/edit', { config: edit }, async (request, reply) => {
    const { review } = await editableReviewFromUrl(ctx, request)
    const form = readCaseForm(request.body, false)
    try {
      await updateCase(ctx.db, changeOf(ctx, request), review.id, {
        reference: form.input.reference,
        summary: form.input.summary,
        groupId: form.input.groupId,
        agencyIds: form.input.agencyIds,
      })
    } catch (error) {
      if (!isFieldProblems(error)) throw error
      return showEdit(request, reply, review, form.values, formErrors(editOrder, asErrors(error.fields)))
    }
    return reply.redirect(`${reviewPath(request.partnership!.slug, review.id)}?changed=1`, 303)
  })
}

const asErrors = (fields: Record<string, string>) =>
  Object.fromEntries(Object.entries(fields).map(([field, text]) => [field, { text }]))
