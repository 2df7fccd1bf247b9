import { and, asc, eq, gte, inArray, isNull, lte, or, type Placeholder, type SQL, sql } from 'drizzle-orm'
import { type AnyPgColumn, alias } from 'drizzle-orm/pg-core'
import { type DbOrTx, queryRows } from '../../platform/db/client.ts'
import { prepared } from '../../platform/db/prepared.ts'
import {
  agencies,
  collaborationMembers,
  collaborations,
  type Group,
  groups,
  type MembershipRole,
  memberships,
  people,
} from './structure.table.ts'

/** A group as a partnership sees it: its own, or shared through a collaboration it belongs to. */
export interface VisibleGroup extends Group {
  accountableToName: string | null
  accountableToSlug: string | null
  /** The collaboration's name when the group is shared (SET), otherwise null. */
  collaborationName: string | null
}

export interface CurrentMember {
  id: string
  role: MembershipRole
  startsOn: string
  endsOn: string | null
  ruleException: string | null
  deputyForId: string | null
  deputyForName: string | null
  personId: string
  personName: string
  jobTitle: string
  userId: string | null
  /** The agency the seat represents. */
  agencyId: string | null
  agencyName: string | null
  /** The person's own agency and its kind: the chair rule reads these. */
  personAgencyName: string | null
  personAgencyKind: (typeof agencies.$inferSelect)['kind'] | null
  /** The person's partnership (differs from the page's for a shared group). */
  partnershipId: string
}

/** Whether a row's dates cover `day`: started on or before it, not ended before it. */
export function currentOn(table: typeof memberships, day: string | Placeholder): SQL {
  return and(lte(table.startsOn, day), or(isNull(table.endsOn), gte(table.endsOn, day)))!
}

/** The groups a partnership can see: its own and its collaborations'. */
export function visibleTo(partnershipId: string | Placeholder): SQL {
  return or(
    eq(groups.partnershipId, partnershipId),
    inArray(
      groups.collaborationId,
      sql`(select ${collaborationMembers.collaborationId} from ${collaborationMembers}
        where ${collaborationMembers.partnershipId} = ${partnershipId})`,
    ),
  )!
}

// Chairs first, then the seats that decide, then those who support the group. A record over
// every role, so a role added to the table cannot be left out of the order.
export const roleRank: Record<MembershipRole, number> = {
  chair: 0,
  vice_chair: 1,
  member: 2,
  lay_member: 3,
  deputy: 4,
  observer: 5,
  business_manager: 6,
  minute_taker: 7,
}
const roleOrder = (column: AnyPgColumn) =>
  sql`case ${column} ${sql.join(
    Object.entries(roleRank).map(([role, rank]) => sql`when ${role} then ${sql.raw(String(rank))}`),
    sql` `,
  )} end`

export function createGroupRepository(db: DbOrTx) {
  const parent = alias(groups, 'parent')
  return {
    /** The group with this slug: the partnership's own first, then a shared one. */
    /** The group with its reporting line and how many seats it has ever had: one prepared query. */
    async findBySlug(
      partnershipId: string,
      slug: string,
    ): Promise<(VisibleGroup & { allSeats: number }) | null> {
      const query = prepared(db, 'group_by_slug', (name) =>
        db
          .select({
            group: groups,
            accountableToName: parent.name,
            accountableToSlug: parent.slug,
            collaborationName: collaborations.name,
            allSeats: sql<number>`(select count(*)::int from ${memberships} where ${memberships.groupId} = ${groups.id})`,
          })
          .from(groups)
          .leftJoin(parent, eq(parent.id, groups.accountableToId))
          .leftJoin(collaborations, eq(collaborations.id, groups.collaborationId))
          .where(and(eq(groups.slug, sql.placeholder('slug')), visibleTo(sql.placeholder('partnershipId'))))
          .orderBy(sql`${groups.partnershipId} is null`)
          .limit(1)
          .prepare(name),
      )
      const [row] = await query.execute({ slug, partnershipId })
      return row
        ? {
            ...row.group,
            accountableToName: row.accountableToName,
            accountableToSlug: row.accountableToSlug,
            collaborationName: row.collaborationName,
            allSeats: Number(row.allSeats),
          }
        : null
    },

    async findOwn(partnershipId: string, id: string): Promise<Group | null> {
      const [row] = await db
        .select()
        .from(groups)
        .where(and(eq(groups.partnershipId, partnershipId), eq(groups.id, id)))
      return row ?? null
    },

    /**
     * The seats held on `today`, with the person's, the agencies' and the deputised member's
     * names, in one query: the group page's speed does not depend on how many members it has.
     */
    currentMembers(groupId: string, today: string): Promise<CurrentMember[]> {
      const query = prepared(db, 'group_current_members', (name) => {
        const principal = alias(memberships, 'principal')
        const principalPerson = alias(people, 'principal_person')
        const personAgency = alias(agencies, 'person_agency')
        return db
          .select({
            id: memberships.id,
            role: memberships.role,
            startsOn: memberships.startsOn,
            endsOn: memberships.endsOn,
            ruleException: memberships.ruleException,
            deputyForId: memberships.deputyForId,
            deputyForName: principalPerson.name,
            personId: people.id,
            personName: people.name,
            jobTitle: people.jobTitle,
            userId: people.userId,
            agencyId: memberships.agencyId,
            agencyName: agencies.name,
            personAgencyName: personAgency.name,
            personAgencyKind: personAgency.kind,
            partnershipId: memberships.partnershipId,
          })
          .from(memberships)
          .innerJoin(people, eq(people.id, memberships.personId))
          .leftJoin(agencies, eq(agencies.id, memberships.agencyId))
          .leftJoin(personAgency, eq(personAgency.id, people.agencyId))
          .leftJoin(principal, eq(principal.id, memberships.deputyForId))
          .leftJoin(principalPerson, eq(principalPerson.id, principal.personId))
          .where(
            and(
              eq(memberships.groupId, sql.placeholder('groupId')),
              currentOn(memberships, sql.placeholder('today')),
            ),
          )
          .orderBy(roleOrder(memberships.role), asc(people.name), asc(memberships.id))
          .prepare(name)
      })
      return query.execute({ groupId, today })
    },

    /** Every group a partnership sees, with how many seats each has today: one query. */
    listVisible(partnershipId: string, today: string) {
      return db
        .select({
          id: groups.id,
          slug: groups.slug,
          name: groups.name,
          kind: groups.kind,
          accountableToId: groups.accountableToId,
          partnershipId: groups.partnershipId,
          collaborationName: collaborations.name,
          confidential: groups.confidential,
          meetingsPerYear: groups.meetingsPerYear,
          meetingMinutes: groups.meetingMinutes,
          transitionalMeetingsPerYear: groups.transitionalMeetingsPerYear,
          transitionalUntil: groups.transitionalUntil,
          endsOn: groups.endsOn,
          closedOn: groups.closedOn,
          members: sql<number>`(select count(*)::int from ${memberships} m
            where m.group_id = ${groups.id} and m.starts_on <= ${today}
              and (m.ends_on is null or m.ends_on >= ${today}))`,
        })
        .from(groups)
        .leftJoin(collaborations, eq(collaborations.id, groups.collaborationId))
        .where(visibleTo(partnershipId))
        .orderBy(sql`${groups.partnershipId} is null`, asc(sql`lower(${groups.name})`), asc(groups.id))
    },

    /** The partnership's own groups open on `today`, for the structure chart. */
    openGroups(partnershipId: string, today: string) {
      return db
        .select({
          id: groups.id,
          slug: groups.slug,
          name: groups.name,
          kind: groups.kind,
          accountableToId: groups.accountableToId,
        })
        .from(groups)
        .where(
          and(
            eq(groups.partnershipId, partnershipId),
            or(isNull(groups.closedOn), sql`${groups.closedOn} > ${today}`),
          ),
        )
        .orderBy(asc(sql`lower(${groups.name})`), asc(groups.id))
    },

    /** The group and every group above it, following reporting lines (bounded, in case of bad data). */
    async chainUpFrom(groupId: string): Promise<string[]> {
      const rows = await queryRows<{ id: string }>(
        db,
        sql`with recursive up(id, accountable_to_id, depth) as (
          select id, accountable_to_id, 1 from groups where id = ${groupId}
          union all
          select g.id, g.accountable_to_id, up.depth + 1 from groups g
            join up on g.id = up.accountable_to_id where up.depth < 200
        ) select id from up`,
      )
      return rows.map((r) => r.id)
    },

    async slugsLike(partnershipId: string, base: string): Promise<Set<string>> {
      const rows = await db
        .select({ slug: groups.slug })
        .from(groups)
        .where(
          and(
            eq(groups.partnershipId, partnershipId),
            or(eq(groups.slug, base), sql`${groups.slug} like ${`${base}-%`}`),
          ),
        )
      return new Set(rows.map((r) => r.slug))
    },

    /** An open group of the partnership with this name, in any case, other than `exceptId`. */
    async findOpenByName(partnershipId: string, name: string, exceptId?: string) {
      const [row] = await db
        .select({ id: groups.id })
        .from(groups)
        .where(
          and(
            eq(groups.partnershipId, partnershipId),
            isNull(groups.closedOn),
            sql`lower(${groups.name}) = lower(${name})`,
            exceptId ? sql`${groups.id} <> ${exceptId}` : undefined,
          ),
        )
        .limit(1)
      return row ?? null
    },

    async openChildren(groupId: string) {
      return db
        .select({ name: groups.name })
        .from(groups)
        .where(and(eq(groups.accountableToId, groupId), isNull(groups.closedOn)))
        .orderBy(asc(groups.name))
    },
  }
}

export type GroupRepository = ReturnType<typeof createGroupRepository>
