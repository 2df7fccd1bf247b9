import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { can } from '../../platform/access/policy.ts'
import { formatDate } from '../../platform/calendar/dates.ts'
import { notFound } from '../../platform/http/errors.ts'
import { getRuleSet } from '../../platform/rules/rules.service.ts'
import { isUuid, viewerOfRequest } from '../meetings/meetings.access.ts'
import { londonDay } from '../partnership/agencies.problems.ts'
import { visibleActions } from './actions.access.ts'
import { complianceApi } from './compliance.api.ts'
import { letterRoutes } from './compliance.letters.routes.ts'
import {
  agencyCompliance,
  escalationRules,
  lettersDue,
  listLetters,
  recentFailures,
  ruleText,
} from './compliance.service.ts'
import { failureView, letterView } from './compliance.view.ts'
import { agencyOf } from './letters.service.ts'

const views = 'modules/actions/views/compliance'

/**
 * Compliance: the agencies an escalation letter is due to, recent failures and letters; each
 * agency's failures, letters and attendance flags; and the letters' pages (compliance.letters.routes.ts).
 */
export async function complianceRoutes(app: FastifyInstance, ctx: AppContext) {
  const config = { permission: 'compliance:view' as const }
  const canEdit = (request: FastifyRequest) =>
    can(request.actor, 'compliance:edit', { partnershipId: request.partnership!.id })

  app.get('/p/:slug/compliance', { config }, async (request, reply) => {
    const partnership = request.partnership!
    const today = londonDay(ctx.now())
    const [due, failures, letters, rules] = await Promise.all([
      lettersDue(ctx.db, partnership.id, today),
      recentFailures(ctx.db, partnership.id, 50),
      listLetters(ctx.db, partnership.id, { limit: 50 }),
      getRuleSet(ctx.db, partnership.id),
    ])
    const base = `/p/${partnership.slug}`
    return reply.render(`${views}/overview.njk`, {
      title: 'Compliance',
      base,
      rule: ruleText(escalationRules(rules)),
      due: due.map((d) => ({
        ...d,
        newHref: `${base}/compliance/letters/new?agency=${d.agencyId}`,
        draftHref: d.draftLetterId ? `${base}/compliance/letters/${d.draftLetterId}` : null,
        agencyHref: `${base}/agencies/${d.agencyId}/compliance`,
      })),
      failures: failures.map((f) => ({
        ...failureView(partnership.slug, f),
        agencyHref: `${base}/agencies/${f.agencyId}/compliance`,
        letterHref: f.letterId ? `${base}/compliance/letters/${f.letterId}` : null,
      })),
      letters: letters.map((l) => letterView(partnership.slug, l)),
      canEdit: canEdit(request),
    })
  })

  app.get('/p/:slug/agencies/:agency/compliance', { config }, async (request, reply) => {
    const partnership = request.partnership!
    const { agency: agencyId } = request.params as { agency: string }
    if (!isUuid(agencyId)) throw notFound()
    const agency = await agencyOf(ctx.db, partnership.id, agencyId)
    if (!agency) throw notFound()
    const today = londonDay(ctx.now())
    const compliance = await agencyCompliance(ctx.db, partnership.id, agency.id, today, {
      visible: visibleActions(viewerOfRequest(request)),
    })
    const base = `/p/${partnership.slug}`
    const rows = compliance.failures.map((f) => ({
      ...failureView(partnership.slug, f),
      letterHref: f.letterId ? `${base}/compliance/letters/${f.letterId}` : null,
    }))
    return reply.render(`${views}/agency.njk`, {
      title: `${agency.name}: compliance`,
      base,
      agency,
      rule: ruleText(compliance.rules),
      since: formatDate(compliance.since),
      compliance,
      inWindow: rows.filter((f) => f.inWindow),
      earlier: rows.filter((f) => !f.inWindow),
      letters: compliance.letters.map((l) => letterView(partnership.slug, l)),
      flags: compliance.flags.map((f) => ({
        ...f,
        meetingHref: `${base}/meetings/${f.meetingId}`,
        meetingOn: formatDate(f.meetingOn),
        raisedOn: formatDate(f.raisedOn),
      })),
      newHref: `${base}/compliance/letters/new?agency=${agency.id}`,
      canEdit: canEdit(request),
    })
  })

  await letterRoutes(app, ctx)
  await complianceApi(app, ctx)
}
