import { formatDate } from '../../platform/calendar/calendar.ts'
import type { Group, groupKinds, MembershipRole, StandardItem } from './structure.table.ts'

export type GroupKind = (typeof groupKinds)[number]

export const groupKindLabels: Record<GroupKind, string> = {
  strategic: 'Strategic group',
  executive: 'Executive board',
  subgroup: 'Sub-group',
  review_panel: 'Review panel',
  task_and_finish: 'Task-and-finish group',
  external: 'Group outside the partnership',
  other: 'Other group',
}

export const groupKindHints: Record<GroupKind, string> = {
  strategic: 'Sets the strategic direction, for example the safeguarding partners’ strategic group',
  executive: 'The decision-making board that oversees the multi-agency plan',
  subgroup: 'A standing group that reports to a board',
  review_panel: 'Reviews cases, for example a practice review panel',
  task_and_finish: 'Does one piece of work and then ends: needs an end date',
  external: 'Run with or by others, for example a pan-area panel',
  other: 'Anything else',
}

export const roleLabels: Record<MembershipRole, string> = {
  chair: 'Chair',
  vice_chair: 'Vice-chair',
  member: 'Member',
  deputy: 'Designated deputy',
  observer: 'Participating observer',
  lay_member: 'Lay member',
  business_manager: 'Business manager',
  minute_taker: 'Minute-taker',
}

export const roleHints: Partial<Record<MembershipRole, string>> = {
  chair: 'A sub-group’s chair holds the chair for a set tenure',
  deputy: 'Stands in for a named member of the group when they cannot attend',
  observer: 'Takes part in discussion but does not decide',
  lay_member: 'A member of the public who brings an independent view',
}

export const roleTagClasses: Record<MembershipRole, string> = {
  chair: 'govuk-tag--purple',
  vice_chair: 'govuk-tag--blue',
  member: 'govuk-tag--green',
  deputy: 'govuk-tag--light-blue',
  observer: 'govuk-tag--grey',
  lay_member: 'govuk-tag--turquoise',
  business_manager: 'govuk-tag--orange',
  minute_taker: 'govuk-tag--grey',
}

export const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const

/** "3 hours 30 minutes", "2 hours", "45 minutes". */
export function durationInWords(minutes: number): string {
  const hours = Math.floor(minutes / 60)
  const rest = minutes % 60
  const parts = [
    hours ? `${hours} ${hours === 1 ? 'hour' : 'hours'}` : '',
    rest ? `${rest} ${rest === 1 ? 'minute' : 'minutes'}` : '',
  ].filter(Boolean)
  return parts.join(' ')
}

const perYear = (n: number) => `${n} ${n === 1 ? 'meeting' : 'meetings'} a year`

type Cadence = Pick<
  Group,
  'meetingsPerYear' | 'meetingMinutes' | 'transitionalMeetingsPerYear' | 'transitionalUntil'
>

/** "6 meetings a year until 30 April 2020, then 4 meetings a year; each meeting 2 hours". */
export function cadenceInWords(group: Cadence, today: string): string {
  const parts: string[] = []
  const transitional =
    group.transitionalMeetingsPerYear && group.transitionalUntil
      ? `${perYear(group.transitionalMeetingsPerYear)} until ${formatDate(group.transitionalUntil)}`
      : null
  if (transitional && group.transitionalUntil && group.transitionalUntil >= today) {
    parts.push(
      group.meetingsPerYear ? `${transitional}, then ${perYear(group.meetingsPerYear)}` : transitional,
    )
  } else if (group.meetingsPerYear) {
    parts.push(perYear(group.meetingsPerYear))
  }
  if (group.meetingMinutes) parts.push(`each meeting ${durationInWords(group.meetingMinutes)}`)
  const sentence = parts.join('; ')
  if (!sentence) return 'Not set: meets when needed'
  return sentence.charAt(0).toUpperCase() + sentence.slice(1)
}

/** "Finance (March and October)", or the title alone for an item at every meeting. */
export function standardItemInWords(item: StandardItem): string {
  if (!item.months?.length) return item.title
  const names = [...item.months].sort((a, b) => a - b).map((m) => MONTH_NAMES[m - 1] ?? String(m))
  const months = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`
  return `${item.title} (${months})`
}

/** The textarea's text: one item a line, months in brackets, as `parseStandardItems` reads it back. */
export function standardItemsText(items: readonly StandardItem[]): string {
  return items.map(standardItemInWords).join('\n')
}

const monthByName = new Map<string, number>()
MONTH_NAMES.forEach((name, i) => {
  monthByName.set(name.toLowerCase(), i + 1)
  monthByName.set(name.slice(0, 3).toLowerCase(), i + 1)
})
monthByName.set('sept', 9)

export type ItemsResult = { ok: true; items: StandardItem[] } | { ok: false; error: string }

export const MAX_STANDARD_ITEMS = 50

/**
 * Reads standard agenda items typed one a line, with the months in brackets when the item is
 * not at every meeting: "Finance (October and March)". A textarea keeps the journey working
 * without JavaScript, and the error names the line at fault.
 */
export function parseStandardItems(text: string): ItemsResult {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim().replace(/^[-•*]\s*/, ''))
    .filter(Boolean)
  if (lines.length > MAX_STANDARD_ITEMS)
    return { ok: false, error: `Enter ${MAX_STANDARD_ITEMS} standard agenda items or fewer` }
  const items: StandardItem[] = []
  for (const [i, line] of lines.entries()) {
    const where = `Standard agenda items, line ${i + 1}`
    const match = line.match(/^(.*?)\s*\(([^()]*)\)$/)
    const title = (match ? match[1] : line)?.trim() ?? ''
    if (!title) return { ok: false, error: `${where}: enter the item’s title before the brackets` }
    if (title.length > 200) return { ok: false, error: `${where}: the title must be 200 characters or fewer` }
    if (!match) {
      items.push({ title })
      continue
    }
    const months: number[] = []
    for (const word of (match[2] ?? '').split(/\s*(?:,|\/|&|\band\b)\s*/i).filter(Boolean)) {
      const month = /^\d{1,2}$/.test(word)
        ? Number(word)
        : monthByName.get(word.toLowerCase().replace(/\.$/, ''))
      if (!month || month < 1 || month > 12)
        return {
          ok: false,
          error: `${where}: “${word}” is not a month. Write months in brackets, like Finance (October and March)`,
        }
      if (!months.includes(month)) months.push(month)
    }
    items.push(months.length ? { title, months: months.sort((a, b) => a - b) } : { title })
  }
  return { ok: true, items }
}
