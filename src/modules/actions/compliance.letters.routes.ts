import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { can } from '../../platform/access/policy.ts'
import { formatDate } from '../../platform/calendar/dates.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import { attachment, docxType } from '../../platform/documents/download.ts'
import { changeOf } from '../../platform/http/change.ts'
import { appError, notFound } from '../../platform/http/errors.ts'
import { type FormErrors, formValues } from '../../platform/http/forms.ts'
import { isUuid } from '../meetings/meetings.access.ts'
import { dateInputValues, dateItems } from '../partnership/agencies.form.ts'
import { londonDay } from '../partnership/agencies.problems.ts'
import { readLetterForm, readSentForm } from './compliance.form.ts'
import { failureView, letterStatus } from './compliance.view.ts'
import { letterDocumentData, letterDocx, letterFilename, letterPdf } from './letters.document.ts'
import {
  agencyOf,
  type LetterDraft,
  letterDetail,
  letterDraft,
  paragraphsOf,
  recordLetterSent,
  saveLetter,
  senderOf,
} from './letters.service.ts'

const views = 'modules/actions/views/compliance'
const flashes: Record<string, string> = {
  drafted: 'Letter saved',
  sent: 'Letter recorded as sent',
  already: 'The letter had already been recorded as sent',
}

/** Escalation letters: drafting one to an agency, reading and downloading it, recording it sent. */
export async function letterRoutes(app: FastifyInstance, ctx: AppContext) {
  const view = { permission: 'compliance:view' as const }
  const edit = { permission: 'compliance:edit' as const }
  const lettersBase = (request: FastifyRequest) => `/p/${request.partnership!.slug}/compliance/letters`

  async function agencyFromQuery(request: FastifyRequest) {
    const { agency } = request.query as { agency?: string }
    if (!agency || !isUuid(agency)) throw notFound('Choose an agency from the compliance page')
    const row = await agencyOf(ctx.db, request.partnership!.id, agency)
    if (!row) throw notFound()
    return row
  }

  async function draftFor(request: FastifyRequest) {
    const agency = await agencyFromQuery(request)
    const partnership = request.partnership!
    return letterDraft(ctx.db, {
      partnershipId: partnership.id,
      partnershipName: partnership.name,
      agency,
      today: londonDay(ctx.now()),
      sender: await senderOf(ctx.db, partnership.id, request.user!),
    })
  }

  function showForm(
    request: FastifyRequest,
    reply: FastifyReply,
    draft: LetterDraft,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    const slug = request.partnership!.slug
    return reply.status(errors ? 400 : 200).render(`${views}/letter-form.njk`, {
      title: `Letter to ${draft.agency.name}`,
      draft,
      failures: draft.failures.map((f) => failureView(slug, f)),
      failureIds: draft.failures.map((f) => f.id).join(','),
      values,
      errors,
      action: `${lettersBase(request)}/new?agency=${draft.agency.id}`,
      backHref: `/p/${slug}/agencies/${draft.agency.id}/compliance`,
      agencyEditHref: `/p/${slug}/agencies/${draft.agency.id}/edit`,
    })
  }

  app.get('/p/:slug/compliance/letters/new', { config: edit }, async (request, reply) => {
    const draft = await draftFor(request)
    return showForm(request, reply, draft, { ...draft.values })
  })

  app.post('/p/:slug/compliance/letters/new', { config: edit }, async (request, reply) => {
    const draft = await draftFor(request)
    const values = formValues(request.body)
    const form = readLetterForm(values)
    if (!form.ok) return showForm(request, reply, draft, values, form.errors)
    // Only the failures shown on the form that still wait for a letter are listed with it.
    const shown = new Set(String(values.failureIds ?? '').split(','))
    const failureIds = draft.failures.filter((f) => shown.has(f.id)).map((f) => f.id)
    if (failureIds.length === 0) {
      const text = 'There are no failures left for this letter to list: a letter listing them was sent since'
      return showForm(request, reply, draft, values, {
        list: [{ text, href: '#body' }],
        fields: { body: { text } },
      })
    }
    const letter = await saveLetter(ctx.db, changeOf(ctx, request), {
      agencyId: draft.agency.id,
      fields: form.data,
      failureIds,
    })
    return reply.redirect(`${lettersBase(request)}/${letter.id}?drafted=1`, 303)
  })

  async function letterFromUrl(request: FastifyRequest) {
    const { letter: id } = request.params as { letter: string }
    if (!isUuid(id)) throw notFound()
    const detail = await letterDetail(ctx.db, request.partnership!.id, id)
    if (!detail) throw notFound()
    return detail
  }

  app.get('/p/:slug/compliance/letters/:letter', { config: view }, async (request, reply) => {
    const detail = await letterFromUrl(request)
    const slug = request.partnership!.slug
    const query = request.query as Record<string, string | undefined>
    const flash = Object.keys(flashes).find((key) => query[key] !== undefined)
    const href = `${lettersBase(request)}/${detail.letter.id}`
    return reply.render(`${views}/letter.njk`, {
      title: detail.letter.subject,
      ...detail,
      paragraphs: paragraphsOf(detail.letter.body),
      status: letterStatus({ sentOn: detail.letter.sentOn, replaced: detail.replaced }),
      draftedOn: formatDate(londonDate(detail.letter.createdAt)),
      failures: detail.failures.map((f) => failureView(slug, f)),
      href,
      agencyHref: `/p/${slug}/agencies/${detail.agency.id}/compliance`,
      canRecordSent:
        !detail.letter.sentOn &&
        !detail.replaced &&
        can(request.actor, 'compliance:edit', { partnershipId: request.partnership!.id }),
      flash: flash ? flashes[flash] : undefined,
      notified: flash === 'sent' && /^\d+$/.test(query.notified ?? '') ? Number(query.notified) : null,
    })
  })

  async function documentOf(request: FastifyRequest) {
    const detail = await letterFromUrl(request)
    return { detail, data: letterDocumentData(request.partnership!.name, detail.letter, detail.agency.name) }
  }

  app.get('/p/:slug/compliance/letters/:letter/letter.docx', { config: view }, async (request, reply) => {
    const { detail, data } = await documentOf(request)
    const file = await letterDocx(ctx.db, request.partnership!.id, data)
    return reply
      .type(docxType)
      .header('content-disposition', attachment(letterFilename(detail.agency.name, detail.letter, 'docx')))
      .send(file)
  })

  app.get('/p/:slug/compliance/letters/:letter/letter.pdf', { config: view }, async (request, reply) => {
    const { detail, data } = await documentOf(request)
    return reply
      .type('application/pdf')
      .header('content-disposition', attachment(letterFilename(detail.agency.name, detail.letter, 'pdf')))
      .send(await letterPdf(data))
  })

  async function unsentLetter(request: FastifyRequest) {
    const detail = await letterFromUrl(request)
    if (detail.replaced) {
      throw appError('letter_replaced', 'This draft was replaced by a later letter to the agency', 409)
    }
    return detail
  }

  function showSent(
    reply: FastifyReply,
    request: FastifyRequest,
    detail: Awaited<ReturnType<typeof letterFromUrl>>,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    const href = `${lettersBase(request)}/${detail.letter.id}`
    return reply.status(errors ? 400 : 200).render(`${views}/sent.njk`, {
      title: `Record that the letter to ${detail.agency.name} was sent`,
      letter: detail.letter,
      agency: detail.agency,
      href,
      values,
      errors,
      dateItems: dateItems('sentOn', values, errors?.fields.sentOn),
    })
  }

  app.get('/p/:slug/compliance/letters/:letter/sent', { config: edit }, async (request, reply) => {
    const detail = await unsentLetter(request)
    if (detail.letter.sentOn)
      return reply.redirect(`${lettersBase(request)}/${detail.letter.id}?already=1`, 303)
    return showSent(reply, request, detail, dateInputValues('sentOn', londonDay(ctx.now())))
  })

  app.post('/p/:slug/compliance/letters/:letter/sent', { config: edit }, async (request, reply) => {
    const detail = await unsentLetter(request)
    const href = `${lettersBase(request)}/${detail.letter.id}`
    if (detail.letter.sentOn) return reply.redirect(`${href}?already=1`, 303)
    const values = formValues(request.body)
    const form = readSentForm(values, {
      today: londonDay(ctx.now()),
      draftedOn: londonDate(detail.letter.createdAt),
    })
    if (!form.ok) return showSent(reply, request, detail, values, form.errors)
    const result = await recordLetterSent(ctx.db, ctx.outbox, changeOf(ctx, request), {
      letterId: detail.letter.id,
      sentOn: form.data.sentOn,
      partnershipName: request.partnership!.name,
      letterUrl: `${ctx.config.PUBLIC_URL.replace(/\/$/, '')}${href}`,
    })
    if (!result) return reply.redirect(`${href}?already=1`, 303)
    return reply.redirect(`${href}?sent=1&notified=${result.notified}`, 303)
  })
}
