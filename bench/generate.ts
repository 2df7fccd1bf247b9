import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { loadExample } from '../src/example.ts'
import { londonDay } from '../src/modules/partnership/agencies.problems.ts'
import type { Partnership } from '../src/modules/partnership/partnership.table.ts'
import { partnerships } from '../src/modules/partnership/partnership.table.ts'
import { readJsonPreset, structurePresetSchema } from '../src/modules/partnership/structure.presets.ts'
import { agencies, groups, memberships, people } from '../src/modules/partnership/structure.table.ts'
import { hashEntry } from '../src/platform/audit/audit.service.ts'
import { auditLog } from '../src/platform/audit/audit.table.ts'
import { partnershipRoles, type Role, users } from '../src/platform/auth/auth.table.ts'
import { hashPassword } from '../src/platform/auth/passwords.ts'
import { type Db, queryRows } from '../src/platform/db/client.ts'
import { defaultRuleSet, type RuleKey, ruleDefinitions } from '../src/platform/rules/rules.definitions.ts'
import { ruleSettings } from '../src/platform/rules/rules.table.ts'
import { actionSteps } from './actions.ts'
import { meetingSteps } from './meetings.ts'
import {
  agencyOfPerson,
  isLay,
  jobTitle,
  PEOPLE_PER_PARTNERSHIP,
  personName,
  syntheticAgencies,
  syntheticGroups,
  syntheticSeats,
  THURROCK_BOARD,
  thurrockBoardSeats,
} from './structure.ts'

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
  {
    name: 'structure',
    run: generateStructure,
  },
  // A year of meetings for every group, and the big meeting the meeting page is measured on.
  ...meetingSteps,
  // The years before it (seats, meetings, attendance, papers, minutes) and every meeting's actions,
  // responses, compliance failures, letters and attendance flags.
  ...actionSteps,
]

type AgencyRow = typeof agencies.$inferInsert
type PersonRow = typeof people.$inferInsert
type GroupRow = typeof groups.$inferInsert
type SeatRow = typeof memberships.$inferInsert & { id: string; createdAt: Date }

/** The i-th of a list the generator made (so in range). */
function item<T>(list: readonly T[], i: number): T {
  const value = list[i]
  if (value === undefined) throw new Error(`No item ${i} of ${list.length}`)
  return value
}

/** 09:00 UTC on a day: when a seat's record was made (its end is recorded at 17:00 on its last day). */
const morningOf = (day: string) => new Date(`${day}T09:00:00Z`)

/** What the app's audit entry for a new seat records (memberships.service.ts: the row but its id and time). */
function seatSnapshot(seat: SeatRow) {
  return {
    groupId: seat.groupId,
    partnershipId: seat.partnershipId,
    personId: seat.personId,
    role: seat.role,
    agencyId: seat.agencyId ?? null,
    deputyForId: seat.deputyForId ?? null,
    startsOn: seat.startsOn,
    endsOn: seat.endsOn ?? null,
    endedReason: null,
    ruleException: null,
  }
}

/** The audit events of seats: each created on its first day, and the ended ones ended on their last. */
function auditSeats(
  ctx: GeneratorContext,
  seats: readonly SeatRow[],
  actorId: (partnershipId: string) => string | null,
) {
  for (const seat of seats) {
    const actor = actorId(seat.partnershipId)
    const ended =
      seat.endsOn && seat.endedReason ? { endsOn: seat.endsOn, endedReason: seat.endedReason } : null
    ctx.audit.push({
      partnershipId: seat.partnershipId,
      actorId: actor,
      at: seat.createdAt,
      entityType: 'membership',
      entityId: seat.id,
      action: 'create',
      after: { ...seatSnapshot(seat), endsOn: ended ? null : (seat.endsOn ?? null) },
    })
    if (ended) {
      ctx.audit.push({
        partnershipId: seat.partnershipId,
        actorId: actor,
        at: new Date(morningOf(ended.endsOn).getTime() + 8 * 3_600_000),
        entityType: 'membership',
        entityId: seat.id,
        action: 'end',
        before: { endsOn: null, endedReason: null },
        after: ended,
      })
    }
  }
}

/**
 * Each synthetic partnership's structure: 20 agencies, 200 people spread over them, 8 groups with
 * reporting lines, and their seats (today's and ended ones, see bench/structure.ts), with one
 * group of 50 current seats. Thurrock's board is filled to 50 seats too: its group page is the
 * one measured.
 */
async function generateStructure(ctx: GeneratorContext) {
  const today = londonDay(ctx.now)
  const admins = new Map(
    ctx.users.filter((u) => u.role === 'administrator').map((u) => [u.partnershipId, u.id]),
  )
  const agencyRows: AgencyRow[] = []
  const personRows: PersonRow[] = []
  const groupRows: GroupRow[] = []
  const seatRows: SeatRow[] = []
  for (const p of ctx.partnerships) {
    if (!p.slug.startsWith('p-')) continue
    const n = Number(p.slug.slice(2))
    const day = (days: number, minutes = 0) =>
      new Date(p.createdAt.getTime() + days * 86_400_000 + minutes * 60_000)
    const agencyPlans = syntheticAgencies(`Area ${pad(n)}`)
    const agencyIds = agencyPlans.map((a, k) => {
      const id = randomUUID()
      agencyRows.push({ id, partnershipId: p.id, ...a, createdAt: day(1, k) })
      return id
    })
    const personIds: string[] = []
    const personAgency: (string | null)[] = []
    for (let i = 0; i < PEOPLE_PER_PARTNERSHIP; i++) {
      const id = randomUUID()
      const agency = agencyOfPerson(i, agencyIds.length)
      const agencyId = agency === null ? null : (agencyIds[agency] ?? null)
      personIds.push(id)
      personAgency.push(agencyId)
      personRows.push({
        id,
        partnershipId: p.id,
        name: personName(i, n),
        jobTitle: isLay(i) ? 'Lay member' : jobTitle(i + n),
        agencyId,
        email: `${p.slug}.person.${i + 1}@bench.example`,
        createdAt: day(2, i),
      })
    }
    const plans = syntheticGroups(n)
    const groupIds = plans.map(() => randomUUID())
    plans.forEach((g, k) => {
      const { accountableTo, seats: _seats, ...fields } = g
      const groupId = item(groupIds, k)
      groupRows.push({
        id: groupId,
        partnershipId: p.id,
        ...fields,
        accountableToId: accountableTo === null ? null : item(groupIds, accountableTo),
        createdAt: day(3, k),
      })
      const seats = syntheticSeats(n, k, g, today, defaultRuleSet.chairTenure)
      const seatIds = new Map<number, string>()
      for (const seat of seats) {
        const id = randomUUID()
        if (seat.endsOn === null || seat.endedReason === null) seatIds.set(seat.seat, id)
        const principal =
          seat.deputyFor === null ? undefined : seats.find((s) => s.seat === seat.deputyFor && !s.endedReason)
        seatRows.push({
          id,
          groupId,
          partnershipId: p.id,
          personId: item(personIds, seat.person),
          role: seat.role,
          // A deputy represents the agency of the member they stand in for.
          agencyId: personAgency[principal?.person ?? seat.person] ?? null,
          deputyForId: seat.deputyFor === null ? null : (seatIds.get(seat.deputyFor) ?? null),
          startsOn: seat.startsOn,
          endsOn: seat.endsOn,
          endedReason: seat.endedReason,
          createdAt: morningOf(seat.startsOn),
        })
      }
    })
  }
  const thurrock = await thurrockBoard(ctx, today)
  personRows.push(...thurrock.personRows)
  seatRows.push(...thurrock.seatRows)

  await insertInBatches(agencyRows, (batch) => ctx.db.insert(agencies).values(batch))
  await insertInBatches(personRows, (batch) => ctx.db.insert(people).values(batch))
  // Parents come before the groups reporting to them, and principals before their deputies,
  // so every reference is to a row of the same batch or an earlier one.
  await insertInBatches(groupRows, (batch) => ctx.db.insert(groups).values(batch))
  await insertInBatches(seatRows, (batch) => ctx.db.insert(memberships).values(batch))

  const actorOf = (partnershipId: string) =>
    partnershipId === thurrock.partnershipId ? thurrock.actorId : (admins.get(partnershipId) ?? null)
  for (const a of agencyRows) {
    ctx.audit.push({
      partnershipId: a.partnershipId,
      actorId: actorOf(a.partnershipId),
      at: a.createdAt ?? ctx.now,
      entityType: 'agency',
      entityId: a.id,
      action: 'create',
      after: {
        name: a.name,
        kind: a.kind,
        sector: a.sector,
        statutoryRole: a.statutoryRole ?? null,
        leadPartnerTitle: a.leadPartnerTitle ?? null,
        delegatedPartnerTitle: a.delegatedPartnerTitle ?? null,
      },
    })
  }
  for (const person of personRows) {
    ctx.audit.push({
      partnershipId: person.partnershipId,
      actorId: actorOf(person.partnershipId),
      at: person.createdAt ?? ctx.now,
      entityType: 'person',
      entityId: person.id,
      action: 'create',
      after: {
        name: person.name,
        jobTitle: person.jobTitle ?? '',
        agencyId: person.agencyId ?? null,
        email: person.email ?? null,
        userId: null,
      },
    })
  }
  for (const g of groupRows) {
    const partnershipId = g.partnershipId ?? ''
    ctx.audit.push({
      partnershipId,
      actorId: actorOf(partnershipId),
      at: g.createdAt ?? ctx.now,
      entityType: 'group',
      entityId: g.id,
      action: 'create',
      after: {
        slug: g.slug,
        name: g.name,
        kind: g.kind,
        accountableToId: g.accountableToId ?? null,
        meetingsPerYear: g.meetingsPerYear ?? null,
        meetingMinutes: g.meetingMinutes ?? null,
        quorum: g.quorum ?? null,
        confidential: g.confidential ?? false,
        standardItems: g.standardItems ?? [],
      },
    })
  }
  auditSeats(ctx, seatRows, actorOf)
}

/**
 * Thurrock's board (the example's, with its named members) filled to 50 seats today: people from
 * its agencies, each with a seat, half with an earlier ended seat. A few reads for the ids the
 * example made; the rows go in with the synthetic partnerships' ones.
 */
async function thurrockBoard(ctx: GeneratorContext, today: string) {
  const partnership = ctx.partnerships.find((p) => p.slug === 'thurrock')
  if (!partnership || !ctx.example) throw new Error('The Thurrock example is not loaded')
  const preset = readJsonPreset('thurrock', structurePresetSchema)
  const [board] = await ctx.db
    .select({ id: groups.id })
    .from(groups)
    .where(sql`${groups.partnershipId} = ${partnership.id} and ${groups.slug} = ${THURROCK_BOARD}`)
  if (!board) throw new Error(`Thurrock has no group ${THURROCK_BOARD}`)
  const agencyIds = new Map(
    (
      await ctx.db
        .select({ id: agencies.id, name: agencies.name })
        .from(agencies)
        .where(sql`${agencies.partnershipId} = ${partnership.id}`)
    ).map((a) => [a.name, a.id]),
  )
  // The board's current seats by the preset person's key (matched on e-mail), for the deputies.
  const seats = await queryRows<{ id: string; email: string | null }>(
    ctx.db,
    sql`select m.id, p.email from memberships m join people p on p.id = m.person_id
        where m.group_id = ${board.id} and m.starts_on <= ${today} and (m.ends_on is null or m.ends_on >= ${today})`,
  )
  const seatOf = new Map(
    seats.map((s) => [
      preset.people.find((p) => p.email.toLowerCase() === s.email?.toLowerCase())?.key ?? '',
      s.id,
    ]),
  )
  const [admin] = await ctx.db
    .select({ id: users.id })
    .from(users)
    .where(sql`${users.email} = ${ctx.example.email}`)
  const personRows: PersonRow[] = []
  const seatRows: SeatRow[] = []
  for (const plan of thurrockBoardSeats(preset)) {
    const personId = randomUUID()
    const agencyId = agencyIds.get(plan.agency) ?? null
    personRows.push({
      id: personId,
      partnershipId: partnership.id,
      name: plan.name,
      jobTitle: plan.jobTitle,
      agencyId,
      email: plan.email,
      createdAt: ctx.now,
    })
    const seat = {
      groupId: board.id,
      partnershipId: partnership.id,
      personId,
      agencyId,
      ruleException: null,
    }
    if (plan.earlier) {
      seatRows.push({
        ...seat,
        id: randomUUID(),
        role: 'member',
        deputyForId: null,
        ...plan.earlier,
        createdAt: morningOf(plan.earlier.startsOn),
      })
    }
    const deputyForId = plan.deputyFor ? seatOf.get(plan.deputyFor) : null
    if (plan.deputyFor && !deputyForId) throw new Error(`Thurrock's board has no seat of ${plan.deputyFor}`)
    seatRows.push({
      ...seat,
      id: randomUUID(),
      role: plan.role,
      deputyForId: deputyForId ?? null,
      startsOn: plan.startsOn,
      endsOn: null,
      endedReason: null,
      createdAt: morningOf(plan.startsOn),
    })
  }
  return {
    partnershipId: partnership.id,
    actorId: admin?.id ?? null,
    personRows,
    seatRows,
  }
}

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
  // Fresh statistics, so the planner sees the tables as they are now; and vacuumed, as a database
  // that grew over years would be (and so that autovacuum, where it is on, does not start on the
  // new rows mid-measurement).
  await db.execute(sql`vacuum (analyze)`)
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
