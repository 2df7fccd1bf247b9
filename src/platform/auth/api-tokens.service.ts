import { randomBytes, randomUUID } from 'node:crypto'
import { and, desc, eq, isNull, sql } from 'drizzle-orm'
import { recordAudit } from '../audit/audit.service.ts'
import type { Db } from '../db/client.ts'
import { apiTokens } from './auth.table.ts'
import { hashToken } from './sessions.service.ts'

export type TokenScope = 'read' | 'write'
const prefix = 'masa_'

/** Creates a token and returns it once: only its hash is kept. */
export async function createApiToken(
  db: Db,
  input: {
    partnershipId: string
    name: string
    scope: TokenScope
    createdBy: string | null
    expiresAt: Date | null
    now: Date
    requestId?: string
  },
): Promise<{ id: string; token: string }> {
  const token = `${prefix}${randomBytes(32).toString('base64url')}`
  const id = randomUUID()
  await db.transaction(async (tx) => {
    await tx.insert(apiTokens).values({
      id,
      partnershipId: input.partnershipId,
      name: input.name,
      tokenHash: hashToken(token),
      scope: input.scope,
      createdBy: input.createdBy,
      createdAt: input.now,
      expiresAt: input.expiresAt,
    })
    await recordAudit(
      tx,
      {
        partnershipId: input.partnershipId,
        actorId: input.createdBy,
        entityType: 'api_token',
        entityId: id,
        action: 'create',
        after: { name: input.name, scope: input.scope, expiresAt: input.expiresAt?.toISOString() ?? null },
        requestId: input.requestId,
      },
      input.now,
    )
  })
  return { id, token }
}

/** The token behind an `Authorization: Bearer` header, if it is live; records its use. */
export async function resolveApiToken(db: Db, token: string, now: Date) {
  if (!token.startsWith(prefix)) return null
  const [row] = await db
    .update(apiTokens)
    .set({ lastUsedAt: now, useCount: sql`${apiTokens.useCount} + 1` })
    .where(
      and(
        eq(apiTokens.tokenHash, hashToken(token)),
        isNull(apiTokens.revokedAt),
        sql`(${apiTokens.expiresAt} is null or ${apiTokens.expiresAt} > ${now})`,
      ),
    )
    .returning()
  return row ?? null
}

export function listApiTokens(db: Db, partnershipId: string) {
  return db
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.partnershipId, partnershipId))
    .orderBy(desc(apiTokens.createdAt))
}

export async function revokeApiToken(
  db: Db,
  input: { partnershipId: string; id: string; actorId: string; now: Date; requestId?: string },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(apiTokens)
      .set({ revokedAt: input.now })
      .where(
        and(
          eq(apiTokens.id, input.id),
          eq(apiTokens.partnershipId, input.partnershipId),
          isNull(apiTokens.revokedAt),
        ),
      )
      .returning({ id: apiTokens.id })
    if (rows.length === 0) return false
    await recordAudit(
      tx,
      {
        partnershipId: input.partnershipId,
        actorId: input.actorId,
        entityType: 'api_token',
        entityId: input.id,
        action: 'revoke',
        requestId: input.requestId,
      },
      input.now,
    )
    return true
  })
}
