import { and, asc, eq, isNull, sql } from 'drizzle-orm'
import { type DbOrTx, queryRows } from '../../platform/db/client.ts'
import { prepared } from '../../platform/db/prepared.ts'
import { type NewPartnership, partnerships } from './partnership.table.ts'
import { agencies, collaborationMembers, collaborations } from './structure.table.ts'

export async function findPartnershipBySlug(db: DbOrTx, slug: string) {
  const query = prepared(db, 'partnership_by_slug', (name) =>
    db
      .select()
      .from(partnerships)
      .where(eq(partnerships.slug, sql.placeholder('slug')))
      .prepare(name),
  )
  const [row] = await query.execute({ slug })
  return row ?? null
}

/** The directory of partnerships: only what a list shows, so the start page stays cheap at national scale. */
export function listPartnershipSummaries(db: DbOrTx) {
  return db
    .select({
      id: partnerships.id,
      slug: partnerships.slug,
      name: partnerships.name,
      area: partnerships.area,
    })
    .from(partnerships)
    .orderBy(asc(partnerships.name))
}

export function listPartnerships(db: DbOrTx) {
  return db.select().from(partnerships).orderBy(asc(partnerships.name))
}

export async function insertPartnership(db: DbOrTx, values: NewPartnership) {
  await db.insert(partnerships).values(values)
}

/** The partnership at a glance: its statutory partners and how many agencies, groups and people it has. */
export async function partnershipOverview(db: DbOrTx, partnershipId: string) {
  // Independent reads: on a PostgreSQL pool they run side by side.
  const [countRows, statutory, collaborationsOf] = await Promise.all([
    queryRows<{ agencies: number; groups: number; people: number; memberships: number }>(
      db,
      sql`select
      (select count(*)::int from agencies where partnership_id = ${partnershipId} and active_to is null) as agencies,
      (select count(*)::int from groups where partnership_id = ${partnershipId} and closed_on is null) as groups,
      (select count(*)::int from people where partnership_id = ${partnershipId} and left_on is null) as people,
      (select count(*)::int from memberships where partnership_id = ${partnershipId}
         and starts_on <= current_date and (ends_on is null or ends_on >= current_date)) as memberships`,
    ),
    db
      .select({
        name: agencies.name,
        statutoryRole: agencies.statutoryRole,
        leadPartnerTitle: agencies.leadPartnerTitle,
        delegatedPartnerTitle: agencies.delegatedPartnerTitle,
      })
      .from(agencies)
      .where(
        and(
          eq(agencies.partnershipId, partnershipId),
          eq(agencies.kind, 'statutory_partner'),
          isNull(agencies.activeTo),
        ),
      )
      .orderBy(asc(agencies.statutoryRole)),
    db
      .select({ slug: collaborations.slug, name: collaborations.name })
      .from(collaborationMembers)
      .innerJoin(collaborations, eq(collaborations.id, collaborationMembers.collaborationId))
      .where(eq(collaborationMembers.partnershipId, partnershipId)),
  ])
  return {
    counts: countRows[0] ?? { agencies: 0, groups: 0, people: 0, memberships: 0 },
    statutory,
    collaborations: collaborationsOf,
  }
}
