import { randomUUID } from 'node:crypto'
import { and, asc, desc, eq, isNull, lt, sql } from 'drizzle-orm'
import { auditChange, type ChangeContext } from '../../platform/audit/audit.service.ts'
import type { DbOrTx } from '../../platform/db/client.ts'
import type { StandardItem } from '../partnership/structure.table.ts'
import { renumber } from './agenda.service.ts'
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

/** What moving a meeting to another month did to its standard items (titles, in agenda order). */
export interface StandardItemsChange {
  added: string[]
  removed: string[]
  /** The old month's items left on the agenda because someone has used or changed them. */
  kept: string[]
}

/**
 * Whether someone has used or changed an agenda item: papers, decisions, actions or an attendance
 * flag point at it, or its fields are no longer as seeded. Written out in full because drizzle
 * leaves column names unqualified in selected expressions (so `id` would mean the subquery's own).
 * Actions and attendance flags belong to the actions module, which builds on this one.
 */
const touched = sql<boolean>`(
  exists (select 1 from papers where papers.agenda_item_id = agenda_items.id)
  or exists (select 1 from decisions where decisions.agenda_item_id = agenda_items.id)
  or exists (select 1 from actions where actions.agenda_item_id = agenda_items.id)
  or exists (select 1 from attendance_flags where attendance_flags.agenda_item_id = agenda_items.id)
  or agenda_items.description <> '' or agenda_items.presenter <> ''
  or agenda_items.duration_minutes is not null or agenda_items.decision_needed
)`

/**
 * Brings a meeting's standard items in line with its new month after it moved from `fromHeldOn`.
 * The old month's items that the new month does not have are removed when untouched (deleted, or
 * withdrawn once the agenda has been agreed) and kept otherwise; the new month's items that the
 * old month did not have are added at the end, as seedAgenda puts them. Items of every month stay.
 * Call it in the transaction that moves the meeting, once the meeting row is updated (and locked).
 */
export async function reseedStandardItems(
  tx: DbOrTx,
  change: ChangeContext,
  meeting: Pick<Meeting, 'id' | 'partnershipId' | 'heldOn' | 'agendaAgreedBy'>,
  fromHeldOn: string,
  standardItems: readonly StandardItem[],
): Promise<StandardItemsChange> {
  const result: StandardItemsChange = { added: [], removed: [], kept: [] }
  if (monthOf(fromHeldOn) === monthOf(meeting.heldOn)) return result
  const before = new Set(standardItemsFor(standardItems, fromHeldOn).map((i) => i.title))
  const after = standardItemsFor(standardItems, meeting.heldOn)
  const afterTitles = new Set(after.map((i) => i.title))
  const oldOnly = new Set([...before].filter((title) => !afterTitles.has(title)))
  const newOnly = after.filter((i) => !before.has(i.title))
  if (oldOnly.size === 0 && newOnly.length === 0) return result

  const items = await tx
    .select({
      id: agendaItems.id,
      position: agendaItems.position,
      kind: agendaItems.kind,
      title: agendaItems.title,
      withdrawnAt: agendaItems.withdrawnAt,
      touched,
    })
    .from(agendaItems)
    .where(eq(agendaItems.meetingId, meeting.id))
    .orderBy(asc(agendaItems.position), asc(agendaItems.createdAt), asc(agendaItems.id))
  const standing = items.filter((i) => i.withdrawnAt === null)
  const leaving = standing.filter((i) => i.kind === 'standard' && oldOnly.has(i.title))
  const removed = leaving.filter((i) => !i.touched)
  result.kept = leaving.filter((i) => i.touched).map((i) => i.title)
  result.removed = removed.map((i) => i.title)

  const withdraw = meeting.agendaAgreedBy !== null
  for (const item of removed) {
    if (withdraw) {
      await tx.update(agendaItems).set({ withdrawnAt: change.now }).where(eq(agendaItems.id, item.id))
      await auditChange(
        tx,
        change,
        { type: 'agenda_item', id: item.id },
        'withdraw',
        { withdrawnAt: null },
        { withdrawnAt: change.now, title: item.title, reason: 'meeting_moved' },
      )
    } else {
      await tx.delete(agendaItems).where(eq(agendaItems.id, item.id))
      await auditChange(
        tx,
        change,
        { type: 'agenda_item', id: item.id },
        'remove',
        { meetingId: meeting.id, position: item.position, kind: item.kind, title: item.title },
        { reason: 'meeting_moved' },
      )
    }
  }
  const gone = new Set(withdraw ? [] : removed.map((i) => i.id))
  const order = items.filter((i) => !gone.has(i.id)).map((i) => i.id)
  if (gone.size) await renumber(tx, order)
  const last = gone.size ? order.length : (items.at(-1)?.position ?? 0)

  const present = new Set(standing.filter((i) => !gone.has(i.id)).map((i) => i.title))
  const adding = newOnly.filter((i) => !present.has(i.title))
  const rows = adding.map((item, i) => ({
    id: randomUUID(),
    partnershipId: meeting.partnershipId,
    meetingId: meeting.id,
    position: last + i + 1,
    kind: 'standard' as const,
    title: item.title,
    createdAt: change.now,
  }))
  if (rows.length) await tx.insert(agendaItems).values(rows)
  for (const row of rows) {
    await auditChange(tx, change, { type: 'agenda_item', id: row.id }, 'add', null, {
      meetingId: meeting.id,
      position: row.position,
      kind: row.kind,
      title: row.title,
      reason: 'meeting_moved',
    })
  }
  result.added = rows.map((r) => r.title)
  return result
}
