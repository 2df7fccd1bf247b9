import { randomUUID } from 'node:crypto'
import type { ChangeContext } from '../../platform/audit/audit.service.ts'
import type { DbOrTx } from '../../platform/db/client.ts'
import { type AgendaItem, agendaItems } from './meetings.table.ts'

// Fixtures for the decisions tests: agenda items inserted directly (the agenda's own rules are
// tested with the agenda) and a change made by the business team at a given instant.

let position = 0

export async function insertItem(
  db: DbOrTx,
  meeting: { id: string; partnershipId: string },
  fields: Partial<typeof agendaItems.$inferInsert> = {},
): Promise<AgendaItem> {
  const [row] = await db
    .insert(agendaItems)
    .values({
      id: randomUUID(),
      partnershipId: meeting.partnershipId,
      meetingId: meeting.id,
      position: ++position,
      title: `Item ${position}`,
      ...fields,
    })
    .returning()
  return row!
}

/** A change by `actorId` at `now` (an ISO instant or a Date). */
export const changeAt = (partnershipId: string, actorId: string, now: Date | string): ChangeContext => ({
  partnershipId,
  actorId,
  now: typeof now === 'string' ? new Date(now) : now,
})
