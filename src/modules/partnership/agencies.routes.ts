import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'
import { can } from '../../platform/access/policy.ts'
import { formatDate } from '../../platform/calendar/calendar.ts'
import { notFound } from '../../platform/http/errors.ts'
import { agencyApiRoutes } from './agencies.api.ts'
import { agencyEditRoutes } from './agencies.edit.routes.ts'
import { isUuid } from './agencies.form.ts'
import { timelineItems } from './agencies.history.ts'
import { agencyKindLabels, sectorLabels, statutoryRoleLabels } from './agencies.labels.ts'
import { PAGE_SIZE, registerQuery, registerView } from './agencies.list.ts'
import { londonDay } from './agencies.problems.ts'
import { createAgencyRepository, isEnded } from './agencies.repository.ts'
import { getAgency, listAgencies } from './agencies.service.ts'
import { agencyReviewRoutes } from './agency-reviews.routes.ts'
import { otherPartnershipRoutes } from './other-partnerships.routes.ts'
import type { Agency } from './structure.table.ts'

const views = 'modules/partnership/views/agencies'

const flashes: Record<string, string> = {
  added: 'Agency added',
  saved: 'Changes saved',
  unchanged: 'Nothing was changed',
  ended: 'Agency ended',
}

/** The agencies register, the yearly review of relevant agencies, the other partnerships and their API. */
export async function agencyRoutes(app: FastifyInstance, ctx: AppContext) {
  const config = { permission: 'structure:view' as const }

  app.get('/p/:slug/agencies', { config }, async (request, reply) => {
    const partnership = request.partnership!
    const query = registerQuery.parse(request.query ?? {})
    const today = londonDay(ctx.now())
    const result = await listAgencies(ctx.db, partnership.id, {
      filter: { q: query.q, kind: query.kind, sector: query.sector, status: query.status },
      sort: query.sort,
      order: query.order,
      page: query.page,
      pageSize: PAGE_SIZE,
      today,
    })
    return reply.render(`${views}/list.njk`, {
      title: 'Agencies',
      query,
      view: registerView(`/p/${partnership.slug}/agencies`, query, result, today),
      canEdit: can(request.actor, 'structure:edit', { partnershipId: partnership.id }),
    })
  })

  app.get('/p/:slug/agencies/:id', { config }, async (request, reply) => {
    const partnership = request.partnership!
    const { id } = request.params as { id: string }
    const agency = isUuid(id) ? await getAgency(ctx.db, partnership.id, id) : null
    if (!agency) throw notFound()
    const history = await createAgencyRepository(ctx.db).history(partnership.id, 'agency', agency.id)
    const query = request.query as Record<string, string | undefined>
    const flash = Object.keys(flashes).find((key) => query[key] !== undefined)
    return reply.render(`${views}/detail.njk`, {
      title: agency.name,
      agency,
      kindLabel: agencyKindLabels[agency.kind],
      ended: isEnded(agency, londonDay(ctx.now())),
      summaryRows: summaryRows(agency),
      timeline: timelineItems(history),
      canEdit: can(request.actor, 'structure:edit', { partnershipId: partnership.id }),
      flash: flash ? flashes[flash] : undefined,
    })
  })

  await agencyEditRoutes(app, ctx)
  await agencyReviewRoutes(app, ctx)
  await otherPartnershipRoutes(app, ctx)
  await agencyApiRoutes(app, ctx)
}

function summaryRows(agency: Agency) {
  const row = (key: string, value: string | null) => ({
    key: { text: key },
    value: { text: value || 'Not recorded' },
  })
  const rows = [row('Kind', agencyKindLabels[agency.kind]), row('Sector', sectorLabels[agency.sector])]
  if (agency.kind === 'statutory_partner') {
    rows.push(
      row('Statutory role', agency.statutoryRole ? statutoryRoleLabels[agency.statutoryRole] : null),
      row('Lead safeguarding partner', agency.leadPartnerTitle),
      row('Delegated safeguarding partner', agency.delegatedPartnerTitle),
    )
  }
  rows.push(
    row(
      'Executive contact',
      [agency.executiveName, agency.executiveTitle].filter(Boolean).join(', ') || null,
    ),
    row('Executive’s e-mail address', agency.executiveEmail),
    row('Joined the arrangements', agency.activeFrom ? formatDate(agency.activeFrom) : null),
  )
  if (agency.activeTo) {
    rows.push(row('Ended', formatDate(agency.activeTo)), row('Why it ended', agency.closedReason))
  }
  return rows
}
