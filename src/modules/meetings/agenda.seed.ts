import { randomUUID } from 'node:crypto'
import { and, desc, eq, isNull, lt } from 'drizzle-orm'
import type { DbOrTx } from '../../platform/db/client.ts'
import type { StandardItem } from '../partnership/structure.table.ts'
import { agendaItems, type Meeting, meetings } from './meetings.table.ts'

/** The month (1–12) of an ISO date. */
const monthOf = (day: string) => Number(day.slice(5, 7))

/** The group's standard items that are on the agenda of a meeting held on `heldOn`. */
export function standardItemsFor(items: readonly StandardItem[], heldOn: string): StandardItem[] {
  const month = monthOf(heldOn)
  return items.filter((item) => !item.months?.length || item.months.includes(month))
}

/** The group's latest meeting before `heldOn` that was not cancelled: its minutes are agreed next. */
export async function previousMeetingOf(
  db: DbOrTx,
  meeting: Pick<Meeting, 'groupId' | 'heldOn'>,
): Promise<Pick<Meeting, 'id' | 'heldOn'> | null> {
  const [row] = await db
    .select({ id: meetings.id, heldOn: meetings.heldOn })
    .from(meetings)
    .where(
      and(
        eq(meetings.groupId, meeting.groupId),
        lt(meetings.heldOn, meeting.heldOn),
        isNull(meetings.cancelledAt),
      ),
    )
    .orderBy(desc(meetings.heldOn), desc(meetings.startsAt))
    .limit(1)
  return row ?? null
}

/**
 * A new meeting's first agenda: the minutes of the group's last meeting (when it has had one),
 * the action log, then the group's standard items for the meeting's month, at positions 1..n.
 * Call it in the transaction that creates the meeting.
 */
export async function seedAgenda(
  tx: DbOrTx,
  meeting: Pick<Meeting, 'id' | 'partnershipId' | 'groupId' | 'heldOn'>,
  standardItems: readonly StandardItem[],
): Promise<number> {
  const previous = await previousMeetingOf(tx, meeting)
  const items: {
    kind: 'previous_minutes' | 'action_log' | 'standard'
    title: string
    previousMeetingId?: string
  }[] = []
  if (previous)
    items.push({
      kind: 'previous_minutes',
      title: 'Minutes of the last meeting',
      previousMeetingId: previous.id,
    })
  items.push({ kind: 'action_log', title: 'Action log' })
  for (const item of standardItemsFor(standardItems, meeting.heldOn)) {
    items.push({ kind: 'standard', title: item.title })
  }
  await tx.insert(agendaItems).values(
    items.map((item, i) => ({
      id: randomUUID(),
      partnershipId: meeting.partnershipId,
      meetingId: meeting.id,
      position: i + 1,
      kind: item.kind,
      title: item.title,
      previousMeetingId: item.previousMeetingId ?? null,
    })),
  )
  return items.length
}
