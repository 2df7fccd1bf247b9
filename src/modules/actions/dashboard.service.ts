import { sql } from 'drizzle-orm'
import { type ClosureDay, createCalendar, type WorkingCalendar } from '../../platform/calendar/calendar.ts'
import { addCalendarDays, addMonths, formatDate } from '../../platform/calendar/dates.ts'
import type { DbOrTx } from '../../platform/db/client.ts'
import type { RuleSet } from '../../platform/rules/rules.definitions.ts'
import { getRuleSet } from '../../platform/rules/rules.service.ts'
import { filterDate } from '../meetings/decisions.register.ts'
import { isBusinessTeam, type MeetingViewer } from '../meetings/meetings.access.ts'
import { meetingPath, meetingTitle } from '../meetings/meetings.labels.ts'
import { dashboardCharts } from './dashboard.charts.ts'
import {
  attendanceFigures,
  LIST_LIMIT,
  minutesFigures,
  paperFigures,
  rangeCalendar,
  responseFigures,
} from './dashboard.figures.ts'
import {
  attendanceByGroup,
  failuresByAgency,
  firstResponses,
  heldMeetings,
  lettersInPeriod,
  openFlags,
  overdueByAgency,
  papersByMeeting,
  readAll,
  rows,
  type Scope,
} from './dashboard.queries.ts'

/**
 * The compliance dashboard for one partnership: its filters, the links behind its figures, and
 * the page itself. The figures (dashboard.figures.ts) come from set-based queries scoped by the
 * partnership first, read in one statement (dashboard.queries.ts): overdue actions by agency,
 * response times, late papers by month, minutes sent to the chair on time, attendance by group,
 * open attendance flags and escalation letters. Every figure links to the records behind it, with
 * the filters.
 */

export interface DashboardFilter {
  group: { id: string; slug: string; name: string } | null
  agency: { id: string; name: string } | null
  from: string
  to: string
}

export interface FilterChoices {
  groups: { id: string; slug: string; name: string }[]
  agencies: { id: string; name: string }[]
  /** Confidential groups the viewer does not sit on: their records are left out of every figure. */
  hiddenGroupIds: string[]
}

export interface FilterErrors {
  list: { text: string; href: string }[]
  fields: Partial<Record<'group' | 'agency' | 'from' | 'to', { text: string }>>
}

/** What the form shows: the values as typed, so a bad date comes back as it was entered. */
export interface FilterValues {
  group: string
  agency: string
  from: string
  to: string
}
/** The period the dashboard shows unless told otherwise: the 12 months up to today. */
export function defaultPeriod(today: string) {
  return { from: addCalendarDays(addMonths(today, -12), 1), to: today }
}

/**
 * The filters from the query string: a group (slug) and an agency (id) among the choices, and a
 * period of dates typed as 2026-04-01 or 1/4/2026. Anything wrong is reported and left out (the
 * default period stands in for a bad date), so the page always shows something.
 */
export function readFilter(
  query: Record<string, unknown>,
  choices: FilterChoices,
  today: string,
): { filter: DashboardFilter; errors: FilterErrors | null; values: FilterValues } {
  const text = (key: string) => {
    const value = query[key]
    return typeof value === 'string' ? value.trim().slice(0, 100) : ''
  }
  const values = { group: text('group'), agency: text('agency'), from: text('from'), to: text('to') }
  const errors: FilterErrors = { list: [], fields: {} }
  const fail = (field: keyof FilterErrors['fields'], message: string) => {
    errors.list.push({ text: message, href: `#${field}` })
    errors.fields[field] = { text: message }
  }
  const group = values.group ? (choices.groups.find((g) => g.slug === values.group) ?? null) : null
  if (values.group && !group) fail('group', 'Choose a group from the list')
  const agency = values.agency ? (choices.agencies.find((a) => a.id === values.agency) ?? null) : null
  if (values.agency && !agency) fail('agency', 'Choose an agency from the list')
  const period = defaultPeriod(today)
  let from = values.from ? filterDate(values.from) : period.from
  let to = values.to ? filterDate(values.to) : period.to
  if (!from) fail('from', 'Enter the start of the period as a real date, like 1/4/2025')
  if (!to) fail('to', 'Enter the end of the period as a real date, like 31/3/2026')
  if (from && to && from > to) {
    fail('to', 'The end of the period must be the same as or after its start')
    to = null
  }
  from ??= to && to < period.from ? addMonths(to, -12) : period.from
  to ??= from > period.to ? from : period.to
  return {
    filter: { group, agency, from, to },
    errors: errors.list.length ? errors : null,
    values: {
      ...values,
      from: values.from || from,
      to: values.to || to,
    },
  }
}

/**
 * The partnership's groups (its own, then those its collaborations share, as groups.repository's
 * visibleTo) and agencies for the filters, the confidential groups hidden from this viewer, and
 * the partnership's closure days (for its calendar), in one statement.
 */
export async function filterChoices(
  db: DbOrTx,
  partnershipId: string,
  viewer: MeetingViewer,
): Promise<FilterChoices & { closures: ClosureDay[] }> {
  const seeAll = isBusinessTeam(viewer.role)
  const userId = viewer.userId ?? '00000000-0000-0000-0000-000000000000'
  const { groupRows, agencyRows, closureRows } = await readAll(db, {
    groupRows: rows<{ id: string; slug: string; name: string; visible: boolean }>(
      sql`select g.id, g.slug, g.name,
            (${seeAll} or not g.confidential or exists (
              select 1 from memberships m join people p on p.id = m.person_id
              where m.group_id = g.id and p.user_id = ${userId})) as visible
          from groups g
          where g.partnership_id = ${partnershipId} or g.collaboration_id in (
            select c.collaboration_id from collaboration_members c where c.partnership_id = ${partnershipId})
          order by g.partnership_id is null, lower(g.name), g.id`,
    ),
    agencyRows: rows<{ id: string; name: string }>(
      sql`select id, name from agencies where partnership_id = ${partnershipId} order by lower(name), id`,
    ),
    closureRows: rows<ClosureDay>(
      sql`select day::text as day, reason from closure_days where partnership_id = ${partnershipId} order by day`,
    ),
  })
  return {
    groups: groupRows.filter((g) => g.visible).map(({ visible: _v, ...g }) => g),
    agencies: agencyRows,
    hiddenGroupIds: groupRows.filter((g) => !g.visible).map((g) => g.id),
    closures: closureRows,
  }
}

// --- Links --------------------------------------------------------------------------------------

/** A path with the query parameters that have a value, in the order given. */
export function withQuery(path: string, params: Record<string, string | null | undefined>): string {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value)
  const text = search.toString()
  return text ? `${path}?${text}` : path
}

/** The links behind the figures, each carrying the dashboard's filters. */
export function dashboardLinks(slug: string, filter: DashboardFilter) {
  const base = `/p/${slug}`
  const period = { from: filter.from, to: filter.to }
  const group = filter.group?.slug
  return {
    dashboard: (params: Partial<Record<keyof FilterValues, string>>) =>
      withQuery(`${base}/dashboard`, {
        group,
        agency: filter.agency?.id,
        ...period,
        ...params,
      }),
    actions: (params: { agency?: string; rag?: string }) =>
      withQuery(`${base}/actions`, {
        agency: params.agency ?? filter.agency?.id,
        rag: params.rag,
        group,
        ...period,
      }),
    agencyCompliance: (agencyId: string) => withQuery(`${base}/agencies/${agencyId}/compliance`, period),
    compliance: () => withQuery(`${base}/compliance`, { agency: filter.agency?.id, ...period }),
    letter: (id: string) => `${base}/compliance/letters/${id}`,
    flags: () => withQuery(`${base}/attendance-flags`, { group, agency: filter.agency?.id }),
    attendanceRates: (groupSlug?: string) =>
      withQuery(`${base}/attendance-rates`, {
        group: groupSlug ?? group,
        agency: filter.agency?.id,
        ...period,
      }),
    meetings: (groupSlug: string) => withQuery(`${base}/meetings`, { group: groupSlug, period: 'past' }),
    meeting: (id: string, tab = '') => `${meetingPath(slug, id)}${tab}`,
  }
}

export interface DashboardInput {
  partnershipId: string
  slug: string
  filter: DashboardFilter
  hiddenGroupIds: string[]
  today: string
  rules: RuleSet
  calendar: WorkingCalendar
  /** The partnership's closure days: the calendar's, for counting working days quickly. */
  closures: readonly ClosureDay[]
  /** The groups and agencies the figures name (the filter's choices). */
  groups: readonly { id: string; slug: string; name: string }[]
  agencies: readonly { id: string; name: string }[]
}

/** Every figure of the dashboard, read in one statement. */
export async function dashboardFigures(db: DbOrTx, input: DashboardInput) {
  const { filter, today, rules } = input
  const scope: Scope = { partnershipId: input.partnershipId, filter, hiddenGroupIds: input.hiddenGroupIds }
  const links = dashboardLinks(input.slug, filter)
  const read = await readAll(db, {
    overdueRows: overdueByAgency(scope, today),
    responseRows: firstResponses(scope),
    failureRows: failuresByAgency(scope),
    paperRows: papersByMeeting(scope),
    meetingRows: heldMeetings(scope, today),
    attendanceRows: attendanceByGroup(scope),
    flagRows: openFlags(scope),
    letterRows: lettersInPeriod(scope),
  })
  // Names come from the filter's choices, read already, rather than from a join in every query.
  const agencyNames = new Map(input.agencies.map((a) => [a.id, a.name]))
  const groupsById = new Map(input.groups.map((g) => [g.id, g]))
  const agencyName = (id: string) => agencyNames.get(id) ?? 'An agency'
  const group = (id: string) => groupsById.get(id) ?? { name: 'A group', slug: '' }
  const byName = (a: { name: string; id: string }, b: { name: string; id: string }) =>
    a.name.toLowerCase().localeCompare(b.name.toLowerCase()) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  const overdueRows = read.overdueRows
    .map((r) => ({ ...r, agencyName: agencyName(r.agencyId) }))
    .sort(
      (a, b) =>
        b.count - a.count ||
        byName({ name: a.agencyName, id: a.agencyId }, { name: b.agencyName, id: b.agencyId }),
    )
  const responseRows = read.responseRows.map((r) => ({ ...r, agencyName: agencyName(r.agencyId) }))
  const failureRows = read.failureRows.map((r) => ({ ...r, agencyName: agencyName(r.agencyId) }))
  const paperRows = read.paperRows.map((r) => ({ ...r, groupName: group(r.groupId).name }))
  const meetingRows = read.meetingRows.map((r) => ({
    ...r,
    groupName: group(r.groupId).name,
    groupSlug: group(r.groupId).slug,
  }))
  const attendanceRows = read.attendanceRows
    .map((r) => ({ ...r, groupName: group(r.groupId).name, groupSlug: group(r.groupId).slug }))
    .sort((a, b) => byName({ name: a.groupName, id: a.groupId }, { name: b.groupName, id: b.groupId }))
  const flagRows = read.flagRows.map((r) => ({
    ...r,
    groupName: group(r.groupId).name,
    agencyName: r.agencyId ? agencyName(r.agencyId) : null,
  }))
  const letterRows = read.letterRows.map((r) => ({ ...r, agencyName: agencyName(r.agencyId) }))

  // Every date the figures count from or to, in one range: from the earliest issue of an action
  // answered in the period to beyond the last deadline counted (the rules allow up to 60 working days).
  const earliest = responseRows.reduce((d, r) => (r.issuedOn < d ? r.issuedOn : d), filter.from)
  const latest = filter.to > today ? filter.to : today
  const calendar = rangeCalendar(
    input.calendar,
    input.closures,
    addCalendarDays(earliest, -1),
    addCalendarDays(latest, 100),
  )
  const overdue = {
    total: overdueRows.reduce((n, r) => n + r.count, 0),
    href: links.actions({ rag: 'overdue' }),
    rows: overdueRows.map((r) => ({ ...r, href: links.actions({ agency: r.agencyId, rag: 'overdue' }) })),
  }

  return {
    overdue,
    responses: responseFigures(responseRows, failureRows, calendar, links, rules),
    papers: paperFigures(paperRows, filter, today, rules, calendar, links),
    minutes: minutesFigures(meetingRows, today, rules, calendar, links),
    attendance: attendanceFigures(attendanceRows, links),
    flags: {
      count: flagRows.length,
      href: links.flags(),
      rows: flagRows.slice(0, LIST_LIMIT).map((f) => ({
        ...f,
        meeting: { text: meetingTitle(f, f.groupName), href: links.meeting(f.meetingId, '/attendance') },
        raisedOnText: formatDate(f.raisedOn),
      })),
    },
    letters: {
      count: letterRows.length,
      sent: letterRows.filter((l) => l.sentOn).length,
      drafts: letterRows.filter((l) => !l.sentOn).length,
      href: links.compliance(),
      rows: letterRows.slice(0, LIST_LIMIT).map((l) => ({
        ...l,
        href: links.letter(l.id),
        agencyHref: links.agencyCompliance(l.agencyId),
        dateText: l.sentOn ? `Sent ${formatDate(l.sentOn)}` : `Drafted ${formatDate(l.draftedOn)}, not sent`,
      })),
    },
  }
}

export type DashboardFigures = Awaited<ReturnType<typeof dashboardFigures>>

/**
 * Everything the dashboard page shows, from the request's query: the filter choices, the figures
 * and their charts. The route renders it as it is; the benchmark's template-only baseline renders
 * a copy captured once.
 */
export async function dashboardPage(
  db: DbOrTx,
  input: {
    partnershipId: string
    slug: string
    viewer: MeetingViewer
    today: string
    query: Record<string, unknown>
  },
) {
  const [choices, rules] = await Promise.all([
    filterChoices(db, input.partnershipId, input.viewer),
    getRuleSet(db, input.partnershipId),
  ])
  const { closures } = choices
  const calendar = createCalendar({ closureDays: closures })
  const { filter, errors, values } = readFilter(input.query, choices, input.today)
  const figures = await dashboardFigures(db, {
    partnershipId: input.partnershipId,
    slug: input.slug,
    filter,
    hiddenGroupIds: choices.hiddenGroupIds,
    today: input.today,
    rules,
    calendar,
    closures,
    groups: choices.groups,
    agencies: choices.agencies,
  })
  const period = `${formatDate(filter.from)} to ${formatDate(filter.to)}`
  const links = dashboardLinks(input.slug, filter)
  return {
    errors,
    values,
    filter,
    period,
    filtered: Boolean(filter.group || filter.agency),
    groupItems: [
      { value: '', text: 'All groups' },
      ...choices.groups.map((g) => ({ value: g.slug, text: g.name })),
    ],
    agencyItems: [
      { value: '', text: 'All agencies' },
      ...choices.agencies.map((a) => ({ value: a.id, text: a.name })),
    ],
    clearHref: `/p/${input.slug}/dashboard`,
    registerHref: links.actions({}),
    ...figures,
    charts: dashboardCharts({ period, ...figures }),
  }
}

export type DashboardPage = Awaited<ReturnType<typeof dashboardPage>>
