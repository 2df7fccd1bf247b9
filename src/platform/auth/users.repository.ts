import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.ts'
import { partnershipRoles, type Role, users } from './auth.table.ts'
import { hashPassword } from './passwords.ts'

export const normaliseEmail = (email: string) => email.trim().toLowerCase()

export async function findUserByEmail(db: DbOrTx, email: string) {
  const [user] = await db
    .select()
    .from(users)
    .where(eq(users.email, normaliseEmail(email)))
  return user ?? null
}

export async function createUser(
  db: DbOrTx,
  input: { email: string; name: string; password?: string; partnershipId?: string; role?: Role },
) {
  const id = randomUUID()
  await db.insert(users).values({
    id,
    email: normaliseEmail(input.email),
    name: input.name,
    passwordHash: input.password ? await hashPassword(input.password) : null,
  })
  if (input.partnershipId && input.role) {
    await db
      .insert(partnershipRoles)
      .values({ partnershipId: input.partnershipId, userId: id, role: input.role })
  }
  return id
}
