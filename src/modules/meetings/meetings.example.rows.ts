import type { attendance } from './attendance.table.ts'
import type { decisionObjections, decisions } from './decisions.table.ts'
import type {
  agendaItems,
  extraordinaryRequests,
  extraordinarySupporters,
  meetings,
} from './meetings.table.ts'
import type { minutes } from './minutes.table.ts'
import type { papers, paperVersions } from './papers.table.ts'

// The rows the example and the benchmark write to the meetings tables, as plain objects.

export type MeetingRow = typeof meetings.$inferInsert & {
  id: string
  heldOn: string
  startsAt: Date
  endsAt: Date
}
export type AgendaItemRow = typeof agendaItems.$inferInsert & { id: string; position: number }
export type PaperRow = typeof papers.$inferInsert & { id: string }
export type PaperVersionRow = typeof paperVersions.$inferInsert & { id: string }
export type AttendanceRow = typeof attendance.$inferInsert & { id: string }
export type MinutesRow = typeof minutes.$inferInsert & { id: string }
export type DecisionRow = typeof decisions.$inferInsert & { id: string; reference: string }
export type ObjectionRow = typeof decisionObjections.$inferInsert & { id: string }
export type RequestRow = typeof extraordinaryRequests.$inferInsert & { id: string }
export type SupporterRow = typeof extraordinarySupporters.$inferInsert

/** Rows for the meetings tables, in the order they can be inserted. */
export interface ExampleRows {
  requests: RequestRow[]
  supporters: SupporterRow[]
  meetings: MeetingRow[]
  agendaItems: AgendaItemRow[]
  papers: PaperRow[]
  paperVersions: PaperVersionRow[]
  attendance: AttendanceRow[]
  minutes: MinutesRow[]
  decisions: DecisionRow[]
  objections: ObjectionRow[]
}

export const emptyRows = (): ExampleRows => ({
  requests: [],
  supporters: [],
  meetings: [],
  agendaItems: [],
  papers: [],
  paperVersions: [],
  attendance: [],
  minutes: [],
  decisions: [],
  objections: [],
})

/** Appends `more` to `rows` (arrays of a few thousand rows: no spread into a call). */
export function addRows(rows: ExampleRows, more: ExampleRows): ExampleRows {
  for (const key of Object.keys(rows) as (keyof ExampleRows)[]) {
    const target = rows[key] as unknown[]
    for (const row of more[key]) target.push(row)
  }
  return rows
}

/**
 * Gives each decision its reference, `D<year>-nnn`, numbered through each partnership's year in
 * the order the meetings were held, after `existing` references (keyed `partnershipId/year`).
 */
export function numberDecisions(rows: ExampleRows, existing = new Map<string, number>()): void {
  const heldOn = new Map(rows.meetings.map((m) => [m.id, m.heldOn]))
  const ordered = rows.decisions
    .map((d, i) => ({ d, i, day: heldOn.get(d.meetingId) ?? '' }))
    .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.i - b.i))
  const counters = new Map(existing)
  for (const { d, day } of ordered) {
    const key = `${d.partnershipId}/${day.slice(0, 4)}`
    const n = (counters.get(key) ?? 0) + 1
    counters.set(key, n)
    d.reference = `D${day.slice(0, 4)}-${String(n).padStart(3, '0')}`
  }
}
