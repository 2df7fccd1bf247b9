import { asc, eq } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import ExcelJS from 'exceljs'
import { csvRow } from '../../platform/audit/csv.ts'
import type { Db } from '../../platform/db/client.ts'
import { columns } from './import.columns.ts'
import type { ImportKind } from './import.table.ts'
import { agencies, groups, memberships, people } from './structure.table.ts'

/** A register's rows in the same columns an import reads, so an export can be edited and imported back. */
export async function registerRows(db: Db, partnershipId: string, kind: ImportKind): Promise<string[][]> {
  if (kind === 'agencies') {
    const rows = await db
      .select()
      .from(agencies)
      .where(eq(agencies.partnershipId, partnershipId))
      .orderBy(asc(agencies.name))
    return rows.map((a) => [
      a.name,
      a.kind,
      a.sector,
      a.executiveName ?? '',
      a.executiveTitle ?? '',
      a.executiveEmail ?? '',
    ])
  }
  if (kind === 'people') {
    const rows = await db
      .select({ name: people.name, jobTitle: people.jobTitle, agency: agencies.name, email: people.email })
      .from(people)
      .leftJoin(agencies, eq(agencies.id, people.agencyId))
      .where(eq(people.partnershipId, partnershipId))
      .orderBy(asc(people.name))
    return rows.map((p) => [p.name, p.jobTitle, p.agency ?? '', p.email ?? ''])
  }
  const deputyFor = alias(memberships, 'deputy_for')
  const deputyForPerson = alias(people, 'deputy_for_person')
  const rows = await db
    .select({
      group: groups.name,
      email: people.email,
      role: memberships.role,
      agency: agencies.name,
      startsOn: memberships.startsOn,
      endsOn: memberships.endsOn,
      deputyFor: deputyForPerson.email,
    })
    .from(memberships)
    .innerJoin(groups, eq(groups.id, memberships.groupId))
    .innerJoin(people, eq(people.id, memberships.personId))
    .leftJoin(agencies, eq(agencies.id, memberships.agencyId))
    .leftJoin(deputyFor, eq(deputyFor.id, memberships.deputyForId))
    .leftJoin(deputyForPerson, eq(deputyForPerson.id, deputyFor.personId))
    .where(eq(memberships.partnershipId, partnershipId))
    .orderBy(asc(groups.name), asc(people.name))
  return rows.map((m) => [
    m.group,
    m.email ?? '',
    m.role,
    m.agency ?? '',
    m.startsOn,
    m.endsOn ?? '',
    m.deputyFor ?? '',
  ])
}

export async function exportCsv(db: Db, partnershipId: string, kind: ImportKind): Promise<string> {
  const rows = await registerRows(db, partnershipId, kind)
  return [columns[kind].map((c) => c.header), ...rows].map((r) => csvRow(r)).join('')
}

export async function exportXlsx(db: Db, partnershipId: string, kind: ImportKind): Promise<Buffer> {
  const rows = await registerRows(db, partnershipId, kind)
  const workbook = new ExcelJS.Workbook()
  const sheet = workbook.addWorksheet(kind)
  sheet.columns = columns[kind].map((c) => ({
    header: c.header,
    key: c.key,
    width: Math.max(14, c.header.length + 4),
  }))
  sheet.getRow(1).font = { bold: true }
  for (const row of rows) sheet.addRow(row)
  return Buffer.from(await workbook.xlsx.writeBuffer())
}
