import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { formatDate } from '../../platform/calendar/dates.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import { changeOf } from '../../platform/http/change.ts'
import { notFound } from '../../platform/http/errors.ts'
import { type FieldError, type FormErrors, formValues } from '../../platform/http/forms.ts'
import {
  escapeHtml,
  formErrors,
  isFieldProblems,
  isUuid,
  problemErrors,
} from '../partnership/agencies.form.ts'
import {
  addPanelMember,
  OVERRIDE_MIN,
  type PanelMemberRow,
  panelCandidates,
  panelMembers,
  REASON_MAX,
  removePanelMember,
} from './panel.service.ts'
import { editableReviewFromUrl, type ReviewAccess } from './reviews.access.ts'
import { noNamesHint, reviewPath } from './reviews.labels.ts'
import { casePage, caseView } from './reviews.page.ts'

const views = 'modules/reviews/views/panel'
const addOrder = ['personId', 'overrideReason']

const flashes: Record<string, string> = {
  added: 'Added to the panel',
  already: 'That person is already on the panel: nothing was changed',
  removed: 'Removed from the panel',
}

/** The review's panel (tab `/panel`): its members, adding one under the independence rule, removing one. */
export async function panelRoutes(app: FastifyInstance, ctx: AppContext) {
  const view = { permission: 'reviews:view' as const }
  const edit = { permission: 'reviews:edit' as const }
  const today = () => londonDate(ctx.now())
  const panelHref = (request: FastifyRequest, access: ReviewAccess) =>
    `${reviewPath(request.partnership!.slug, access.review.id)}/panel`

  async function header(request: FastifyRequest, access: ReviewAccess) {
    return (await caseView(ctx, request, access.review, 'panel')).header
  }

  const memberView = (m: PanelMemberRow) => ({
    id: m.id,
    name: m.name,
    agency: m.agencyName ?? 'No agency',
    overrideReason: m.overrideReason,
    added: formatDate(londonDate(m.addedAt)),
    addedBy: m.addedByName,
    removed: m.removedAt ? formatDate(londonDate(m.removedAt)) : null,
    removedReason: m.removedReason,
  })

  app.get('/p/:slug/reviews/:review/panel', { config: view }, async (request, reply) => {
    const { access, header } = await casePage(ctx, request, 'panel')
    const members = await panelMembers(ctx.db, access.review.id)
    const query = request.query as Record<string, string | undefined>
    const flash = Object.keys(flashes).find((k) => query[k] !== undefined)
    const base = panelHref(request, access)
    return reply.render(`${views}/panel.njk`, {
      title: `Panel: ${access.review.reference}`,
      header,
      reviewer: access.review.reviewerName
        ? { name: access.review.reviewerName, organisation: access.review.reviewerOrganisation }
        : null,
      reviewerHref: `${reviewPath(request.partnership!.slug, access.review.id)}/review/details`,
      current: members.filter((m) => !m.removedAt).map(memberView),
      past: members.filter((m) => m.removedAt).map(memberView),
      canEdit: access.canEdit,
      addHref: `${base}/add`,
      base,
      flash: flash ? flashes[flash] : undefined,
    })
  })

  async function showAdd(
    request: FastifyRequest,
    reply: FastifyReply,
    access: ReviewAccess,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    const candidates = await panelCandidates(ctx.db, access.review, today())
    const chosen = String(values.personId ?? '')
    return reply.status(errors ? 400 : 200).render(`${views}/add.njk`, {
      title: `Add a panel member: ${access.review.reference}`,
      header: await header(request, access),
      pageHeading: 'Add a panel member',
      base: panelHref(request, access),
      items: candidates.map((c) => ({
        value: c.personId,
        text: c.name,
        checked: c.personId === chosen,
        hint: {
          html:
            escapeHtml(c.agencyName ?? 'No agency') +
            (c.involved
              ? ' <strong class="govuk-tag govuk-tag--red" data-testid="involved">Involved in the case</strong>'
              : ''),
        },
      })),
      overrideHint: `Only for someone from an agency involved in the case: why they should sit on the panel all the same, in at least ${OVERRIDE_MIN} characters. ${noNamesHint}`,
      values,
      errors,
    })
  }

  app.get('/p/:slug/reviews/:review/panel/add', { config: edit }, async (request, reply) => {
    const access = await editableReviewFromUrl(ctx, request)
    return showAdd(request, reply, access, {})
  })

  app.post('/p/:slug/reviews/:review/panel/add', { config: edit }, async (request, reply) => {
    const access = await editableReviewFromUrl(ctx, request)
    const values = formValues(request.body)
    const personId = String(values.personId ?? '')
    const overrideReason = String(values.overrideReason ?? '')
    const found: Record<string, FieldError> = {}
    if (!isUuid(personId)) found.personId = { text: 'Choose who to add to the panel' }
    if (overrideReason.trim().length > REASON_MAX) {
      found.overrideReason = { text: `The reason must be ${REASON_MAX} characters or fewer` }
    }
    if (Object.keys(found).length) return showAdd(request, reply, access, values, formErrors(addOrder, found))
    try {
      const result = await addPanelMember(ctx.db, changeOf(ctx, request), {
        caseId: access.review.id,
        personId,
        overrideReason,
        today: today(),
      })
      return reply.redirect(`${panelHref(request, access)}?${result.added ? 'added' : 'already'}=1`, 303)
    } catch (error) {
      if (!isFieldProblems(error)) throw error
      return showAdd(request, reply, access, values, problemErrors(error, addOrder))
    }
  })

  async function memberFromUrl(request: FastifyRequest, access: ReviewAccess) {
    const { member: id } = request.params as { member: string }
    const members = isUuid(id) ? await panelMembers(ctx.db, access.review.id) : []
    const member = members.find((m) => m.id === id)
    if (!member) throw notFound()
    return member
  }

  async function showRemove(
    request: FastifyRequest,
    reply: FastifyReply,
    access: ReviewAccess,
    member: PanelMemberRow,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    return reply.status(errors ? 400 : 200).render(`${views}/remove.njk`, {
      title: `Remove ${member.name} from the panel: ${access.review.reference}`,
      header: await header(request, access),
      pageHeading: `Remove ${member.name} from the panel`,
      base: panelHref(request, access),
      action: `${panelHref(request, access)}/${member.id}/remove`,
      member: memberView(member),
      reasonHint: noNamesHint,
      values,
      errors,
    })
  }

  app.get('/p/:slug/reviews/:review/panel/:member/remove', { config: edit }, async (request, reply) => {
    const access = await editableReviewFromUrl(ctx, request)
    const member = await memberFromUrl(request, access)
    if (member.removedAt) return reply.redirect(panelHref(request, access), 303)
    return showRemove(request, reply, access, member, {})
  })

  app.post('/p/:slug/reviews/:review/panel/:member/remove', { config: edit }, async (request, reply) => {
    const access = await editableReviewFromUrl(ctx, request)
    const member = await memberFromUrl(request, access)
    const values = formValues(request.body)
    const reason = String(values.reason ?? '')
    try {
      await removePanelMember(ctx.db, changeOf(ctx, request), {
        caseId: access.review.id,
        memberId: member.id,
        reason,
      })
    } catch (error) {
      if (!isFieldProblems(error)) throw error
      return showRemove(request, reply, access, member, values, problemErrors(error, ['reason']))
    }
    return reply.redirect(`${panelHref(request, access)}?removed=1`, 303)
  })
}
