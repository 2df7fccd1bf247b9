import { randomUUID } from 'node:crypto'
import { and, count, desc, eq, inArray, type SQL } from 'drizzle-orm'
import type { Db, DbOrTx } from '../db/client.ts'
import { type MessageAttachment, type OutboxMessage, outbox } from './notify.table.ts'

export type OutboxStatus = OutboxMessage['status']

export const outboxStatuses: readonly OutboxStatus[] = ['pending', 'sending', 'sent', 'failed']

export interface NewMessage {
  /** The partnership the message belongs to; leave it out for platform-wide mail. */
  partnershipId?: string | null
  to: string
  subject: string
  text: string
  html?: string | null
  attachments?: MessageAttachment[]
}

export interface ListOptions {
  partnershipId?: string
  status?: OutboxStatus
  limit: number
  offset: number
}

export interface OutboxDeps {
  db: Db
  now: () => Date
}

export type Outbox = ReturnType<typeof createOutbox>

// An administrator's page never needs more than this at once; it also bounds a careless caller.
const maxPageSize = 500

export function createOutbox({ db, now }: OutboxDeps) {
  return {
    /**
     * Writes a pending message. Pass the caller's transaction so the message exists only if the
     * change that caused it commits: the sender delivers it later.
     */
    async enqueue(dbOrTx: DbOrTx, message: NewMessage): Promise<OutboxMessage> {
      const to = message.to.trim()
      if (!to) throw new Error('An outbox message needs a to address')
      // A line break in a header value is how header injection starts; nothing legitimate has one.
      if (/[\r\n]/.test(to)) throw new Error('An outbox to address cannot contain a line break')
      const at = now()
      const [row] = await dbOrTx
        .insert(outbox)
        .values({
          id: randomUUID(),
          partnershipId: message.partnershipId ?? null,
          toAddress: to,
          subject: message.subject,
          textBody: message.text,
          htmlBody: message.html ?? null,
          attachments: message.attachments ?? [],
          status: 'pending',
          attempts: 0,
          nextAttemptAt: at,
          createdAt: at,
        })
        .returning()
      if (!row) throw new Error('Inserting an outbox message returned no row')
      return row
    },

    /** Newest first, for an administrator's outbox page. */
    async list(options: ListOptions): Promise<OutboxMessage[]> {
      const limit = Math.min(Math.max(Math.trunc(options.limit), 1), maxPageSize)
      const offset = Math.max(Math.trunc(options.offset), 0)
      return db
        .select()
        .from(outbox)
        .where(filters(options))
        .orderBy(desc(outbox.createdAt), desc(outbox.id))
        .limit(limit)
        .offset(offset)
    },

    async get(id: string): Promise<OutboxMessage | undefined> {
      const [row] = await db.select().from(outbox).where(eq(outbox.id, id))
      return row
    },

    /** How many messages are in each status; every status is present, zero when there are none. */
    async counts(options: { partnershipId?: string } = {}): Promise<Record<OutboxStatus, number>> {
      const rows = await db
        .select({ status: outbox.status, n: count() })
        .from(outbox)
        .where(filters(options))
        .groupBy(outbox.status)
      const result: Record<OutboxStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0 }
      for (const row of rows) result[row.status] = Number(row.n)
      return result
    },

    /**
     * Puts a failed message, or one left in `sending` by a crash, back in the queue. Only an
     * administrator decides this: a `sending` message may already have been delivered, and the
     * resend carries the same Message-ID so the recipient's mail system can recognise it.
     */
    async retry(id: string): Promise<boolean> {
      const rows = await db
        .update(outbox)
        .set({ status: 'pending', nextAttemptAt: now() })
        .where(and(eq(outbox.id, id), inArray(outbox.status, ['failed', 'sending'])))
        .returning({ id: outbox.id })
      return rows.length > 0
    },
  }
}

function filters(options: { partnershipId?: string; status?: OutboxStatus }): SQL | undefined {
  return and(
    options.partnershipId === undefined ? undefined : eq(outbox.partnershipId, options.partnershipId),
    options.status === undefined ? undefined : eq(outbox.status, options.status),
  )
}
