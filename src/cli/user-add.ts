import { and, eq, isNull } from 'drizzle-orm'
import { z } from 'zod'
import { findPartnershipBySlug } from '../modules/partnership/partnership.repository.ts'
import { recordAudit } from '../platform/audit/audit.service.ts'
import { partnershipRoles, type Role, roles, sessions, users } from '../platform/auth/auth.table.ts'
import { hashPassword } from '../platform/auth/passwords.ts'
import { issueUserToken } from '../platform/auth/user-tokens.service.ts'
import { createUser, findUserByEmail, normaliseEmail } from '../platform/auth/users.repository.ts'
import { type Command, Failure, parseOptions, required, UsageError } from './command.ts'
import { link, withDatabase } from './database.ts'
import { passwordFromStdin } from './password.ts'

const email = z.email()

export const userAdd: Command = {
  name: 'user:add',
  summary: 'Add a person to a partnership with a role, with a password or a one-time sign-in link',
  usage: '--partnership <slug> --email <address> --role <role> [--name <name>] [--password-stdin]',
  async run(args, io) {
    const { values } = parseOptions(args, {
      partnership: { type: 'string' },
      email: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      'password-stdin': { type: 'boolean' },
    })
    const slug = required(values.partnership, 'partnership')
    const address = normaliseEmail(required(values.email, 'email'))
    if (!email.safeParse(address).success) {
      throw new UsageError('--email must be an e-mail address, like name@example.org')
    }
    const role = required(values.role, 'role')
    if (!(roles as readonly string[]).includes(role)) {
      throw new UsageError(`--role must be one of ${roles.join(', ')}`)
    }
    const name = values.name?.trim()
    if (name !== undefined && (name === '' || name.length > 200)) {
      throw new UsageError('--name must be from 1 to 200 characters')
    }
    const password = values['password-stdin'] ? await passwordFromStdin(io, { email: address, name }) : null
    const passwordHash = password ? await hashPassword(password) : null

    return withDatabase(async (config, { db }) => {
      const partnership = await findPartnershipBySlug(db, slug)
      if (!partnership) throw new Failure(`Unknown partnership: ${slug}`)
      const now = new Date()
      const result = await db.transaction(async (tx) => {
        let user = await findUserByEmail(tx, address)
        const created = !user
        if (!user) {
          await createUser(tx, { email: address, name: name ?? address })
          user = (await findUserByEmail(tx, address))!
        }
        if (user.deactivatedAt) throw new Failure(`${address} is deactivated and cannot be given a role`)
        const [membership] = await tx
          .select()
          .from(partnershipRoles)
          .where(
            and(eq(partnershipRoles.partnershipId, partnership.id), eq(partnershipRoles.userId, user.id)),
          )
        if (!membership) {
          await tx
            .insert(partnershipRoles)
            .values({ partnershipId: partnership.id, userId: user.id, role: role as Role, createdAt: now })
        } else if (membership.role !== role || membership.deactivatedAt) {
          await tx
            .update(partnershipRoles)
            .set({ role: role as Role, deactivatedAt: null })
            .where(
              and(eq(partnershipRoles.partnershipId, partnership.id), eq(partnershipRoles.userId, user.id)),
            )
        }
        let token: string | null = null
        if (passwordHash) {
          await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id))
          // A new password means whoever held the old one is signed out.
          await tx
            .update(sessions)
            .set({ endedAt: now })
            .where(and(eq(sessions.userId, user.id), isNull(sessions.endedAt)))
        } else if (!user.passwordHash) {
          token = await issueUserToken(tx, {
            kind: 'invitation',
            userId: user.id,
            partnershipId: partnership.id,
            now,
          })
        }
        await recordAudit(
          tx,
          {
            partnershipId: partnership.id,
            actorId: null,
            entityType: 'user',
            entityId: user.id,
            action: created ? 'create' : 'add_role',
            before: membership ? { role: membership.role, active: !membership.deactivatedAt } : null,
            after: {
              email: address,
              role,
              active: true,
              password: passwordHash ? 'set' : token ? 'invitation' : 'unchanged',
              via: 'command line',
            },
          },
          now,
        )
        return { user, created, previous: membership, token }
      })

      const who = `${result.user.name} (${address})`
      const where = `${partnership.name} (${partnership.slug})`
      if (result.created) io.out(`Added ${who} to ${where} as ${role}.`)
      else if (result.previous && !result.previous.deactivatedAt && result.previous.role === role) {
        io.out(`${who} already had the role ${role} in ${where}.`)
      } else if (result.previous && !result.previous.deactivatedAt) {
        io.out(`Changed ${who}'s role in ${where} from ${result.previous.role} to ${role}.`)
      } else io.out(`Gave ${who} the role ${role} in ${where}.`)
      if (passwordHash) io.out('Password set.')
      else if (result.token) {
        io.out('Send them this link to set their password. It works once, for 7 days:')
        io.out(link(config, `/invitation?token=${result.token}`))
      } else io.out(`They sign in with their existing password at ${link(config, '/sign-in')}`)
      return 0
    })
  },
}
