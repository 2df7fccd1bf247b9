import { addCalendarDays, addMonths, formatDate } from '../../platform/calendar/calendar.ts'
import type { RuleSet } from '../../platform/rules/rules.definitions.ts'
import type { GroupKind } from './groups.labels.ts'
import type { CurrentMember } from './groups.repository.ts'
import type { Agency, Group, MembershipRole } from './structure.table.ts'

// The partnership's rules about seats, read from its rule set and shown where they apply. A rule
// may be broken knowingly: the seat is saved with the reason (`ruleException`) and the group
// page shows it.

/**
 * The seeds give sub-group chairs a one-year tenure and expect them to come from the partnership's
 * agencies. Boards (strategic, executive) are led by the safeguarding partners themselves, and a
 * review panel's chair is often independent, so the two chair rules apply to these kinds only.
 */
export const chairRuleKinds: readonly GroupKind[] = ['subgroup', 'task_and_finish']
export const partnerAgencyKinds: readonly Agency['kind'][] = ['statutory_partner', 'relevant_agency']

/** Thurrock's arrangements give the executive board two lay members. */
/** How many lay members an executive board should have: the partnership's rule (the seeds' two). */
export function layMembersRequired(rules: RuleSet): number {
  return rules.executiveLayMembers
}

/**
 * The last day of a tenure of `months` from `startsOn`: the day before the anniversary, so a
 * one-year chair from 1 April 2026 holds the chair up to and including 31 March 2027 (seat end
 * dates are inclusive, as the Thurrock example's are).
 */
export function tenureLastDay(startsOn: string, months: number): string {
  return addCalendarDays(addMonths(startsOn, months), -1)
}

export const chairRulesApply = (kind: GroupKind, role: MembershipRole) =>
  role === 'chair' && chairRuleKinds.includes(kind)

/** A chair without an end date gets one: the end of the tenure. Null when no rule sets one. */
export function defaultEndsOn(
  kind: GroupKind,
  role: MembershipRole,
  startsOn: string,
  rules: RuleSet,
): string | null {
  return chairRulesApply(kind, role) ? tenureLastDay(startsOn, rules.chairTenure) : null
}

export interface SeatToCheck {
  groupKind: GroupKind
  role: MembershipRole
  startsOn: string
  endsOn: string | null
  personName: string
  personAgency: Pick<Agency, 'name' | 'kind'> | null
}

const months = (n: number) => `${n} ${n === 1 ? 'month' : 'months'}`

/** The rules this seat breaks, each as a sentence. */
export function brokenRules(seat: SeatToCheck, rules: RuleSet): string[] {
  if (!chairRulesApply(seat.groupKind, seat.role)) return []
  const broken: string[] = []
  if (!seat.personAgency) {
    broken.push(
      `The chair of a sub-group should come from a statutory partner or relevant agency, and ${seat.personName} has no agency`,
    )
  } else if (!partnerAgencyKinds.includes(seat.personAgency.kind)) {
    broken.push(
      `The chair of a sub-group should come from a statutory partner or relevant agency, and ${seat.personAgency.name} is neither`,
    )
  }
  const lastDay = tenureLastDay(seat.startsOn, rules.chairTenure)
  if (seat.endsOn && seat.endsOn > lastDay) {
    broken.push(
      `A chair’s tenure is ${months(rules.chairTenure)}: from ${formatDate(seat.startsOn)} it ends by ${formatDate(lastDay)}, not ${formatDate(seat.endsOn)}`,
    )
  }
  return broken
}

/** The rules that apply to a seat on a group of this kind, for the form's hint. */
export function rulesInWords(kind: GroupKind, rules: RuleSet): string[] {
  const words: string[] = []
  if (chairRuleKinds.includes(kind)) {
    words.push(
      `A chair holds the chair for ${months(rules.chairTenure)}: leave the end date empty and it is set for you.`,
      'The chair comes from a statutory partner or a relevant agency.',
    )
  }
  if (kind === 'executive') words.push(`The board has at least ${layMembersRequired(rules)} lay members.`)
  return words
}

export interface Warning {
  text: string
}

/** What the group page warns about: rules broken without a recorded reason, and dates passed. */
export function groupWarnings(
  group: Pick<Group, 'kind' | 'endsOn' | 'closedOn' | 'name'>,
  members: readonly CurrentMember[],
  rules: RuleSet,
  today: string,
): Warning[] {
  const warnings: Warning[] = []
  if (group.kind === 'executive') {
    const required = layMembersRequired(rules)
    const lay = members.filter((m) => m.role === 'lay_member').length
    if (lay < required)
      warnings.push({
        text: `The board has ${lay === 0 ? 'no' : lay} lay ${lay === 1 ? 'member' : 'members'}: it should have at least ${required}`,
      })
  }
  for (const member of members) {
    if (member.ruleException) continue
    const broken = brokenRules(
      {
        groupKind: group.kind,
        role: member.role,
        startsOn: member.startsOn,
        endsOn: member.endsOn,
        personName: member.personName,
        personAgency:
          member.personAgencyName && member.personAgencyKind
            ? { name: member.personAgencyName, kind: member.personAgencyKind }
            : null,
      },
      rules,
    )
    for (const text of broken) warnings.push({ text: `${member.personName}: ${text}` })
  }
  if (group.endsOn && group.endsOn < today && !group.closedOn)
    warnings.push({
      text: `The group was due to end on ${formatDate(group.endsOn)}: close it, or change its end date`,
    })
  return warnings
}
