/** Helpers shared by the review tab's routes: progress, milestones and drafts. */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import type { FieldError, FormErrors } from '../../platform/http/forms.ts'
import { type DateError, dateItems, readDateInput } from '../partnership/agencies.form.ts'
import type { ReviewAccess } from './reviews.access.ts'
import { futureDateMessage } from './reviews.dates.ts'
import { reviewPath } from './reviews.labels.ts'
import { caseView } from './reviews.page.ts'
import { type SummaryContext, summaryContext } from './reviews.queries.ts'

export const views = 'modules/reviews/views/progress'
export type Found = Record<string, FieldError | DateError>
export type Values = Record<string, unknown>

export const flashes: Record<string, string> = {
  details: 'The review’s details were saved',
  milestone: 'The milestone was added',
  standard: 'The standard milestones were added',
  done: 'The milestone was marked as done',
  draft: 'The draft was recorded',
  circulated: 'The draft’s circulation was recorded',
  final: 'The date the final report was received was saved',
}

/** A text field: trimmed, required or not, at most `max` characters. */
export function readText(
  values: Values,
  name: string,
  label: string,
  max: number,
  found: Found,
  required = false,
) {
  const text = String(values[name] ?? '').trim()
  if (required && !text) found[name] = { text: `Enter ${label}` }
  else if (text.length > max) {
    found[name] = {
      text: `${label.charAt(0).toUpperCase()}${label.slice(1)} must be ${max.toLocaleString('en-GB')} characters or fewer`,
    }
  }
  return text
}

export function readDate(values: Values, name: string, label: string, found: Found, today?: string): string {
  const date = readDateInput(values, name, label, true)
  if (!date.ok) {
    found[name] = date.error
    return ''
  }
  if (today && date.value! > today) {
    found[name] = {
      text: futureDateMessage(label, today, 'or earlier'),
      parts: ['day', 'month', 'year'],
    }
  }
  return date.value!
}

export interface FormField {
  kind: 'input' | 'textarea' | 'date' | 'file'
  name: string
  label: string
  hint?: string
  /** For date fields: the boxes, from dateItems. */
  items?: unknown
  classes?: string
}

/** The page helpers that need the app's context: the tab's address, its header and its form page. */
export function progressPages(ctx: AppContext) {
  const today = () => londonDate(ctx.now())
  const base = (request: FastifyRequest, access: ReviewAccess) =>
    `${reviewPath(request.partnership!.slug, access.review.id)}/review`

  async function context(access: ReviewAccess): Promise<SummaryContext> {
    return summaryContext(ctx.db, access.review.partnershipId, today())
  }

  async function header(request: FastifyRequest, access: ReviewAccess) {
    return (await caseView(ctx, request, access.review, 'review')).header
  }

  /** One form page of the tab: a heading, its fields and a button. */
  async function showForm(
    request: FastifyRequest,
    reply: FastifyReply,
    access: ReviewAccess,
    page: {
      heading: string
      action: string
      button: string
      fields: FormField[]
      multipart?: boolean
      intro?: string
    },
    values: Values,
    errors?: FormErrors,
  ) {
    return reply.status(errors ? 400 : 200).render(`${views}/form.njk`, {
      title: `${page.heading}: ${access.review.reference}`,
      header: await header(request, access),
      pageHeading: page.heading,
      base: base(request, access),
      ...page,
      fields: page.fields.map((f) =>
        f.kind === 'date' ? { ...f, items: dateItems(f.name, values, errors?.fields[f.name]) } : f,
      ),
      values,
      errors,
    })
  }

  return { today, base, context, header, showForm }
}
