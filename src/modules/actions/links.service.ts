import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { and, eq, gt, isNull } from 'drizzle-orm'
import { addCalendarDays, type WorkingCalendar } from '../../platform/calendar/calendar.ts'
import { londonInstant } from '../../platform/calendar/london-time.ts'
import type { DbOrTx } from '../../platform/db/client.ts'
import { type ActionLink, actionLinks } from './actions.table.ts'

// Single-use links for people without an account to answer their agency's actions from one
// issue of the action matrix. The token goes out once, in the e-mail; only its SHA-256 is kept.

/** A link stays usable this many working days after the response deadline. */
export const LINK_WORKING_DAYS_AFTER_DEADLINE = 20

export const linkProblems = {
  used: 'This link has been used',
  expired: 'This link has expired: ask the business team for a new one',
} as const

export const hashLinkToken = (token: string) => createHash('sha256').update(token).digest('hex')

/** The end of the London day 20 working days after the deadline (the first instant of the next day). */
export function linkExpiry(calendar: WorkingCalendar, dueOn: string): Date {
  const lastDay = calendar.addWorkingDays(dueOn, LINK_WORKING_DAYS_AFTER_DEADLINE)
  return londonInstant(addCalendarDays(lastDay, 1), '00:00')
}

/** Writes a link and returns its token (32 random bytes, base64url), which is never stored. */
export async function createActionLink(
  tx: DbOrTx,
  input: {
    partnershipId: string
    issueId: string
    agencyId: string
    personId: string | null
    email: string
    expiresAt: Date
    now: Date
  },
): Promise<{ id: string; token: string }> {
  const token = randomBytes(32).toString('base64url')
  const id = randomUUID()
  await tx.insert(actionLinks).values({
    id,
    partnershipId: input.partnershipId,
    issueId: input.issueId,
    agencyId: input.agencyId,
    personId: input.personId,
    email: input.email,
    tokenHash: hashLinkToken(token),
    expiresAt: input.expiresAt,
    createdAt: input.now,
  })
  return { id, token }
}

export type LinkCheck = { status: 'ok'; link: ActionLink } | { status: 'unknown' | 'used' | 'expired' }

/**
 * What a token is worth now. With `lock`, the link's row is locked for the transaction, so a
 * second submission waits for the first and then finds the link used.
 */
export async function checkActionLink(
  db: DbOrTx,
  token: string,
  now: Date,
  options: { lock?: boolean } = {},
): Promise<LinkCheck> {
  if (!token || token.length > 200) return { status: 'unknown' }
  const query = db
    .select()
    .from(actionLinks)
    .where(eq(actionLinks.tokenHash, hashLinkToken(token)))
  const [link] = options.lock ? await query.for('update') : await query
  if (!link) return { status: 'unknown' }
  if (link.usedAt) return { status: 'used' }
  if (link.expiresAt <= now) return { status: 'expired' }
  return { status: 'ok', link }
}

/** Marks the link used, only if it still is usable: false when another submission got there first. */
export async function useActionLink(tx: DbOrTx, linkId: string, now: Date): Promise<boolean> {
  const used = await tx
    .update(actionLinks)
    .set({ usedAt: now })
    .where(and(eq(actionLinks.id, linkId), isNull(actionLinks.usedAt), gt(actionLinks.expiresAt, now)))
    .returning({ id: actionLinks.id })
  return used.length === 1
}

/** Ends the unused, unexpired links of an issue and agency (a fresh link replaces them). */
export async function expireLinks(
  tx: DbOrTx,
  input: { issueId: string; agencyId: string; now: Date },
): Promise<number> {
  const ended = await tx
    .update(actionLinks)
    .set({ expiresAt: input.now })
    .where(
      and(
        eq(actionLinks.issueId, input.issueId),
        eq(actionLinks.agencyId, input.agencyId),
        isNull(actionLinks.usedAt),
        gt(actionLinks.expiresAt, input.now),
      ),
    )
    .returning({ id: actionLinks.id })
  return ended.length
}
