import { randomUUID } from 'node:crypto'
import { and, desc, eq, isNull, sql } from 'drizzle-orm'
import { z } from 'zod'
import { recordAudit } from '../../platform/audit/audit.service.ts'
import type { Db, DbOrTx } from '../../platform/db/client.ts'
import { appError } from '../../platform/http/errors.ts'
import { columns, matchChoice } from './import.columns.ts'
import { readRegister } from './import.parse.ts'
import { type ImportKind, type ImportRow, imports } from './import.table.ts'
import { agencies, groups, memberships, people } from './structure.table.ts'

const email = z.email()
const isoDay = /^\d{4}-\d{2}-\d{2}$/
const validDay = (v: string) =>
  isoDay.test(v) &&
  !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) &&
  new Date(`${v}T00:00:00Z`).toISOString().startsWith(v)
const MAX_ROWS = 5000

interface Lookups {
  agencies: Map<string, string>
  people: Map<string, string>
  groups: Map<string, string>
  /** "groupId personId" of current seats that are not deputies: whom a deputy may stand in for. */
  seats: Set<string>
}

async function lookups(db: DbOrTx, partnershipId: string): Promise<Lookups> {
  const [a, p, g, m] = await Promise.all([
    db
      .select({ id: agencies.id, name: agencies.name })
      .from(agencies)
      .where(eq(agencies.partnershipId, partnershipId)),
    db
      .select({ id: people.id, email: people.email })
      .from(people)
      .where(eq(people.partnershipId, partnershipId)),
    db
      .select({ id: groups.id, name: groups.name, slug: groups.slug })
      .from(groups)
      .where(and(eq(groups.partnershipId, partnershipId), isNull(groups.closedOn))),
    db
      .select({ groupId: memberships.groupId, personId: memberships.personId })
      .from(memberships)
      .where(
        and(
          eq(memberships.partnershipId, partnershipId),
          sql`${memberships.role} <> 'deputy'`,
          sql`(${memberships.endsOn} is null or ${memberships.endsOn} >= current_date)`,
        ),
      ),
  ])
  const groupMap = new Map<string, string>()
  for (const row of g) {
    groupMap.set(row.name.toLowerCase(), row.id)
    groupMap.set(row.slug, row.id)
  }
  return {
    agencies: new Map(a.map((r) => [r.name.toLowerCase(), r.id])),
    people: new Map(p.filter((r) => r.email).map((r) => [r.email!.toLowerCase(), r.id])),
    groups: groupMap,
    seats: new Set(m.map((r) => `${r.groupId} ${r.personId}`)),
  }
}

/**
 * Checks every row against the columns, the records already there and the other rows of the
 * file, and lists each row's problems in words that name the column.
 */
export function checkRows(
  kind: ImportKind,
  rows: { line: number; values: Record<string, string> }[],
  known: Lookups,
): ImportRow[] {
  const seen = new Map<string, number>()
  const fileEmails = new Set(
    kind === 'people' ? rows.map((r) => (r.values.email ?? '').toLowerCase()).filter(Boolean) : [],
  )
  const groupOf = (value: string) => known.groups.get(value.toLowerCase()) ?? known.groups.get(value)
  // Seats this file creates, so a deputy may stand in for a member added by the same file.
  const fileSeats = new Set(
    kind === 'memberships'
      ? rows
          .filter((r) => r.values.role !== 'deputy')
          .map(
            (r) =>
              `${groupOf(r.values.group ?? '')} ${known.people.get((r.values.person_email ?? '').toLowerCase())}`,
          )
      : [],
  )
  return rows.map(({ line, values }) => {
    const problems: string[] = []
    const v = (key: string) => values[key]?.trim() ?? ''
    for (const column of columns[kind]) {
      const value = v(column.key)
      if (column.required && !value) problems.push(`${column.header} is missing`)
      else if (value && column.choices) {
        const match = matchChoice(value, column.choices)
        if (!match) problems.push(`${column.header} “${value}” is not one of: ${column.choices.join(', ')}`)
        else values[column.key] = match
      }
    }
    const unique = (key: string, label: string) => {
      const previous = seen.get(key)
      if (previous) problems.push(`${label} is also on row ${previous}`)
      else seen.set(key, line)
    }
    if (kind === 'agencies' && v('name')) {
      if (known.agencies.has(v('name').toLowerCase()))
        problems.push(`An agency called “${v('name')}” already exists`)
      unique(v('name').toLowerCase(), `Agency “${v('name')}”`)
      if (v('executive_email') && !email.safeParse(v('executive_email')).success)
        problems.push('Executive email is not an e-mail address')
    }
    if (kind === 'people') {
      if (v('email')) {
        if (!email.safeParse(v('email')).success)
          problems.push(`Email “${v('email')}” is not an e-mail address`)
        else if (known.people.has(v('email').toLowerCase()))
          problems.push(`A person with the email ${v('email')} already exists`)
        unique(v('email').toLowerCase(), `Email ${v('email')}`)
      }
      if (v('agency') && !known.agencies.has(v('agency').toLowerCase()))
        problems.push(`Agency “${v('agency')}” is not in the register`)
    }
    if (kind === 'memberships') {
      if (v('group') && !known.groups.has(v('group').toLowerCase()) && !known.groups.has(v('group'))) {
        problems.push(`Group “${v('group')}” is not in the partnership`)
      }
      const personKnown = (address: string) =>
        known.people.has(address.toLowerCase()) || fileEmails.has(address.toLowerCase())
      if (v('person_email') && !personKnown(v('person_email')))
        problems.push(`No person has the email ${v('person_email')}`)
      if (v('agency') && !known.agencies.has(v('agency').toLowerCase()))
        problems.push(`Agency “${v('agency')}” is not in the register`)
      if (v('starts_on') && !validDay(v('starts_on')))
        problems.push('Starts on must be a date like 2026-04-01')
      if (v('ends_on') && !validDay(v('ends_on'))) problems.push('Ends on must be a date like 2027-03-31')
      if (validDay(v('starts_on')) && validDay(v('ends_on')) && v('ends_on') < v('starts_on'))
        problems.push('Ends on is before Starts on')
      if (v('role') === 'deputy' && !v('deputy_for_email'))
        problems.push('Deputy for email is needed for a deputy')
      if (v('deputy_for_email') && v('role') !== 'deputy')
        problems.push('Deputy for email is only for the deputy role')
      if (v('role') === 'deputy' && v('deputy_for_email')) {
        const seat = `${groupOf(v('group'))} ${known.people.get(v('deputy_for_email').toLowerCase())}`
        if (!known.seats.has(seat) && !fileSeats.has(seat)) {
          problems.push(`Deputy for ${v('deputy_for_email')}: that person is not a member of ${v('group')}`)
        }
      }
    }
    return { line, values, problems }
  })
}

/** Reads and checks an uploaded register and keeps it for the preview. Nothing is saved to the registers. */
export async function createImport(
  db: Db,
  input: {
    partnershipId: string
    kind: ImportKind
    fileName: string
    content: Buffer
    actorId: string
    now: Date
  },
) {
  const rows = await readRegister(input.content)
  if (rows.length === 0) throw appError('empty_file', 'The file has no rows under its header', 400)
  if (rows.length > MAX_ROWS)
    throw appError('too_many_rows', `The file has more than ${MAX_ROWS} rows: split it`, 400)
  const missing = columns[input.kind].filter((c) => c.required && !(c.key in (rows[0]?.values ?? {})))
  if (missing.length) {
    throw appError(
      'missing_columns',
      `The file has no column for: ${missing.map((c) => c.header).join(', ')}`,
      400,
    )
  }
  const checked = checkRows(input.kind, rows, await lookups(db, input.partnershipId))
  const id = randomUUID()
  await db.insert(imports).values({
    id,
    partnershipId: input.partnershipId,
    kind: input.kind,
    fileName: input.fileName.slice(0, 200),
    rows: checked,
    createdBy: input.actorId,
    createdAt: input.now,
  })
  return id
}

export async function getImport(db: DbOrTx, partnershipId: string, id: string) {
  const [row] = await db
    .select()
    .from(imports)
    .where(and(eq(imports.id, id), eq(imports.partnershipId, partnershipId)))
  return row ?? null
}

export function recentImports(db: Db, partnershipId: string) {
  return db
    .select()
    .from(imports)
    .where(eq(imports.partnershipId, partnershipId))
    .orderBy(desc(imports.createdAt))
    .limit(10)
}

/**
 * Saves a checked import in one transaction, checking it again first (the registers may have
 * changed since the preview). Either every row is saved or none is.
 */
export async function confirmImport(
  db: Db,
  input: { partnershipId: string; id: string; actorId: string; now: Date; requestId?: string },
) {
  return db.transaction(async (tx) => {
    // Locks the import: a double-submitted confirmation waits, then finds it confirmed.
    const [pending] = await tx
      .select()
      .from(imports)
      .where(and(eq(imports.id, input.id), eq(imports.partnershipId, input.partnershipId)))
      .for('update')
    if (!pending) throw appError('not_found', 'Import not found', 404)
    if (pending.confirmedAt) throw appError('already_confirmed', 'This import has already been saved', 409)
    const known = await lookups(tx, input.partnershipId)
    const rows = checkRows(
      pending.kind,
      pending.rows.map((r) => ({ line: r.line, values: { ...r.values } })),
      known,
    )
    if (rows.some((r) => r.problems.length)) {
      await tx.update(imports).set({ rows }).where(eq(imports.id, pending.id))
      throw appError('has_problems', 'Some rows have problems: correct the file and upload it again', 409)
    }
    const created = await save(tx, pending.kind, rows, { ...input, known })
    const summary = { created }
    await tx.update(imports).set({ confirmedAt: input.now, summary }).where(eq(imports.id, pending.id))
    await recordAudit(
      tx,
      {
        partnershipId: input.partnershipId,
        actorId: input.actorId,
        entityType: 'import',
        entityId: pending.id,
        action: 'confirm',
        after: { kind: pending.kind, fileName: pending.fileName, created },
        requestId: input.requestId,
      },
      input.now,
    )
    return summary
  })
}

async function save(
  tx: DbOrTx,
  kind: ImportKind,
  rows: ImportRow[],
  ctx: { partnershipId: string; actorId: string; now: Date; requestId?: string; known: Lookups },
): Promise<number> {
  const audit = (entityType: string, entityId: string, after: unknown) =>
    recordAudit(
      tx,
      {
        partnershipId: ctx.partnershipId,
        actorId: ctx.actorId,
        entityType,
        entityId,
        action: 'import',
        after,
        requestId: ctx.requestId,
      },
      ctx.now,
    )
  const base = { partnershipId: ctx.partnershipId, createdAt: ctx.now }
  const blank = (v: string | undefined) => (v ? v : null)
  if (kind === 'agencies') {
    const values = rows.map(({ values: v }) => ({
      ...base,
      id: randomUUID(),
      name: v.name!,
      kind: v.kind as (typeof agencies.$inferInsert)['kind'],
      sector: v.sector as (typeof agencies.$inferInsert)['sector'],
      executiveName: blank(v.executive_name),
      executiveTitle: blank(v.executive_title),
      executiveEmail: blank(v.executive_email),
    }))
    await tx.insert(agencies).values(values)
    for (const a of values) await audit('agency', a.id, { name: a.name, kind: a.kind, sector: a.sector })
    return values.length
  }
  if (kind === 'people') {
    const values = rows.map(({ values: v }) => ({
      ...base,
      id: randomUUID(),
      name: v.name!,
      jobTitle: v.job_title ?? '',
      agencyId: v.agency ? (ctx.known.agencies.get(v.agency.toLowerCase()) ?? null) : null,
      email: blank(v.email?.toLowerCase()),
    }))
    await tx.insert(people).values(values)
    for (const p of values) await audit('person', p.id, { name: p.name, email: p.email })
    return values.length
  }
  // Memberships: deputies last, so the member they stand in for exists first.
  const ordered = [...rows].sort(
    (a, b) => Number(a.values.role === 'deputy') - Number(b.values.role === 'deputy'),
  )
  let count = 0
  for (const { values: v } of ordered) {
    const groupId = ctx.known.groups.get(v.group!.toLowerCase()) ?? ctx.known.groups.get(v.group!)!
    const personId = ctx.known.people.get(v.person_email!.toLowerCase())!
    let deputyForId: string | null = null
    if (v.deputy_for_email) {
      const forPerson = ctx.known.people.get(v.deputy_for_email.toLowerCase())
      const [seat] = forPerson
        ? await tx
            .select({ id: memberships.id })
            .from(memberships)
            .where(
              and(
                eq(memberships.groupId, groupId),
                eq(memberships.personId, forPerson),
                sql`${memberships.role} <> 'deputy'`,
                isNull(memberships.endsOn),
              ),
            )
        : []
      // checkRows has made sure the seat exists (in the register or earlier in this file).
      deputyForId = seat?.id ?? null
    }
    const id = randomUUID()
    await tx.insert(memberships).values({
      id,
      groupId,
      partnershipId: ctx.partnershipId,
      personId,
      role: v.role as (typeof memberships.$inferInsert)['role'],
      agencyId: v.agency ? (ctx.known.agencies.get(v.agency.toLowerCase()) ?? null) : null,
      deputyForId,
      startsOn: v.starts_on!,
      endsOn: blank(v.ends_on),
      createdAt: ctx.now,
    })
    await audit('membership', id, { group: v.group, person: v.person_email, role: v.role })
    count++
  }
  return count
}
