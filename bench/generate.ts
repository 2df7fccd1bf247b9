import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { loadExample } from '../src/example.ts'
import type { Partnership } from '../src/modules/partnership/partnership.table.ts'
import { partnerships } from '../src/modules/partnership/partnership.table.ts'
import { hashEntry } from '../src/platform/audit/audit.service.ts'
import { auditLog } from '../src/platform/audit/audit.table.ts'
import { partnershipRoles, type Role, users } from '../src/platform/auth/auth.table.ts'
import { hashPassword } from '../src/platform/auth/passwords.ts'
import { type Db, queryRows } from '../src/platform/db/client.ts'
import { type RuleKey, ruleDefinitions } from '../src/platform/rules/rules.definitions.ts'
import { ruleSettings } from '../src/platform/rules/rules.table.ts'

/**
 * Synthetic data at national scale: 150 partnerships over 10 years, next to the real Thurrock
 * example (whose administrator the benchmark signs in as). Every step writes in sets (arrays of
 * rows per insert, or `insert … select generate_series`), never a round trip per row.
 *
 * Later modules add their data by appending a step to `generatorSteps`: a step reads what earlier
 * steps made from the context (`ctx.partnerships`, `ctx.users`), may add to it, and pushes the
 * audit events its rows would have made to `ctx.audit` (written, chained, after the last step).
 */

/** The password of every synthetic person (one hash, computed once and reused). */
export const BENCH_PASSWORD = 'bench password, not for real use'

/** The columns the generator fills and the pages show (a partnership may have more, with defaults). */
export type PartnershipRow = Pick<
  Partnership,
  'id' | 'slug' | 'name' | 'shortName' | 'area' | 'vision' | 'aims' | 'principles' | 'createdAt'
>

export interface DatasetOptions {
  /** Synthetic partnerships, besides Thurrock. */
  partnerships?: number
  /** Years of history. */
  years?: number
  /** Where the Thurrock example keeps its administrator's password. */
  dataDir: string
  now?: Date
  log?: (line: string) => void
}

export interface GeneratedUser {
  id: string
  email: string
  partnershipId: string
  role: Role
  createdAt: Date
}

export interface GeneratorContext {
  db: Db
  now: Date
  years: number
  /** How many synthetic partnerships to make. */
  partnershipCount: number
  dataDir: string
  /** Set by the example step: the Thurrock administrator's sign-in. */
  example: { email: string; password: string } | null
  /** Every partnership so far, Thurrock first. */
  partnerships: PartnershipRow[]
  /** Every synthetic person so far. */
  users: GeneratedUser[]
  /** Audit events to chain and write at the end (see the audit step). */
  audit: AuditSeed[]
}

export interface AuditSeed {
  partnershipId: string | null
  actorId: string | null
  at: Date
  entityType: string
  entityId: string
  action: string
  before?: unknown
  after: unknown
}

export interface GeneratorStep {
  name: string
  run(ctx: GeneratorContext): Promise<void>
}

export interface Dataset {
  signIn: { email: string; password: string }
  partnerships: PartnershipRow[]
  users: GeneratedUser[]
  /** Rows per table after generation. */
  counts: Record<string, number>
  steps: { name: string; ms: number }[]
  ms: number
}

const BATCH = 1000

/** Inserts rows in batches of a thousand (well under PostgreSQL's 65,535 parameters). */
export async function insertInBatches<T>(rows: readonly T[], insert: (batch: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += BATCH) await insert(rows.slice(i, i + BATCH))
}

const pad = (n: number) => String(n).padStart(3, '0')

/** The n-th synthetic partnership (from 1), the same whether written to the database or used as a page's fixed data. */
export function syntheticPartnership(n: number, createdAt: Date): PartnershipRow {
  const area = `Area ${pad(n)}`
  return {
    id: randomUUID(),
    slug: `p-${pad(n)}`,
    name: `${area} Safeguarding Children Partnership`,
    shortName: `${area} SCP`,
    area: `${area}, a synthetic local authority area made for benchmarks`,
    vision:
      'Children and young people in the area are safe, healthy and able to reach their potential, with help given early and special attention to those most at risk.',
    aims: [
      'Safeguarding is everybody’s business',
      'Help children and families early, before problems grow',
      'Hear the voice of the child in everything we do',
      'A partnership fit to meet future demands',
    ],
    principles: [
      'Keep the safeguarding and welfare needs of children at the centre of everything we do',
      'Challenge and assure the work of partners and other organisations',
      'Involve children, families, carers and practitioners in our work',
      'Build strong relationships with strategic partners',
      'Be open and transparent in the work we undertake',
      'Learn and keep improving',
    ],
    createdAt,
  }
}

/** The people each synthetic partnership gets, by role. */
export const syntheticRoles: readonly Role[] = [
  'administrator',
  'business_team',
  'business_team',
  'partner',
  'partner',
  'partner',
  'member',
  'member',
  'scrutineer',
]

/** The values some partnerships change from the defaults (every third one changes these). */
export const syntheticRuleChanges: Partial<Record<RuleKey, number>> = {
  papersBeforeMeeting: 10,
  draftMinutesToChair: 15,
  actionResponse: 20,
}

const yearsAgo = (now: Date, years: number) =>
  new Date(Date.UTC(now.getUTCFullYear() - years, now.getUTCMonth(), 1, 9))

export const generatorSteps: GeneratorStep[] = [
  {
    // First: the example only loads into an empty database.
    name: 'Thurrock example',
    async run(ctx) {
      const signIn = await loadExample(ctx.db, { dataDir: ctx.dataDir, now: ctx.now })
      if (!signIn?.password) throw new Error('The Thurrock example did not load into the new database')
      ctx.example = { ...signIn, password: signIn.password }
      ctx.partnerships.push(...(await ctx.db.select().from(partnerships)))
    },
  },
  {
    name: 'partnerships',
    async run(ctx) {
      const start = yearsAgo(ctx.now, ctx.years)
      const rows = Array.from({ length: ctx.partnershipCount }, (_, i) =>
        syntheticPartnership(i + 1, new Date(start.getTime() + i * 3_600_000)),
      )
      await insertInBatches(rows, (batch) => ctx.db.insert(partnerships).values(batch))
      ctx.partnerships.push(...rows)
      for (const p of rows) {
        ctx.audit.push({
          partnershipId: p.id,
          actorId: null,
          at: p.createdAt,
          entityType: 'partnership',
          entityId: p.id,
          action: 'create',
          after: { slug: p.slug, name: p.name },
        })
      }
    },
  },
  {
    name: 'people and roles',
    async run(ctx) {
      const passwordHash = await hashPassword(BENCH_PASSWORD)
      const made: GeneratedUser[] = []
      for (const p of ctx.partnerships) {
        if (!p.slug.startsWith('p-')) continue
        syntheticRoles.forEach((role, k) => {
          made.push({
            id: randomUUID(),
            email: `${p.slug}.${role.replace('_', '-')}.${k + 1}@bench.example`,
            partnershipId: p.id,
            role,
            createdAt: new Date(p.createdAt.getTime() + (k + 1) * 60_000),
          })
        })
      }
      await insertInBatches(made, (batch) =>
        ctx.db.insert(users).values(
          batch.map((u) => ({
            id: u.id,
            email: u.email,
            name: `Person ${u.email.split('@')[0]}`,
            passwordHash,
            createdAt: u.createdAt,
          })),
        ),
      )
      await insertInBatches(made, (batch) =>
        ctx.db
          .insert(partnershipRoles)
          .values(batch.map((u) => ({ partnershipId: u.partnershipId, userId: u.id, role: u.role }))),
      )
      ctx.users.push(...made)
      for (const u of made) {
        ctx.audit.push({
          partnershipId: u.partnershipId,
          actorId: null,
          at: u.createdAt,
          entityType: 'user',
          entityId: u.id,
          action: 'create',
          after: { email: u.email, role: u.role },
        })
      }
    },
  },
  {
    name: 'rule settings',
    async run(ctx) {
      const admins = new Map(
        ctx.users.filter((u) => u.role === 'administrator').map((u) => [u.partnershipId, u.id]),
      )
      const changes = Object.entries(syntheticRuleChanges) as [RuleKey, number][]
      const rows = ctx.partnerships
        .filter((p, i) => p.slug.startsWith('p-') && i % 3 === 0)
        .flatMap((p) =>
          changes.map(([key, value]) => ({
            partnershipId: p.id,
            key,
            value,
            updatedAt: new Date(p.createdAt.getTime() + 86_400_000),
            updatedBy: admins.get(p.id) ?? null,
          })),
        )
      await insertInBatches(rows, (batch) => ctx.db.insert(ruleSettings).values(batch))
      for (const row of rows) {
        const definition = ruleDefinitions.find((d) => d.key === row.key)
        ctx.audit.push({
          partnershipId: row.partnershipId,
          actorId: row.updatedBy,
          at: row.updatedAt,
          entityType: 'rule',
          entityId: row.key,
          action: 'update',
          before: { value: definition?.default },
          after: { value: row.value },
        })
      }
    },
  },
  {
    // One statement: every partnership closes on the weekdays between Christmas and New Year.
    name: 'closure days',
    async run(ctx) {
      const last = ctx.now.getUTCFullYear()
      await ctx.db.execute(sql`
        insert into closure_days (partnership_id, day, reason)
        select p.id, d::date, 'Closed between Christmas and New Year'
        from partnerships p
        cross join generate_series(${last - ctx.years + 1}::int, ${last}::int) as y
        cross join lateral generate_series(make_date(y, 12, 27), make_date(y, 12, 31), interval '1 day') as d
        where extract(isodow from d) < 6
        on conflict do nothing`)
    },
  },
]

/**
 * Runs after every generator step: the audit events the steps collected, in time order and
 * chained after the entries already in the log, so `verifyAuditLog` still holds.
 */
export const auditStep: GeneratorStep = {
  name: 'audit log',
  async run(ctx) {
    const [head] = await queryRows<{ seq: string | number; hash: string }>(
      ctx.db,
      sql`select seq, hash from audit_log order by seq desc limit 1`,
    )
    let seq = head ? Number(head.seq) : 0
    let prevHash = head?.hash ?? ''
    const rows = ctx.audit
      .sort((a, b) => a.at.getTime() - b.at.getTime())
      .map((event) => {
        const entry = {
          id: randomUUID(),
          seq: ++seq,
          partnershipId: event.partnershipId,
          actorId: event.actorId,
          at: event.at,
          entityType: event.entityType,
          entityId: event.entityId,
          action: event.action,
          before: event.before ?? null,
          after: event.after ?? null,
          requestId: null,
          prevHash,
        }
        prevHash = hashEntry(entry)
        return { ...entry, hash: prevHash }
      })
    await insertInBatches(rows, (batch) => ctx.db.insert(auditLog).values(batch))
    ctx.audit = []
  },
}

/** Fills an empty, migrated database with the example and the synthetic partnerships. */
export async function generateDataset(db: Db, options: DatasetOptions): Promise<Dataset> {
  const log = options.log ?? (() => {})
  const ctx: GeneratorContext = {
    db,
    now: options.now ?? new Date(),
    years: options.years ?? 10,
    partnershipCount: options.partnerships ?? 150,
    dataDir: options.dataDir,
    example: null,
    partnerships: [],
    users: [],
    audit: [],
  }
  const started = performance.now()
  const steps: Dataset['steps'] = []
  for (const step of [...generatorSteps, auditStep]) {
    const t = performance.now()
    await step.run(ctx)
    const ms = performance.now() - t
    steps.push({ name: step.name, ms })
    log(`  ${step.name.padEnd(24)} ${ms.toFixed(0).padStart(6)} ms`)
  }
  // Fresh statistics, so the planner sees the tables as they are now.
  await db.execute(sql`analyze`)
  const ms = performance.now() - started
  if (!ctx.example) throw new Error('No step loaded the Thurrock example')
  return {
    signIn: ctx.example,
    partnerships: ctx.partnerships,
    users: ctx.users,
    counts: await countRows(db),
    steps,
    ms,
  }
}

/** Rows in every table of the public schema (the migrations' own bookkeeping lives elsewhere). */
export async function countRows(db: Db): Promise<Record<string, number>> {
  const tables = await queryRows<{ name: string }>(
    db,
    sql`select table_name as name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  )
  const counts: Record<string, number> = {}
  for (const { name } of tables) {
    const [row] = await queryRows<{ n: string | number }>(
      db,
      sql`select count(*) as n from ${sql.identifier(name)}`,
    )
    counts[name] = Number(row?.n ?? 0)
  }
  return counts
}
