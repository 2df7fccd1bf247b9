import { randomUUID } from 'node:crypto'
import type { Db, DbOrTx } from '../../platform/db/client.ts'
import { buildMeetingWorld, insertGroup, type MeetingWorld, NOW } from '../meetings/meetings.fixtures.ts'
import type { Group } from '../partnership/structure.table.ts'
import { type ReviewCase, reviewAgencies, reviewCases, reviewPanelMembers } from './reviews.table.ts'

// A partnership for the reviews tests: the meetings world's agencies, people and accounts, its
// group made the Individual Practice Review Group (the panel pool: chair from the council, police,
// health and a head teacher), and a Learning and Practice Review Group that owns the actions.
//
// Who sees what, with these accounts:
//   administrator, businessTeam: every record, and may change them
//   police, partner (partner role): every record, read only
//   head (member role, on the IPR group): a record only once on that case's panel
//   otherMember (member role), scrutineer: published reviews in outline only

export { NOW }
export const TODAY = '2026-03-02'

export interface ReviewWorld extends MeetingWorld {
  /** The Individual Practice Review Group (the world's `group`). */
  ipr: Group
  /** The Learning and Practice Review Group: recommendations' actions go to it. */
  lpr: Group
}

export async function buildReviewWorld(db: Db): Promise<ReviewWorld> {
  const world = await buildMeetingWorld(db, {
    kind: 'review_panel',
    name: 'Individual Practice Review Group',
  })
  const lpr = await insertGroup(db, world.partnership.id, { name: 'Learning and Practice Review Group' })
  return { ...world, ipr: world.group, lpr }
}

let sequence = 0

/** A case row as given (reference "Child T<n>" unless told): no rules are applied here. */
export async function insertCase(
  db: DbOrTx,
  partnershipId: string,
  fields: Partial<typeof reviewCases.$inferInsert> = {},
): Promise<ReviewCase> {
  const [row] = await db
    .insert(reviewCases)
    .values({
      id: randomUUID(),
      partnershipId,
      reference: `Child T${++sequence}`,
      summary: 'A serious incident.',
      ...fields,
    })
    .returning()
  return row!
}

export async function insertInvolvedAgency(
  db: DbOrTx,
  partnershipId: string,
  caseId: string,
  agencyId: string,
) {
  await db
    .insert(reviewAgencies)
    .values({ id: randomUUID(), partnershipId, caseId, agencyId, involvement: '' })
}

/** Puts a person on a case's panel directly (the independence rule is tested in panel.service). */
export async function insertPanelMember(
  db: DbOrTx,
  partnershipId: string,
  caseId: string,
  personId: string,
  agencyId: string | null = null,
) {
  await db.insert(reviewPanelMembers).values({
    id: randomUUID(),
    partnershipId,
    caseId,
    personId,
    agencyId,
    addedAt: NOW,
  })
}
