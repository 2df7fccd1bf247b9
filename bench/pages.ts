import { randomUUID } from 'node:crypto'
import { readPreset } from '../src/modules/partnership/partnership.presets.ts'
import type { Role, User } from '../src/platform/auth/auth.table.ts'
import { createCalendar } from '../src/platform/calendar/calendar.ts'
import { defaultRuleSet, describeAmount, ruleDefinitions } from '../src/platform/rules/rules.definitions.ts'
import { computeDeadline } from '../src/platform/rules/rules.service.ts'
import { type PartnershipRow, syntheticPartnership } from './generate.ts'

/**
 * The pages the benchmark drives. Each page names its template and builds, once, the context
 * `reply.render` would give that template, from fixed data shaped like the generated data: the
 * template-only baseline renders it with no database, session, CSRF or helmet work, which is the
 * ceiling the real page can reach. Later modules add their pages to `pages`.
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
}

export interface BenchPage {
  name: string
  /** The path on the real app (the template-only baseline serves the same path). */
  path: string
  signedIn: boolean
  template: string
  /** Text the real page must contain: a check that the benchmark measures the page, not the sign-in form. */
  expect: string
  /** The template's whole context, as `reply.render` would build it. */
  context(f: Fixtures): Record<string, unknown>
}

/** What `reply.render` adds to every page's context (see src/platform/http/render.ts). */
function layout(f: Fixtures, options: { signedIn: boolean; partnership?: PartnershipRow; path: string }) {
  const p = options.partnership
  return {
    user: options.signedIn ? f.user : null,
    partnership: p ?? null,
    navigation: p ? navigation(p, options.path) : undefined,
    csrfToken: f.csrfToken,
    cspNonce: f.cspNonce,
    requestId: f.requestId,
  }
}

/** An administrator's navigation: every section, the current one marked. */
function navigation(p: PartnershipRow, path: string) {
  const base = `/p/${p.slug}`
  return [
    { path: '', text: 'Overview' },
    { path: '/rules', text: 'Rules' },
    { path: '/outbox', text: 'Outbox' },
  ].map((s) => ({
    href: base + s.path,
    text: s.text,
    active: s.path === '' ? path === base : path.startsWith(base + s.path),
  }))
}

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
]

/** Fixed data shaped like the generated dataset: Thurrock, its administrator and the synthetic partnerships. */
export function buildFixtures(options: { partnerships: number; now?: Date }): Fixtures {
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
  }
}
