import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import type { Transport } from './mailer.ts'
import { type OutboxMessage, outbox } from './notify.table.ts'

export interface SenderDeps {
  db: Db
  transport: Transport
  /** The From address, e.g. `MASA <no-reply@example.org>`. */
  from: string
  now: () => Date
  /** Attempts before a message is marked failed. */
  maxAttempts?: number
  /** Milliseconds to wait before the next attempt, given how many attempts have been made. */
  backoff?: (attempts: number) => number
}

export interface DeliveryCounts {
  sent: number
  retried: number
  failed: number
}

export type Sender = ReturnType<typeof createSender>

/** 1 min, 5 min, 25 min, ... up to maxMs: quick for a blip, patient for an outage. */
export function exponentialBackoff({ baseMs = 60_000, factor = 5, maxMs = 6 * 60 * 60_000 } = {}) {
  return (attempts: number): number => Math.min(baseMs * factor ** Math.max(attempts - 1, 0), maxMs)
}

/** Deterministic, so a resent message can be recognised as the same one. */
export function messageIdFor(id: string): string {
  return `<${id}@masa>`
}

// last_error is shown on the outbox page; a whole SMTP transcript would not help anyone there.
const maxErrorLength = 1000

/**
 * Delivers due outbox messages. A message is claimed (pending -> sending) and committed before it
 * is sent, so two processes never send the same one. A message left in `sending` (the process
 * died mid-send) is never resent automatically because it may already have been delivered: the
 * administrator sees it on the outbox page and can retry it (see `createOutbox().retry`).
 */
export function createSender({
  db,
  transport,
  from,
  now,
  maxAttempts = 5,
  backoff = exponentialBackoff(),
}: SenderDeps) {
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new Error('maxAttempts must be at least 1')

  async function claimDue(limit: number): Promise<OutboxMessage[]> {
    // Two statements in one transaction rather than UPDATE ... WHERE id IN (SELECT ... LIMIT n FOR
    // UPDATE SKIP LOCKED): PostgreSQL may rescan that subquery per row, skip the rows the UPDATE
    // has just changed, and so claim more than n.
    const claimed = await db.transaction(async (tx) => {
      const due = await tx
        .select({ id: outbox.id })
        .from(outbox)
        .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now())))
        .orderBy(asc(outbox.nextAttemptAt))
        .limit(limit)
        // SKIP LOCKED: a second process claiming at the same moment takes other rows instead of
        // waiting and then claiming these again. The locks last until this transaction commits.
        .for('update', { skipLocked: true })
      if (due.length === 0) return []
      return tx
        .update(outbox)
        .set({ status: 'sending', attempts: sql`${outbox.attempts} + 1` })
        .where(
          inArray(
            outbox.id,
            due.map((row) => row.id),
          ),
        )
        .returning()
    })
    return claimed.sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime())
  }

  async function deliver(message: OutboxMessage): Promise<keyof DeliveryCounts> {
    try {
      await transport.send({
        from,
        to: message.toAddress,
        subject: message.subject,
        text: message.textBody,
        html: message.htmlBody,
        attachments: message.attachments,
        messageId: messageIdFor(message.id),
      })
    } catch (error) {
      const lastError = describe(error)
      if (message.attempts >= maxAttempts) {
        await db
          .update(outbox)
          .set({ status: 'failed', lastError })
          .where(and(eq(outbox.id, message.id), eq(outbox.status, 'sending')))
        return 'failed'
      }
      const nextAttemptAt = new Date(now().getTime() + backoff(message.attempts))
      await db
        .update(outbox)
        .set({ status: 'pending', lastError, nextAttemptAt })
        .where(and(eq(outbox.id, message.id), eq(outbox.status, 'sending')))
      return 'retried'
    }
    await db
      .update(outbox)
      .set({ status: 'sent', sentAt: now(), lastError: null })
      .where(and(eq(outbox.id, message.id), eq(outbox.status, 'sending')))
    return 'sent'
  }

  /** Undoes the claim of messages that were never tried. */
  async function release(messages: OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return
    await db
      .update(outbox)
      .set({ status: 'pending', attempts: sql`${outbox.attempts} - 1` })
      .where(
        and(
          inArray(
            outbox.id,
            messages.map((m) => m.id),
          ),
          eq(outbox.status, 'sending'),
        ),
      )
  }

  return {
    /** Sends the messages that are due, oldest first, one at a time. */
    async deliverDue(limit = 20): Promise<DeliveryCounts> {
      const counts: DeliveryCounts = { sent: 0, retried: 0, failed: 0 }
      const claimed = await claimDue(limit)
      // One after another, so a failing mail server fails each message on its own terms.
      for (const [index, message] of claimed.entries()) {
        try {
          counts[await deliver(message)] += 1
        } catch (error) {
          // Recording an outcome failed (the database went away?). This message stays in `sending`
          // as it may have gone; the ones not yet tried go back to the queue if the database allows.
          await release(claimed.slice(index + 1)).catch(() => {})
          throw error
        }
      }
      return counts
    },
  }
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.length > maxErrorLength ? `${text.slice(0, maxErrorLength - 1)}…` : text
}
