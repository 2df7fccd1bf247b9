import { and, asc, eq, inArray, ne } from 'drizzle-orm'
import type { DbOrTx } from '../../platform/db/client.ts'
import { currentOn } from '../partnership/groups.repository.ts'
import { agencies, type MembershipRole, memberships, people } from '../partnership/structure.table.ts'

/** A seat at a meeting: a member of the group on the meeting's day (designated deputies are not invited). */
export interface Invitee {
  membershipId: string
  role: MembershipRole
  personId: string
  name: string
  email: string | null
  userId: string | null
  agencyId: string | null
  agencyName: string | null
  /** The seat's agency is a safeguarding partner (local authority, police, health). */
  partnerAgency: boolean
}

/** The invitees of meetings of a group held on `day`, chair first, then by name. */
export async function inviteesOn(db: DbOrTx, groupId: string, day: string): Promise<Invitee[]> {
  const rows = await db
    .select({
      membershipId: memberships.id,
      role: memberships.role,
      personId: people.id,
      name: people.name,
      email: people.email,
      userId: people.userId,
      agencyId: agencies.id,
      agencyName: agencies.name,
      statutoryRole: agencies.statutoryRole,
    })
    .from(memberships)
    .innerJoin(people, eq(people.id, memberships.personId))
    .leftJoin(agencies, eq(agencies.id, memberships.agencyId))
    .where(and(eq(memberships.groupId, groupId), ne(memberships.role, 'deputy'), currentOn(memberships, day)))
    .orderBy(asc(people.name))
  const rank = (role: MembershipRole) => (role === 'chair' ? 0 : role === 'vice_chair' ? 1 : 2)
  return rows
    .map(({ statutoryRole, ...r }) => ({ ...r, partnerAgency: statutoryRole !== null }))
    .sort((a, b) => rank(a.role) - rank(b.role))
}

/** The designated deputies of the given seats on `day`, for the "send a deputy" choice. */
export async function deputiesFor(db: DbOrTx, seatIds: readonly string[], day: string) {
  if (seatIds.length === 0) return []
  return db
    .select({
      membershipId: memberships.id,
      deputyForId: memberships.deputyForId,
      personId: people.id,
      name: people.name,
      email: people.email,
      userId: people.userId,
    })
    .from(memberships)
    .innerJoin(people, eq(people.id, memberships.personId))
    .where(and(inArray(memberships.deputyForId, [...seatIds]), currentOn(memberships, day)))
    .orderBy(asc(people.name))
}
