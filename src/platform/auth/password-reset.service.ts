import { recordAudit } from '../audit/audit.service.ts'
import type { Db } from '../db/client.ts'
import type { Outbox } from '../notify/notify.service.ts'
import { issueUserToken } from './user-tokens.service.ts'
import { findUserByEmail, normaliseEmail } from './users.repository.ts'

/**
 * "Forgotten password": a reset link (valid 1 hour) when the address belongs to an active person.
 * The caller shows the same answer either way.
 */
export async function requestPasswordReset(
  db: Db,
  outbox: Outbox,
  input: { email: string; publicUrl: string; now: Date; requestId?: string },
) {
  const user = await findUserByEmail(db, input.email)
  if (!user || user.deactivatedAt) {
    await recordAudit(
      db,
      {
        entityType: 'password_reset',
        entityId: normaliseEmail(input.email),
        action: 'requested_unknown',
        requestId: input.requestId,
      },
      input.now,
    )
    return
  }
  await db.transaction(async (tx) => {
    const token = await issueUserToken(tx, { kind: 'reset', userId: user.id, now: input.now })
    await outbox.enqueue(tx, {
      to: user.email,
      subject: 'Reset your MASA password',
      text: [
        `Dear ${user.name},`,
        '',
        'Someone asked to reset the password for your MASA account. Use this link to choose a new one.',
        'It works once and for 1 hour:',
        `${input.publicUrl.replace(/\/$/, '')}/reset-password?token=${token}`,
        '',
        'If it was not you, you can ignore this e-mail: your password has not changed.',
      ].join('\n'),
    })
    await recordAudit(
      tx,
      {
        actorId: user.id,
        entityType: 'user',
        entityId: user.id,
        action: 'password_reset_requested',
        requestId: input.requestId,
      },
      input.now,
    )
  })
}
