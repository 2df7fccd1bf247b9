import { addCalendarDays, formatDate } from '../../platform/calendar/calendar.ts'
import type { RuleSet } from '../../platform/rules/rules.definitions.ts'
import { escapeHtml } from './agencies.form.ts'
import {
  cadenceInWords,
  groupKindLabels,
  roleLabels,
  roleTagClasses,
  standardItemInWords,
} from './groups.labels.ts'
import type { CurrentMember, VisibleGroup } from './groups.repository.ts'
import { chairRulesApply } from './memberships.rules.ts'
import { renderStructureChart, renderStructureList } from './structure-chart.ts'

// What the group pages show, worked out from the records: summary rows, member rows, the chart.

const row = (key: string, value: string) => ({ key: { text: key }, value: { text: value } })

export function groupSummaryRows(group: VisibleGroup, today: string, base: string) {
  const rows: { key: { text: string }; value: { text?: string; html?: string } }[] = [
    row('Kind', groupKindLabels[group.kind]),
  ]
  if (group.collaborationName) rows.push(row('Shared by', group.collaborationName))
  rows.push(
    group.accountableToName && group.accountableToSlug
      ? {
          key: { text: 'Reports to' },
          value: {
            html: `<a class="govuk-link" href="${base}/${escapeHtml(group.accountableToSlug)}">${escapeHtml(group.accountableToName)}</a>`,
          },
        }
      : row('Reports to', 'No other group'),
    row('Purpose', group.purpose || 'Not recorded'),
    row('How often it meets', cadenceInWords(group, today)),
    row('Quorum', group.quorum ? `${group.quorum} members` : 'Not set'),
    row('Membership', group.confidential ? 'Confidential' : 'Open to the partnership'),
  )
  if (group.endsOn) rows.push(row('Ends', formatDate(group.endsOn)))
  if (group.closedOn)
    rows.push(row('Closed', formatDate(group.closedOn)), row('Why', group.closedReason ?? ''))
  return rows
}

export const standardItemLines = (group: VisibleGroup) => group.standardItems.map(standardItemInWords)

/** A chair's tenure is ending soon when it ends within this many days: the page says so. */
const SOON_DAYS = 30

export function memberRows(group: VisibleGroup, members: readonly CurrentMember[], today: string) {
  const soon = addCalendarDays(today, SOON_DAYS)
  return members.map((m) => ({
    ...m,
    roleLabel: roleLabels[m.role],
    roleClass: roleTagClasses[m.role],
    tenureEnding:
      m.role === 'chair' && chairRulesApply(group.kind, m.role) && m.endsOn !== null && m.endsOn <= soon,
  }))
}

export interface ChartInput {
  id: string
  slug: string
  name: string
  kind: VisibleGroup['kind']
  accountableToId: string | null
}

/** The chart and its list, with each group's kind under its name and a link to its page. */
export function structureChart(groups: readonly ChartInput[], base: string, partnershipName: string) {
  const chartGroups = groups.map((g) => ({
    id: g.id,
    name: g.name,
    accountableToId: g.accountableToId,
    label: groupKindLabels[g.kind],
    href: `${base}/${g.slug}`,
  }))
  return {
    svg: renderStructureChart(chartGroups, {
      title: `Structure chart of ${partnershipName}: ${groups.length} ${groups.length === 1 ? 'group' : 'groups'}. The list after the chart gives the same reporting lines.`,
    }),
    list: renderStructureList(chartGroups),
  }
}

/** The seat form's hint: the rules that apply on this group, with the partnership's values. */
export function tenureHint(group: VisibleGroup, rules: RuleSet): string | null {
  return chairRulesApply(group.kind, 'chair')
    ? `Leave empty for a chair and it is set to the end of the ${rules.chairTenure}-month tenure.`
    : null
}
