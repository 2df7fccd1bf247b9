import { and, desc, eq, sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'
import { can } from '../../platform/access/policy.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import type { DbOrTx } from '../../platform/db/client.ts'
import { notFound } from '../../platform/http/errors.ts'
import { isUuid, type MeetingViewer, viewerOfRequest } from '../meetings/meetings.access.ts'
import { agencies, groups } from '../partnership/structure.table.ts'
import { visibleActions } from './actions.access.ts'
import { actionPath, actionsRegisterPath } from './actions.labels.ts'
import { actionRows, countByRag, ragContext } from './actions.register.ts'
import { actionRagLabels, actionRags } from './actions.rules.ts'
import { actionResponses, actions } from './actions.table.ts'
import { complianceFailures, escalationLetters } from './compliance.table.ts'

const views = 'modules/actions/views/actions'
const LIST_SIZE = 25

const late = sql<boolean>`${actionResponses.dueOn} is not null and ${actionResponses.respondedOn} > ${actionResponses.dueOn}`

/** The agency's latest responses to the actions the viewer may see, and how many were on time and late. */
async function agencyResponses(db: DbOrTx, partnershipId: string, agencyId: string, viewer: MeetingViewer) {
  const where = and(
    eq(actions.partnershipId, partnershipId),
    eq(actions.ownerAgencyId, agencyId),
    visibleActions(viewer),
  )
  const [rows, [totals]] = await Promise.all([
    db
      .select({
        actionId: actions.id,
        reference: actions.reference,
        respondedOn: actionResponses.respondedOn,
        dueOn: actionResponses.dueOn,
        late,
      })
      .from(actionResponses)
      .innerJoin(actions, eq(actions.id, actionResponses.actionId))
      .innerJoin(groups, eq(groups.id, actions.groupId))
      .where(where)
      .orderBy(desc(actionResponses.respondedAt), desc(actionResponses.id))
      .limit(LIST_SIZE),
    db
      .select({
        onTime: sql<number>`count(*) filter (where not (${late}))::int`,
        late: sql<number>`count(*) filter (where ${late})::int`,
      })
      .from(actionResponses)
      .innerJoin(actions, eq(actions.id, actionResponses.actionId))
      .innerJoin(groups, eq(groups.id, actions.groupId))
      .where(where),
  ])
  return { rows, onTime: Number(totals?.onTime ?? 0), late: Number(totals?.late ?? 0) }
}

/**
 * The agency's compliance history, as the sweep and the letters record it: failures of actions
 * the viewer may see (newest deadline first), and the escalation letters to its executive.
 */
async function agencyCompliance(db: DbOrTx, partnershipId: string, agencyId: string, viewer: MeetingViewer) {
  const [failures, letters] = await Promise.all([
    db
      .select({
        actionId: actions.id,
        reference: actions.reference,
        dueOn: complianceFailures.dueOn,
        kind: complianceFailures.kind,
        respondedOn: complianceFailures.respondedOn,
        letterId: complianceFailures.letterId,
      })
      .from(complianceFailures)
      .innerJoin(actions, eq(actions.id, complianceFailures.actionId))
      .innerJoin(groups, eq(groups.id, actions.groupId))
      .where(
        and(
          eq(complianceFailures.partnershipId, partnershipId),
          eq(complianceFailures.agencyId, agencyId),
          visibleActions(viewer),
        ),
      )
      .orderBy(desc(complianceFailures.dueOn), desc(complianceFailures.id))
      .limit(100),
    db
      .select({
        id: escalationLetters.id,
        subject: escalationLetters.subject,
        addresseeName: escalationLetters.addresseeName,
        createdAt: escalationLetters.createdAt,
        sentOn: escalationLetters.sentOn,
      })
      .from(escalationLetters)
      .where(
        and(eq(escalationLetters.partnershipId, partnershipId), eq(escalationLetters.agencyId, agencyId)),
      )
      .orderBy(desc(escalationLetters.createdAt))
      .limit(100),
  ])
  return { failures, letters }
}

/** An agency's actions: where they stand, its responses on time and late, and its compliance history. */
export async function actionsAgencyRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get(
    '/p/:slug/agencies/:agency/actions',
    { config: { permission: 'actions:view' } },
    async (request, reply) => {
      const partnership = request.partnership!
      const { agency: agencyId } = request.params as { agency: string }
      if (!isUuid(agencyId)) throw notFound()
      const [agency] = await ctx.db
        .select({ id: agencies.id, name: agencies.name })
        .from(agencies)
        .where(and(eq(agencies.id, agencyId), eq(agencies.partnershipId, partnership.id)))
      if (!agency) throw notFound()
      const viewer = viewerOfRequest(request)
      const { window } = await ragContext(ctx.db, partnership.id, londonDate(ctx.now()))
      const options = {
        partnershipId: partnership.id,
        viewer,
        window,
        filter: { agencyId: agency.id },
        sort: 'due' as const,
        order: 'asc' as const,
      }
      const seesCompliance = can(request.actor, 'compliance:view', { partnershipId: partnership.id })
      const [counts, list, responses, compliance] = await Promise.all([
        countByRag(ctx.db, options),
        actionRows(ctx.db, { ...options, limit: LIST_SIZE, offset: 0 }),
        agencyResponses(ctx.db, partnership.id, agency.id, viewer),
        seesCompliance ? agencyCompliance(ctx.db, partnership.id, agency.id, viewer) : null,
      ])
      const slug = partnership.slug
      const registerHref = `${actionsRegisterPath(slug)}?agency=${agency.id}`
      return reply.render(`${views}/agency.njk`, {
        title: `Actions: ${agency.name}`,
        agency,
        agencyHref: `/p/${slug}/agencies/${agency.id}`,
        registerHref,
        counts: actionRags.map((rag) => ({
          rag,
          label: actionRagLabels[rag],
          count: counts[rag],
          href: `${registerHref}&rag=${rag}`,
        })),
        actions: list.rows.map((r) => ({
          href: actionPath(slug, r.id),
          reference: r.reference,
          description: r.description,
          group: r.groupName,
          person: r.ownerPersonName,
          dueOn: r.dueOn,
          rag: actionRagLabels[r.rag],
          lastResponseOn: r.lastResponseOn,
        })),
        total: list.total,
        responses: {
          ...responses,
          rows: responses.rows.map((r) => ({ ...r, href: actionPath(slug, r.actionId) })),
        },
        compliance: compliance && {
          failures: compliance.failures.map((f) => ({ ...f, href: actionPath(slug, f.actionId) })),
          letters: compliance.letters,
          href: `/p/${slug}/agencies/${agency.id}/compliance`,
        },
      })
    },
  )
}
