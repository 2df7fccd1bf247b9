import { asc, eq } from 'drizzle-orm'
import type { DbOrTx } from '../../platform/db/client.ts'
import { type NewPartnership, partnerships } from './partnership.table.ts'

export async function findPartnershipBySlug(db: DbOrTx, slug: string) {
  const [row] = await db.select().from(partnerships).where(eq(partnerships.slug, slug))
  return row ?? null
}

export function listPartnerships(db: DbOrTx) {
  return db.select().from(partnerships).orderBy(asc(partnerships.name))
}

export async function insertPartnership(db: DbOrTx, values: NewPartnership) {
  await db.insert(partnerships).values(values)
}
