import type { GroupKind } from '../src/modules/partnership/groups.labels.ts'
import { tenureLastDay } from '../src/modules/partnership/memberships.rules.ts'
import type { StructurePreset } from '../src/modules/partnership/structure.presets.ts'
import type { Agency, MembershipRole } from '../src/modules/partnership/structure.table.ts'
import { addCalendarDays, addMonths } from '../src/platform/calendar/calendar.ts'

/**
 * The shape of the generated partnership structure (agencies, people, groups with reporting lines,
 * seats past and present), as plain data: the generator writes it (bench/generate.ts, step
 * 'structure') and the group page's template-only baseline is built from the same plan
 * (bench/pages.ts), so both show the same 50 seats.
 */

/** Current seats on the group each partnership's group page is measured on. */
export const BOARD_SEATS = 50

/** Thurrock's group filled to `BOARD_SEATS` current seats: the group page the benchmark measures. */
export const THURROCK_BOARD = 'management-executive-board'

const firstNames = [
  'Aisha',
  'Ben',
  'Chloe',
  'David',
  'Emma',
  'Farid',
  'Grace',
  'Harry',
  'Imogen',
  'James',
  'Kiran',
  'Laura',
  'Mohammed',
  'Nadia',
  'Oliver',
  'Priya',
  'Rachel',
  'Samuel',
  'Tariq',
  'Zoe',
  'Wiktoria',
  'Yusuf',
  'Hannah',
  'Ciaran',
]
const surnames = [
  'Adams',
  'Begum',
  'Clarke',
  'Davies',
  'Evans',
  'Fletcher',
  'Green',
  'Hughes',
  'Iqbal',
  'Jones',
  'Khan',
  'Lewis',
  'Mitchell',
  'Nowak',
  'Osei',
  'Patel',
  'Quinn',
  'Roberts',
  'Singh',
  'Taylor',
  'Walker',
  'Young',
  'Okonkwo',
  'Murphy',
  'Byrne',
  'Kowalski',
  'Ahmed',
]
const jobTitles = [
  'Head of Safeguarding',
  'Designated Safeguarding Lead',
  'Service Manager, Children’s Social Care',
  'Named Nurse for Safeguarding Children',
  'Detective Inspector, Public Protection',
  'Head of Quality Assurance',
  'Senior Practitioner',
  'Strategic Lead for Early Help',
  'Designated Doctor for Safeguarding',
  'Operations Manager',
]

/** A person's name, different enough across a partnership's people. */
export const personName = (i: number, seed: number) =>
  `${firstNames[(i * 7 + seed) % firstNames.length]} ${surnames[(i * 11 + seed * 3) % surnames.length]}`

export const jobTitle = (i: number) => jobTitles[i % jobTitles.length] ?? 'Safeguarding Lead'

// --- The synthetic partnerships -------------------------------------------------------------

export interface AgencyPlan {
  name: string
  kind: Agency['kind']
  sector: Agency['sector']
  statutoryRole: Agency['statutoryRole']
  leadPartnerTitle: string | null
  delegatedPartnerTitle: string | null
}

const agencyPlan = (
  name: string,
  kind: Agency['kind'],
  sector: Agency['sector'],
  statutory?: { role: NonNullable<Agency['statutoryRole']>; lead: string; delegated: string },
): AgencyPlan => ({
  name,
  kind,
  sector,
  statutoryRole: statutory?.role ?? null,
  leadPartnerTitle: statutory?.lead ?? null,
  delegatedPartnerTitle: statutory?.delegated ?? null,
})

/** A synthetic partnership's 20 agencies: the three statutory partners first. */
export function syntheticAgencies(area: string): AgencyPlan[] {
  return [
    agencyPlan(`${area} Council`, 'statutory_partner', 'local_authority', {
      role: 'local_authority',
      lead: 'Chief Executive',
      delegated: 'Director of Children’s Services',
    }),
    agencyPlan(`${area} Police`, 'statutory_partner', 'police', {
      role: 'police',
      lead: 'Chief Constable',
      delegated: 'Head of Public Protection',
    }),
    agencyPlan(`${area} Integrated Care Board`, 'statutory_partner', 'health', {
      role: 'health',
      lead: 'Chief Executive',
      delegated: 'Chief Nurse',
    }),
    agencyPlan(`The Probation Service (${area})`, 'relevant_agency', 'probation'),
    agencyPlan(`${area} Youth Justice Service`, 'relevant_agency', 'youth_justice'),
    agencyPlan(`${area} Fire and Rescue Service`, 'relevant_agency', 'fire'),
    agencyPlan(`${area} Ambulance Service`, 'relevant_agency', 'ambulance'),
    agencyPlan(`${area} Community Health Trust`, 'relevant_agency', 'health'),
    agencyPlan(`${area} Mental Health Trust`, 'relevant_agency', 'health'),
    agencyPlan(`${area} Hospitals Trust`, 'relevant_agency', 'health'),
    agencyPlan(`${area} Council Housing`, 'relevant_agency', 'housing'),
    agencyPlan(`Cafcass (${area})`, 'relevant_agency', 'other'),
    agencyPlan(`${area} primary schools and academies`, 'education', 'education'),
    agencyPlan(`${area} secondary schools and academies`, 'education', 'education'),
    agencyPlan(`Further education colleges in ${area}`, 'education', 'education'),
    agencyPlan(`${area} early years and childcare settings`, 'education', 'education'),
    agencyPlan(`${area} Council for Voluntary Service`, 'voluntary', 'voluntary'),
    agencyPlan(`${area} Faith Forum`, 'voluntary', 'faith'),
    agencyPlan(`${area} Sports Partnership`, 'voluntary', 'sport'),
    agencyPlan(`${area} Domestic Abuse Service`, 'voluntary', 'voluntary'),
  ]
}

export const PEOPLE_PER_PARTNERSHIP = 200

/** Lay members have no agency: people 1, 2, 101 and 102 of each partnership. */
export const isLay = (i: number) => i % 100 === 1 || i % 100 === 2

/** The agency (an index into `syntheticAgencies`) of a partnership's i-th person, or null for a lay member. */
export const agencyOfPerson = (i: number, agencyCount: number): number | null =>
  isLay(i) ? null : i % agencyCount

export interface GroupPlan {
  slug: string
  name: string
  kind: GroupKind
  /** The index of the group it reports to: always an earlier one, so batches insert parents first. */
  accountableTo: number | null
  meetingsPerYear: number
  meetingMinutes: number
  quorum: number | null
  confidential: boolean
  purpose: string
  standardItems: { title: string; months?: number[] }[]
  /** Seats held today. */
  seats: number
}

/** The index, among `syntheticGroups`, of the group with `BOARD_SEATS` current seats. */
export const BOARD_GROUP = 1

/** A synthetic partnership's 8 groups (parents before the groups reporting to them). */
export function syntheticGroups(n: number): GroupPlan[] {
  const group = (
    slug: string,
    name: string,
    kind: GroupKind,
    accountableTo: number | null,
    more: Partial<GroupPlan> = {},
  ): GroupPlan => ({
    slug,
    name,
    kind,
    accountableTo,
    meetingsPerYear: 6,
    meetingMinutes: 120,
    quorum: null,
    confidential: false,
    purpose: `The ${name.toLowerCase()} of a synthetic partnership made for benchmarks.`,
    standardItems: [{ title: 'Actions from the last meeting' }, { title: 'Risks and escalations' }],
    seats: 0,
    ...more,
  })
  const groups = [
    group('strategic-board', 'Strategic Board', 'strategic', null, { meetingsPerYear: 2 }),
    group('executive-board', 'Executive Board', 'executive', 0, {
      meetingsPerYear: 4,
      meetingMinutes: 210,
      quorum: 12,
      standardItems: [
        { title: 'Child deaths' },
        { title: 'National and local practice reviews' },
        { title: 'Progress of the multi-agency plan and performance report' },
        { title: 'Updates from sub-groups' },
        { title: 'Finance', months: [3, 10] },
      ],
    }),
    group('learning-and-review-group', 'Learning and Review Group', 'subgroup', 1),
    group('quality-assurance-group', 'Quality Assurance Group', 'subgroup', 1),
    group('child-exploitation-group', 'Child Exploitation Group', 'subgroup', 1),
    group('practice-review-panel', 'Practice Review Panel', 'review_panel', 1, { confidential: true }),
    group('training-group', 'Training Group', 'subgroup', 2, { meetingsPerYear: 4 }),
    group('neglect-task-and-finish-group', 'Neglect Task and Finish Group', 'task_and_finish', 3, {
      meetingsPerYear: 12,
      meetingMinutes: 90,
    }),
  ]
  return groups.map((g, i) => ({ ...g, seats: i === BOARD_GROUP ? BOARD_SEATS : 10 + ((i * 3 + n) % 11) }))
}

export interface SeatPlan {
  /** The seat's index in its group; a deputy names its principal's. */
  seat: number
  person: number
  role: MembershipRole
  deputyFor: number | null
  startsOn: string
  endsOn: string | null
  endedReason: string | null
}

/** Chairs of these kinds hold the chair for a tenure (see memberships.rules.ts). */
const tenured: readonly GroupKind[] = ['subgroup', 'task_and_finish']
const YEARS_PER_TERM = 2
const endedReasons = ['Term ended', 'Left the agency', 'Changed role', 'The board was reconstituted']

/**
 * The seats of a synthetic partnership's g-th group: today's holders (a chair, lay members, a few
 * deputies for named members, the rest members) and, before each, 0 to 3 earlier holders whose
 * seats ended, so the group's history is longer than its current membership.
 */
export function syntheticSeats(
  n: number,
  g: number,
  plan: GroupPlan,
  today: string,
  chairTenureMonths: number,
): SeatPlan[] {
  const size = plan.seats
  // The board's seats start at person 100, so lay members 101 and 102 sit on it.
  const offset = (g * 20 + (g === BOARD_GROUP ? 80 : 0)) % PEOPLE_PER_PARTNERSHIP
  const person = (seat: number, generation: number) =>
    (offset + seat + size * generation) % PEOPLE_PER_PARTNERSHIP
  const deputies = size >= 40 ? 3 : size >= 15 ? 1 : 0
  const current: SeatPlan[] = []
  const past: SeatPlan[] = []
  for (let seat = 0; seat < size; seat++) {
    const p = person(seat, 0)
    const deputyFor = seat >= size - deputies ? 3 + (size - 1 - seat) : null
    const role: MembershipRole =
      seat === 0 ? 'chair' : deputyFor !== null ? 'deputy' : isLay(p) ? 'lay_member' : 'member'
    const chairTenure = role === 'chair' && tenured.includes(plan.kind)
    const startsOn = addCalendarDays(today, -(30 + ((seat * 37 + g * 11 + n) % (chairTenure ? 300 : 700))))
    current.push({
      seat,
      person: p,
      role,
      deputyFor,
      startsOn,
      endsOn: chairTenure ? tenureLastDay(startsOn, chairTenureMonths) : null,
      endedReason: null,
    })
    let nextStart = startsOn
    for (let generation = 1; generation <= (seat + g + n) % 4; generation++) {
      const endsOn = addCalendarDays(nextStart, -1)
      const starts = addMonths(nextStart, -12 * YEARS_PER_TERM)
      past.push({
        seat,
        person: person(seat, generation),
        role: role === 'deputy' ? 'member' : role,
        deputyFor: null,
        startsOn: starts,
        endsOn,
        endedReason: endedReasons[(seat + generation) % endedReasons.length] ?? null,
      })
      nextStart = starts
    }
  }
  // Principals before their deputies, so a batch never names a seat not yet written.
  return [
    ...current.filter((s) => s.deputyFor === null),
    ...past,
    ...current.filter((s) => s.deputyFor !== null),
  ]
}

// --- Thurrock -------------------------------------------------------------------------------

export interface BoardSeatPlan {
  name: string
  jobTitle: string
  /** One of the preset's agencies, by name. */
  agency: string
  email: string
  role: MembershipRole
  startsOn: string
  /** The preset person (key) this seat deputises for. */
  deputyFor: string | null
  /** A seat this person held before, ended. */
  earlier: { startsOn: string; endsOn: string; endedReason: string } | null
}

/** The preset people on Thurrock's board a synthetic deputy stands in for. */
const deputised = ['police', 'health']

/**
 * The people and seats added to Thurrock's board so it has `BOARD_SEATS` today: members from
 * its agencies, deputies for two of its named members, and for half of them an earlier seat that
 * ended when the board was reconstituted.
 */
export function thurrockBoardSeats(preset: StructurePreset): BoardSeatPlan[] {
  const already = preset.memberships.filter((m) => m.group === THURROCK_BOARD && !m.endsOn).length
  const agencies = preset.agencies.map((a) => a.name)
  return Array.from({ length: BOARD_SEATS - already }, (_, k) => {
    const deputyFor = deputised[k] ?? null
    return {
      name: personName(k + 3, 5),
      jobTitle: jobTitle(k),
      agency: deputyFor
        ? (preset.people.find((p) => p.key === deputyFor)?.agency ?? '')
        : (agencies[(k + 3) % agencies.length] ?? ''),
      email: `board.member.${k + 1}@bench.example`,
      role: deputyFor ? 'deputy' : 'member',
      startsOn: addCalendarDays('2025-04-01', (k * 7) % 240),
      deputyFor,
      earlier:
        k % 2 === 0
          ? {
              startsOn: addCalendarDays('2021-04-01', k * 5),
              endsOn: '2025-03-31',
              endedReason: 'The board was reconstituted',
            }
          : null,
    }
  })
}
