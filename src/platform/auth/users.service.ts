import { randomUUID } from 'node:crypto'
import { and, asc, count, eq, isNull, ne, sql } from 'drizzle-orm'
import { linkAccount } from '../../modules/partnership/people.service.ts'
import { auditChange, recordAudit } from '../audit/audit.service.ts'
import type { Db, Tx } from '../db/client.ts'
import { appError } from '../http/errors.ts'
import type { Outbox } from '../notify/notify.service.ts'
import { partnershipRoles, type Role, users } from './auth.table.ts'
import { issueUserToken } from './user-tokens.service.ts'
import { findUserByEmail, normaliseEmail } from './users.repository.ts'

export const roleLabels: Record<Role, string> = {
  administrator: 'Administrator',
  business_team: 'Business team',
  partner: 'Safeguarding partner',
  member: 'Member',
  scrutineer: 'Scrutineer',
}

interface PartnershipRef {
  id: string
  name: string
}

/** The people of a partnership with their role, active first, by name. */
export function listUsers(db: Db, partnershipId: string) {
  return db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      role: partnershipRoles.role,
      since: partnershipRoles.createdAt,
      deactivatedAt: partnershipRoles.deactivatedAt,
      hasPassword: users.passwordHash,
      totpEnabledAt: users.totpEnabledAt,
    })
    .from(partnershipRoles)
    .innerJoin(users, eq(users.id, partnershipRoles.userId))
    .where(eq(partnershipRoles.partnershipId, partnershipId))
    .orderBy(asc(partnershipRoles.deactivatedAt), asc(users.name))
}

export async function getUser(db: Db, partnershipId: string, userId: string) {
  const rows = await listUsersWhere(db, partnershipId, userId)
  return rows[0] ?? null
}

function listUsersWhere(db: Db, partnershipId: string, userId: string) {
  return db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      role: partnershipRoles.role,
      since: partnershipRoles.createdAt,
      deactivatedAt: partnershipRoles.deactivatedAt,
      totpEnabledAt: users.totpEnabledAt,
    })
    .from(partnershipRoles)
    .innerJoin(users, eq(users.id, partnershipRoles.userId))
    .where(and(eq(partnershipRoles.partnershipId, partnershipId), eq(partnershipRoles.userId, userId)))
}

/**
 * Invites a person to a partnership: a new person gets an account without a password and a
 * link (valid 7 days) to set one; a person who already has an account is told they were added.
 */
export async function invitePerson(
  db: Db,
  outbox: Outbox,
  input: {
    partnership: PartnershipRef
    email: string
    name: string
    role: Role
    invitedBy: string
    publicUrl: string
    now: Date
    requestId?: string
  },
) {
  return db.transaction(async (tx) => {
    const email = normaliseEmail(input.email)
    let user = await findUserByEmail(tx, email)
    if (!user) {
      const id = randomUUID()
      await tx.insert(users).values({ id, email, name: input.name, createdAt: input.now })
      user = (await findUserByEmail(tx, email))!
    }
    const [existing] = await tx
      .select()
      .from(partnershipRoles)
      .where(
        and(eq(partnershipRoles.partnershipId, input.partnership.id), eq(partnershipRoles.userId, user.id)),
      )
    if (existing && !existing.deactivatedAt) {
      throw appError('already_member', `${email} is already in ${input.partnership.name}`, 409)
    }
    if (existing) {
      await tx
        .update(partnershipRoles)
        .set({ role: input.role, deactivatedAt: null })
        .where(
          and(eq(partnershipRoles.partnershipId, input.partnership.id), eq(partnershipRoles.userId, user.id)),
        )
    } else {
      await tx.insert(partnershipRoles).values({
        partnershipId: input.partnership.id,
        userId: user.id,
        role: input.role,
        createdAt: input.now,
      })
    }
    // The partnership's directory entry with this e-mail, if any, now belongs to this account.
    await linkAccount(tx, {
      partnershipId: input.partnership.id,
      actorId: input.invitedBy,
      now: input.now,
      requestId: input.requestId,
      userId: user.id,
      email,
    })
    const base = input.publicUrl.replace(/\/$/, '')
    if (user.passwordHash === null) {
      const token = await issueUserToken(tx, {
        kind: 'invitation',
        userId: user.id,
        partnershipId: input.partnership.id,
        createdBy: input.invitedBy,
        now: input.now,
      })
      await outbox.enqueue(tx, {
        partnershipId: input.partnership.id,
        to: email,
        subject: `You have been invited to ${input.partnership.name}`,
        text: [
          `Dear ${user.name},`,
          '',
          `You have been invited to use MASA for ${input.partnership.name} as ${roleLabels[input.role].toLowerCase()}.`,
          '',
          'Set your password with this link. It works once and for 7 days:',
          `${base}/invitation?token=${token}`,
          '',
          'If you were not expecting this, you can ignore this e-mail.',
        ].join('\n'),
      })
    } else {
      await outbox.enqueue(tx, {
        partnershipId: input.partnership.id,
        to: email,
        subject: `You have been added to ${input.partnership.name}`,
        text: [
          `Dear ${user.name},`,
          '',
          `You can now use MASA for ${input.partnership.name} as ${roleLabels[input.role].toLowerCase()}.`,
          `Sign in with your existing password: ${base}/sign-in`,
        ].join('\n'),
      })
    }
    await recordAudit(
      tx,
      {
        partnershipId: input.partnership.id,
        actorId: input.invitedBy,
        entityType: 'membership',
        entityId: user.id,
        action: existing ? 'reactivate' : 'invite',
        before: existing ? { role: existing.role, active: false } : null,
        after: { email, role: input.role, active: true },
        requestId: input.requestId,
      },
      input.now,
    )
    return user.id
  })
}

async function activeAdministrators(db: Pick<Db, 'select'>, partnershipId: string, except: string) {
  const [row] = await db
    .select({ n: count() })
    .from(partnershipRoles)
    .where(
      and(
        eq(partnershipRoles.partnershipId, partnershipId),
        eq(partnershipRoles.role, 'administrator'),
        isNull(partnershipRoles.deactivatedAt),
        ne(partnershipRoles.userId, except),
      ),
    )
  return Number(row?.n ?? 0)
}

// Role changes in one partnership run one at a time, so two administrators demoting each other
// at once cannot both pass the "at least one administrator" check.
const ROLES_LOCK = 7_303_020

type RoleChange = { partnershipId: string; userId: string; actorId: string; now: Date; requestId?: string }

/**
 * The person's active role, read under the partnership's roles lock. When the change would take
 * away an administrator, refuses it if they are the last one.
 */
async function activeRoleFor(tx: Tx, input: RoleChange, removesAdministrator: boolean) {
  await tx.execute(sql`select pg_advisory_xact_lock(${ROLES_LOCK}, hashtext(${input.partnershipId}))`)
  const [current] = await tx
    .select()
    .from(partnershipRoles)
    .where(
      and(
        eq(partnershipRoles.partnershipId, input.partnershipId),
        eq(partnershipRoles.userId, input.userId),
        isNull(partnershipRoles.deactivatedAt),
      ),
    )
  if (
    current &&
    current.role === 'administrator' &&
    removesAdministrator &&
    (await activeAdministrators(tx, input.partnershipId, input.userId)) === 0
  ) {
    throw appError('last_administrator', 'The partnership must keep at least one administrator', 409)
  }
  return current ?? null
}

const roleRow = (input: RoleChange) =>
  and(eq(partnershipRoles.partnershipId, input.partnershipId), eq(partnershipRoles.userId, input.userId))

const auditMembership = (tx: Tx, input: RoleChange, action: string, before: unknown, after: unknown) =>
  auditChange(tx, input, { type: 'membership', id: input.userId }, action, before, after)

/** Changes a person's role. A partnership always keeps at least one administrator. */
export async function changeRole(db: Db, input: RoleChange & { role: Role }) {
  return db.transaction(async (tx) => {
    const current = await activeRoleFor(tx, input, input.role !== 'administrator')
    if (!current) throw appError('not_found', 'This person is not active in the partnership', 404)
    if (current.role === input.role) return false
    await tx.update(partnershipRoles).set({ role: input.role }).where(roleRow(input))
    await auditMembership(tx, input, 'change_role', { role: current.role }, { role: input.role })
    return true
  })
}

/** Ends a person's access to the partnership. Nothing is deleted: their history stays theirs. */
export async function deactivateMembership(db: Db, input: RoleChange) {
  return db.transaction(async (tx) => {
    const current = await activeRoleFor(tx, input, true)
    if (!current) return false
    await tx.update(partnershipRoles).set({ deactivatedAt: input.now }).where(roleRow(input))
    await auditMembership(
      tx,
      input,
      'deactivate',
      { role: current.role, active: true },
      { role: current.role, active: false },
    )
    return true
  })
}
