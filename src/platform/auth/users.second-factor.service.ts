import { and, eq, isNull } from 'drizzle-orm'
import { recordAudit } from '../audit/audit.service.ts'
import type { Db } from '../db/client.ts'
import { partnershipRoles, recoveryCodes, sessions, users } from './auth.table.ts'

/**
 * For a person who has lost their authenticator app: turns their second factor off (they set it
 * up again at their next sign-in if a partnership requires it) and signs them out everywhere.
 */
export async function resetSecondFactor(
  db: Db,
  input: { partnershipId: string; userId: string; actorId: string; now: Date; requestId?: string },
) {
  return db.transaction(async (tx) => {
    const [member] = await tx
      .select({ totpEnabledAt: users.totpEnabledAt })
      .from(partnershipRoles)
      .innerJoin(users, eq(users.id, partnershipRoles.userId))
      .where(
        and(
          eq(partnershipRoles.partnershipId, input.partnershipId),
          eq(partnershipRoles.userId, input.userId),
          isNull(partnershipRoles.deactivatedAt),
        ),
      )
    if (!member?.totpEnabledAt) return false
    await tx.update(users).set({ totpSecret: null, totpEnabledAt: null }).where(eq(users.id, input.userId))
    await tx
      .update(recoveryCodes)
      .set({ usedAt: input.now })
      .where(and(eq(recoveryCodes.userId, input.userId), isNull(recoveryCodes.usedAt)))
    await tx
      .update(sessions)
      .set({ endedAt: input.now })
      .where(and(eq(sessions.userId, input.userId), isNull(sessions.endedAt)))
    await recordAudit(
      tx,
      {
        partnershipId: input.partnershipId,
        actorId: input.actorId,
        entityType: 'user',
        entityId: input.userId,
        action: 'reset_second_factor',
        before: { secondFactor: true },
        after: { secondFactor: false },
        requestId: input.requestId,
      },
      input.now,
    )
    return true
  })
}
