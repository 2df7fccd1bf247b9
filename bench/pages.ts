import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { dashboardPage } from '../src/modules/actions/dashboard.service.ts'
import { londonDay } from '../src/modules/partnership/agencies.problems.ts'
import { groupKindLabels, roleLabels } from '../src/modules/partnership/groups.labels.ts'
import {
  type CurrentMember,
  roleRank,
  type VisibleGroup,
} from '../src/modules/partnership/groups.repository.ts'
import { groupSummaryRows, memberRows, standardItemLines } from '../src/modules/partnership/groups.view.ts'
import { groupWarnings } from '../src/modules/partnership/memberships.rules.ts'
import { readPreset } from '../src/modules/partnership/partnership.presets.ts'
import { partnerships } from '../src/modules/partnership/partnership.table.ts'
import { readJsonPreset, structurePresetSchema } from '../src/modules/partnership/structure.presets.ts'
import { type Role, type User, users } from '../src/platform/auth/auth.table.ts'
import { createCalendar } from '../src/platform/calendar/calendar.ts'
import type { Db } from '../src/platform/db/client.ts'
import { navigationFor } from '../src/platform/http/render.ts'
import { defaultRuleSet, describeAmount, ruleDefinitions } from '../src/platform/rules/rules.definitions.ts'
import { computeDeadline } from '../src/platform/rules/rules.service.ts'
import { DASHBOARD_PATH, DASHBOARD_SLUG, dashboardAccount } from './actions.ts'
import { BENCH_PASSWORD, type PartnershipRow, syntheticPartnership } from './generate.ts'
import { BIG_MEETING_PATH, bigMeetingContext, exampleUser, FORUM_NAME } from './meetings.ts'
import { BOARD_SEATS, THURROCK_BOARD, thurrockBoardSeats } from './structure.ts'

/**
 * The pages the benchmark drives. Each page names its template and builds, once, the context
 * `reply.render` would give that template, from fixed data shaped like the generated data: the
 * template-only baseline renders it with no database, session, CSRF or helmet work, which is the
 * ceiling the real page can reach. Later modules add their pages to `pages`. A page whose
 * context depends on generated rows (the meeting page) reads it once, with the route's own service,
 * from `Fixtures.db` before measuring starts.
 */

export interface Fixtures {
  /** Thurrock, the partnership the benchmark signs in to. */
  partnership: PartnershipRow
  /** Thurrock and the synthetic partnerships, ordered by name as the start page lists them. */
  partnerships: PartnershipRow[]
  /** Thurrock's administrator (the fields pages show). */
  user: Pick<User, 'id' | 'email' | 'name' | 'createdAt'>
  role: Role
  csrfToken: string
  cspNonce: string
  requestId: string
  /** Today, as the pages compute it. */
  today: string
  /** The generated database, for contexts read once from it (absent when there is none). */
  db?: Db
}

export interface BenchPage {
  name: string
  /** The path on the real app (the template-only baseline serves the same path). */
  path: string
  signedIn: boolean
  /** Signed in with the Thurrock example's account of this role, rather than its administrator. */
  account?: Role
  /** Signed in as someone of a synthetic partnership (the page is that partnership's). */
  credentials?: { email: string; password: string }
  template: string
  /** Text the real page must contain: a check that the benchmark measures the page, not the sign-in form. */
  expect: string
  /** The template's whole context, as `reply.render` would build it. */
  context(f: Fixtures): Record<string, unknown> | Promise<Record<string, unknown>>
}

/** What `reply.render` adds to every page's context (see src/platform/http/render.ts). */
function layout(
  f: Fixtures,
  options: {
    signedIn: boolean
    partnership?: PartnershipRow
    path: string
    /** Someone other than the administrator. */
    as?: { user: Fixtures['user']; role: Role }
  },
) {
  const p = options.partnership
  const user = options.as?.user ?? f.user
  // The person signed in has one role, in the page's partnership (Thurrock unless told otherwise).
  const actor = options.signedIn
    ? { userId: user.id, roles: new Map([[(p ?? f.partnership).id, options.as?.role ?? f.role]]) }
    : null
  return {
    user: options.signedIn ? user : null,
    partnership: p ?? null,
    navigation: p ? navigationFor(p, actor, options.path) : undefined,
    csrfToken: f.csrfToken,
    cspNonce: f.cspNonce,
    requestId: f.requestId,
    partnershipCount: actor?.roles.size ?? 0,
  }
}

const boardPath = `/p/thurrock/groups/${THURROCK_BOARD}`

export const pages: BenchPage[] = [
  {
    name: 'start',
    path: '/',
    signedIn: false,
    template: 'modules/partnership/views/start.njk',
    expect: 'Partnerships using MASA',
    context: (f) => ({
      ...layout(f, { signedIn: false, path: '/' }),
      title: 'Multi-agency safeguarding arrangements',
      partnerships: f.partnerships,
      mine: [],
    }),
  },
  {
    name: 'overview',
    path: '/p/thurrock',
    signedIn: true,
    template: 'modules/partnership/views/overview.njk',
    expect: 'Our strategic aims',
    context: (f) => ({
      ...layout(f, { signedIn: true, partnership: f.partnership, path: '/p/thurrock' }),
      title: f.partnership.name,
      role: f.role,
    }),
  },
  {
    name: 'rules',
    path: '/p/thurrock/rules',
    signedIn: true,
    template: 'platform/rules/views/rules.njk',
    expect: 'Save rules',
    context: (f) => {
      // As the rules route builds them, from the default rules and a calendar of bank holidays.
      const rules = defaultRuleSet
      const calendar = createCalendar()
      const rows = ruleDefinitions.map((d) => ({
        ...d,
        value: rules[d.key],
        amount: describeAmount(d.unit, rules[d.key]),
        sentence: d.sentence.replace('{n}', describeAmount(d.unit, rules[d.key])),
        example: d.unit === 'count' ? null : computeDeadline(rules, d.key, f.today, calendar).explanation,
      }))
      return {
        ...layout(f, { signedIn: true, partnership: f.partnership, path: '/p/thurrock/rules' }),
        title: 'Rules and deadlines',
        rows,
        canEdit: true,
        values: rules,
        errors: undefined,
        flash: undefined,
      }
    },
  },
  {
    name: 'group',
    path: boardPath,
    signedIn: true,
    template: 'modules/partnership/views/groups/detail.njk',
    // The members table's caption: only the page with its 50 members shows it.
    expect: `${BOARD_SEATS} seats today`,
    context: (f) => {
      // As the group route builds it (groups.routes.ts), from the board as bench/structure.ts fills it.
      const { group, members, allSeats } = thurrockBoard(f)
      const count = (role: string) => members.filter((m) => m.role === role).length
      return {
        ...layout(f, { signedIn: true, partnership: f.partnership, path: boardPath }),
        title: group.name,
        group,
        kindLabel: groupKindLabels[group.kind],
        closed: false,
        summaryRows: groupSummaryRows(group, f.today, '/p/thurrock/groups'),
        standardItems: standardItemLines(group),
        seeMembers: true,
        members: memberRows(group, members, f.today),
        exceptions: members.filter((m) => m.ruleException),
        warnings: groupWarnings(group, members, defaultRuleSet, f.today),
        counts: {
          members: members.length,
          layMembers: count('lay_member'),
          chairs: count('chair'),
          deputies: count('deputy'),
          allSeats,
        },
        roleLabels,
        canEdit: true,
        canEditDetails: true,
        flash: undefined,
      }
    },
  },
  {
    name: 'meeting',
    path: BIG_MEETING_PATH,
    signedIn: true,
    account: 'business_team',
    template: 'modules/meetings/views/meeting/overview.njk',
    // The header names the group: a 404 or the sign-in form would not.
    expect: FORUM_NAME,
    context: async (f) => {
      // As meeting.routes.ts builds it, read once from the generated big meeting (bench/meetings.ts).
      if (!f.db) throw new Error('The meeting page’s baseline needs the generated database')
      const user = await exampleUser(f.db, 'business_team')
      const role: Role = 'business_team'
      return {
        ...layout(f, {
          signedIn: true,
          partnership: f.partnership,
          path: BIG_MEETING_PATH,
          as: { user, role },
        }),
        ...(await bigMeetingContext(f.db, { userId: user.id, role }, londonDay(new Date()))),
      }
    },
  },
  {
    name: 'dashboard',
    path: DASHBOARD_PATH,
    signedIn: true,
    credentials: { email: dashboardAccount(), password: BENCH_PASSWORD },
    template: 'modules/actions/views/dashboard/dashboard.njk',
    // A section of the dashboard: the sign-in form or an error page has none.
    expect: 'data-testid="section-overdue"',
    // As dashboard.routes.ts builds it, for a synthetic partnership's ten years (bench/actions.ts).
    context: dashboardContext,
  },
]

/**
 * What the dashboard route gives its template for the measured synthetic partnership, read once
 * with the route's own service (dashboard.service.ts) from the generated data, as its administrator.
 */
async function dashboardContext(f: Fixtures) {
  if (!f.db) throw new Error('The dashboard’s baseline needs the generated database')
  const [partnership] = await f.db.select().from(partnerships).where(eq(partnerships.slug, DASHBOARD_SLUG))
  const [user] = await f.db
    .select({ id: users.id, email: users.email, name: users.name, createdAt: users.createdAt })
    .from(users)
    .where(eq(users.email, dashboardAccount()))
  if (!partnership || !user)
    throw new Error(`No ${DASHBOARD_SLUG} or its administrator in the generated data`)
  const role: Role = 'administrator'
  const page = await dashboardPage(f.db, {
    partnershipId: partnership.id,
    slug: partnership.slug,
    viewer: { role, userId: user.id },
    today: londonDay(new Date()),
    query: {},
  })
  return {
    ...layout(f, { signedIn: true, partnership, path: DASHBOARD_PATH, as: { user, role } }),
    title: 'Compliance dashboard',
    ...page,
  }
}

/**
 * Thurrock's board as the group page reads it: the example's group and seats, and the seats the
 * generator adds (the same plan), ordered as the members query orders them.
 */
function thurrockBoard(f: Fixtures): { group: VisibleGroup; members: CurrentMember[]; allSeats: number } {
  const preset = readJsonPreset('thurrock', structurePresetSchema)
  const board = preset.groups.find((g) => g.slug === THURROCK_BOARD)
  if (!board) throw new Error(`The Thurrock preset has no group ${THURROCK_BOARD}`)
  const parent = preset.groups.find((g) => g.slug === board.accountableTo)
  const group: VisibleGroup = {
    id: randomUUID(),
    partnershipId: f.partnership.id,
    collaborationId: null,
    slug: board.slug,
    name: board.name,
    kind: board.kind,
    accountableToId: parent ? randomUUID() : null,
    purpose: board.purpose,
    termsOfReference: '',
    meetingsPerYear: board.meetingsPerYear ?? null,
    meetingMinutes: board.meetingMinutes ?? null,
    transitionalMeetingsPerYear: board.transitionalMeetingsPerYear ?? null,
    transitionalUntil: board.transitionalUntil ?? null,
    quorum: null,
    confidential: board.confidential,
    endsOn: null,
    standardItems: board.standardItems,
    closedOn: null,
    closedReason: null,
    createdAt: f.user.createdAt,
    accountableToName: parent?.name ?? null,
    accountableToSlug: parent?.slug ?? null,
    collaborationName: null,
  }
  const agencyIds = new Map(preset.agencies.map((a) => [a.name, { id: randomUUID(), kind: a.kind }]))
  const member = (
    person: { name: string; jobTitle: string; agency: string | null },
    seat: Pick<CurrentMember, 'role' | 'startsOn' | 'endsOn'>,
    deputyFor: CurrentMember | null,
  ): CurrentMember => {
    const agency = person.agency ? agencyIds.get(person.agency) : undefined
    return {
      id: randomUUID(),
      ...seat,
      ruleException: null,
      deputyForId: deputyFor?.id ?? null,
      deputyForName: deputyFor?.personName ?? null,
      personId: randomUUID(),
      personName: person.name,
      jobTitle: person.jobTitle,
      userId: null,
      agencyId: agency?.id ?? null,
      agencyName: agency ? person.agency : null,
      personAgencyName: agency ? person.agency : null,
      personAgencyKind: agency?.kind ?? null,
      partnershipId: f.partnership.id,
    }
  }
  const byKey = new Map<string, CurrentMember>()
  const presetSeats = preset.memberships.filter((m) => m.group === THURROCK_BOARD)
  for (const m of presetSeats) {
    const person = preset.people.find((p) => p.key === m.person)
    if (!person) continue
    const deputyFor = m.deputyFor ? (byKey.get(m.deputyFor) ?? null) : null
    byKey.set(
      m.person,
      member(person, { role: m.role, startsOn: m.startsOn, endsOn: m.endsOn ?? null }, deputyFor),
    )
  }
  const added = thurrockBoardSeats(preset)
  const members = [
    ...byKey.values(),
    ...added.map((s) =>
      member(
        s,
        { role: s.role, startsOn: s.startsOn, endsOn: null },
        s.deputyFor ? (byKey.get(s.deputyFor) ?? null) : null,
      ),
    ),
  ].sort(
    (a, b) =>
      roleRank[a.role] - roleRank[b.role] ||
      a.personName.localeCompare(b.personName) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  )
  return {
    group,
    members,
    allSeats: presetSeats.length + added.length + added.filter((s) => s.earlier).length,
  }
}

/** Fixed data shaped like the generated dataset: Thurrock, its administrator and the synthetic partnerships. */
export function buildFixtures(options: { partnerships: number; now?: Date; db?: Db }): Fixtures {
  const now = options.now ?? new Date()
  const preset = readPreset('thurrock')
  const partnership: PartnershipRow = { id: randomUUID(), ...preset.partnership, createdAt: now }
  const synthetic = Array.from({ length: options.partnerships }, (_, i) => syntheticPartnership(i + 1, now))
  const user = {
    id: randomUUID(),
    email: preset.administrator.email,
    name: preset.administrator.name,
    createdAt: now,
  }
  return {
    partnership,
    partnerships: [partnership, ...synthetic].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    ),
    user,
    role: 'administrator',
    // The same lengths as the real ones: a CSRF token, helmet's nonce, a UUID request id.
    csrfToken: 'aBcDeFgH-1234567890abcdefghijklmnopqrstuvwxyzABCDEFG',
    cspNonce: '0123456789abcdef0123456789abcdef',
    requestId: randomUUID(),
    today: now.toISOString().slice(0, 10),
    db: options.db,
  }
}
