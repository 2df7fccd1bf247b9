import { and, asc, count, desc, eq, gt, ilike, isNull, lte, ne, or, type SQL, sql } from 'drizzle-orm'
import { partnershipRoles, users } from '../../platform/auth/auth.table.ts'
import type { DbOrTx } from '../../platform/db/client.ts'
import { agencies, type Person, people } from './structure.table.ts'

export type PersonStatus = 'current' | 'left'
export type PersonSort = 'name' | 'jobTitle' | 'agency'

export interface PeopleListOptions {
  filter: { q?: string; agencyId?: string; status?: PersonStatus }
  sort: PersonSort
  order: 'asc' | 'desc'
  page: number
  pageSize: number
  /** Whether someone has left follows from the date they left. */
  today: string
}

export type PersonRow = Person & { agencyName: string | null }

export interface PeoplePage {
  rows: PersonRow[]
  total: number
  page: number
  pages: number
}

/** A person has left on and after the day they left. */
export const hasLeft = (person: Pick<Person, 'leftOn'>, today: string) =>
  person.leftOn !== null && person.leftOn <= today

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`)

function statusCondition(status: PersonStatus | undefined, today: string): SQL | undefined {
  if (status === 'current') return or(isNull(people.leftOn), gt(people.leftOn, today))
  if (status === 'left') return lte(people.leftOn, today)
  return undefined
}

export function createPeopleRepository(db: DbOrTx) {
  const withAgency = { ...peopleColumns(), agencyName: agencies.name }
  return {
    /** One page of the directory and how many match: two set-based queries. */
    async list(partnershipId: string, options: PeopleListOptions): Promise<PeoplePage> {
      const { filter } = options
      const like = filter.q ? `%${escapeLike(filter.q)}%` : undefined
      const where = and(
        eq(people.partnershipId, partnershipId),
        filter.agencyId ? eq(people.agencyId, filter.agencyId) : undefined,
        statusCondition(filter.status, options.today),
        like
          ? or(ilike(people.name, like), ilike(people.jobTitle, like), ilike(people.email, like))
          : undefined,
      )
      const [counted] = await db.select({ n: count() }).from(people).where(where)
      const total = Number(counted?.n ?? 0)
      const pages = Math.max(1, Math.ceil(total / options.pageSize))
      // A page past the end (a bookmark, a narrower filter) shows the last page rather than nothing.
      const page = Math.min(Math.max(1, options.page), pages)
      const key =
        options.sort === 'jobTitle'
          ? sql`lower(${people.jobTitle})`
          : options.sort === 'agency'
            ? sql`lower(${agencies.name})`
            : sql`lower(${people.name})`
      const direction = options.order === 'desc' ? desc : asc
      const rows = await db
        .select(withAgency)
        .from(people)
        .leftJoin(agencies, eq(agencies.id, people.agencyId))
        .where(where)
        // People without an agency sort last either way; the name and id make the order total.
        .orderBy(sql`${direction(key)} nulls last`, asc(sql`lower(${people.name})`), asc(people.id))
        .limit(options.pageSize)
        .offset((page - 1) * options.pageSize)
      return { rows, total, page, pages }
    },

    async find(partnershipId: string, id: string): Promise<PersonRow | null> {
      const [row] = await db
        .select(withAgency)
        .from(people)
        .leftJoin(agencies, eq(agencies.id, people.agencyId))
        .where(and(eq(people.partnershipId, partnershipId), eq(people.id, id)))
      return row ?? null
    },

    async findByEmail(partnershipId: string, email: string, exceptId?: string) {
      const [row] = await db
        .select({ id: people.id, name: people.name })
        .from(people)
        .where(
          and(
            eq(people.partnershipId, partnershipId),
            sql`lower(${people.email}) = lower(${email})`,
            exceptId ? ne(people.id, exceptId) : undefined,
          ),
        )
        .limit(1)
      return row ?? null
    },

    /** The active account with this e-mail that has an active role in the partnership, if any. */
    async findAccount(partnershipId: string, email: string): Promise<string | null> {
      const [row] = await db
        .select({ id: users.id })
        .from(users)
        .innerJoin(
          partnershipRoles,
          and(eq(partnershipRoles.userId, users.id), eq(partnershipRoles.partnershipId, partnershipId)),
        )
        .where(
          and(
            sql`lower(${users.email}) = lower(${email})`,
            isNull(users.deactivatedAt),
            isNull(partnershipRoles.deactivatedAt),
          ),
        )
        .limit(1)
      return row?.id ?? null
    },

    /** An agency of the partnership, for checking a choice from a list. */
    async findAgency(partnershipId: string, id: string) {
      const [row] = await db
        .select({ id: agencies.id, name: agencies.name, activeTo: agencies.activeTo })
        .from(agencies)
        .where(and(eq(agencies.partnershipId, partnershipId), eq(agencies.id, id)))
      return row ?? null
    },

    /** The partnership's agencies by name, the ended ones last: for pick lists and filters. */
    agencyChoices(partnershipId: string) {
      return db
        .select({ id: agencies.id, name: agencies.name, activeTo: agencies.activeTo })
        .from(agencies)
        .where(eq(agencies.partnershipId, partnershipId))
        .orderBy(asc(sql`lower(${agencies.name})`), asc(agencies.id))
    },

    /** The people of the partnership who have not left by `today`, by name: for the seat form. */
    current(partnershipId: string, today: string) {
      return db
        .select(withAgency)
        .from(people)
        .leftJoin(agencies, eq(agencies.id, people.agencyId))
        .where(and(eq(people.partnershipId, partnershipId), statusCondition('current', today)))
        .orderBy(asc(sql`lower(${people.name})`), asc(people.id))
    },
  }
}

function peopleColumns() {
  return {
    id: people.id,
    partnershipId: people.partnershipId,
    name: people.name,
    jobTitle: people.jobTitle,
    agencyId: people.agencyId,
    email: people.email,
    userId: people.userId,
    leftOn: people.leftOn,
    createdAt: people.createdAt,
  }
}

export type PeopleRepository = ReturnType<typeof createPeopleRepository>
