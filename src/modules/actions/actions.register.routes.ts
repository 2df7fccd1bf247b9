import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { formatDate } from '../../platform/calendar/dates.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import { pagination, registerLinks } from '../../platform/http/pagination.ts'
import { filterDate } from '../meetings/decisions.register.ts'
import {
  canSeeMeeting,
  isBusinessTeam,
  type MeetingViewer,
  meetingAccess,
  viewerOfRequest,
} from '../meetings/meetings.access.ts'
import { meetingPath, meetingTitle } from '../meetings/meetings.labels.ts'
import { actionPath, actionsRegisterPath } from './actions.labels.ts'
import {
  type ActionRegisterQuery,
  type ActionSort,
  actionRegisterQuery,
  actionRegisterRows,
  actionsCsv,
  actionsXlsx,
  exportValues,
  listActionRegister,
  PAGE_SIZE,
  type RegisterOptions,
  type RegisterPage,
  ragContext,
  registerAgencies,
  registerGroups,
} from './actions.register.ts'
import { actionRagLabels, actionRags } from './actions.rules.ts'

const views = 'modules/actions/views/actions'

const columns: { key: ActionSort; text: string }[] = [
  { key: 'reference', text: 'Reference' },
  { key: 'agency', text: 'Owner' },
  { key: 'due', text: 'Due' },
]

const queryKeys = ['group', 'agency', 'rag', 'from', 'to', 'meeting', 'sort', 'order', 'page'] as const

/** The filters as the query reads them, with a message for a date that is not a real one. */
function readFilters(query: ActionRegisterQuery) {
  const from = filterDate(query.from)
  const to = filterDate(query.to)
  const dateError = (raw: string | undefined, day: string | null) =>
    raw && !day ? { text: 'Enter a real date, like 17/5/2026' } : undefined
  return {
    filter: {
      group: query.group,
      agencyId: query.agency,
      meetingId: query.meeting,
      rag: query.rag,
      from,
      to,
    },
    errors: { from: dateError(query.from, from), to: dateError(query.to, to) },
  }
}

interface Choices {
  groups: { slug: string; name: string }[]
  agencies: { id: string; name: string }[]
  meeting: { text: string; href: string } | null
}

/** Everything the register page shows, every link keeping the other choices. */
function registerView(slug: string, query: ActionRegisterQuery, result: RegisterPage, choices: Choices) {
  const base = actionsRegisterPath(slug)
  const { href, head } = registerLinks(base, query, queryKeys, columns)
  const cleared = { page: 1 } as const
  const groupName = choices.groups.find((g) => g.slug === query.group)?.name
  const agencyName = choices.agencies.find((a) => a.id === query.agency)?.name
  const selected = [
    query.group
      ? { heading: 'Group', text: groupName ?? query.group, href: href({ group: undefined, ...cleared }) }
      : null,
    query.agency
      ? {
          heading: 'Owner agency',
          text: agencyName ?? 'Unknown agency',
          href: href({ agency: undefined, ...cleared }),
        }
      : null,
    query.rag
      ? {
          heading: 'Status',
          text: actionRagLabels[query.rag].text,
          href: href({ rag: undefined, ...cleared }),
        }
      : null,
    query.from
      ? { heading: 'Due from', text: query.from, href: href({ from: undefined, ...cleared }) }
      : null,
    query.to ? { heading: 'Due to', text: query.to, href: href({ to: undefined, ...cleared }) } : null,
    query.meeting
      ? {
          heading: 'Meeting',
          text: choices.meeting?.text ?? 'The chosen meeting',
          href: href({ meeting: undefined, ...cleared }),
        }
      : null,
  ].filter((s) => s !== null)
  const exportQuery = href({ page: undefined }).slice(base.length)
  return {
    head,
    rows: result.rows.map((r) => ({
      id: r.id,
      href: actionPath(slug, r.id),
      reference: r.reference,
      description: r.description,
      group: r.groupName,
      meeting:
        r.meetingId && r.meetingHeldOn && r.meetingKind
          ? {
              text: meetingTitle({ heldOn: r.meetingHeldOn, kind: r.meetingKind }, r.groupName),
              href: meetingPath(slug, r.meetingId),
            }
          : null,
      agency: r.ownerAgencyName,
      person: r.ownerPersonName,
      dueOn: r.dueOn ? formatDate(r.dueOn) : 'Not issued yet',
      rag: actionRagLabels[r.rag],
      lastResponseOn: r.lastResponseOn ? formatDate(r.lastResponseOn) : null,
    })),
    total: result.total,
    counts: actionRags.map((rag) => ({
      rag,
      label: actionRagLabels[rag],
      count: result.counts[rag],
      href: href({ rag, page: 1 }),
      current: query.rag === rag,
    })),
    filtered: selected.length > 0,
    selectedFilters: selected.length
      ? {
          heading: { text: 'Selected filters' },
          clearLink: {
            text: 'Clear filters',
            href: href({
              group: undefined,
              agency: undefined,
              rag: undefined,
              from: undefined,
              to: undefined,
              meeting: undefined,
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
    groupItems: [
      { value: '', text: 'Any group' },
      ...choices.groups.map((g) => ({ value: g.slug, text: g.name })),
    ],
    agencyItems: [
      { value: '', text: 'Any agency' },
      ...choices.agencies.map((a) => ({ value: a.id, text: a.name })),
    ],
    ragItems: [
      { value: '', text: 'Any status' },
      ...actionRags.map((r) => ({ value: r, text: actionRagLabels[r].text })),
    ],
  }
}

/** The register of actions (actions:view, narrowed to the actions the viewer may see) and its exports. */
export async function actionsRegisterRoutes(app: FastifyInstance, ctx: AppContext) {
  const config = { permission: 'actions:view' as const }

  async function options(request: FastifyRequest) {
    const query = actionRegisterQuery.parse(request.query ?? {})
    const { filter, errors } = readFilters(query)
    const partnershipId = request.partnership!.id
    const rag = await ragContext(ctx.db, partnershipId, londonDate(ctx.now()))
    const viewer = viewerOfRequest(request)
    const o: RegisterOptions = {
      partnershipId,
      viewer,
      window: rag.window,
      filter,
      sort: query.sort,
      order: query.order,
    }
    return { query, errors, options: o, rag }
  }

  async function meetingChoice(
    request: FastifyRequest,
    viewer: MeetingViewer,
    meetingId: string | undefined,
  ) {
    if (!meetingId) return null
    const today = londonDate(ctx.now())
    const access = await meetingAccess(ctx.db, request.partnership!.id, meetingId, viewer, today)
    if (!access || !canSeeMeeting(viewer, access.group, access.viewer.isMember)) return null
    return {
      text: meetingTitle(access.meeting, access.group.name),
      href: meetingPath(request.partnership!.slug, access.meeting.id),
    }
  }

  app.get('/p/:slug/actions', { config }, async (request, reply) => {
    const partnership = request.partnership!
    const { query, errors, options: o } = await options(request)
    const [result, groups, agencies, meeting] = await Promise.all([
      listActionRegister(ctx.db, { ...o, page: query.page, pageSize: PAGE_SIZE }),
      registerGroups(ctx.db, partnership.id, o.viewer),
      registerAgencies(ctx.db, partnership.id),
      meetingChoice(request, o.viewer, query.meeting),
    ])
    return reply.render(`${views}/register.njk`, {
      title: 'Actions',
      query,
      filterErrors: errors,
      view: registerView(partnership.slug, query, result, { groups, agencies, meeting }),
      canEdit: isBusinessTeam(o.viewer.role),
      newHref: `/p/${partnership.slug}/actions/new`,
    })
  })

  const fileName = (request: FastifyRequest, ext: string) =>
    `actions-${request.partnership!.slug}-${londonDate(ctx.now())}.${ext}`

  app.get('/p/:slug/actions.csv', { config }, async (request, reply) => {
    const { options: o, rag } = await options(request)
    const rows = await actionRegisterRows(ctx.db, o)
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${fileName(request, 'csv')}"`)
      .header('cache-control', 'no-store')
      .send(actionsCsv(exportValues(rows, rag.rules, rag.calendar)))
  })

  app.get('/p/:slug/actions.xlsx', { config }, async (request, reply) => {
    const { options: o, rag } = await options(request)
    const rows = await actionRegisterRows(ctx.db, o)
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="${fileName(request, 'xlsx')}"`)
      .header('cache-control', 'no-store')
      .send(actionsXlsx(exportValues(rows, rag.rules, rag.calendar)))
  })
}
