import { createHash, randomBytes } from 'node:crypto'
import { and, desc, eq, isNull, ne, sql } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import { prepared } from '../db/prepared.ts'
import { partnershipRoles, partnershipSecurity, type Role, sessions, type User, users } from './auth.table.ts'

export interface SessionPolicy {
  idleMs: number
  absoluteMs: number
}
export const defaultSessionPolicy: SessionPolicy = { idleMs: 30 * 60_000, absoluteMs: 12 * 60 * 60_000 }

export interface SignedIn {
  sessionId: string
  user: User
  /** The person's roles, leaving out partnerships that require a second factor this session has not given. */
  roles: Map<string, Role>
  /** Partnerships that would open with a second factor. */
  withheld: string[]
  pendingSecondFactor: boolean
  method: string
}

export interface StartOptions {
  userAgent?: string
  ipAddress?: string
  /** 'password' or the OpenID provider's issuer. */
  method?: string
  pendingSecondFactor?: boolean
}

// The cookie holds a random token; the database holds only its hash, so a copy of the table signs nobody in.
export const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url')

export function createSessions({
  db,
  now,
  policy = defaultSessionPolicy,
}: {
  db: Db
  now: () => Date
  policy?: SessionPolicy
}) {
  const expired = (session: { createdAt: Date; lastSeenAt: Date }, at: Date) =>
    at.getTime() - session.lastSeenAt.getTime() > policy.idleMs ||
    at.getTime() - session.createdAt.getTime() > policy.absoluteMs

  // The session and the person's roles, both found by the session id, read side by side on every
  // request: prepared once, so neither is rebuilt nor re-planned each time.
  const sessionQuery = () =>
    prepared(db, 'session_by_id', (name) =>
      db
        .select({ session: sessions, user: users })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(
          and(eq(sessions.id, sql.placeholder('id')), isNull(sessions.endedAt), isNull(users.deactivatedAt)),
        )
        .prepare(name),
    )
  const rolesQuery = () =>
    prepared(db, 'session_roles', (name) =>
      db
        .select({
          partnershipId: partnershipRoles.partnershipId,
          role: partnershipRoles.role,
          requireSecondFactor: partnershipSecurity.requireSecondFactor,
          oidcIssuer: partnershipSecurity.oidcIssuer,
        })
        .from(sessions)
        .innerJoin(partnershipRoles, eq(partnershipRoles.userId, sessions.userId))
        .leftJoin(partnershipSecurity, eq(partnershipSecurity.partnershipId, partnershipRoles.partnershipId))
        .where(and(eq(sessions.id, sql.placeholder('id')), isNull(partnershipRoles.deactivatedAt)))
        .prepare(name),
    )

  return {
    policy,

    /** A new session, always with a new id: a session id is never carried over a sign-in. */
    async start(userId: string, options: StartOptions = {}): Promise<{ token: string; sessionId: string }> {
      const token = randomBytes(32).toString('base64url')
      const at = now()
      const id = hashToken(token)
      await db.insert(sessions).values({
        id,
        userId,
        createdAt: at,
        lastSeenAt: at,
        userAgent: options.userAgent?.slice(0, 300),
        ipAddress: options.ipAddress,
        method: options.method ?? 'password',
        pendingSecondFactor: options.pendingSecondFactor ?? false,
      })
      return { token, sessionId: id }
    },

    /** The person behind a cookie, or null when the session has ended, idled out or lived too long. */
    async resume(token: string | undefined): Promise<SignedIn | null> {
      if (!token) return null
      const id = hashToken(token)
      // The session and the person's roles in one round trip: both are found by the session id.
      const [[row], roleRows] = await Promise.all([
        sessionQuery().execute({ id }),
        rolesQuery().execute({ id }),
      ])
      if (!row) return null
      const at = now()
      if (expired(row.session, at)) {
        await db.update(sessions).set({ endedAt: at }).where(eq(sessions.id, id))
        return null
      }
      // Write last-seen at most once a minute: a page view should not always cost a write.
      if (at.getTime() - row.session.lastSeenAt.getTime() > 60_000) {
        await db.update(sessions).set({ lastSeenAt: at }).where(eq(sessions.id, id))
      }
      // A password session counts as two factors once the person has TOTP (they gave a code to get
      // here). A session from an identity provider carries that provider's own second factor, but
      // only for the partnership that trusts that provider.
      const hasTotp = row.user.totpEnabledAt !== null
      const roles = new Map<string, Role>()
      const withheld: string[] = []
      for (const r of roleRows) {
        const twoFactors =
          hasTotp || (row.session.method !== 'password' && row.session.method === r.oidcIssuer)
        if (r.requireSecondFactor && !twoFactors) withheld.push(r.partnershipId)
        else roles.set(r.partnershipId, r.role)
      }
      return {
        sessionId: id,
        user: row.user,
        roles,
        withheld,
        pendingSecondFactor: row.session.pendingSecondFactor,
        method: row.session.method,
      }
    },

    async completeSecondFactor(sessionId: string): Promise<void> {
      await db
        .update(sessions)
        .set({ pendingSecondFactor: false, lastSeenAt: now() })
        .where(eq(sessions.id, sessionId))
    },

    async end(token: string | undefined): Promise<void> {
      if (!token) return
      await db
        .update(sessions)
        .set({ endedAt: now() })
        .where(eq(sessions.id, hashToken(token)))
    },

    /** Ends one of a person's own sessions; another person's id does nothing. */
    async endOwn(userId: string, sessionId: string): Promise<boolean> {
      const rows = await db
        .update(sessions)
        .set({ endedAt: now() })
        .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.endedAt)))
        .returning({ id: sessions.id })
      return rows.length > 0
    },

    /** Signs a person out everywhere, or everywhere but this session. Returns how many ended. */
    async endAll(userId: string, exceptSessionId?: string): Promise<number> {
      const rows = await db
        .update(sessions)
        .set({ endedAt: now() })
        .where(
          and(
            eq(sessions.userId, userId),
            isNull(sessions.endedAt),
            exceptSessionId ? ne(sessions.id, exceptSessionId) : undefined,
          ),
        )
        .returning({ id: sessions.id })
      return rows.length
    },

    /** A person's sessions that are still open, newest first. */
    async listOpen(userId: string) {
      const at = now()
      const rows = await db
        .select()
        .from(sessions)
        .where(
          and(
            eq(sessions.userId, userId),
            isNull(sessions.endedAt),
            sql`${sessions.lastSeenAt} > ${new Date(at.getTime() - policy.idleMs)}`,
            sql`${sessions.createdAt} > ${new Date(at.getTime() - policy.absoluteMs)}`,
          ),
        )
        .orderBy(desc(sessions.lastSeenAt))
      return rows
    },
  }
}
export type Sessions = ReturnType<typeof createSessions>
