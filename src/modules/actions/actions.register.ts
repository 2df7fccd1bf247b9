import { PassThrough, type Readable } from 'node:stream'
import { and, asc, desc, eq, gte, inArray, lte, type SQL, sql } from 'drizzle-orm'
import ExcelJS from 'exceljs'
import { z } from 'zod'
import { csvRow } from '../../platform/audit/csv.ts'
import { createCalendarRepository } from '../../platform/calendar/calendar.repository.ts'
import type { WorkingCalendar } from '../../platform/calendar/calendar.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import type { DbOrTx } from '../../platform/db/client.ts'
import type { RuleSet } from '../../platform/rules/rules.definitions.ts'
import { getRuleSet } from '../../platform/rules/rules.service.ts'
import type { MeetingViewer } from '../meetings/meetings.access.ts'
import { meetings } from '../meetings/meetings.table.ts'
import { agencies, groups, people } from '../partnership/structure.table.ts'
import { visibleActions } from './actions.access.ts'
import {
  type ActionRag,
  actionRagLabels,
  actionRagSql,
  actionRags,
  actionRagWhere,
  answeredJoinedSql,
  deadlineCounter,
  lastResponseOnSql,
  type RagWindow,
  ragWindow,
  responseCountSql,
} from './actions.rules.ts'
import { actionResponses, actions } from './actions.table.ts'

// The register of actions: every action the viewer may see, filtered, counted by RAG status and
// sorted in SQL, a page at a time or all (bounded) for an export. Every query starts with the
// partnership, so it reads one partnership's slice of the indexes.

export const PAGE_SIZE = 25
/** An export is bounded: a register this long is read in pieces through the filters. */
export const MAX_EXPORT_ROWS = 20_000

export const actionSorts = ['reference', 'due', 'agency'] as const
export type ActionSort = (typeof actionSorts)[number]

const optionalText = z
  .string()
  .trim()
  .max(200)
  .optional()
  .catch(undefined)
  .transform((v) => v || undefined)

/**
 * The register's query string: the contract other pages (the dashboard) link to. `group` is the
 * group's slug, `agency` and `meeting` are ids, `rag` a status, `from`/`to` bound the due date.
 * Anything unexpected falls back to the default, never an error page. With no sort the earliest
 * deadlines come first.
 */
export const actionRegisterQuery = z
  .object({
    group: z
      .string()
      .regex(/^[a-z0-9-]{1,80}$/)
      .optional()
      .catch(undefined),
    agency: z.uuid().optional().catch(undefined),
    meeting: z.uuid().optional().catch(undefined),
    rag: z
      .enum(actionRags as [ActionRag, ...ActionRag[]])
      .optional()
      .catch(undefined),
    from: optionalText,
    to: optionalText,
    sort: z.enum(actionSorts).optional().catch(undefined),
    order: z.enum(['asc', 'desc']).optional().catch(undefined),
    page: z.coerce.number().int().min(1).max(100_000).catch(1),
  })
  .transform((q) => ({ ...q, sort: q.sort ?? ('due' as ActionSort), order: q.order ?? 'asc' }))
export type ActionRegisterQuery = z.output<typeof actionRegisterQuery>

export interface ActionFilter {
  /** The group's slug. */
  group?: string
  agencyId?: string
  meetingId?: string
  rag?: ActionRag
  /** Due on or after. */
  from?: string | null
  /** Due on or before. */
  to?: string | null
}

export interface RegisterOptions {
  partnershipId: string
  viewer: MeetingViewer
  window: RagWindow
  filter: ActionFilter
  sort: ActionSort
  order: 'asc' | 'desc'
}

/** The partnership's rules and working calendar, and the dates the RAG status needs today. */
export async function ragContext(
  db: DbOrTx,
  partnershipId: string,
  today: string,
): Promise<{ rules: RuleSet; calendar: WorkingCalendar; window: RagWindow }> {
  const [rules, calendar] = await Promise.all([
    getRuleSet(db, partnershipId),
    createCalendarRepository(db).calendarFor(partnershipId),
  ])
  return { rules, calendar, window: ragWindow(today, calendar, rules.actionReminderBefore) }
}

/**
 * The partnership's responses summed up per action, read once through the index that starts
 * with the partnership: how many, the last, and the deadlines they answered (for
 * answeredJoinedSql). A whole register joins this rather than looking up each action's responses.
 */
function responsesSummary(db: DbOrTx, partnershipId: string) {
  return db
    .select({
      actionId: actionResponses.actionId,
      dues: sql<string[]>`array_agg(${actionResponses.dueOn})`.as('dues'),
      n: sql<number>`count(*)::int`.as('n'),
      last: sql<string>`max(${actionResponses.respondedOn})::text`.as('last'),
    })
    .from(actionResponses)
    .where(eq(actionResponses.partnershipId, partnershipId))
    .groupBy(actionResponses.actionId)
    .as('resp')
}

/** What the filters ask; `answered` says how the query knows an action is answered. */
function registerWhere(options: RegisterOptions, withRag = true, answered?: SQL): SQL | undefined {
  const { filter, window } = options
  return and(
    eq(actions.partnershipId, options.partnershipId),
    filter.agencyId ? eq(actions.ownerAgencyId, filter.agencyId) : undefined,
    filter.meetingId ? eq(actions.meetingId, filter.meetingId) : undefined,
    filter.group ? eq(groups.slug, filter.group) : undefined,
    filter.from ? gte(actions.dueOn, filter.from) : undefined,
    filter.to ? lte(actions.dueOn, filter.to) : undefined,
    withRag && filter.rag
      ? actionRagWhere(filter.rag, window.today, window.dueSoonUntil, answered)
      : undefined,
    visibleActions(options.viewer),
  )
}

function orderBy(options: RegisterOptions): SQL[] {
  const dir = options.order === 'desc' ? desc : asc
  const year = sql`substring(${actions.reference} from 2 for 4)`
  const number = sql`cast(substring(${actions.reference} from '-([0-9]+)$') as integer)`
  const tie = [dir(year), dir(number), asc(actions.id)]
  const due = sql`${actions.dueOn} ${sql.raw(options.order)} nulls last`
  if (options.sort === 'reference') return tie
  if (options.sort === 'agency') return [dir(agencies.name), sql`${actions.dueOn} asc nulls last`, ...tie]
  return [due, ...tie]
}

/** An approved extension set the deadline in force: the London day it was approved. */
const extendedOnSql = sql<
  string | null
>`(select max((e."decided_at" at time zone 'Europe/London')::date)::text
  from "action_extensions" e where e."action_id" = "actions"."id" and e."decision" = 'approved'
  and e."new_due_on" = "actions"."due_on")`

export interface RegisterRow {
  id: string
  reference: string
  description: string
  groupId: string
  groupSlug: string
  groupName: string
  meetingId: string | null
  meetingHeldOn: string | null
  meetingKind: 'ordinary' | 'extraordinary' | null
  ownerAgencyId: string
  ownerAgencyName: string
  ownerPersonName: string | null
  issuedOn: string | null
  dueOn: string | null
  closedAt: Date | null
  closedReason: string | null
  rag: ActionRag
  responseCount: number
  lastResponseOn: string | null
  extendedOn: string | null
}

const columns = {
  id: actions.id,
  reference: actions.reference,
  description: actions.description,
  groupId: groups.id,
  groupSlug: groups.slug,
  groupName: groups.name,
  meetingId: actions.meetingId,
  meetingHeldOn: meetings.heldOn,
  meetingKind: meetings.kind,
  ownerAgencyId: actions.ownerAgencyId,
  ownerAgencyName: agencies.name,
  ownerPersonName: people.name,
  issuedOn: actions.issuedOn,
  dueOn: actions.dueOn,
  closedAt: actions.closedAt,
  closedReason: actions.closedReason,
  extendedOn: extendedOnSql,
}

/**
 * The rows of a few actions (a page), each counting its own responses: the lookups run only for
 * the rows shown, because the page is chosen first (pageIds) and the rest is read for it.
 */
function fewRowsSelect(db: DbOrTx, window: RagWindow) {
  return db
    .select({
      ...columns,
      rag: actionRagSql(window.today, window.dueSoonUntil),
      responseCount: responseCountSql,
      lastResponseOn: lastResponseOnSql,
    })
    .from(actions)
    .innerJoin(groups, eq(groups.id, actions.groupId))
    .innerJoin(agencies, eq(agencies.id, actions.ownerAgencyId))
    .leftJoin(people, eq(people.id, actions.ownerPersonId))
    .leftJoin(meetings, eq(meetings.id, actions.meetingId))
}

/** The rows of many actions (an export), with the partnership's responses summed up once. */
function manyRowsSelect(db: DbOrTx, options: RegisterOptions) {
  const resp = responsesSummary(db, options.partnershipId)
  return db
    .select({
      ...columns,
      rag: actionRagSql(options.window.today, options.window.dueSoonUntil, answeredJoinedSql),
      responseCount: sql<number>`coalesce(${resp.n}, 0)`,
      lastResponseOn: sql<string | null>`${resp.last}`,
    })
    .from(actions)
    .innerJoin(groups, eq(groups.id, actions.groupId))
    .innerJoin(agencies, eq(agencies.id, actions.ownerAgencyId))
    .leftJoin(people, eq(people.id, actions.ownerPersonId))
    .leftJoin(meetings, eq(meetings.id, actions.meetingId))
    .leftJoin(resp, eq(resp.actionId, actions.id))
    .where(registerWhere(options, true, answeredJoinedSql))
}

/** The ids of one page of actions, in order: only what the filters and the sort need is read. */
function pageIds(db: DbOrTx, options: RegisterOptions, limit: number, offset: number) {
  let query = db
    .select({ id: actions.id })
    .from(actions)
    .innerJoin(groups, eq(groups.id, actions.groupId))
    .$dynamic()
  if (options.sort === 'agency') query = query.innerJoin(agencies, eq(agencies.id, actions.ownerAgencyId))
  if (options.filter.rag) {
    const resp = responsesSummary(db, options.partnershipId)
    query = query.leftJoin(resp, eq(resp.actionId, actions.id))
  }
  return query
    .where(registerWhere(options, true, answeredJoinedSql))
    .orderBy(...orderBy(options))
    .limit(limit)
    .offset(offset)
}

/** One page of rows: its ids chosen first, then everything about those rows. */
async function pageRows(db: DbOrTx, options: RegisterOptions, limit: number, offset: number) {
  const rows = await fewRowsSelect(db, options.window)
    .where(inArray(actions.id, pageIds(db, options, limit, offset)))
    .orderBy(...orderBy(options))
  return rows.map(normalise)
}

const normalise = (r: RegisterRow): RegisterRow => ({
  ...r,
  responseCount: Number(r.responseCount),
  lastResponseOn: r.lastResponseOn ? String(r.lastResponseOn).slice(0, 10) : null,
})

export interface RegisterPage {
  rows: RegisterRow[]
  /** How many match every filter. */
  total: number
  /** How many match the other filters, by RAG status (the rag filter left out). */
  counts: Record<ActionRag, number>
  page: number
  pages: number
}

/** How many actions match the filters (all but the RAG status), by RAG status: one query. */
export async function countByRag(db: DbOrTx, options: RegisterOptions): Promise<Record<ActionRag, number>> {
  const resp = responsesSummary(db, options.partnershipId)
  const rag = actionRagSql(options.window.today, options.window.dueSoonUntil, answeredJoinedSql)
  const rows = await db
    .select({ rag, n: sql<number>`count(*)` })
    .from(actions)
    .innerJoin(groups, eq(groups.id, actions.groupId))
    .leftJoin(resp, eq(resp.actionId, actions.id))
    .where(registerWhere(options, false))
    // By position: the status is written with parameters, which PostgreSQL does not match by value.
    .groupBy(sql`1`)
  const counts = Object.fromEntries(actionRags.map((r) => [r, 0])) as Record<ActionRag, number>
  for (const row of rows) counts[row.rag] = Number(row.n)
  return counts
}

/** One page of the register, the counts by RAG status and how many match: two queries. */
export async function listActionRegister(
  db: DbOrTx,
  options: RegisterOptions & { page: number; pageSize: number },
): Promise<RegisterPage> {
  const counts = await countByRag(db, options)
  const total = options.filter.rag
    ? counts[options.filter.rag]
    : Object.values(counts).reduce((a, b) => a + b, 0)
  const pages = Math.max(1, Math.ceil(total / options.pageSize))
  const page = Math.min(Math.max(1, options.page), pages)
  const rows = await pageRows(db, options, options.pageSize, (page - 1) * options.pageSize)
  return { rows, total, counts, page, pages }
}

/**
 * Every matching action (up to MAX_EXPORT_ROWS) in the register's order, for the exports and a
 * meeting's tab. A meeting's few actions look up their own responses; a register reads the
 * partnership's responses once.
 */
export async function actionRegisterRows(db: DbOrTx, options: RegisterOptions): Promise<RegisterRow[]> {
  if (options.filter.meetingId) return pageRows(db, options, MAX_EXPORT_ROWS, 0)
  const rows = await manyRowsSelect(db, options)
    .orderBy(...orderBy(options))
    .limit(MAX_EXPORT_ROWS)
  return rows.map(normalise)
}

/** One page of rows as the API and other pages read them, with the total: two queries. */
export async function actionRows(
  db: DbOrTx,
  options: RegisterOptions & { limit: number; offset: number },
): Promise<{ rows: RegisterRow[]; total: number }> {
  const resp = responsesSummary(db, options.partnershipId)
  const counting = db
    .select({ n: sql<number>`count(*)` })
    .from(actions)
    .innerJoin(groups, eq(groups.id, actions.groupId))
    .$dynamic()
  const [counted] = await (options.filter.rag
    ? counting.leftJoin(resp, eq(resp.actionId, actions.id))
    : counting
  ).where(registerWhere(options, true, answeredJoinedSql))
  const rows = await pageRows(db, options, options.limit, options.offset)
  return { rows, total: Number(counted?.n ?? 0) }
}

/** The groups with actions the viewer may see, for the group filter. */
export function registerGroups(db: DbOrTx, partnershipId: string, viewer: MeetingViewer) {
  return db
    .selectDistinct({ slug: groups.slug, name: groups.name })
    .from(actions)
    .innerJoin(groups, eq(groups.id, actions.groupId))
    .where(and(eq(actions.partnershipId, partnershipId), visibleActions(viewer)))
    .orderBy(asc(groups.name), asc(groups.slug))
}

/** Every agency of the partnership (those that have left too: they may own old actions), for the agency filter. */
export function registerAgencies(db: DbOrTx, partnershipId: string) {
  return db
    .select({ id: agencies.id, name: agencies.name })
    .from(agencies)
    .where(eq(agencies.partnershipId, partnershipId))
    .orderBy(asc(agencies.name), asc(agencies.id))
}

export const exportColumns = [
  'Reference',
  'Group',
  'Meeting date',
  'Action',
  'Owner agency',
  'Owner',
  'Issued',
  'Due',
  'How the due date was reached',
  'Status',
  'Responses',
  'Last response',
  'Closed',
  'Why closed',
] as const

/** The rows with their deadlines explained (each issue date counted once). */
export function exportValues(rows: readonly RegisterRow[], rules: RuleSet, calendar: WorkingCalendar) {
  const deadlineOf = deadlineCounter(rules, calendar)
  return rows.map((row) => [
    row.reference,
    row.groupName,
    row.meetingHeldOn ?? '',
    row.description,
    row.ownerAgencyName,
    row.ownerPersonName ?? '',
    row.issuedOn ?? '',
    row.dueOn ?? '',
    deadlineOf(row, row.extendedOn)?.explanation ?? '',
    actionRagLabels[row.rag].text,
    row.responseCount,
    row.lastResponseOn ?? '',
    row.closedAt ? londonDate(row.closedAt) : '',
    row.closedReason ?? '',
  ])
}

/** The rows as CSV (UTF-8 with a byte-order mark so spreadsheets read it right; formulas defused). */
export function actionsCsv(values: readonly unknown[][]): string {
  return `\ufeff${csvRow(exportColumns)}${values.map((v) => csvRow(v)).join('')}`
}

const dateColumns = new Set([3, 7, 8, 12, 13])
const asDate = (day: unknown) => (typeof day === 'string' && day ? new Date(`${day}T00:00:00Z`) : null)

/**
 * The rows as an Excel workbook written by exceljs's streaming writer: one sheet, dates as dates,
 * the header frozen and filterable. Each row is committed as it is written, so the workbook is
 * never held whole in memory.
 */
export function actionsXlsx(values: readonly unknown[][]): Readable {
  const output = new PassThrough()
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true })
  workbook.creator = 'MASA'
  const sheet = workbook.addWorksheet('Actions', { views: [{ state: 'frozen', ySplit: 1 }] })
  sheet.columns = exportColumns.map((header, i) => ({
    header,
    width:
      header === 'Action'
        ? 60
        : header === 'How the due date was reached' || header === 'Why closed'
          ? 40
          : Math.max(14, header.length + 2),
    style: dateColumns.has(i + 1) ? { numFmt: 'd mmmm yyyy' } : {},
  }))
  sheet.getRow(1).font = { bold: true }
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: exportColumns.length } }
  sheet.getRow(1).commit()
  const write = async () => {
    for (const row of values) {
      sheet.addRow(row.map((v, i) => (dateColumns.has(i + 1) ? asDate(v) : v))).commit()
    }
    sheet.commit()
    await workbook.commit()
  }
  write().catch((error: unknown) => output.destroy(error as Error))
  return output
}
