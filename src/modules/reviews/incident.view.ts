/** Helpers shared by the incident tab, rapid review and decision routes. */
import type { FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { formatDate } from '../../platform/calendar/calendar.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import { appError } from '../../platform/http/errors.ts'
import type { FieldError, FormErrors } from '../../platform/http/forms.ts'
import { timelinessTag } from '../meetings/deadlines.ts'
import {
  type DateError,
  isFieldProblems,
  problemErrors,
  readDateInput,
} from '../partnership/agencies.form.ts'
import { incidentMessages } from './incident.service.ts'
import type { ReviewAccess } from './reviews.access.ts'
import { noNamesHint, type ReviewTab, reviewPath } from './reviews.labels.ts'
import { type CaseView, casePage, caseView } from './reviews.page.ts'
import type { CaseDeadline } from './reviews.rules.ts'

export const views = 'modules/reviews/views/incident'
export type Found = Record<string, FieldError | DateError>
export type Values = Record<string, unknown>

const flashes: Record<string, string> = {
  notified: 'The notification dates were saved',
  told: 'The partners told were saved',
  requested: 'The request for information was saved',
  received: 'The information was marked as received',
  rapid: 'The rapid review was saved',
  decided: 'The decision was saved',
}

/** Reads a date input into `found` on error; null when blank (and not required) or wrong. */
export function dateOf(
  values: Values,
  name: string,
  label: string,
  required: boolean,
  found: Found,
): string | null {
  const result = readDateInput(values, name, label, required)
  if (!result.ok) {
    found[name] = result.error
    return null
  }
  return result.value
}

export const textOf = (values: Values, name: string) => String(values[name] ?? '').trim()
export const listOf = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(String)

/** A deadline as the pages show it: the date, its explanation and its tag. */
export const deadlineView = (step: CaseDeadline | undefined) =>
  step ? { due: formatDate(step.due), explanation: step.explanation, tag: timelinessTag(step) } : null

/** Free text as paragraphs (blank lines between them). */
export function paragraphs(text: string | null): string[] {
  return (text ?? '').split(/\n\s*\n/).filter((p) => p.trim() !== '')
}

/** The page helpers that need the app's context: the tab's locals, the flash, the wt2023 check. */
export function incidentPages(ctx: AppContext) {
  const today = () => londonDate(ctx.now())

  function pageFrom(request: FastifyRequest, access: ReviewAccess, { context, summary, header }: CaseView) {
    const base = reviewPath(request.partnership!.slug, access.review.id)
    return {
      context,
      summary,
      base,
      locals: { header, review: access.review, base, canEdit: access.canEdit, noNamesHint },
    }
  }

  /** A form page of a case already opened in this request. */
  async function pageOf(request: FastifyRequest, access: ReviewAccess, tab: ReviewTab) {
    return pageFrom(request, access, await caseView(ctx, request, access.review, tab))
  }

  /** A tab's GET: opens the case (one audited view) and builds its page. */
  async function openPage(request: FastifyRequest, tab: ReviewTab) {
    const { access, ...view } = await casePage(ctx, request, tab)
    return { access, ...pageFrom(request, access, view) }
  }

  function flashOf(request: FastifyRequest) {
    const key = (request.query as { saved?: string }).saved
    return key ? flashes[key] : undefined
  }

  function forWt2023(access: ReviewAccess) {
    if (access.review.procedure !== 'wt2023')
      throw appError('not_applicable', incidentMessages.notWt2023, 409)
  }

  /** Runs a service change; on a rule's refusal, re-renders the form with the messages. */
  async function attempt(
    run: () => Promise<unknown>,
    order: readonly string[],
    dates: readonly string[],
    rerender: (errors: FormErrors) => Promise<unknown>,
  ): Promise<{ refused: unknown } | null> {
    try {
      await run()
      return null
    } catch (error) {
      if (!isFieldProblems(error)) throw error
      return { refused: await rerender(problemErrors(error, order, dates)) }
    }
  }

  return { today, pageOf, openPage, flashOf, forWt2023, attempt }
}
