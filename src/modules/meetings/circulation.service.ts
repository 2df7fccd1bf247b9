import { randomUUID } from 'node:crypto'
import { and, asc, eq, isNull } from 'drizzle-orm'
import { auditChange, type ChangeContext } from '../../platform/audit/audit.service.ts'
import type { Db, DbOrTx } from '../../platform/db/client.ts'
import { sendNotices } from '../../platform/notify/notices.ts'
import type { Outbox } from '../../platform/notify/notify.service.ts'
import type { MessageAttachment } from '../../platform/notify/notify.table.ts'
import { outbox as outboxTable } from '../../platform/notify/notify.table.ts'
import { people } from '../partnership/structure.table.ts'
import { type CirculationKind, circulationRecipients, circulations } from './papers.table.ts'

export interface Recipient {
  personId: string
  email: string
}

/**
 * Starts a circulation: the circulation and one row per recipient, nothing sent yet. Call it in
 * the transaction of the change it announces; then `deliverCirculation` sends it. People without
 * an e-mail address cannot be circulated to: the caller lists them for the business team.
 */
export async function startCirculation(
  tx: DbOrTx,
  change: ChangeContext,
  input: {
    meetingId: string
    kind: CirculationKind
    subject: string
    message?: string
    recipients: readonly Recipient[]
  },
): Promise<string> {
  const id = randomUUID()
  await tx.insert(circulations).values({
    id,
    partnershipId: change.partnershipId,
    meetingId: input.meetingId,
    kind: input.kind,
    subject: input.subject,
    message: input.message ?? '',
    createdById: change.actorId,
    createdAt: change.now,
  })
  const unique = [...new Map(input.recipients.map((r) => [r.personId, r])).values()]
  if (unique.length) {
    await tx.insert(circulationRecipients).values(
      unique.map((r) => ({
        circulationId: id,
        personId: r.personId,
        partnershipId: change.partnershipId,
        email: r.email,
      })),
    )
  }
  await auditChange(tx, change, { type: 'circulation', id }, 'start', null, {
    meetingId: input.meetingId,
    kind: input.kind,
    subject: input.subject,
    recipients: unique.length,
  })
  return id
}

export interface Letter {
  subject: string
  text: string
  attachments?: MessageAttachment[]
}

export interface DeliveryResult {
  sent: number
  failed: { personId: string; email: string; error: string }[]
}

/**
 * Sends a circulation to every recipient not yet sent to, each in its own transaction (the
 * message and the mark that it was sent commit together). A failure for one recipient does not
 * stop the others, and calling it again sends only to those still without a message.
 */
export async function deliverCirculation(
  db: Db,
  outbox: Outbox,
  input: { circulationId: string; now: Date; letterFor: (recipient: Recipient & { name: string }) => Letter },
): Promise<DeliveryResult> {
  const [circulation] = await db.select().from(circulations).where(eq(circulations.id, input.circulationId))
  if (!circulation) throw new Error(`No circulation ${input.circulationId}`)
  const pending = await db
    .select({
      personId: circulationRecipients.personId,
      email: circulationRecipients.email,
      name: people.name,
      userId: people.userId,
    })
    .from(circulationRecipients)
    .innerJoin(people, eq(people.id, circulationRecipients.personId))
    .where(and(eq(circulationRecipients.circulationId, circulation.id), isNull(circulationRecipients.sentAt)))
    .orderBy(asc(people.name))
  const result: DeliveryResult = { sent: 0, failed: [] }
  for (const recipient of pending) {
    try {
      const letter = input.letterFor(recipient)
      await db.transaction(async (tx) => {
        const [sent] = await sendNotices(
          tx,
          outbox,
          [
            {
              partnershipId: circulation.partnershipId,
              to: recipient.email,
              userId: recipient.userId,
              ...letter,
            },
          ],
          input.now,
        )
        await tx
          .update(circulationRecipients)
          .set({ outboxId: sent!.outboxId, digested: sent!.digested, sentAt: input.now })
          .where(
            and(
              eq(circulationRecipients.circulationId, circulation.id),
              eq(circulationRecipients.personId, recipient.personId),
            ),
          )
      })
      result.sent++
    } catch (error) {
      result.failed.push({
        personId: recipient.personId,
        email: recipient.email,
        error: error instanceof Error ? error.message : String(error),
      })
    }
  }
  return result
}

/** Each recipient of a circulation with where their message is: waiting, in the outbox (and its status), or in a digest. */
export function circulationStatus(db: DbOrTx, circulationId: string) {
  return db
    .select({
      personId: circulationRecipients.personId,
      name: people.name,
      email: circulationRecipients.email,
      sentAt: circulationRecipients.sentAt,
      digested: circulationRecipients.digested,
      delivery: outboxTable.status,
      lastError: outboxTable.lastError,
    })
    .from(circulationRecipients)
    .innerJoin(people, eq(people.id, circulationRecipients.personId))
    .leftJoin(outboxTable, eq(outboxTable.id, circulationRecipients.outboxId))
    .where(eq(circulationRecipients.circulationId, circulationId))
    .orderBy(asc(people.name))
}
