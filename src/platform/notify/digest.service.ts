import { and, asc, eq, inArray, isNull } from 'drizzle-orm'
import { users } from '../auth/auth.table.ts'
import type { Db } from '../db/client.ts'
import type { Job, JobLog } from '../jobs/jobs.ts'
import type { Outbox } from './notify.service.ts'
import { digestItems } from './notify.table.ts'

export interface DigestDeps {
  outbox: Pick<Outbox, 'enqueue'>
  /** For the link to change the choice. */
  publicUrl: string
}

export interface DigestResult {
  /** People sent a digest. */
  sent: number
  /** Notices in those digests. */
  items: number
  /** People whose digest could not be written: their notices wait for the next run. */
  failed: number
}

/** Every morning at 07:00: one e-mail to each person who chose a daily digest, with their waiting notices. */
export function digestJob(deps: DigestDeps): Job {
  return {
    name: 'send-digests',
    schedule: '0 7 * * *',
    async run({ db, now, log }) {
      const result = await sendDigests(db, deps, now(), log)
      if (result.sent + result.failed > 0) log.info(result, 'daily digests written')
    },
  }
}

/**
 * For each person with notices waiting, writes one outbox message listing every notice and stamps
 * those notices with the message, in one transaction per person: a second run finds nothing to
 * send, and a failure for one person leaves the others sent and that person's notices waiting.
 */
export async function sendDigests(db: Db, deps: DigestDeps, now: Date, log?: JobLog): Promise<DigestResult> {
  const waiting = await db
    .selectDistinct({ userId: digestItems.userId })
    .from(digestItems)
    .where(isNull(digestItems.digestedAt))
  const result: DigestResult = { sent: 0, items: 0, failed: 0 }
  for (const { userId } of waiting) {
    try {
      const count = await digestFor(db, deps, userId, now)
      if (count > 0) {
        result.sent++
        result.items += count
      }
    } catch (error) {
      result.failed++
      log?.error({ userId, err: error }, 'daily digest could not be written')
    }
  }
  return result
}

async function digestFor(db: Db, deps: DigestDeps, userId: string, now: Date): Promise<number> {
  return db.transaction(async (tx) => {
    // Locked, so a notice added while the digest is written waits for tomorrow's, not lost.
    const items = await tx
      .select()
      .from(digestItems)
      .where(and(eq(digestItems.userId, userId), isNull(digestItems.digestedAt)))
      .orderBy(asc(digestItems.createdAt), asc(digestItems.id))
      .for('update')
    if (items.length === 0) return 0
    const [user] = await tx
      .select({ name: users.name, email: users.email })
      .from(users)
      .where(eq(users.id, userId))
    const latest = items.at(-1)!
    const to = user?.email ?? latest.toAddress
    const partnerships = new Set(items.map((i) => i.partnershipId))
    const message = await deps.outbox.enqueue(tx, {
      partnershipId: partnerships.size === 1 ? latest.partnershipId : null,
      to,
      subject: digestSubject(items.length),
      text: digestText(user?.name ?? null, items, deps.publicUrl),
    })
    await tx
      .update(digestItems)
      .set({ digestedAt: now, outboxId: message.id })
      .where(
        inArray(
          digestItems.id,
          items.map((i) => i.id),
        ),
      )
    return items.length
  })
}

export function digestSubject(count: number): string {
  return `Your daily summary: ${count} ${count === 1 ? 'notice' : 'notices'}`
}

function digestText(
  name: string | null,
  items: readonly { subject: string; textBody: string }[],
  publicUrl: string,
): string {
  const rule = '—'.repeat(20)
  const lines = [
    name ? `Dear ${name},` : 'Hello,',
    '',
    `You asked for one e-mail a day. Here ${items.length === 1 ? 'is the notice' : `are the ${items.length} notices`} since your last summary.`,
  ]
  items.forEach((item, i) => {
    lines.push('', rule, `${i + 1}. ${item.subject}`, '', item.textBody.trim())
  })
  lines.push(
    '',
    rule,
    '',
    'To get each notice as it happens instead, change your choice here:',
    `${publicUrl.replace(/\/$/, '')}/account/notifications`,
  )
  return lines.join('\n')
}
