import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { formatDate } from '../../platform/calendar/calendar.ts'
import { notFound } from '../../platform/http/errors.ts'
import { type FormErrors, formValues } from '../../platform/http/forms.ts'
import { getRuleSet } from '../../platform/rules/rules.service.ts'
import { dateInputValues, dateItems, isFieldProblems, isUuid, problemErrors } from './agencies.form.ts'
import { londonDay } from './agencies.problems.ts'
import { groupFromUrl } from './groups.access.ts'
import { roleHints, roleLabels } from './groups.labels.ts'
import { createGroupRepository } from './groups.repository.ts'
import type { VisibleGroup } from './groups.service.ts'
import { readEndSeatForm, readSeatForm, seatDateFields, seatOrder } from './memberships.form.ts'
import { findSeat } from './memberships.repository.ts'
import { rulesInWords } from './memberships.rules.ts'
import { addMembership, endMembership } from './memberships.service.ts'
import { createPeopleRepository } from './people.repository.ts'
import { membershipRoles } from './structure.table.ts'

const views = 'modules/partnership/views/groups'

/** Adding a seat to a group and ending one: the business team's pages. */
export async function seatRoutes(app: FastifyInstance, ctx: AppContext) {
  const config = { permission: 'structure:edit' as const }
  const groupPage = (request: FastifyRequest, group: VisibleGroup) =>
    `/p/${request.partnership!.slug}/groups/${group.slug}`
  const change = (request: FastifyRequest) => ({
    partnershipId: request.partnership!.id,
    actorId: request.user!.id,
    now: ctx.now(),
    requestId: request.id,
  })

  async function openGroup(request: FastifyRequest) {
    const group = await groupFromUrl(ctx, request)
    if (group.closedOn && group.closedOn <= londonDay(ctx.now())) throw notFound()
    return group
  }

  async function showForm(
    request: FastifyRequest,
    reply: FastifyReply,
    group: VisibleGroup,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    const partnershipId = request.partnership!.id
    const today = londonDay(ctx.now())
    const people = createPeopleRepository(ctx.db)
    const [candidates, agencies, members, rules] = await Promise.all([
      people.current(partnershipId, today),
      people.agencyChoices(partnershipId),
      createGroupRepository(ctx.db).currentMembers(group.id, today),
      getRuleSet(ctx.db, group.partnershipId ?? partnershipId),
    ])
    return reply.status(errors ? 400 : 200).render(`${views}/member-form.njk`, {
      title: `Add a member to ${group.name}`,
      group,
      values,
      errors,
      personItems: [
        { value: '', text: 'Choose a person' },
        ...candidates.map((p) => ({
          value: p.id,
          text: p.agencyName ? `${p.name} (${p.agencyName})` : p.name,
        })),
      ],
      roleItems: membershipRoles.map((value) => ({
        value,
        text: roleLabels[value],
        hint: roleHints[value] ? { text: roleHints[value] } : undefined,
      })),
      deputyItems: [
        { value: '', text: 'Choose a member' },
        ...members
          .filter((m) => m.role !== 'deputy')
          .map((m) => ({ value: m.id, text: `${m.personName} (${roleLabels[m.role].toLowerCase()})` })),
      ],
      agencyItems: [
        { value: '', text: 'Their own agency' },
        ...agencies
          .filter((a) => !a.activeTo || a.activeTo > today)
          .map((a) => ({ value: a.id, text: a.name })),
      ],
      rules: rulesInWords(group.kind, rules),
      dateItems: Object.fromEntries(seatDateFields.map((f) => [f, dateItems(f, values, errors?.fields[f])])),
    })
  }

  app.get('/p/:slug/groups/:group/members/new', { config }, async (request, reply) => {
    const group = await openGroup(request)
    return showForm(request, reply, group, {
      role: 'member',
      ...dateInputValues('startsOn', londonDay(ctx.now())),
    })
  })

  app.post('/p/:slug/groups/:group/members/new', { config }, async (request, reply) => {
    const group = await openGroup(request)
    const values = formValues(request.body)
    const form = readSeatForm(values)
    if (!form.ok) return showForm(request, reply, group, values, form.errors)
    try {
      await addMembership(ctx.db, { ...change(request), groupId: group.id, fields: form.data })
      return reply.redirect(`${groupPage(request, group)}?member=1`, 303)
    } catch (error) {
      if (!isFieldProblems(error)) throw error
      return showForm(request, reply, group, values, problemErrors(error, seatOrder, seatDateFields))
    }
  })

  async function seatFromUrl(request: FastifyRequest, group: VisibleGroup) {
    const { id } = request.params as { id: string }
    const found = isUuid(id) ? await findSeat(ctx.db, group.id, id) : null
    // On a shared group each partnership looks after its own people's seats.
    if (!found || found.seat.partnershipId !== request.partnership!.id) throw notFound()
    return found
  }

  async function showEnd(
    request: FastifyRequest,
    reply: FastifyReply,
    group: VisibleGroup,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    const { seat, personName } = await seatFromUrl(request, group)
    return reply.status(errors ? 400 : 200).render(`${views}/end-member.njk`, {
      title: `End ${personName}’s seat`,
      group,
      seat,
      personName,
      roleLabel: roleLabels[seat.role],
      endsLabel: seat.endsOn ? formatDate(seat.endsOn) : null,
      values,
      errors,
      dateItems: { endsOn: dateItems('endsOn', values, errors?.fields.endsOn) },
    })
  }

  app.get('/p/:slug/groups/:group/members/:id/end', { config }, async (request, reply) => {
    const group = await groupFromUrl(ctx, request)
    return showEnd(request, reply, group, dateInputValues('endsOn', londonDay(ctx.now())))
  })

  app.post('/p/:slug/groups/:group/members/:id/end', { config }, async (request, reply) => {
    const group = await groupFromUrl(ctx, request)
    const { seat } = await seatFromUrl(request, group)
    const values = formValues(request.body)
    const form = readEndSeatForm(values)
    if (!form.ok) return showEnd(request, reply, group, values, form.errors)
    try {
      await endMembership(ctx.db, { ...change(request), groupId: group.id, id: seat.id, ...form.data })
      return reply.redirect(`${groupPage(request, group)}?ended=1`, 303)
    } catch (error) {
      if (!isFieldProblems(error)) throw error
      return showEnd(
        request,
        reply,
        group,
        values,
        problemErrors(error, ['endsOn', 'endedReason'], ['endsOn']),
      )
    }
  })
}
