import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { AppContext } from '../../app.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import { changeOf } from '../../platform/http/change.ts'
import { type FormErrors, formValues } from '../../platform/http/forms.ts'
import {
  dateInputValues,
  dateItems,
  formErrors,
  isFieldProblems,
  problemErrors,
} from '../partnership/agencies.form.ts'
import { issuesByField, type Parsed } from '../partnership/groups.form.ts'
import { type BriefingOwner, findBriefing, saveBriefing } from './external.service.ts'
import { readPastDate } from './reviews.dates.ts'
import { noNamesHint } from './reviews.labels.ts'
import type { LearningBriefing } from './reviews.table.ts'

// A learning briefing's form, for one of our reviews (the learning tab) and for a review from
// elsewhere: the same fields, checks and view; each caller gives its addresses and page parts.

const briefingView = 'modules/reviews/views/learning/briefing.njk'

const briefingForm = z.object({
  title: z
    .string({ error: 'Enter the title of the briefing' })
    .trim()
    .min(1, 'Enter the title of the briefing')
    .max(200, 'The title must be 200 characters or fewer'),
  summary: z
    .string({ error: 'Enter the summary' })
    .trim()
    .min(1, 'Enter the summary')
    .max(5000, 'The summary must be 5,000 characters or fewer'),
})
export const briefingOrder = ['title', 'summary', 'publishedOn'] as const

export function readBriefingForm(
  values: Record<string, unknown>,
  today: string,
): Parsed<{ title: string; summary: string; publishedOn: string | null }> {
  const parsed = briefingForm.safeParse(values)
  const found = parsed.success ? {} : issuesByField(parsed.error.issues)
  const date = readPastDate(values, 'publishedOn', 'the publish date', false, today)
  if (date.error) found.publishedOn = date.error
  if (!parsed.success || date.error) return { ok: false, errors: formErrors(briefingOrder, found) }
  return { ok: true, data: { ...parsed.data, publishedOn: date.value } }
}

export const briefingValues = (b: LearningBriefing | null) => ({
  title: b?.title ?? '',
  summary: b?.summary ?? '',
  ...dateInputValues('publishedOn', b?.publishedOn),
})

/** The parts of the briefing page that depend on whose briefing it is. */
export interface BriefingPage {
  title: string
  pageHeading: string
  backText: string
  /** One of our reviews: its header with the tabs. */
  header?: unknown
  /** A review from elsewhere: its title above the heading. */
  caption?: string
}

export interface BriefingPages<Owner> {
  /** The routes' address, e.g. `/p/:slug/reviews/:review/learning/briefings`. */
  route: string
  /** The review the briefing belongs to, checked (404, 403) for the business team. */
  open: (request: FastifyRequest) => Promise<Owner>
  owner: (owner: Owner) => BriefingOwner
  /** This review's briefings address (the forms post to `<address>/new` and `<address>/<id>`). */
  address: (request: FastifyRequest, owner: Owner) => string
  /** The page the form goes back to, and to which a saved briefing returns with its flash. */
  back: (request: FastifyRequest, owner: Owner) => string
  page: (
    request: FastifyRequest,
    owner: Owner,
    briefing: LearningBriefing | null,
  ) => BriefingPage | Promise<BriefingPage>
}

/** Adds and changes a review's briefings: the form pages and their saves (business team). */
export function briefingRoutes<Owner>(app: FastifyInstance, ctx: AppContext, pages: BriefingPages<Owner>) {
  const edit = { permission: 'reviews:edit' as const }

  async function show(
    request: FastifyRequest,
    reply: FastifyReply,
    owner: Owner,
    briefing: LearningBriefing | null,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    const address = pages.address(request, owner)
    return reply.status(errors ? 400 : 200).render(briefingView, {
      ...(await pages.page(request, owner, briefing)),
      backHref: pages.back(request, owner),
      action: briefing ? `${address}/${briefing.id}` : `${address}/new`,
      noNamesHint,
      values,
      errors,
      dateItems: { publishedOn: dateItems('publishedOn', values, errors?.fields.publishedOn) },
    })
  }

  const briefingOf = (request: FastifyRequest, owner: Owner) =>
    findBriefing(
      ctx.db,
      request.partnership!.id,
      pages.owner(owner),
      (request.params as { briefing: string }).briefing,
    )

  async function save(request: FastifyRequest, reply: FastifyReply, existing: boolean) {
    const owner = await pages.open(request)
    const current = existing ? await briefingOf(request, owner) : null
    const values = formValues(request.body)
    const form = readBriefingForm(values, londonDate(ctx.now()))
    if (!form.ok) return show(request, reply, owner, current, values, form.errors)
    try {
      const { changed } = await saveBriefing(
        ctx.db,
        changeOf(ctx, request),
        pages.owner(owner),
        current?.id ?? null,
        form.data,
      )
      return reply.redirect(`${pages.back(request, owner)}?${changed ? 'briefing' : 'unchanged'}=1`, 303)
    } catch (error) {
      if (!isFieldProblems(error)) throw error
      const errors = problemErrors(error, briefingOrder, ['publishedOn'])
      return show(request, reply, owner, current, values, errors)
    }
  }

  app.get(`${pages.route}/new`, { config: edit }, async (request, reply) =>
    show(request, reply, await pages.open(request), null, briefingValues(null)),
  )
  app.post(`${pages.route}/new`, { config: edit }, (request, reply) => save(request, reply, false))
  app.get(`${pages.route}/:briefing`, { config: edit }, async (request, reply) => {
    const owner = await pages.open(request)
    const briefing = await briefingOf(request, owner)
    return show(request, reply, owner, briefing, briefingValues(briefing))
  })
  app.post(`${pages.route}/:briefing`, { config: edit }, (request, reply) => save(request, reply, true))
}
