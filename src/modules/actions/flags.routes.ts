import { sql } from 'drizzle-orm'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { AppContext } from '../../app.ts'
import { can } from '../../platform/access/policy.ts'
import type { ChangeContext } from '../../platform/audit/audit.service.ts'
import { formatDate } from '../../platform/calendar/dates.ts'
import { AppError, notFound } from '../../platform/http/errors.ts'
import { type FormErrors, formValues, parseForm } from '../../platform/http/forms.ts'
import { pagination } from '../../platform/http/pagination.ts'
import { ruleDefinition } from '../../platform/rules/rules.definitions.ts'
import { getRuleSet } from '../../platform/rules/rules.service.ts'
import { isUuid, viewerOfRequest } from '../meetings/meetings.access.ts'
import { meetingPath, meetingTitle } from '../meetings/meetings.labels.ts'
import { type FlagRow, findFlag, listFlags, type MissedMeeting, missedMeetings } from './flags.queries.ts'
import { closeFlag, closeReasonMaxLength } from './flags.service.ts'
import { chosenGroup, filterChoices, filterItems, ratesRoutes } from './rates.routes.ts'

const views = 'modules/actions/views/flags'
const PAGE_SIZE = 25

const closeForm = z.object({
  reason: z
    .string()
    .trim()
    .min(1, 'Enter why the flag is being closed')
    .max(closeReasonMaxLength, `The reason must be ${closeReasonMaxLength} characters or fewer`),
})

/** What a page shows of one flag: names, the meetings missed and where it was reported, as links. */
function flagView(slug: string, flag: FlagRow, missed: MissedMeeting[]) {
  const meetings =
    missed.length > 0 ? missed : [{ id: flag.meetingId, heldOn: flag.meetingHeldOn, kind: flag.meetingKind }]
  return {
    id: flag.id,
    group: { text: flag.groupName, href: `/p/${slug}/groups/${flag.groupSlug}` },
    person: flag.personName,
    agency: flag.agencyName ?? 'No agency',
    missed: meetings.map((m) => ({ text: formatDate(m.heldOn), href: meetingPath(slug, m.id) })),
    raisedOn: formatDate(flag.raisedOn),
    reportedTo: flag.reportedTo
      ? {
          text: meetingTitle(
            { heldOn: flag.reportedTo.heldOn, kind: flag.reportedTo.kind },
            flag.reportedTo.groupName,
          ),
          href: `${meetingPath(slug, flag.reportedTo.meetingId)}/agenda`,
          cancelled: flag.reportedTo.cancelled,
        }
      : null,
    closed: flag.closedAt !== null,
    closedReason: flag.closedReason,
    closedByName: flag.closedByName,
    closedAt: flag.closedAt,
    closeHref: `/p/${slug}/attendance-flags/${flag.id}/close`,
  }
}

/** Attendance flags (compliance:view) and closing one with a reason (compliance:edit); the rates pages too. */
export async function flagsRoutes(app: FastifyInstance, ctx: AppContext) {
  const base = (request: FastifyRequest) => `/p/${request.partnership!.slug}/attendance-flags`

  app.get(
    '/p/:slug/attendance-flags',
    { config: { permission: 'compliance:view' } },
    async (request, reply) => {
      const partnership = request.partnership!
      const query = request.query as Record<string, string | undefined>
      const page = Math.min(100_000, Math.max(1, Number.parseInt(query.page ?? '1', 10) || 1))
      const viewer = viewerOfRequest(request)
      const choices = await filterChoices(ctx.db, partnership.id, viewer)
      const group = chosenGroup(choices, query.group)
      const agency = choices.agencies.find((a) => a.id === query.agency)
      const [list, rules] = await Promise.all([
        listFlags(ctx.db, partnership.id, {
          viewer,
          groupId: group?.id,
          agencyId: agency?.id,
          closedPage: page,
          pageSize: PAGE_SIZE,
        }),
        getRuleSet(ctx.db, partnership.id),
      ])
      // The filters, kept by the page links and passed on to the rates.
      const filter = new URLSearchParams(
        [
          ['group', group?.slug ?? ''],
          ['agency', agency?.id ?? ''],
        ].filter(([, v]) => v !== ''),
      ).toString()
      const n = rules.consecutiveAbsences
      const pages = Math.max(1, Math.ceil(list.closedTotal / PAGE_SIZE))
      return reply.render(`${views}/list.njk`, {
        title: 'Attendance flags',
        rule: ruleDefinition('consecutiveAbsences').sentence.replace('{n}', String(n)),
        open: list.open.map((f) => flagView(partnership.slug, f, list.missed.get(f.id) ?? [])),
        closed: list.closed.map((f) => flagView(partnership.slug, f, list.missed.get(f.id) ?? [])),
        closedTotal: list.closedTotal,
        closedPagination: pagination(
          { page, pages },
          ({ page: p }) => `${base(request)}?${filter ? `${filter}&` : ''}page=${p}#closed`,
        ),
        canEdit: can(request.actor, 'compliance:edit', { partnershipId: partnership.id }),
        ratesHref: `/p/${partnership.slug}/attendance-rates${filter ? `?${filter}` : ''}`,
        values: { group: group?.slug ?? '', agency: agency?.id ?? '' },
        filtered: filter !== '',
        ...filterItems(choices),
        flash: query.closed !== undefined ? 'Flag closed' : undefined,
      })
    },
  )

  const editConfig = { permission: 'compliance:edit' as const }

  async function flagFromUrl(request: FastifyRequest) {
    const { flag: id } = request.params as { flag: string }
    if (!isUuid(id)) throw notFound()
    const flag = await findFlag(ctx.db, request.partnership!.id, id)
    if (!flag) throw notFound()
    return flag
  }

  async function showClose(
    request: FastifyRequest,
    reply: FastifyReply,
    flag: FlagRow,
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) {
    const slug = request.partnership!.slug
    const missed = await missedMeetings(ctx.db, sql`f.id = ${flag.id}`)
    return reply.status(errors ? 400 : 200).render(`${views}/close.njk`, {
      title: 'Close an attendance flag',
      flag: flagView(slug, flag, missed.get(flag.id) ?? []),
      values,
      errors,
      backHref: base(request),
      action: `${base(request)}/${flag.id}/close`,
    })
  }

  app.get('/p/:slug/attendance-flags/:flag/close', { config: editConfig }, async (request, reply) => {
    const flag = await flagFromUrl(request)
    if (flag.closedAt) return reply.redirect(base(request), 303)
    return showClose(request, reply, flag, {})
  })

  app.post('/p/:slug/attendance-flags/:flag/close', { config: editConfig }, async (request, reply) => {
    const flag = await flagFromUrl(request)
    const values = formValues(request.body)
    const form = parseForm(closeForm, values)
    if (!form.ok) return showClose(request, reply, flag, form.values, form.errors)
    const change: ChangeContext = {
      partnershipId: request.partnership!.id,
      actorId: request.user!.id,
      now: ctx.now(),
      requestId: request.id,
    }
    try {
      await closeFlag(ctx.db, change, { flagId: flag.id, reason: form.data.reason })
    } catch (error) {
      // Closed by someone else meanwhile: the list shows how.
      if (!(error instanceof AppError && error.code === 'closed')) throw error
    }
    return reply.redirect(`${base(request)}?closed=1`, 303)
  })

  await ratesRoutes(app, ctx)
}
