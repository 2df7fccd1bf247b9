import { createHash, randomBytes } from 'node:crypto'
import { and, eq, isNull } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import { partnershipRoles, type Role, sessions, type User, users } from './auth.table.ts'

export interface SessionPolicy {
  idleMs: number
  absoluteMs: number
}
export const defaultSessionPolicy: SessionPolicy = { idleMs: 30 * 60_000, absoluteMs: 12 * 60 * 60_000 }

export interface SignedIn {
  sessionId: string
  user: User
  roles: Map<string, Role>
}

// The cookie holds a random token; the database holds only its hash, so a copy of the table signs nobody in.
const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url')

export function createSessions({
  db,
  now,
  policy = defaultSessionPolicy,
}: {
  db: Db
  now: () => Date
  policy?: SessionPolicy
}) {
  return {
    async start(userId: string, userAgent: string | undefined): Promise<string> {
      const token = randomBytes(32).toString('base64url')
      const at = now()
      await db.insert(sessions).values({
        id: hashToken(token),
        userId,
        createdAt: at,
        lastSeenAt: at,
        userAgent: userAgent?.slice(0, 300),
      })
      return token
    },

    /** The person behind a cookie, or null when the session has ended, idled out or lived too long. */
    async resume(token: string | undefined): Promise<SignedIn | null> {
      if (!token) return null
      const id = hashToken(token)
      const [row] = await db
        .select({ session: sessions, user: users })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(and(eq(sessions.id, id), isNull(sessions.endedAt), isNull(users.deactivatedAt)))
      if (!row) return null
      const at = now()
      const idle = at.getTime() - row.session.lastSeenAt.getTime()
      const age = at.getTime() - row.session.createdAt.getTime()
      if (idle > policy.idleMs || age > policy.absoluteMs) {
        await db.update(sessions).set({ endedAt: at }).where(eq(sessions.id, id))
        return null
      }
      // Write last-seen at most once a minute: a page view should not always cost a write.
      if (idle > 60_000) await db.update(sessions).set({ lastSeenAt: at }).where(eq(sessions.id, id))
      const roleRows = await db
        .select({ partnershipId: partnershipRoles.partnershipId, role: partnershipRoles.role })
        .from(partnershipRoles)
        .where(eq(partnershipRoles.userId, row.user.id))
      return { sessionId: id, user: row.user, roles: new Map(roleRows.map((r) => [r.partnershipId, r.role])) }
    },

    async end(token: string | undefined): Promise<void> {
      if (!token) return
      await db
        .update(sessions)
        .set({ endedAt: now() })
        .where(eq(sessions.id, hashToken(token)))
    },
  }
}
export type Sessions = ReturnType<typeof createSessions>
