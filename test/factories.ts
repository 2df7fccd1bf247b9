import { randomUUID } from 'node:crypto'
import { insertPartnership } from '../src/modules/partnership/partnership.repository.ts'
import type { NewPartnership, Partnership } from '../src/modules/partnership/partnership.table.ts'
import type { Role } from '../src/platform/auth/auth.table.ts'
import { createUser } from '../src/platform/auth/users.repository.ts'
import type { DbOrTx } from '../src/platform/db/client.ts'

let sequence = 0
const next = () => `${Date.now().toString(36)}${(++sequence).toString(36)}`

/** A partnership of its own for each test, so tests never depend on each other. */
export async function buildPartnership(
  db: DbOrTx,
  overrides: Partial<NewPartnership> = {},
): Promise<Partnership> {
  const n = next()
  const values = {
    id: randomUUID(),
    slug: `test-${n}`,
    name: `Test Safeguarding Children Partnership ${n}`,
    shortName: `Test LSCP ${n}`,
    area: 'Testshire',
    vision: 'Children are safe.',
    aims: ['Safeguarding is everybody’s business'],
    principles: ['Keep children at the centre'],
    createdAt: new Date(),
    ...overrides,
  }
  await insertPartnership(db, values)
  return values as Partnership
}

export const TEST_PASSWORD = 'correct horse battery staple'

/** A person who can sign in with TEST_PASSWORD, with a role in a partnership when given one. */
export async function buildUser(
  db: DbOrTx,
  overrides: { email?: string; name?: string; partnershipId?: string; role?: Role; password?: string } = {},
) {
  const n = next()
  const email = overrides.email ?? `person-${n}@example.org`
  const id = await createUser(db, {
    email,
    name: overrides.name ?? `Person ${n}`,
    password: overrides.password ?? TEST_PASSWORD,
    partnershipId: overrides.partnershipId,
    role: overrides.role,
  })
  return { id, email, password: overrides.password ?? TEST_PASSWORD }
}
