import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { formatDate } from '../../platform/calendar/dates.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import { pagination, registerLinks } from '../../platform/http/pagination.ts'
import { decisionOutcomeLabels, decisionPath } from './decisions.labels.ts'
import {
  type DecisionRegisterQuery,
  type DecisionSort,
  decisionRegisterQuery,
  decisionRegisterRows,
  decisionsCsv,
  decisionsXlsx,
  filterDate,
  listDecisionRegister,
  PAGE_SIZE,
  type RegisterOptions,
  type RegisterPage,
  registerGroups,
} from './decisions.register.ts'
import { decisionStateLabels, decisionStates } from './decisions.rules.ts'
import { isBusinessTeam, viewerOfRequest } from './meetings.access.ts'
import { meetingPath, meetingTitle } from './meetings.labels.ts'

const views = 'modules/meetings/views/decisions'

const columns: { key: DecisionSort; text: string }[] = [
  { key: 'reference', text: 'Reference' },
  { key: 'meeting', text: 'Meeting' },
  { key: 'implementation', text: 'Implementation date' },
  { key: 'state', text: 'State' },
]

const queryKeys = ['group', 'state', 'q', 'from', 'to', 'sort', 'order', 'page'] as const

/** The filters as the query reads them, with a message for a date that is not a real one. */
function readFilters(query: DecisionRegisterQuery) {
  const from = filterDate(query.from)
  const to = filterDate(query.to)
  const dateError = (raw: string | undefined, day: string | null) =>
    raw && !day ? { text: 'Enter a real date, like 17/5/2026' } : undefined
  return {
    filter: { groupId: query.group, state: query.state, q: query.q, from, to },
    errors: { from: dateError(query.from, from), to: dateError(query.to, to) },
  }
}

/** Everything the register page shows, every link keeping the other choices. */
function registerView(
  slug: string,
  query: DecisionRegisterQuery,
  result: RegisterPage,
  groups: { id: string; name: string }[],
) {
  const base = `/p/${slug}/decisions`
  const { href, head } = registerLinks(base, query, queryKeys, columns)
  const groupName = groups.find((g) => g.id === query.group)?.name
  const cleared = { page: 1 } as const
  const selected = [
    query.group && groupName
      ? { heading: 'Group', text: groupName, href: href({ group: undefined, ...cleared }) }
      : null,
    query.state
      ? {
          heading: 'State',
          text: decisionStateLabels[query.state].text,
          href: href({ state: undefined, ...cleared }),
        }
      : null,
    query.q ? { heading: 'Text contains', text: query.q, href: href({ q: undefined, ...cleared }) } : null,
    query.from
      ? { heading: 'Implemented from', text: query.from, href: href({ from: undefined, ...cleared }) }
      : null,
    query.to
      ? { heading: 'Implemented to', text: query.to, href: href({ to: undefined, ...cleared }) }
      : null,
  ].filter((s) => s !== null)
  const exportQuery = href({ page: undefined }).slice(base.length)
  return {
    head,
    rows: result.rows.map((r) => ({
      id: r.id,
      href: decisionPath(slug, r.id),
      reference: r.reference,
      text: r.text,
      itemTitle: r.itemTitle,
      meeting: {
        text: meetingTitle({ heldOn: r.meetingHeldOn, kind: r.meetingKind }, r.groupName),
        href: meetingPath(slug, r.meetingId),
      },
      outcome: decisionOutcomeLabels[r.outcome],
      implementationOn: r.implementationOn ? formatDate(r.implementationOn) : 'None',
      state: decisionStateLabels[r.state],
      objectionCount: r.objectionCount,
    })),
    total: result.total,
    filtered: selected.length > 0,
    selectedFilters: selected.length
      ? {
          heading: { text: 'Selected filters' },
          clearLink: {
            text: 'Clear filters',
            href: href({
              group: undefined,
              state: undefined,
              q: undefined,
              from: undefined,
              to: undefined,
              page: 1,
            }),
          },
          categories: selected.map((s) => ({
            heading: { text: s.heading },
            items: [{ href: s.href, text: s.text }],
          })),
        }
      : undefined,
    pagination: pagination(result, href),
    results: {
      from: result.total === 0 ? 0 : (result.page - 1) * PAGE_SIZE + 1,
      to: Math.min(result.page * PAGE_SIZE, result.total),
      count: result.total,
    },
    csvHref: `${base}.csv${exportQuery}`,
    xlsxHref: `${base}.xlsx${exportQuery}`,
    groupItems: [{ value: '', text: 'Any group' }, ...groups.map((g) => ({ value: g.id, text: g.name }))],
    stateItems: [
      { value: '', text: 'Any state' },
      ...decisionStates.map((s) => ({ value: s, text: decisionStateLabels[s].text })),
    ],
  }
}

/** The register of decisions (meetings:view, narrowed to the meetings the viewer may see) and its exports. */
export async function decisionRegisterRoutes(app: FastifyInstance, ctx: AppContext) {
  const config = { permission: 'meetings:view' as const }

  function options(request: FastifyRequest): {
    query: DecisionRegisterQuery
    options: RegisterOptions
    errors: ReturnType<typeof readFilters>['errors']
  } {
    const query = decisionRegisterQuery.parse(request.query ?? {})
    const { filter, errors } = readFilters(query)
    return {
      query,
      errors,
      options: {
        partnershipId: request.partnership!.id,
        viewer: viewerOfRequest(request),
        today: londonDate(ctx.now()),
        filter,
        sort: query.sort,
        order: query.order,
      },
    }
  }

  app.get('/p/:slug/decisions', { config }, async (request, reply) => {
    const partnership = request.partnership!
    const { query, options: o, errors } = options(request)
    const [result, groups] = await Promise.all([
      listDecisionRegister(ctx.db, { ...o, page: query.page, pageSize: PAGE_SIZE }),
      registerGroups(ctx.db, partnership.id, o.viewer, o.today),
    ])
    return reply.render(`${views}/register.njk`, {
      title: 'Decisions',
      query,
      filterErrors: errors,
      view: registerView(partnership.slug, query, result, groups),
      isBusinessTeam: isBusinessTeam(o.viewer.role),
    })
  })

  const fileName = (request: FastifyRequest, ext: string) =>
    `decisions-${request.partnership!.slug}-${londonDate(ctx.now())}.${ext}`

  app.get('/p/:slug/decisions.csv', { config }, async (request, reply) => {
    const rows = await decisionRegisterRows(ctx.db, options(request).options)
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${fileName(request, 'csv')}"`)
      .header('cache-control', 'no-store')
      .send(decisionsCsv(rows))
  })

  app.get('/p/:slug/decisions.xlsx', { config }, async (request, reply) => {
    const rows = await decisionRegisterRows(ctx.db, options(request).options)
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="${fileName(request, 'xlsx')}"`)
      .header('cache-control', 'no-store')
      .send(await decisionsXlsx(rows))
  })
}
