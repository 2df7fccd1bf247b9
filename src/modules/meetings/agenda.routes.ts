import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import { changeOf } from '../../platform/http/change.ts'
import { notFound } from '../../platform/http/errors.ts'
import { type FormErrors, formValues } from '../../platform/http/forms.ts'
import { dateItems } from '../partnership/agencies.form.ts'
import { agreeValues, itemValues, readAgreeForm, readItemForm } from './agenda.form.ts'
import {
  addAgendaItem,
  agendaAgreedByDefault,
  agendaFor,
  agreeAgenda,
  findAgendaItem,
  moveAgendaItem,
  refuseIfCancelled,
  slotText,
  updateAgendaItem,
  withdrawAgendaItem,
} from './agenda.service.ts'
import { editableMeetingFromUrl, isUuid, type MeetingAccess, meetingFromUrl } from './meetings.access.ts'
import { meetingHeader, meetingPath, meetingTitle } from './meetings.labels.ts'
import type { AgendaItem } from './meetings.table.ts'
import { fileSizeText, papersForMeeting } from './papers.service.ts'

const views = 'modules/meetings/views/agenda'

const flashes: Record<string, string> = {
  added: 'Item added to the agenda',
  saved: 'Item changed',
  unchanged: 'Nothing was changed',
  moved: 'Item moved',
  withdrawn: 'Item withdrawn from the agenda',
  agreed: 'Agreement of the agenda recorded',
}

const kindLabels: Partial<Record<AgendaItem['kind'], string>> = {
  previous_minutes: 'Minutes',
  action_log: 'Action log',
  standard: 'Standing item',
}

/** A meeting's agenda: its items in order with their times and papers; the business team builds it. */
export async function agendaRoutes(app: FastifyInstance, ctx: AppContext) {
  const view = { permission: 'meetings:view' as const }
  const edit = { permission: 'meetings:edit' as const }
  const today = () => londonDate(ctx.now())
  const change = (request: FastifyRequest) => changeOf(ctx, request)
  const base = (request: FastifyRequest, access: MeetingAccess) =>
    meetingPath(request.partnership!.slug, access.meeting.id)
  const header = (request: FastifyRequest, access: MeetingAccess) =>
    meetingHeader(request.partnership!.slug, access.meeting, access.group, 'agenda')

  app.get('/p/:slug/meetings/:meeting/agenda', { config: view }, async (request, reply) => {
    const access = await meetingFromUrl(ctx, request, today())
    const { meeting, group } = access
    const slug = request.partnership!.slug
    const path = base(request, access)
    const [items, { papers }] = await Promise.all([
      agendaFor(ctx.db, meeting.id, { includeWithdrawn: access.canEdit }),
      papersForMeeting(ctx.db, meeting.id, {
        canSeeRestricted: access.canSeeRestricted,
        deadline: null,
        today: today(),
      }),
    ])
    const paperLinks = papers.map((p) => ({
      agendaItemId: p.agendaItemId,
      title: p.title,
      restricted: p.restricted,
      href: `${path}/papers/${p.id}/download`,
      file: `${p.latest.filename}, ${fileSizeText(p.latest.size)}`,
    }))
    const byItem = Map.groupBy(paperLinks, (p) => p.agendaItemId ?? '')
    const standing = items.filter((i) => !i.withdrawnAt)
    const editable = access.canEdit && !meeting.cancelledAt
    const query = request.query as Record<string, string | undefined>
    const flash = Object.keys(flashes).find((key) => query[key] !== undefined)
    return reply.render(`${views}/agenda.njk`, {
      title: `Agenda: ${meetingTitle(meeting, group.name)}`,
      header: header(request, access),
      base: path,
      items: items.map((item) => ({
        id: item.id,
        number: item.number,
        title: item.title,
        kindLabel: kindLabels[item.kind],
        paragraphs: item.description.split(/\n\s*\n/).filter((p) => p.trim() !== ''),
        presenter: item.presenter,
        slot: slotText(item),
        decisionNeeded: item.decisionNeeded,
        withdrawn: item.withdrawnAt !== null,
        previousMinutesHref:
          item.kind === 'previous_minutes' && item.previousMeetingId
            ? `${meetingPath(slug, item.previousMeetingId)}/minutes`
            : null,
        papers: byItem.get(item.id) ?? [],
        canMoveUp: item.withdrawnAt === null && standing[0]?.id !== item.id,
        canMoveDown: item.withdrawnAt === null && standing.at(-1)?.id !== item.id,
      })),
      otherPapers: byItem.get('') ?? [],
      agreed: meeting.agendaAgreedBy ? { by: meeting.agendaAgreedBy, on: meeting.agendaAgreedOn } : null,
      canEdit: editable,
      flash: flash ? flashes[flash] : undefined,
    })
  })

  // -------------------------------------------------------------------------------------------
  // Items

  function showItemForm(
    request: FastifyRequest,
    reply: FastifyReply,
    access: MeetingAccess,
    options: { item?: AgendaItem; values: Record<string, unknown>; errors?: FormErrors },
  ) {
    const { item, values, errors } = options
    const path = base(request, access)
    const ticked = values.decisionNeeded
    return reply.status(errors ? 400 : 200).render(`${views}/item-form.njk`, {
      title: `${item ? 'Change an agenda item' : 'Add an agenda item'}: ${meetingTitle(access.meeting, access.group.name)}`,
      header: header(request, access),
      pageHeading: item ? `Change “${item.title}”` : 'Add an agenda item',
      base: path,
      action: item ? `${path}/agenda/${item.id}/edit` : `${path}/agenda/new`,
      buttonText: item ? 'Save changes' : 'Add item',
      values,
      decisionChecked: Array.isArray(ticked) ? ticked.includes('yes') : ticked === 'yes',
      errors,
    })
  }

  /** The item named in the URL, of the meeting in the URL, not withdrawn. */
  async function itemFromUrl(request: FastifyRequest, access: MeetingAccess) {
    const { item: id } = request.params as { item: string }
    const item = isUuid(id) ? await findAgendaItem(ctx.db, access.meeting.id, id) : null
    if (!item) throw notFound()
    return item
  }

  /** The business team's meeting, refused when it was cancelled (the service says why). */
  async function openMeeting(request: FastifyRequest) {
    const access = await editableMeetingFromUrl(ctx, request, today())
    refuseIfCancelled(access.meeting)
    return access
  }

  app.get('/p/:slug/meetings/:meeting/agenda/new', { config: edit }, async (request, reply) => {
    const access = await openMeeting(request)
    return showItemForm(request, reply, access, { values: {} })
  })

  app.post('/p/:slug/meetings/:meeting/agenda/new', { config: edit }, async (request, reply) => {
    const access = await openMeeting(request)
    const values = formValues(request.body)
    const form = readItemForm(values)
    if (!form.ok) return showItemForm(request, reply, access, { values, errors: form.errors })
    await addAgendaItem(ctx.db, change(request), { meetingId: access.meeting.id, fields: form.data })
    return reply.redirect(`${base(request, access)}/agenda?added=1`, 303)
  })

  app.get('/p/:slug/meetings/:meeting/agenda/:item/edit', { config: edit }, async (request, reply) => {
    const access = await openMeeting(request)
    const item = await itemFromUrl(request, access)
    if (item.withdrawnAt) return reply.redirect(`${base(request, access)}/agenda`, 303)
    return showItemForm(request, reply, access, { item, values: itemValues(item) })
  })

  app.post('/p/:slug/meetings/:meeting/agenda/:item/edit', { config: edit }, async (request, reply) => {
    const access = await openMeeting(request)
    const item = await itemFromUrl(request, access)
    const values = formValues(request.body)
    const form = readItemForm(values)
    if (!form.ok) return showItemForm(request, reply, access, { item, values, errors: form.errors })
    const { changed } = await updateAgendaItem(ctx.db, change(request), {
      meetingId: access.meeting.id,
      itemId: item.id,
      fields: form.data,
    })
    return reply.redirect(`${base(request, access)}/agenda?${changed.length ? 'saved' : 'unchanged'}=1`, 303)
  })

  app.post('/p/:slug/meetings/:meeting/agenda/:item/move', { config: edit }, async (request, reply) => {
    const access = await openMeeting(request)
    const item = await itemFromUrl(request, access)
    const { direction } = formValues(request.body) as { direction?: string }
    if (direction !== 'up' && direction !== 'down') throw notFound()
    const moved = await moveAgendaItem(ctx.db, change(request), {
      meetingId: access.meeting.id,
      itemId: item.id,
      direction,
    })
    return reply.redirect(
      `${base(request, access)}/agenda?${moved ? 'moved' : 'unchanged'}=1#item-${item.id}`,
      303,
    )
  })

  app.get('/p/:slug/meetings/:meeting/agenda/:item/withdraw', { config: edit }, async (request, reply) => {
    const access = await openMeeting(request)
    const item = await itemFromUrl(request, access)
    if (item.withdrawnAt) return reply.redirect(`${base(request, access)}/agenda`, 303)
    return reply.render(`${views}/withdraw.njk`, {
      title: `Withdraw an agenda item: ${meetingTitle(access.meeting, access.group.name)}`,
      header: header(request, access),
      pageHeading: `Withdraw “${item.title}”`,
      base: base(request, access),
      item,
    })
  })

  app.post('/p/:slug/meetings/:meeting/agenda/:item/withdraw', { config: edit }, async (request, reply) => {
    const access = await openMeeting(request)
    const item = await itemFromUrl(request, access)
    if (!item.withdrawnAt) {
      await withdrawAgendaItem(ctx.db, change(request), { meetingId: access.meeting.id, itemId: item.id })
    }
    return reply.redirect(`${base(request, access)}/agenda?withdrawn=1`, 303)
  })

  // -------------------------------------------------------------------------------------------
  // Who agreed the agenda

  async function showAgree(
    request: FastifyRequest,
    reply: FastifyReply,
    access: MeetingAccess,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    return reply.status(errors ? 400 : 200).render(`${views}/agree.njk`, {
      title: `Who agreed the agenda: ${meetingTitle(access.meeting, access.group.name)}`,
      header: header(request, access),
      pageHeading: 'Record who agreed the agenda',
      base: base(request, access),
      executive: access.group.kind === 'executive',
      values,
      errors,
      dateItems: { agreedOn: dateItems('agreedOn', values, errors?.fields.agreedOn) },
    })
  }

  app.get('/p/:slug/meetings/:meeting/agenda/agree', { config: edit }, async (request, reply) => {
    const access = await openMeeting(request)
    const { meeting, group } = access
    const agreedBy = meeting.agendaAgreedBy ?? (await agendaAgreedByDefault(ctx.db, meeting, group))
    return showAgree(request, reply, access, agreeValues(agreedBy, meeting.agendaAgreedOn ?? today()))
  })

  app.post('/p/:slug/meetings/:meeting/agenda/agree', { config: edit }, async (request, reply) => {
    const access = await openMeeting(request)
    const values = formValues(request.body)
    const form = readAgreeForm(values, today())
    if (!form.ok) return showAgree(request, reply, access, values, form.errors)
    const { changed } = await agreeAgenda(ctx.db, change(request), {
      meetingId: access.meeting.id,
      ...form.data,
    })
    return reply.redirect(`${base(request, access)}/agenda?${changed ? 'agreed' : 'unchanged'}=1`, 303)
  })
}
