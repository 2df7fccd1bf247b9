import { and, asc, count, desc, eq, gt, ilike, isNull, lte, ne, or, type SQL, sql } from 'drizzle-orm'
import { auditLog } from '../../platform/audit/audit.table.ts'
import { users } from '../../platform/auth/auth.table.ts'
import type { DbOrTx } from '../../platform/db/client.ts'
import { agencyKindLabels, sectorLabels } from './agencies.labels.ts'
import {
  type Agency,
  agencies,
  type agencyKinds,
  type sectors,
  type statutoryRoles,
} from './structure.table.ts'

export type AgencyKind = (typeof agencyKinds)[number]
export type Sector = (typeof sectors)[number]
export type StatutoryRole = (typeof statutoryRoles)[number]
export type AgencyStatus = 'active' | 'ended'
export type AgencySort = 'name' | 'kind' | 'sector'

export interface AgencyFilter {
  kind?: AgencyKind
  sector?: Sector
  status?: AgencyStatus
  /** Part of the name, in any case. */
  q?: string
}

export interface AgencyListOptions {
  filter: AgencyFilter
  sort: AgencySort
  order: 'asc' | 'desc'
  page: number
  pageSize: number
  /** Status follows from the dates: an agency has ended once its end date has come. */
  today: string
}

export interface AgencyPage {
  rows: Agency[]
  total: number
  page: number
  pages: number
}

/** An agency has ended on and after its end date; until then it is active. */
export const isEnded = (agency: Pick<Agency, 'activeTo'>, today: string) =>
  agency.activeTo !== null && agency.activeTo <= today

function statusCondition(status: AgencyStatus | undefined, today: string): SQL | undefined {
  if (status === 'active') return or(isNull(agencies.activeTo), gt(agencies.activeTo, today))
  if (status === 'ended') return lte(agencies.activeTo, today)
  return undefined
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`)

/**
 * Codes sort by what people read: the position of each code when the labels are in alphabetical
 * order, so "Education" comes before "Relevant agency" whatever the codes are called.
 */
function byLabel(
  column: SQL | typeof agencies.kind | typeof agencies.sector,
  labels: Record<string, string>,
) {
  const ordered = Object.entries(labels).sort(([, a], [, b]) => a.localeCompare(b, 'en-GB'))
  const cases = sql.join(
    // The position is written into the SQL: as a parameter it would be text, and '10' < '2'.
    ordered.map(([code], i) => sql`when ${code} then ${sql.raw(String(i))}`),
    sql` `,
  )
  return sql`case ${column} ${cases} end`
}

export function createAgencyRepository(db: DbOrTx) {
  return {
    /** One page of the register and the number of agencies that match: two set-based queries. */
    async list(partnershipId: string, options: AgencyListOptions): Promise<AgencyPage> {
      const { filter } = options
      const where = and(
        eq(agencies.partnershipId, partnershipId),
        filter.kind ? eq(agencies.kind, filter.kind) : undefined,
        filter.sector ? eq(agencies.sector, filter.sector) : undefined,
        statusCondition(filter.status, options.today),
        filter.q ? ilike(agencies.name, `%${escapeLike(filter.q)}%`) : undefined,
      )
      const [counted] = await db.select({ n: count() }).from(agencies).where(where)
      const total = Number(counted?.n ?? 0)
      const pages = Math.max(1, Math.ceil(total / options.pageSize))
      // A page past the end (a bookmark, a narrower filter) shows the last page rather than nothing.
      const page = Math.min(Math.max(1, options.page), pages)
      const key =
        options.sort === 'kind'
          ? byLabel(agencies.kind, agencyKindLabels)
          : options.sort === 'sector'
            ? byLabel(agencies.sector, sectorLabels)
            : sql`lower(${agencies.name})`
      const direction = options.order === 'desc' ? desc : asc
      const rows = await db
        .select()
        .from(agencies)
        .where(where)
        .orderBy(direction(key), asc(sql`lower(${agencies.name})`), asc(agencies.id))
        .limit(options.pageSize)
        .offset((page - 1) * options.pageSize)
      return { rows, total, page, pages }
    },

    async find(partnershipId: string, id: string): Promise<Agency | null> {
      const [row] = await db
        .select()
        .from(agencies)
        .where(and(eq(agencies.partnershipId, partnershipId), eq(agencies.id, id)))
      return row ?? null
    },

    /** Another agency of the partnership with the same name, in any case (ended agencies count). */
    async findByName(partnershipId: string, name: string, exceptId?: string): Promise<Agency | null> {
      const [row] = await db
        .select()
        .from(agencies)
        .where(
          and(
            eq(agencies.partnershipId, partnershipId),
            sql`lower(${agencies.name}) = lower(${name})`,
            exceptId ? ne(agencies.id, exceptId) : undefined,
          ),
        )
        .limit(1)
      return row ?? null
    },

    /** The agency that holds a statutory role and has no end date, other than `exceptId`. */
    async findStatutoryHolder(
      partnershipId: string,
      role: StatutoryRole,
      exceptId?: string,
    ): Promise<Agency | null> {
      const [row] = await db
        .select()
        .from(agencies)
        .where(
          and(
            eq(agencies.partnershipId, partnershipId),
            eq(agencies.statutoryRole, role),
            isNull(agencies.activeTo),
            exceptId ? ne(agencies.id, exceptId) : undefined,
          ),
        )
        .limit(1)
      return row ?? null
    },

    /** Every agency still active on `today`, by name: for pick lists and the yearly review. */
    listActive(partnershipId: string, today: string): Promise<Agency[]> {
      return db
        .select()
        .from(agencies)
        .where(and(eq(agencies.partnershipId, partnershipId), statusCondition('active', today)))
        .orderBy(asc(sql`lower(${agencies.name})`), asc(agencies.id))
    },

    /** When the partnership's first agency was recorded, if it has any. */
    async firstCreatedAt(partnershipId: string): Promise<Date | null> {
      const [row] = await db
        .select({ at: sql<Date | string | null>`min(${agencies.createdAt})` })
        .from(agencies)
        .where(eq(agencies.partnershipId, partnershipId))
      return row?.at ? new Date(row.at) : null
    },

    /** The audit entries about one record of the partnership, newest first, with who made them. */
    history(partnershipId: string, entityType: string, entityId: string) {
      return db
        .select({
          at: auditLog.at,
          action: auditLog.action,
          before: auditLog.before,
          after: auditLog.after,
          actorName: users.name,
        })
        .from(auditLog)
        .leftJoin(users, eq(users.id, auditLog.actorId))
        .where(
          and(
            eq(auditLog.partnershipId, partnershipId),
            eq(auditLog.entityType, entityType),
            eq(auditLog.entityId, entityId),
          ),
        )
        .orderBy(desc(auditLog.seq))
        .limit(200)
    },
  }
}

export type AgencyRepository = ReturnType<typeof createAgencyRepository>
