import { sql } from 'drizzle-orm'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { addCalendarDays, addMonths, formatDate } from '../../platform/calendar/dates.ts'
import { type DbOrTx, queryRows } from '../../platform/db/client.ts'
import type { FormErrors } from '../../platform/http/forms.ts'
import { filterDate } from '../meetings/decisions.register.ts'
import { isUuid, type MeetingViewer, viewerOfRequest } from '../meetings/meetings.access.ts'
import { londonDay } from '../partnership/agencies.problems.ts'
import { visibleFlagGroups } from './flags.queries.ts'
import { type AttendanceRates, attendanceRates, type RateRow, ratesCsv } from './rates.service.ts'

const views = 'modules/actions/views/rates'

interface RatesQuery {
  from?: string
  to?: string
  group?: string
  agency?: string
}

/** The period and filters asked for; the last 12 months by default; errors for dates that are not real. */
export function readRatesQuery(raw: unknown, today: string) {
  const query = (raw ?? {}) as Record<string, unknown>
  const text = (key: string) => (typeof query[key] === 'string' ? (query[key] as string).trim() : '')
  const values: RatesQuery = {
    from: text('from'),
    to: text('to'),
    group: text('group'),
    agency: text('agency'),
  }
  const errors: FormErrors = { list: [], fields: {} }
  const fail = (field: string, message: string) => {
    errors.fields[field] = { text: message }
    errors.list.push({ text: message, href: `#${field}` })
  }
  const from = values.from ? filterDate(values.from) : addCalendarDays(addMonths(today, -12), 1)
  const to = values.to ? filterDate(values.to) : today
  if (!from) fail('from', 'Enter a real date for the start of the period, like 1/4/2025')
  if (!to) fail('to', 'Enter a real date for the end of the period, like 31/3/2026')
  if (from && to && from > to) fail('to', 'The end of the period must be the same as or after its start')
  return {
    values,
    errors: errors.list.length ? errors : null,
    options: {
      from: from ?? today,
      to: to ?? today,
      agencyId: values.agency && isUuid(values.agency) ? values.agency : undefined,
    },
  }
}

export interface FilterChoices {
  groups: { id: string; slug: string; name: string }[]
  agencies: { id: string; name: string }[]
}

/** The groups and agencies to filter by: the partnership's own, those the viewer may see. */
export async function filterChoices(
  db: DbOrTx,
  partnershipId: string,
  viewer: MeetingViewer,
): Promise<FilterChoices> {
  const [groups, agencies] = await Promise.all([
    queryRows<{ id: string; slug: string; name: string }>(
      db,
      sql`select g.id, g.slug, g.name from groups g where g.partnership_id = ${partnershipId}
        and ${visibleFlagGroups(viewer, sql`g.id`)} order by g.name`,
    ),
    queryRows<{ id: string; name: string }>(
      db,
      sql`select id, name from agencies where partnership_id = ${partnershipId} order by name`,
    ),
  ])
  return { groups, agencies }
}

/** The group a filter names, by its slug (as the registers and the dashboard link) or its id. */
export const chosenGroup = (choices: FilterChoices, key: string | undefined) =>
  key ? choices.groups.find((g) => g.slug === key || g.id === key) : undefined

/** The filter's select items, by group slug and agency id. */
export const filterItems = (choices: FilterChoices) => ({
  groupItems: [
    { value: '', text: 'All groups' },
    ...choices.groups.map((g) => ({ value: g.slug, text: g.name })),
  ],
  agencyItems: [
    { value: '', text: 'All agencies' },
    ...choices.agencies.map((a) => ({ value: a.id, text: a.name })),
  ],
})

/** "2025-04-01" as a person types it: "1/4/2025". */
const typed = (day: string) => {
  const [y, m, d] = day.split('-')
  return `${Number(d)}/${Number(m)}/${y}`
}

const percent = (r: RateRow) => (r.rate === null ? 'No seats' : `${r.rate}%`)

function ratesView(rates: AttendanceRates) {
  const row = (r: RateRow) => ({ ...r, percent: percent(r) })
  return {
    period: `${formatDate(rates.from)} to ${formatDate(rates.to)}`,
    total: row(rates.total),
    groups: rates.groups.map(row),
    agencies: rates.agencies.map(row),
    members: rates.members.map(row),
  }
}

/** Attendance rates for a period (compliance:view), per group, agency and member, and as CSV. */
export async function ratesRoutes(app: FastifyInstance, ctx: AppContext) {
  const config = { permission: 'compliance:view' as const }

  function read(request: FastifyRequest) {
    return readRatesQuery(request.query, londonDay(ctx.now()))
  }

  app.get('/p/:slug/attendance-rates', { config }, async (request, reply) => {
    const partnership = request.partnership!
    const viewer = viewerOfRequest(request)
    const { values: asked, errors, options } = read(request)
    const choices = await filterChoices(ctx.db, partnership.id, viewer)
    const group = chosenGroup(choices, asked.group)
    const groupId = group?.id
    const values = { ...asked, group: group?.slug ?? '' }
    const rates = errors
      ? null
      : await attendanceRates(ctx.db, partnership.id, { ...options, groupId, viewer })
    const search = new URLSearchParams(
      Object.entries(values).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''),
    ).toString()
    return reply.status(errors ? 400 : 200).render(`${views}/rates.njk`, {
      title: 'Attendance rates',
      values: { ...values, from: values.from || typed(options.from), to: values.to || typed(options.to) },
      errors,
      view: rates ? ratesView(rates) : null,
      ...filterItems(choices),
      csvHref: `/p/${partnership.slug}/attendance-rates.csv${search ? `?${search}` : ''}`,
      flagsHref: `/p/${partnership.slug}/attendance-flags`,
    })
  })

  app.get('/p/:slug/attendance-rates.csv', { config }, async (request, reply) => {
    const partnership = request.partnership!
    const { values, errors, options } = read(request)
    if (errors) {
      return reply
        .status(400)
        .type('text/plain; charset=utf-8')
        .send(errors.list.map((e) => e.text).join('\n'))
    }
    const viewer = viewerOfRequest(request)
    const groupId = chosenGroup(await filterChoices(ctx.db, partnership.id, viewer), values.group)?.id
    const rates = await attendanceRates(ctx.db, partnership.id, { ...options, groupId, viewer })
    return reply
      .type('text/csv; charset=utf-8')
      .header(
        'content-disposition',
        `attachment; filename="attendance-rates-${partnership.slug}-${options.from}-to-${options.to}.csv"`,
      )
      .header('cache-control', 'no-store')
      .send(ratesCsv(rates))
  })
}
