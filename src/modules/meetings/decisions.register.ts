import { and, asc, count, desc, eq, gte, ilike, lte, or, type SQL, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import ExcelJS from 'exceljs'
import { z } from 'zod'
import { csvRow } from '../../platform/audit/csv.ts'
import type { DbOrTx } from '../../platform/db/client.ts'
import { groups } from '../partnership/structure.table.ts'
import { decisionOutcomeLabels } from './decisions.labels.ts'
import {
  type DecisionState,
  decisionStateLabels,
  decisionStateSql,
  decisionStates,
} from './decisions.rules.ts'
import { type DecisionOutcome, decisionObjections, decisions } from './decisions.table.ts'
import { type MeetingViewer, visibleMeetings } from './meetings.access.ts'
import { agendaItems, type MeetingKind, meetings } from './meetings.table.ts'

// The register of decisions: every decision of the meetings the viewer may see, filtered and
// sorted in SQL (the state too, with decisionStateSql), a page at a time or all for an export.

export const PAGE_SIZE = 25
/** An export is bounded: a register this long is read in pieces through the filters. */
export const MAX_EXPORT_ROWS = 20_000

export const decisionSorts = ['reference', 'meeting', 'implementation', 'state'] as const
export type DecisionSort = (typeof decisionSorts)[number]

const optionalText = z
  .string()
  .trim()
  .max(200)
  .optional()
  .catch(undefined)
  .transform((v) => v || undefined)

/**
 * The register's query string. Anything unexpected falls back to the default, never an error
 * page. With no sort the newest meetings come first; a chosen column sorts ascending unless told.
 */
export const decisionRegisterQuery = z
  .object({
    group: z.uuid().optional().catch(undefined),
    state: z
      .enum(decisionStates as [DecisionState, ...DecisionState[]])
      .optional()
      .catch(undefined),
    q: optionalText,
    from: optionalText,
    to: optionalText,
    sort: z.enum(decisionSorts).optional().catch(undefined),
    order: z.enum(['asc', 'desc']).optional().catch(undefined),
    page: z.coerce.number().int().min(1).max(100_000).catch(1),
  })
  .transform((q) => ({
    ...q,
    sort: q.sort ?? ('meeting' as DecisionSort),
    order: q.order ?? (q.sort ? 'asc' : 'desc'),
  }))
export type DecisionRegisterQuery = z.output<typeof decisionRegisterQuery>

/** A date typed in a filter: 2026-04-01 (a date picker) or 1/4/2026 (typed); null when it is not a real date. */
export function filterDate(text: string | undefined): string | null {
  if (!text) return null
  const iso = text.match(/^(\d{4})-(\d{1,2})-(\d{1,2})$/)
  const typed = text.match(/^(\d{1,2})[/.\s-](\d{1,2})[/.\s-](\d{4})$/)
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : typed ? [typed[3], typed[2], typed[1]] : []
  if (!y || !m || !d) return null
  const day = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`
  const parsed = new Date(`${day}T00:00:00Z`)
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === day ? day : null
}

export interface DecisionFilter {
  groupId?: string
  state?: DecisionState
  q?: string
  /** Implementation date on or after. */
  from?: string | null
  /** Implementation date on or before. */
  to?: string | null
}

export interface RegisterOptions {
  partnershipId: string
  viewer: MeetingViewer
  today: string
  filter: DecisionFilter
  sort: DecisionSort
  order: 'asc' | 'desc'
}

export interface RegisterRow {
  id: string
  reference: string
  meetingId: string
  meetingHeldOn: string
  meetingKind: MeetingKind
  groupId: string
  groupName: string
  itemTitle: string
  text: string
  outcome: DecisionOutcome
  implementationOn: string | null
  deferredToHeldOn: string | null
  reconsiderationHeldOn: string | null
  withdrawnReason: string | null
  state: DecisionState
  objectionCount: number
}

const deferredMeeting = alias(meetings, 'deferred_meeting')
const reconsiderationMeeting = alias(meetings, 'reconsideration_meeting')

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`)

function registerWhere(options: RegisterOptions): SQL | undefined {
  const { filter, today } = options
  const like = filter.q ? `%${escapeLike(filter.q)}%` : null
  return and(
    eq(decisions.partnershipId, options.partnershipId),
    visibleMeetings(options.viewer, today),
    filter.groupId ? eq(meetings.groupId, filter.groupId) : undefined,
    filter.state ? sql`(${decisionStateSql(today)}) = ${filter.state}` : undefined,
    like
      ? or(ilike(decisions.text, like), ilike(decisions.reference, like), ilike(agendaItems.title, like))
      : undefined,
    filter.from ? gte(decisions.implementationOn, filter.from) : undefined,
    filter.to ? lte(decisions.implementationOn, filter.to) : undefined,
  )
}

function orderBy(options: RegisterOptions, state: SQL): SQL[] {
  const dir = options.order === 'desc' ? desc : asc
  const year = sql`substring(${decisions.reference} from 2 for 4)`
  const number = sql`cast(substring(${decisions.reference} from '-([0-9]+)$') as integer)`
  const tie = [dir(year), dir(number), asc(decisions.id)]
  if (options.sort === 'reference') return tie
  if (options.sort === 'implementation') {
    return [sql`${decisions.implementationOn} ${sql.raw(options.order)} nulls last`, ...tie]
  }
  if (options.sort === 'state') {
    // The states sort in the order of the workflow (agreed, implemented, suspended, …), not by name.
    const cases = sql.join(
      decisionStates.map((s, i) => sql`when ${s} then ${sql.raw(String(i))}`),
      sql` `,
    )
    return [dir(sql`case (${state}) ${cases} end`), desc(meetings.startsAt), ...tie]
  }
  return [dir(meetings.startsAt), ...tie]
}

function registerSelect(db: DbOrTx, today: string) {
  const state = decisionStateSql(today)
  return {
    state,
    query: db
      .select({
        id: decisions.id,
        reference: decisions.reference,
        meetingId: meetings.id,
        meetingHeldOn: meetings.heldOn,
        meetingKind: meetings.kind,
        groupId: groups.id,
        groupName: groups.name,
        itemTitle: agendaItems.title,
        text: decisions.text,
        outcome: decisions.outcome,
        implementationOn: decisions.implementationOn,
        deferredToHeldOn: deferredMeeting.heldOn,
        reconsiderationHeldOn: reconsiderationMeeting.heldOn,
        withdrawnReason: decisions.withdrawnReason,
        state,
        objectionCount: sql<number>`(select count(*) from ${decisionObjections} where ${decisionObjections.decisionId} = ${decisions.id})`,
      })
      .from(decisions)
      .innerJoin(meetings, eq(meetings.id, decisions.meetingId))
      .innerJoin(groups, eq(groups.id, meetings.groupId))
      .innerJoin(agendaItems, eq(agendaItems.id, decisions.agendaItemId))
      .leftJoin(deferredMeeting, eq(deferredMeeting.id, decisions.deferredToMeetingId))
      .leftJoin(reconsiderationMeeting, eq(reconsiderationMeeting.id, decisions.reconsiderationMeetingId)),
  }
}

export interface RegisterPage {
  rows: RegisterRow[]
  total: number
  page: number
  pages: number
}

/** One page of the register and how many decisions match: two queries. */
export async function listDecisionRegister(
  db: DbOrTx,
  options: RegisterOptions & { page: number; pageSize: number },
): Promise<RegisterPage> {
  const where = registerWhere(options)
  const [counted] = await db
    .select({ n: count() })
    .from(decisions)
    .innerJoin(meetings, eq(meetings.id, decisions.meetingId))
    .innerJoin(agendaItems, eq(agendaItems.id, decisions.agendaItemId))
    .where(where)
  const total = Number(counted?.n ?? 0)
  const pages = Math.max(1, Math.ceil(total / options.pageSize))
  const page = Math.min(Math.max(1, options.page), pages)
  const { state, query } = registerSelect(db, options.today)
  const rows = await query
    .where(where)
    .orderBy(...orderBy(options, state))
    .limit(options.pageSize)
    .offset((page - 1) * options.pageSize)
  return { rows: rows.map(normalise), total, page, pages }
}

/** Every matching decision (up to MAX_EXPORT_ROWS) in the register's order, for the exports. */
export async function decisionRegisterRows(db: DbOrTx, options: RegisterOptions): Promise<RegisterRow[]> {
  const { state, query } = registerSelect(db, options.today)
  const rows = await query
    .where(registerWhere(options))
    .orderBy(...orderBy(options, state))
    .limit(MAX_EXPORT_ROWS)
  return rows.map(normalise)
}

const normalise = <R extends { objectionCount: number | string }>(r: R) => ({
  ...r,
  objectionCount: Number(r.objectionCount),
})

/** The groups whose decisions the viewer may see, for the group filter. */
export function registerGroups(db: DbOrTx, partnershipId: string, viewer: MeetingViewer, today: string) {
  return db
    .selectDistinct({ id: groups.id, name: groups.name })
    .from(decisions)
    .innerJoin(meetings, eq(meetings.id, decisions.meetingId))
    .innerJoin(groups, eq(groups.id, meetings.groupId))
    .where(and(eq(decisions.partnershipId, partnershipId), visibleMeetings(viewer, today)))
    .orderBy(asc(groups.name), asc(groups.id))
}

export const exportColumns = [
  'Reference',
  'Group',
  'Meeting date',
  'Agenda item',
  'Decision',
  'How it was reached',
  'Implementation date',
  'State',
  'Objections',
  'Deferred to meeting on',
  'Reconsideration meeting on',
  'Why withdrawn',
] as const

function exportValues(row: RegisterRow) {
  return [
    row.reference,
    row.groupName + (row.meetingKind === 'extraordinary' ? ' (extraordinary)' : ''),
    row.meetingHeldOn,
    row.itemTitle,
    row.text,
    decisionOutcomeLabels[row.outcome],
    row.implementationOn ?? '',
    decisionStateLabels[row.state].text,
    row.objectionCount,
    row.deferredToHeldOn ?? '',
    row.reconsiderationHeldOn ?? '',
    row.withdrawnReason ?? '',
  ]
}

/** The rows as CSV (UTF-8 with a byte-order mark so spreadsheets read it right; formulas defused). */
export function decisionsCsv(rows: readonly RegisterRow[]): string {
  return `\ufeff${csvRow(exportColumns)}${rows.map((r) => csvRow(exportValues(r))).join('')}`
}

const dateColumns = new Set([3, 7, 10, 11])
const asDate = (day: unknown) => (typeof day === 'string' && day ? new Date(`${day}T00:00:00Z`) : null)

/** The rows as an Excel workbook: one sheet, dates as dates, the header frozen and filterable. */
export async function decisionsXlsx(rows: readonly RegisterRow[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  workbook.creator = 'MASA'
  const sheet = workbook.addWorksheet('Decisions', { views: [{ state: 'frozen', ySplit: 1 }] })
  sheet.columns = exportColumns.map((header, i) => ({
    header,
    width: header === 'Decision' ? 60 : header === 'Agenda item' ? 30 : Math.max(14, header.length + 2),
    style: dateColumns.has(i + 1) ? { numFmt: 'd mmmm yyyy' } : undefined,
  }))
  sheet.getRow(1).font = { bold: true }
  for (const row of rows) {
    sheet.addRow(exportValues(row).map((v, i) => (dateColumns.has(i + 1) ? asDate(v) : v)))
  }
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: exportColumns.length } }
  return Buffer.from(await workbook.xlsx.writeBuffer())
}
