import { and, count, eq, isNull } from 'drizzle-orm'
import { partnerships } from '../../../modules/partnership/partnership.table.ts'
import type { DbOrTx } from '../../db/client.ts'
import { partnershipRoles, partnershipSecurity, users } from '../auth.table.ts'

/** Whether the partnership requires a second factor of everyone in it. */
export async function requiresSecondFactor(db: DbOrTx, partnershipId: string): Promise<boolean> {
  const [row] = await db
    .select({ required: partnershipSecurity.requireSecondFactor })
    .from(partnershipSecurity)
    .where(eq(partnershipSecurity.partnershipId, partnershipId))
  return row?.required ?? false
}

/** Sets the rule without touching the OpenID Connect settings kept in the same row. */
export async function setRequiresSecondFactor(
  db: DbOrTx,
  partnershipId: string,
  required: boolean,
  at: Date,
) {
  const values = { requireSecondFactor: required, updatedAt: at }
  await db
    .insert(partnershipSecurity)
    .values({ partnershipId, ...values })
    .onConflictDoUpdate({ target: partnershipSecurity.partnershipId, set: values })
}

/** The partnerships a person is active in that require a second factor: while any do, they keep theirs. */
export async function partnershipsRequiring(db: DbOrTx, userId: string) {
  return db
    .select({ id: partnerships.id, name: partnerships.name, shortName: partnerships.shortName })
    .from(partnershipRoles)
    .innerJoin(partnerships, eq(partnerships.id, partnershipRoles.partnershipId))
    .innerJoin(partnershipSecurity, eq(partnershipSecurity.partnershipId, partnershipRoles.partnershipId))
    .where(
      and(
        eq(partnershipRoles.userId, userId),
        isNull(partnershipRoles.deactivatedAt),
        eq(partnershipSecurity.requireSecondFactor, true),
      ),
    )
    .orderBy(partnerships.name)
}

/** How many active people the partnership has, and how many of them have no second factor yet. */
export async function secondFactorCoverage(db: DbOrTx, partnershipId: string) {
  const [row] = await db
    // count(column) counts only the rows where it is set: the people who have turned TOTP on.
    .select({ total: count(), enrolled: count(users.totpEnabledAt) })
    .from(partnershipRoles)
    .innerJoin(users, eq(users.id, partnershipRoles.userId))
    .where(
      and(
        eq(partnershipRoles.partnershipId, partnershipId),
        isNull(partnershipRoles.deactivatedAt),
        isNull(users.deactivatedAt),
      ),
    )
  const total = Number(row?.total ?? 0)
  return { total, without: total - Number(row?.enrolled ?? 0) }
}
