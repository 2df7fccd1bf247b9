import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { can } from '../../platform/access/policy.ts'
import { notFound } from '../../platform/http/errors.ts'
import { getRuleSet } from '../../platform/rules/rules.service.ts'
import { londonDay } from './agencies.problems.ts'
import { groupFromUrl, isSlug, viewerOf } from './groups.access.ts'
import { groupApiRoutes } from './groups.api.ts'
import { groupEditRoutes } from './groups.edit.routes.ts'
import { cadenceInWords, groupKindLabels, roleLabels, roleTagClasses } from './groups.labels.ts'
import { canSeeMembers, groupDetail, isAmong, listGroups, structure } from './groups.service.ts'
import { groupSummaryRows, memberRows, standardItemLines, structureChart } from './groups.view.ts'
import { groupsSatOnBy, membershipHistory } from './memberships.repository.ts'
import { seatRoutes } from './memberships.routes.ts'
import { groupWarnings } from './memberships.rules.ts'

const views = 'modules/partnership/views/groups'
const flashes: Record<string, string> = {
  added: 'Group added',
  saved: 'Changes saved',
  unchanged: 'Nothing was changed',
  closed: 'Group closed',
  member: 'Member added',
  ended: 'Seat ended',
}

/** The partnership's groups: the structure, each group's page and history, and their forms. */
export async function groupRoutes(app: FastifyInstance, ctx: AppContext) {
  const config = { permission: 'structure:view' as const }
  const base = (request: FastifyRequest) => `/p/${request.partnership!.slug}/groups`
  const canEdit = (request: FastifyRequest) =>
    can(request.actor, 'structure:edit', { partnershipId: request.partnership!.id })

  app.get('/p/:slug/groups', { config }, async (request, reply) => {
    const partnership = request.partnership!
    const today = londonDay(ctx.now())
    const [all, open] = await Promise.all([
      listGroups(ctx.db, partnership.id, today),
      structure(ctx.db, partnership.id, today),
    ])
    const viewer = viewerOf(request)
    const hidden = all.some((g) => g.confidential) && !canSeeMembers(viewer, { confidential: true }, false)
    const mine = hidden && viewer.userId ? await groupsSatOnBy(ctx.db, viewer.userId, today) : new Set()
    const rows = all.map((g) => ({
      ...g,
      kindLabel: groupKindLabels[g.kind],
      cadence: cadenceInWords(g, today),
      accountableToName: all.find((p) => p.id === g.accountableToId)?.name ?? null,
      closed: g.closedOn !== null && g.closedOn <= today,
      // How many sit on a confidential group is for those who may see who they are.
      members: canSeeMembers(viewer, g, mine.has(g.id)) ? g.members : null,
    }))
    return reply.render(`${views}/list.njk`, {
      title: 'Groups',
      own: rows.filter((g) => g.partnershipId && !g.closed),
      shared: rows.filter((g) => !g.partnershipId && !g.closed),
      closed: rows.filter((g) => g.closed),
      chart: structureChart(open, base(request), partnership.shortName),
      canEdit: canEdit(request),
    })
  })

  app.get('/p/:slug/groups/:group', { config }, async (request, reply) => {
    const partnership = request.partnership!
    const { group: slug } = request.params as { group: string }
    const today = londonDay(ctx.now())
    if (!isSlug(slug)) throw notFound()
    // The rule set is read alongside the group: a partnership's own groups use its rules, and so
    // do the collaboration's groups seen from it.
    const [detail, rules] = await Promise.all([
      groupDetail(ctx.db, partnership.id, slug, today),
      getRuleSet(ctx.db, partnership.id),
    ])
    if (!detail) throw notFound()
    const { group, members, counts } = detail
    const viewer = viewerOf(request)
    const seeMembers = canSeeMembers(viewer, group, isAmong(viewer, members))
    const query = request.query as Record<string, string | undefined>
    const flash = Object.keys(flashes).find((key) => query[key] !== undefined)
    const editable = canEdit(request)
    return reply.render(`${views}/detail.njk`, {
      title: group.name,
      group,
      kindLabel: groupKindLabels[group.kind],
      closed: group.closedOn !== null && group.closedOn <= today,
      summaryRows: groupSummaryRows(group, today, base(request)),
      standardItems: standardItemLines(group),
      seeMembers,
      members: seeMembers ? memberRows(group, members, today) : [],
      exceptions: seeMembers ? members.filter((m) => m.ruleException) : [],
      warnings: seeMembers ? groupWarnings(group, members, rules, today) : [],
      counts: seeMembers ? counts : null,
      roleLabels,
      canEdit: editable,
      // A shared group's details belong to its collaboration; a partnership adds its own people.
      canEditDetails: editable && group.partnershipId === partnership.id,
      flash: flash ? flashes[flash] : undefined,
    })
  })

  app.get('/p/:slug/groups/:group/history', { config }, async (request, reply) => {
    const group = await groupFromUrl(ctx, request)
    const today = londonDay(ctx.now())
    const viewer = viewerOf(request)
    let seeMembers = canSeeMembers(viewer, group, false)
    if (!seeMembers && viewer.userId) {
      const mine = await groupsSatOnBy(ctx.db, viewer.userId, today)
      seeMembers = canSeeMembers(viewer, group, mine.has(group.id))
    }
    const seats = seeMembers ? await membershipHistory(ctx.db, group.id) : []
    return reply.render(`${views}/history.njk`, {
      title: `${group.name}: members past and present`,
      group,
      seeMembers,
      seats: seats.map((s) => ({
        ...s,
        roleLabel: roleLabels[s.role],
        roleClass: roleTagClasses[s.role],
        status: s.startsOn > today ? 'future' : s.endsOn !== null && s.endsOn < today ? 'ended' : 'current',
        // Another partnership's people are named on a shared group, but their pages are theirs.
        linkable: s.partnershipId === request.partnership!.id,
      })),
    })
  })

  await groupEditRoutes(app, ctx)
  await seatRoutes(app, ctx)
  await groupApiRoutes(app, ctx)
}
