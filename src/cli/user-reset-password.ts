import { and, eq, isNull } from 'drizzle-orm'
import { recordAudit } from '../platform/audit/audit.service.ts'
import { sessions, users } from '../platform/auth/auth.table.ts'
import { hashPassword } from '../platform/auth/passwords.ts'
import { issueUserToken } from '../platform/auth/user-tokens.service.ts'
import { findUserByEmail, normaliseEmail } from '../platform/auth/users.repository.ts'
import { type Command, Failure, parseOptions, required } from './command.ts'
import { link, withDatabase } from './database.ts'
import { passwordFromStdin } from './password.ts'

export const userResetPassword: Command = {
  name: 'user:reset-password',
  summary: "Print a one-time password reset link (or set the password), ending the person's sessions",
  usage: '--email <address> [--password-stdin]',
  async run(args, io) {
    const { values } = parseOptions(args, {
      email: { type: 'string' },
      'password-stdin': { type: 'boolean' },
    })
    const address = normaliseEmail(required(values.email, 'email'))
    const password = values['password-stdin'] ? await passwordFromStdin(io, { email: address }) : null
    const passwordHash = password ? await hashPassword(password) : null

    return withDatabase(async (config, { db }) => {
      const now = new Date()
      const outcome = await db.transaction(async (tx) => {
        const user = await findUserByEmail(tx, address)
        if (!user) throw new Failure(`Unknown person: ${address}`)
        if (user.deactivatedAt) throw new Failure(`${address} is deactivated`)
        let token: string | null = null
        if (passwordHash) await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id))
        else token = await issueUserToken(tx, { kind: 'reset', userId: user.id, now })
        // Whoever is signed in as them now may be the reason for the reset.
        const ended = await tx
          .update(sessions)
          .set({ endedAt: now })
          .where(and(eq(sessions.userId, user.id), isNull(sessions.endedAt)))
          .returning({ id: sessions.id })
        await recordAudit(
          tx,
          {
            actorId: null,
            entityType: 'user',
            entityId: user.id,
            action: passwordHash ? 'reset_password' : 'issue_reset_link',
            after: { sessionsEnded: ended.length, via: 'command line' },
          },
          now,
        )
        return { user, token, ended: ended.length }
      })
      io.out(`${outcome.user.name} (${address}): ${outcome.ended} session(s) ended.`)
      if (outcome.token) {
        io.out('Send them this link to choose a new password. It works once, for 1 hour:')
        io.out(link(config, `/reset-password?token=${outcome.token}`))
      } else io.out('Password set.')
      return 0
    })
  },
}
