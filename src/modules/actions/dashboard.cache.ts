import { partnershipVersion } from '../../platform/audit/audit.version.ts'
import type { DbOrTx } from '../../platform/db/client.ts'
import { isBusinessTeam, type MeetingViewer } from '../meetings/meetings.access.ts'
import { type DashboardPage, dashboardPage } from './dashboard.service.ts'

/**
 * The dashboard's figures and charts, kept while nothing they count has changed. Reading ten years
 * of a partnership's actions, responses, papers, minutes and attendance costs far more than the
 * page around them, and most views of the dashboard ask the same question again. An entry is good
 * for one London day (overdue and late are counted against today), one viewer's view (confidential
 * groups are left out unless the viewer sits on them; the business team sees all), one set of
 * filters, and one version of the partnership's records: the sequence of its newest audit entry,
 * which every change writes in its own transaction (the daily sweep included). A minute's lifetime
 * bounds anything that changes without a trace; entries live in this process only.
 */
const LIFETIME_MS = 60_000
const MAX_ENTRIES = 500

interface Entry {
  version: number
  storedAt: number
  page: DashboardPage
}

const entries = new Map<string, Entry>()

type PageInput = Parameters<typeof dashboardPage>[1]

const viewerKey = (viewer: MeetingViewer) =>
  isBusinessTeam(viewer.role) ? 'business-team' : `${viewer.role ?? 'none'}:${viewer.userId ?? ''}`

/** The filters as the dashboard reads them (other parameters change nothing), in a fixed order. */
const queryKey = (query: Record<string, unknown>) =>
  JSON.stringify(['group', 'agency', 'from', 'to'].map((k) => (typeof query[k] === 'string' ? query[k] : '')))

export async function cachedDashboardPage(
  db: DbOrTx,
  input: PageInput,
  now: number = Date.now(),
): Promise<DashboardPage> {
  const key = [input.partnershipId, input.today, viewerKey(input.viewer), queryKey(input.query)].join('|')
  const version = await partnershipVersion(db, input.partnershipId)
  const entry = entries.get(key)
  if (entry && entry.version === version && now - entry.storedAt < LIFETIME_MS) return entry.page
  const page = await dashboardPage(db, input)
  entries.delete(key)
  entries.set(key, { version, storedAt: now, page })
  // Oldest first in a Map's order: drop the oldest once there are too many.
  if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!)
  return page
}

/** For tests: forget every entry. */
export function clearDashboardCache() {
  entries.clear()
}
