import { and, asc, eq, gt, ilike, isNull, or } from 'drizzle-orm'
import type { DbOrTx } from '../../platform/db/client.ts'
import { notFound } from '../../platform/http/errors.ts'
import { groups } from '../partnership/structure.table.ts'
import { type ReviewCase, reviewCases } from './reviews.table.ts'

/** The case of the partnership, locked for the change (select … for update); 404 when it is not one. */
export async function lockedCase(tx: DbOrTx, partnershipId: string, caseId: string): Promise<ReviewCase> {
  const [row] = await tx
    .select()
    .from(reviewCases)
    .where(and(eq(reviewCases.id, caseId), eq(reviewCases.partnershipId, partnershipId)))
    .for('update')
  if (!row) throw notFound()
  return row
}

/** The name that marks a partnership's Learning and Practice Review Group (any case). */
export const DEFAULT_GROUP_NAME = 'Learning and Practice Review'

/**
 * The open group whose name says it is the Learning and Practice Review Group, if there is one:
 * the default overseeing group of a new case and of a recommendation's action.
 */
export async function defaultGroupOf(db: DbOrTx, partnershipId: string, today: string) {
  const [row] = await db
    .select({ id: groups.id, name: groups.name })
    .from(groups)
    .where(
      and(
        eq(groups.partnershipId, partnershipId),
        or(isNull(groups.closedOn), gt(groups.closedOn, today)),
        ilike(groups.name, `%${DEFAULT_GROUP_NAME}%`),
      ),
    )
    .orderBy(asc(groups.name))
    .limit(1)
  return row ?? null
}
