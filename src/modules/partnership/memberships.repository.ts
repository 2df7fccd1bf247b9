import { and, desc, eq, isNull, or, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { DbOrTx } from '../../platform/db/client.ts'
import { agencies, groups, memberships, people } from './structure.table.ts'

// The seats' read side: a group's history, a person's seats, and who sits where.

/** Every seat the group has had, newest first, with names: its history. */
export function membershipHistory(db: DbOrTx, groupId: string) {
  const principal = alias(memberships, 'principal')
  const principalPerson = alias(people, 'principal_person')
  return db
    .select({
      id: memberships.id,
      role: memberships.role,
      startsOn: memberships.startsOn,
      endsOn: memberships.endsOn,
      endedReason: memberships.endedReason,
      ruleException: memberships.ruleException,
      personId: people.id,
      personName: people.name,
      partnershipId: memberships.partnershipId,
      agencyName: agencies.name,
      deputyForName: principalPerson.name,
    })
    .from(memberships)
    .innerJoin(people, eq(people.id, memberships.personId))
    .leftJoin(agencies, eq(agencies.id, memberships.agencyId))
    .leftJoin(principal, eq(principal.id, memberships.deputyForId))
    .leftJoin(principalPerson, eq(principalPerson.id, principal.personId))
    .where(eq(memberships.groupId, groupId))
    .orderBy(desc(memberships.startsOn), desc(memberships.createdAt), desc(memberships.id))
}

/** A person's seats across groups, newest first, with the group's name and confidentiality. */
export function seatsOfPerson(db: DbOrTx, partnershipId: string, personId: string) {
  return db
    .select({
      id: memberships.id,
      role: memberships.role,
      startsOn: memberships.startsOn,
      endsOn: memberships.endsOn,
      endedReason: memberships.endedReason,
      groupId: groups.id,
      groupName: groups.name,
      groupSlug: groups.slug,
      confidential: groups.confidential,
      agencyName: agencies.name,
    })
    .from(memberships)
    .innerJoin(groups, eq(groups.id, memberships.groupId))
    .leftJoin(agencies, eq(agencies.id, memberships.agencyId))
    .where(and(eq(memberships.partnershipId, partnershipId), eq(memberships.personId, personId)))
    .orderBy(desc(memberships.startsOn), desc(memberships.id))
}

/** The groups where someone signed in holds a seat today (through the person linked to their account). */
export async function groupsSatOnBy(db: DbOrTx, userId: string, today: string): Promise<Set<string>> {
  const rows = await db
    .select({ groupId: memberships.groupId })
    .from(memberships)
    .innerJoin(people, eq(people.id, memberships.personId))
    .where(
      and(
        eq(people.userId, userId),
        sql`${memberships.startsOn} <= ${today}`,
        or(isNull(memberships.endsOn), sql`${memberships.endsOn} >= ${today}`),
      ),
    )
  return new Set(rows.map((r) => r.groupId))
}

export async function findSeat(db: DbOrTx, groupId: string, id: string) {
  const [row] = await db
    .select({ seat: memberships, personName: people.name })
    .from(memberships)
    .innerJoin(people, eq(people.id, memberships.personId))
    .where(and(eq(memberships.id, id), eq(memberships.groupId, groupId)))
  return row ?? null
}
