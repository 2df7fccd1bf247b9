import { randomUUID } from 'node:crypto'
import { and, eq, inArray } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.ts'
import type { Outbox } from './notify.service.ts'
import { digestItems, type MessageAttachment, notificationPreferences } from './notify.table.ts'

/** A notice to one person about the partnership's business (an invitation, papers, minutes, a reminder). */
export interface Notice {
  partnershipId: string
  to: string
  /** The person's account, when they have one: their digest preference is read from it. */
  userId: string | null
  subject: string
  text: string
  attachments?: MessageAttachment[]
}

export interface NoticeResult {
  /** The outbox message written, or null when the notice went to the person's daily digest. */
  outboxId: string | null
  digested: boolean
}

/**
 * Sends notices the way each person asked: a single e-mail through the outbox, or an entry in
 * their daily digest. Write them in the transaction of the change that caused them.
 * (A digest carries no attachments: the person's calendar feed has the meetings.)
 */
export async function sendNotices(
  tx: DbOrTx,
  outbox: Outbox,
  notices: readonly Notice[],
  now: Date,
): Promise<NoticeResult[]> {
  const userIds = [...new Set(notices.map((n) => n.userId).filter((id): id is string => id !== null))]
  const wanting = new Set(
    userIds.length
      ? (
          await tx
            .select({ userId: notificationPreferences.userId })
            .from(notificationPreferences)
            .where(
              and(
                inArray(notificationPreferences.userId, userIds),
                eq(notificationPreferences.dailyDigest, true),
              ),
            )
        ).map((r) => r.userId)
      : [],
  )
  const results: NoticeResult[] = []
  for (const notice of notices) {
    if (notice.userId && wanting.has(notice.userId)) {
      await tx.insert(digestItems).values({
        id: randomUUID(),
        partnershipId: notice.partnershipId,
        userId: notice.userId,
        toAddress: notice.to,
        subject: notice.subject,
        textBody: notice.text,
        createdAt: now,
      })
      results.push({ outboxId: null, digested: true })
    } else {
      const message = await outbox.enqueue(tx, {
        partnershipId: notice.partnershipId,
        to: notice.to,
        subject: notice.subject,
        text: notice.text,
        attachments: notice.attachments,
      })
      results.push({ outboxId: message.id, digested: false })
    }
  }
  return results
}
