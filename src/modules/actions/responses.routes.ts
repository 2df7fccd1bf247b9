import type { FastifyContextConfig, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { formatDate } from '../../platform/calendar/calendar.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import { changeOf } from '../../platform/http/change.ts'
import { appError, forbidden, notFound } from '../../platform/http/errors.ts'
import { type FormErrors, formValues } from '../../platform/http/forms.ts'
import { isUploadedFile } from '../../platform/http/upload.ts'
import { isUuid, viewerOfRequest } from '../meetings/meetings.access.ts'
import { checkPaperFile, paperFilename } from '../meetings/papers.filetype.ts'
import { fileSizeText } from '../meetings/papers.service.ts'
import { extensionsRoutes } from './extensions.routes.ts'
import { checkActionLink, linkProblems } from './links.service.ts'
import {
  type Answer,
  actionOfPartnership,
  answerAction,
  answererOf,
  answerRefusal,
  answerThroughLink,
  linkPage,
  RESPONSE_MAX,
  type ResponseFile,
  responsesOf,
} from './responses.service.ts'

const views = 'modules/actions/views/responses'

// A file over the limit is cut short rather than thrown, so the page can say it is too large;
// the link's form carries one file per action, so it may hold more than the app's one file.
const oneFile = { throwFileSizeLimit: false } as NonNullable<FastifyContextConfig['multipartOptions']>
const perAction = {
  throwFileSizeLimit: false,
  limits: { files: 20, fields: 100 },
} as NonNullable<FastifyContextConfig['multipartOptions']>

export const noChildNames =
  'Do not write the name of any child: use the reference of a review or audit (for example, Child Q).'

/** An uploaded attachment read from its content, or what is wrong with it; null when none was chosen. */
async function readAttachment(
  value: unknown,
): Promise<{ ok: true; file: ResponseFile | null } | { ok: false; error: string }> {
  if (!isUploadedFile(value) || value.content.length === 0) return { ok: true, file: null }
  const check = await checkPaperFile(value.content)
  if (!check.ok) return check
  return {
    ok: true,
    file: {
      filename: paperFilename(value.filename, check.type.ext),
      contentType: check.type.contentType,
      content: value.content,
    },
  }
}

function responseText(value: unknown): { ok: true; text: string } | { ok: false; error: string } {
  const text = typeof value === 'string' ? value.trim() : ''
  if (!text) return { ok: false, error: 'Enter your response' }
  if (text.length > RESPONSE_MAX)
    return { ok: false, error: 'The response must be 10,000 characters or fewer' }
  return { ok: true, text }
}

const addError = (errors: FormErrors, field: string, text: string) => {
  if (errors.fields[field]) return
  errors.fields[field] = { text }
  errors.list.push({ text, href: `#${field}` })
}

/** Answering actions: signed in at the action's respond page, or through a single-use link. */
export async function responsesRoutes(app: FastifyInstance, ctx: AppContext) {
  const view = { permission: 'actions:view' as const }
  const today = () => londonDate(ctx.now())
  const context = { publicUrl: ctx.config.PUBLIC_URL }

  /** The action in the URL if the viewer may answer it (404 elsewhere, 403 for others). */
  async function answerable(request: FastifyRequest) {
    const { action: id } = request.params as { action: string }
    const partnershipId = request.partnership!.id
    const row = isUuid(id) ? await actionOfPartnership(ctx.db, partnershipId, id) : null
    if (!row) throw notFound()
    const who = await answererOf(ctx.db, partnershipId, row.action, viewerOfRequest(request))
    if (!who.allowed)
      throw forbidden('Only the action’s owner, their agency or the business team can answer it')
    const refusal = answerRefusal(row.action)
    if (refusal) throw appError(row.action.closedAt ? 'closed' : 'not_issued', refusal, 409)
    return { ...row, personId: who.personId }
  }

  async function showRespond(
    request: FastifyRequest,
    reply: FastifyReply,
    row: Awaited<ReturnType<typeof answerable>>,
    options: { values?: Record<string, unknown>; errors?: FormErrors; flash?: string } = {},
  ) {
    const slug = request.partnership!.slug
    const { action } = row
    const base = `/p/${slug}/actions/${action.id}`
    const responses = await responsesOf(ctx.db, action.id)
    const dueOn = action.dueOn!
    return reply.status(options.errors ? 400 : 200).render(`${views}/respond.njk`, {
      title: `Answer action ${action.reference}`,
      action,
      agencyName: row.agencyName,
      ownerName: row.ownerName,
      actionHref: base,
      formAction: `${base}/respond`,
      extensionHref: `${base}/extensions/new`,
      dueOnText: formatDate(dueOn),
      overdue: today() > dueOn,
      responses: responses.map((r) => ({
        ...r,
        respondedOnText: formatDate(r.respondedOn),
        late: r.dueOn !== null && r.respondedOn > r.dueOn,
        // The action's page (actions.routes.ts) serves the files.
        fileHref: r.fileId ? `${base}/responses/${r.id}/files/${r.fileId}` : null,
        fileText: r.filename ? `${r.filename}, ${fileSizeText(r.size ?? 0)}` : null,
      })),
      hint: noChildNames,
      values: options.values ?? {},
      errors: options.errors,
      flash: options.flash,
    })
  }

  app.get('/p/:slug/actions/:action/respond', { config: view }, async (request, reply) => {
    const row = await answerable(request)
    const query = request.query as { answered?: string; late?: string }
    const flash =
      query.answered === undefined
        ? undefined
        : query.late !== undefined
          ? 'Your response was sent. It came after the deadline, so it is recorded as late.'
          : 'Your response was sent'
    return showRespond(request, reply, row, { flash })
  })

  app.post(
    '/p/:slug/actions/:action/respond',
    { config: { ...view, multipartOptions: oneFile } },
    async (request, reply) => {
      const row = await answerable(request)
      const { file: upload, ...values } = formValues(request.body)
      const errors: FormErrors = { list: [], fields: {} }
      const text = responseText(values.text)
      if (!text.ok) addError(errors, 'text', text.error)
      const file = await readAttachment(upload)
      if (!file.ok) addError(errors, 'file', file.error)
      if (!text.ok || !file.ok) return showRespond(request, reply, row, { values, errors })
      const recorded = await answerAction(ctx.db, ctx.outbox, changeOf(ctx, request), {
        answer: { actionId: row.action.id, text: text.text, file: file.file },
        personId: row.personId,
        slug: request.partnership!.slug,
        context,
      })
      const base = `/p/${request.partnership!.slug}/actions/${row.action.id}/respond`
      return reply.redirect(`${base}?answered=1${recorded.late ? '&late=1' : ''}`, 303)
    },
  )

  // The single-use link: public, with the CSRF token in its form like every other.
  const linkProblemPage = (reply: FastifyReply, status: 'used' | 'expired') =>
    reply.status(410).render(`${views}/link-problem.njk`, {
      title: linkProblems[status],
      problem: linkProblems[status],
      status,
    })

  async function showLink(
    reply: FastifyReply,
    page: Awaited<ReturnType<typeof linkPage>>,
    token: string,
    options: { values?: Record<string, unknown>; errors?: FormErrors } = {},
  ) {
    return reply.status(options.errors ? 400 : 200).render(`${views}/link.njk`, {
      title: `Answer ${page.agencyName}’s actions`,
      partnership: page.partnership,
      page: {
        ...page,
        dueOnText: formatDate(page.dueOn),
        actions: page.actions.map((a) => ({
          ...a,
          dueOnText: a.dueOn ? formatDate(a.dueOn) : '',
          lastRespondedOnText: a.lastRespondedOn ? formatDate(a.lastRespondedOn) : null,
        })),
      },
      formAction: `/respond/${encodeURIComponent(token)}`,
      hint: noChildNames,
      values: options.values ?? {},
      errors: options.errors,
    })
  }

  async function openLink(request: FastifyRequest, reply: FastifyReply) {
    const { token } = request.params as { token: string }
    const check = await checkActionLink(ctx.db, token, ctx.now())
    if (check.status === 'unknown') throw notFound()
    if (check.status !== 'ok') {
      await linkProblemPage(reply, check.status)
      return null
    }
    return { token, link: check.link, page: await linkPage(ctx.db, check.link) }
  }

  app.get('/respond/:token', { config: { permission: 'public' } }, async (request, reply) => {
    const opened = await openLink(request, reply)
    if (!opened) return reply
    return showLink(reply, opened.page, opened.token)
  })

  app.post(
    '/respond/:token',
    { config: { permission: 'public', multipartOptions: perAction } },
    async (request, reply) => {
      const opened = await openLink(request, reply)
      if (!opened) return reply
      const { page, token } = opened
      const values = formValues(request.body)
      const errors: FormErrors = { list: [], fields: {} }
      const answers: Answer[] = []
      const listed = new Set(page.actions.map((a) => a.id))
      // Answers to actions the page did not list go to the service, which refuses them.
      const others = Object.keys(values)
        .filter((k) => k.startsWith('response-') && String(values[k]).trim())
        .map((k) => k.slice(9))
        .filter((id) => isUuid(id) && !listed.has(id))
      for (const id of [...page.actions.map((a) => a.id), ...others]) {
        const raw = values[`response-${id}`]
        const upload = values[`file-${id}`]
        const typed = typeof raw === 'string' && raw.trim() !== ''
        const file = await readAttachment(upload)
        if (!file.ok) addError(errors, `file-${id}`, file.error)
        if (!typed) {
          if (file.ok && file.file) addError(errors, `response-${id}`, 'Enter a response to go with the file')
          continue
        }
        const text = responseText(raw)
        if (!text.ok) addError(errors, `response-${id}`, text.error)
        else if (file.ok) answers.push({ actionId: id, text: text.text, file: file.file })
      }
      if (errors.list.length === 0 && answers.length === 0) {
        const first = page.actions[0]
        addError(errors, first ? `response-${first.id}` : 'form', 'Enter a response to at least one action')
      }
      const shown = Object.fromEntries(Object.entries(values).filter(([k]) => k.startsWith('response-')))
      if (errors.list.length) return showLink(reply, page, token, { values: shown, errors })
      const result = await answerThroughLink(ctx.db, ctx.outbox, {
        token,
        answers,
        now: ctx.now(),
        requestId: request.id,
        context,
      })
      if (result.status === 'unknown') throw notFound()
      if (result.status !== 'ok') return linkProblemPage(reply, result.status)
      const byId = new Map(page.actions.map((a) => [a.id, a]))
      return reply.render(`${views}/link-done.njk`, {
        title: 'Your responses were sent',
        partnership: page.partnership,
        agencyName: page.agencyName,
        answered: result.answered.map((a) => ({
          reference: byId.get(a.actionId)?.reference ?? '',
          description: byId.get(a.actionId)?.description ?? '',
          late: a.late,
        })),
        unanswered: page.actions.filter((a) => !result.answered.some((x) => x.actionId === a.id)),
      })
    },
  )

  await extensionsRoutes(app, ctx)
}
