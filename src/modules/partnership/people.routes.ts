import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { can } from '../../platform/access/policy.ts'
import { notFound } from '../../platform/http/errors.ts'
import { type FormErrors, formValues } from '../../platform/http/forms.ts'
import { dateItems, isFieldProblems, isUuid, problemErrors } from './agencies.form.ts'
import { londonDay } from './agencies.problems.ts'
import { viewerOf } from './groups.access.ts'
import { roleLabels, roleTagClasses } from './groups.labels.ts'
import { canSeeMembers } from './groups.service.ts'
import { groupsSatOnBy, seatsOfPerson } from './memberships.repository.ts'
import { peopleApiRoutes } from './people.api.ts'
import { personOrder, personValues, readLeaveForm, readPersonForm } from './people.form.ts'
import { directoryQuery, directoryView, PAGE_SIZE } from './people.list.ts'
import { createPeopleRepository, hasLeft, type PersonRow } from './people.repository.ts'
import { createPerson, getPerson, listPeople, markLeft, updatePerson } from './people.service.ts'

const views = 'modules/partnership/views/people'
const flashes: Record<string, string> = {
  added: 'Person added',
  saved: 'Changes saved',
  unchanged: 'Nothing was changed',
  left: 'Recorded that they left',
}

/** The partnership's directory of people: who they are, where they work, which groups they sit on. */
export async function peopleRoutes(app: FastifyInstance, ctx: AppContext) {
  await peopleApiRoutes(app, ctx)
  const view = { permission: 'structure:view' as const }
  const edit = { permission: 'structure:edit' as const }
  const base = (request: FastifyRequest) => `/p/${request.partnership!.slug}/people`
  const change = (request: FastifyRequest) => ({
    partnershipId: request.partnership!.id,
    actorId: request.user!.id,
    now: ctx.now(),
    requestId: request.id,
  })

  app.get('/p/:slug/people', { config: view }, async (request, reply) => {
    const partnership = request.partnership!
    const query = directoryQuery.parse(request.query ?? {})
    const today = londonDay(ctx.now())
    const [result, agencies] = await Promise.all([
      listPeople(ctx.db, partnership.id, {
        filter: { q: query.q, agencyId: query.agency, status: query.status },
        sort: query.sort,
        order: query.order,
        page: query.page,
        pageSize: PAGE_SIZE,
        today,
      }),
      createPeopleRepository(ctx.db).agencyChoices(partnership.id),
    ])
    return reply.render(`${views}/list.njk`, {
      title: 'People',
      query,
      view: directoryView(base(request), query, result, agencies, today),
      canEdit: can(request.actor, 'structure:edit', { partnershipId: partnership.id }),
    })
  })

  async function agencyItems(request: FastifyRequest, keep?: string | null) {
    const today = londonDay(ctx.now())
    const agencies = await createPeopleRepository(ctx.db).agencyChoices(request.partnership!.id)
    return [
      { value: '', text: 'No agency' },
      ...agencies
        .filter((a) => !a.activeTo || a.activeTo > today || a.id === keep)
        .map((a) => ({ value: a.id, text: a.name })),
    ]
  }

  async function showForm(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { person?: PersonRow; values: Record<string, unknown>; errors?: FormErrors },
  ) {
    const { person, values, errors } = options
    return reply.status(errors ? 400 : 200).render(`${views}/form.njk`, {
      title: person ? `Change ${person.name}` : 'Add a person',
      heading: person ? `Change ${person.name}` : 'Add a person',
      buttonText: person ? 'Save changes' : 'Add person',
      action: person ? `${base(request)}/${person.id}/edit` : `${base(request)}/new`,
      backHref: person ? `${base(request)}/${person.id}` : base(request),
      values,
      errors,
      agencyItems: await agencyItems(request, person?.agencyId),
    })
  }

  async function findPerson(request: FastifyRequest) {
    const { id } = request.params as { id: string }
    const person = isUuid(id) ? await getPerson(ctx.db, request.partnership!.id, id) : null
    if (!person) throw notFound()
    return person
  }

  app.get('/p/:slug/people/new', { config: edit }, async (request, reply) =>
    showForm(request, reply, { values: {} }),
  )

  app.post('/p/:slug/people/new', { config: edit }, async (request, reply) => {
    const values = formValues(request.body)
    const form = readPersonForm(values)
    if (!form.ok) return showForm(request, reply, { values, errors: form.errors })
    try {
      const person = await createPerson(ctx.db, { ...change(request), fields: form.data })
      return reply.redirect(`${base(request)}/${person.id}?added=1`, 303)
    } catch (error) {
      if (!isFieldProblems(error)) throw error
      return showForm(request, reply, { values, errors: problemErrors(error, personOrder) })
    }
  })

  app.get('/p/:slug/people/:id', { config: view }, async (request, reply) => {
    const person = await findPerson(request)
    const today = londonDay(ctx.now())
    const viewer = viewerOf(request)
    const seats = await seatsOfPerson(ctx.db, request.partnership!.id, person.id)
    // Seats on confidential groups are shown only to those who may see those groups' members.
    const needsCheck =
      seats.some((s) => s.confidential) && !canSeeMembers(viewer, { confidential: true }, false)
    const mine = needsCheck && viewer.userId ? await groupsSatOnBy(ctx.db, viewer.userId, today) : new Set()
    const visible = seats.filter((s) => canSeeMembers(viewer, s, mine.has(s.groupId)))
    const query = request.query as Record<string, string | undefined>
    const flash = Object.keys(flashes).find((key) => query[key] !== undefined)
    return reply.render(`${views}/detail.njk`, {
      title: person.name,
      person,
      left: hasLeft(person, today),
      seats: visible.map((s) => ({
        ...s,
        roleLabel: roleLabels[s.role],
        roleClass: roleTagClasses[s.role],
        status: s.startsOn > today ? 'future' : s.endsOn !== null && s.endsOn < today ? 'ended' : 'current',
      })),
      canEdit: can(request.actor, 'structure:edit', { partnershipId: request.partnership!.id }),
      flash: flash ? flashes[flash] : undefined,
    })
  })

  app.get('/p/:slug/people/:id/edit', { config: edit }, async (request, reply) => {
    const person = await findPerson(request)
    return showForm(request, reply, { person, values: personValues(person) })
  })

  app.post('/p/:slug/people/:id/edit', { config: edit }, async (request, reply) => {
    const person = await findPerson(request)
    const values = formValues(request.body)
    const form = readPersonForm(values)
    if (!form.ok) return showForm(request, reply, { person, values, errors: form.errors })
    try {
      const { changed } = await updatePerson(ctx.db, { ...change(request), id: person.id, fields: form.data })
      return reply.redirect(`${base(request)}/${person.id}?${changed.length ? 'saved' : 'unchanged'}=1`, 303)
    } catch (error) {
      if (!isFieldProblems(error)) throw error
      return showForm(request, reply, { person, values, errors: problemErrors(error, personOrder) })
    }
  })

  function showLeave(
    reply: FastifyReply,
    person: PersonRow,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    return reply.status(errors ? 400 : 200).render(`${views}/leave.njk`, {
      title: `${person.name} has left`,
      person,
      values,
      errors,
      dateItems: { leftOn: dateItems('leftOn', values, errors?.fields.leftOn) },
    })
  }

  app.get('/p/:slug/people/:id/leave', { config: edit }, async (request, reply) => {
    const person = await findPerson(request)
    if (person.leftOn) return reply.redirect(`${base(request)}/${person.id}`, 303)
    return showLeave(reply, person, {})
  })

  app.post('/p/:slug/people/:id/leave', { config: edit }, async (request, reply) => {
    const person = await findPerson(request)
    const values = formValues(request.body)
    const form = readLeaveForm(values)
    if (!form.ok) return showLeave(reply, person, values, form.errors)
    try {
      await markLeft(ctx.db, { ...change(request), id: person.id, leftOn: form.data.leftOn })
      return reply.redirect(`${base(request)}/${person.id}?left=1`, 303)
    } catch (error) {
      if (!isFieldProblems(error)) throw error
      return showLeave(reply, person, values, problemErrors(error, ['leftOn'], ['leftOn']))
    }
  })
}
