import { formatDate } from '../../platform/calendar/calendar.ts'
import { escapeHtml } from './agencies.form.ts'
import { agencyKindLabels, sectorLabels, statutoryRoleLabels } from './agencies.labels.ts'

export interface HistoryEntry {
  at: Date
  action: string
  before: unknown
  after: unknown
  actorName: string | null
}

const fieldLabels: Record<string, string> = {
  name: 'Name',
  kind: 'Kind',
  sector: 'Sector',
  statutoryRole: 'Statutory role',
  leadPartnerTitle: 'Lead safeguarding partner',
  delegatedPartnerTitle: 'Delegated safeguarding partner',
  executiveName: 'Executive',
  executiveTitle: 'Executive’s job title',
  executiveEmail: 'Executive’s e-mail address',
  activeFrom: 'Date it joined',
  activeTo: 'Date it ended',
  closedReason: 'Why it ended',
}

const actionLabels: Record<string, string> = {
  create: 'Agency added',
  update: 'Details changed',
  end: 'Agency ended',
}

function shown(field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return 'none'
  const text = String(value)
  if (field === 'kind') return agencyKindLabels[text as keyof typeof agencyKindLabels] ?? text
  if (field === 'sector') return sectorLabels[text as keyof typeof sectorLabels] ?? text
  if (field === 'statutoryRole') return statutoryRoleLabels[text as keyof typeof statutoryRoleLabels] ?? text
  if (field === 'activeFrom' || field === 'activeTo') return formatDate(text)
  return text
}

const asRecord = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' ? (value as Record<string, unknown>) : {}

/** Audit entries about an agency as MOJ timeline items: what changed, from what, to what, by whom. */
export function timelineItems(entries: readonly HistoryEntry[]) {
  return entries.map((entry) => {
    const before = asRecord(entry.before)
    const after = asRecord(entry.after)
    // In the order of the page, not the order the database keeps JSON keys in.
    const lines = Object.keys(fieldLabels)
      .filter((field) => field in after)
      .filter((field) => fieldLabels[field] && (entry.action !== 'create' || after[field] !== null))
      .map((field) => {
        const label = escapeHtml(fieldLabels[field]!)
        const to = escapeHtml(shown(field, after[field]))
        return entry.action === 'update'
          ? `${label}: ${escapeHtml(shown(field, before[field]))} → ${to}`
          : `${label}: ${to}`
      })
    return {
      label: { text: actionLabels[entry.action] ?? entry.action },
      byline: entry.actorName ? { text: entry.actorName } : undefined,
      datetime: { timestamp: entry.at.toISOString() },
      html: lines.length
        ? `<ul class="govuk-list">${lines.map((line) => `<li>${line}</li>`).join('')}</ul>`
        : '',
    }
  })
}
