import { randomBytes, randomUUID } from 'node:crypto'
import { and, eq, gt, isNull } from 'drizzle-orm'
import { recordAudit } from '../audit/audit.service.ts'
import type { Db, DbOrTx } from '../db/client.ts'
import { sessions, users, userTokens } from './auth.table.ts'
import { hashPassword } from './passwords.ts'
import { hashToken } from './sessions.service.ts'

export type UserTokenKind = 'invitation' | 'reset'
export const tokenLifetimeMs: Record<UserTokenKind, number> = {
  invitation: 7 * 24 * 3_600_000,
  reset: 3_600_000,
}

/** A single-use link's secret. Only its hash is stored; the link itself goes out by e-mail once. */
export async function issueUserToken(
  db: DbOrTx,
  input: {
    kind: UserTokenKind
    userId: string
    partnershipId?: string | null
    createdBy?: string | null
    now: Date
  },
): Promise<string> {
  const token = randomBytes(32).toString('base64url')
  await db.insert(userTokens).values({
    id: randomUUID(),
    tokenHash: hashToken(token),
    kind: input.kind,
    userId: input.userId,
    partnershipId: input.partnershipId ?? null,
    createdBy: input.createdBy ?? null,
    createdAt: input.now,
    expiresAt: new Date(input.now.getTime() + tokenLifetimeMs[input.kind]),
  })
  return token
}

export type TokenCheck =
  | { status: 'ok'; userId: string; name: string; email: string; hasPassword: boolean }
  | { status: 'invalid' | 'expired' | 'used' }

/** What a link is worth, without using it (for showing the page). */
export async function checkUserToken(
  db: DbOrTx,
  token: string,
  kind: UserTokenKind,
  now: Date,
): Promise<TokenCheck> {
  if (!token) return { status: 'invalid' }
  const [row] = await db
    .select({ token: userTokens, user: users })
    .from(userTokens)
    .innerJoin(users, eq(users.id, userTokens.userId))
    .where(and(eq(userTokens.tokenHash, hashToken(token)), eq(userTokens.kind, kind)))
  if (!row || row.user.deactivatedAt) return { status: 'invalid' }
  if (row.token.usedAt) return { status: 'used' }
  if (row.token.expiresAt <= now) return { status: 'expired' }
  return {
    status: 'ok',
    userId: row.user.id,
    name: row.user.name,
    email: row.user.email,
    hasPassword: row.user.passwordHash !== null,
  }
}

/**
 * Uses a link to set a password. The link is marked used in the same statement that checks it,
 * so two submissions of one link cannot both succeed. A reset ends every session the person had.
 */
export async function redeemUserToken(
  db: Db,
  input: { token: string; kind: UserTokenKind; password: string; now: Date; requestId?: string },
): Promise<TokenCheck> {
  const passwordHash = await hashPassword(input.password)
  return db.transaction(async (tx) => {
    const check = await checkUserToken(tx, input.token, input.kind, input.now)
    if (check.status !== 'ok') return check
    const used = await tx
      .update(userTokens)
      .set({ usedAt: input.now })
      .where(
        and(
          eq(userTokens.tokenHash, hashToken(input.token)),
          isNull(userTokens.usedAt),
          gt(userTokens.expiresAt, input.now),
        ),
      )
      .returning({ id: userTokens.id })
    if (used.length === 0) return { status: 'used' }
    await tx.update(users).set({ passwordHash }).where(eq(users.id, check.userId))
    if (input.kind === 'reset') {
      await tx
        .update(sessions)
        .set({ endedAt: input.now })
        .where(and(eq(sessions.userId, check.userId), isNull(sessions.endedAt)))
    }
    await recordAudit(
      tx,
      {
        actorId: check.userId,
        entityType: 'user',
        entityId: check.userId,
        action: input.kind === 'invitation' ? 'accepted_invitation' : 'reset_password',
        requestId: input.requestId,
      },
      input.now,
    )
    return check
  })
}
