import { randomUUID } from 'node:crypto'
import { and, asc, eq, max, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import { auditChange, type ChangeContext, fieldChanges } from '../../platform/audit/audit.service.ts'
import { londonTime } from '../../platform/calendar/london-time.ts'
import type { Db, DbOrTx } from '../../platform/db/client.ts'
import { appError, notFound } from '../../platform/http/errors.ts'
import { groups } from '../partnership/structure.table.ts'
import { inviteesOn } from './invitees.ts'
import {
  type AgendaItem,
  type AgendaItemKind,
  agendaItems,
  type Meeting,
  meetings,
} from './meetings.table.ts'

// A meeting's agenda after it was seeded (agenda.seed.ts): items in order with their time slots,
// and the business team's changes to it. Positions are kept 1..n over all items, withdrawn ones
// included (they keep their place, struck through); an item's number counts only those standing.

export interface AgendaEntry {
  id: string
  /** The number people see: 1, 2, 3 over the items not withdrawn; null for a withdrawn item. */
  number: number | null
  position: number
  kind: AgendaItemKind
  title: string
  description: string
  presenter: string
  durationMinutes: number | null
  decisionNeeded: boolean
  previousMeetingId: string | null
  withdrawnAt: Date | null
  /** When the item starts: the meeting's start plus the durations before it (unknown after an item without one). */
  startsAt: Date | null
  endsAt: Date | null
}

export interface AgendaItemFields {
  title: string
  description: string
  presenter: string
  durationMinutes: number | null
  decisionNeeded: boolean
}

const editableFields = ['title', 'description', 'presenter', 'durationMinutes', 'decisionNeeded'] as const

/** A cancelled meeting is kept as it was: its agenda and papers are no longer changed. */
export function refuseIfCancelled(meeting: Pick<Meeting, 'cancelledAt'>): void {
  if (meeting.cancelledAt) {
    throw appError('cancelled', 'This meeting was cancelled: its agenda and papers cannot be changed', 409)
  }
}

/**
 * The meeting, locked for the change about to be made to its agenda or papers (so two changes at
 * once are made one after the other), or a refusal when it was cancelled.
 */
export async function openMeetingForChange(tx: DbOrTx, meetingId: string): Promise<Meeting> {
  const [meeting] = await tx.select().from(meetings).where(eq(meetings.id, meetingId)).for('update')
  if (!meeting) throw notFound()
  refuseIfCancelled(meeting)
  return meeting
}

/** The time slot of each item, from the meeting's start and the durations of the items before it. */
export function withTimes<T extends Pick<AgendaItem, 'durationMinutes' | 'withdrawnAt'>>(
  items: readonly T[],
  meetingStartsAt: Date,
): (T & { number: number | null; startsAt: Date | null; endsAt: Date | null })[] {
  let cursor: Date | null = meetingStartsAt
  let number = 0
  return items.map((item) => {
    if (item.withdrawnAt) return { ...item, number: null, startsAt: null, endsAt: null }
    const startsAt = cursor
    const endsAt =
      startsAt && item.durationMinutes !== null
        ? new Date(startsAt.getTime() + item.durationMinutes * 60_000)
        : null
    cursor = endsAt
    return { ...item, number: ++number, startsAt, endsAt }
  })
}

/** "14:00 to 14:20", "From 14:20", or '' when the time is unknown (London time). */
export function slotText(entry: Pick<AgendaEntry, 'startsAt' | 'endsAt'>): string {
  if (entry.startsAt && entry.endsAt) return `${londonTime(entry.startsAt)} to ${londonTime(entry.endsAt)}`
  if (entry.startsAt) return `From ${londonTime(entry.startsAt)}`
  return ''
}

/**
 * The agenda of a meeting in order with each item's computed times. Withdrawn items are left out
 * unless asked for (the business team sees them struck through).
 */
export async function agendaFor(
  db: DbOrTx,
  meetingId: string,
  options: { includeWithdrawn?: boolean } = {},
): Promise<AgendaEntry[]> {
  const rows = await db
    .select({
      id: agendaItems.id,
      position: agendaItems.position,
      kind: agendaItems.kind,
      title: agendaItems.title,
      description: agendaItems.description,
      presenter: agendaItems.presenter,
      durationMinutes: agendaItems.durationMinutes,
      decisionNeeded: agendaItems.decisionNeeded,
      previousMeetingId: agendaItems.previousMeetingId,
      withdrawnAt: agendaItems.withdrawnAt,
      meetingStartsAt: meetings.startsAt,
    })
    .from(agendaItems)
    .innerJoin(meetings, eq(meetings.id, agendaItems.meetingId))
    .where(eq(agendaItems.meetingId, meetingId))
    .orderBy(asc(agendaItems.position), asc(agendaItems.createdAt), asc(agendaItems.id))
  if (rows.length === 0) return []
  const timed = withTimes(
    rows.map(({ meetingStartsAt: _start, ...item }) => item),
    rows[0]!.meetingStartsAt,
  )
  return options.includeWithdrawn ? timed : timed.filter((item) => item.withdrawnAt === null)
}

/** One item of the meeting's agenda, or null when it is not the meeting's. */
export async function findAgendaItem(
  db: DbOrTx,
  meetingId: string,
  itemId: string,
): Promise<AgendaItem | null> {
  const [row] = await db
    .select()
    .from(agendaItems)
    .where(and(eq(agendaItems.id, itemId), eq(agendaItems.meetingId, meetingId)))
  return row ?? null
}

/** Adds an item at the end of the agenda. */
export async function addAgendaItem(
  db: Db,
  change: ChangeContext,
  input: { meetingId: string; fields: AgendaItemFields },
): Promise<string> {
  return db.transaction(async (tx) => {
    await openMeetingForChange(tx, input.meetingId)
    const [last] = await tx
      .select({ position: max(agendaItems.position) })
      .from(agendaItems)
      .where(eq(agendaItems.meetingId, input.meetingId))
    const id = randomUUID()
    const row = {
      id,
      partnershipId: change.partnershipId,
      meetingId: input.meetingId,
      position: (last?.position ?? 0) + 1,
      kind: 'item' as const,
      ...input.fields,
      createdAt: change.now,
    }
    await tx.insert(agendaItems).values(row)
    await auditChange(tx, change, { type: 'agenda_item', id }, 'add', null, {
      meetingId: input.meetingId,
      position: row.position,
      ...input.fields,
    })
    return id
  })
}

async function lockedItem(tx: DbOrTx, meetingId: string, itemId: string): Promise<AgendaItem> {
  const [item] = await tx
    .select()
    .from(agendaItems)
    .where(and(eq(agendaItems.id, itemId), eq(agendaItems.meetingId, meetingId)))
    .for('update')
  if (!item) throw notFound()
  if (item.withdrawnAt) throw appError('withdrawn', 'This item was withdrawn: it cannot be changed', 409)
  return item
}

/** Changes an item's title, description, presenter, time and whether a decision is needed. */
export async function updateAgendaItem(
  db: Db,
  change: ChangeContext,
  input: { meetingId: string; itemId: string; fields: AgendaItemFields },
): Promise<{ changed: string[] }> {
  return db.transaction(async (tx) => {
    await openMeetingForChange(tx, input.meetingId)
    const item = await lockedItem(tx, input.meetingId, input.itemId)
    const diff = fieldChanges(item, input.fields, editableFields)
    if (diff.changed.length === 0) return { changed: [] }
    await tx.update(agendaItems).set(input.fields).where(eq(agendaItems.id, item.id))
    await auditChange(tx, change, { type: 'agenda_item', id: item.id }, 'update', diff.before, diff.after)
    return { changed: diff.changed }
  })
}

/**
 * Moves an item above (or below) the standing item next to it and renumbers the whole agenda
 * 1..n in one statement, in one transaction. Returns false when it is already first (or last).
 */
export async function moveAgendaItem(
  db: Db,
  change: ChangeContext,
  input: { meetingId: string; itemId: string; direction: 'up' | 'down' },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    await openMeetingForChange(tx, input.meetingId)
    await lockedItem(tx, input.meetingId, input.itemId)
    const items = await tx
      .select({ id: agendaItems.id, position: agendaItems.position, withdrawnAt: agendaItems.withdrawnAt })
      .from(agendaItems)
      .where(eq(agendaItems.meetingId, input.meetingId))
      .orderBy(asc(agendaItems.position), asc(agendaItems.createdAt), asc(agendaItems.id))
    const order = items.map((i) => i.id)
    const from = order.indexOf(input.itemId)
    const step = input.direction === 'up' ? -1 : 1
    let to = from + step
    while (to >= 0 && to < items.length && items[to]!.withdrawnAt) to += step
    if (to < 0 || to >= items.length) return false
    order.splice(from, 1)
    order.splice(to, 0, input.itemId)
    await renumber(tx, order)
    await auditChange(
      tx,
      change,
      { type: 'agenda_item', id: input.itemId },
      'move',
      { position: items[from]!.position },
      { position: order.indexOf(input.itemId) + 1, direction: input.direction },
    )
    return true
  })
}

/** Sets positions 1..n in the given order with one UPDATE. */
export async function renumber(tx: DbOrTx, order: readonly string[]) {
  if (order.length === 0) return
  const values = sql.join(
    order.map((id, i) => sql`(${id}::uuid, ${i + 1}::int)`),
    sql`, `,
  )
  await tx.execute(
    sql`update ${agendaItems} set "position" = v.position from (values ${values}) as v(id, position)
      where ${agendaItems.id} = v.id`,
  )
}

/**
 * Withdraws an item: it stays (with its papers and decisions, which point at it) and is shown
 * struck through to the business team; it is never deleted.
 */
export async function withdrawAgendaItem(
  db: Db,
  change: ChangeContext,
  input: { meetingId: string; itemId: string },
): Promise<void> {
  await db.transaction(async (tx) => {
    await openMeetingForChange(tx, input.meetingId)
    const item = await lockedItem(tx, input.meetingId, input.itemId)
    await tx.update(agendaItems).set({ withdrawnAt: change.now }).where(eq(agendaItems.id, item.id))
    await auditChange(
      tx,
      change,
      { type: 'agenda_item', id: item.id },
      'withdraw',
      { withdrawnAt: null },
      { withdrawnAt: change.now, title: item.title },
    )
  })
}

/** Records who agreed the agenda (a person or a body) and on which day. */
export async function agreeAgenda(
  db: Db,
  change: ChangeContext,
  input: { meetingId: string; agreedBy: string; agreedOn: string },
): Promise<{ changed: boolean }> {
  return db.transaction(async (tx) => {
    const meeting = await openMeetingForChange(tx, input.meetingId)
    if (meeting.agendaAgreedBy === input.agreedBy && meeting.agendaAgreedOn === input.agreedOn) {
      return { changed: false }
    }
    await tx
      .update(meetings)
      .set({ agendaAgreedBy: input.agreedBy, agendaAgreedOn: input.agreedOn, updatedAt: change.now })
      .where(eq(meetings.id, meeting.id))
    await auditChange(
      tx,
      change,
      { type: 'meeting', id: meeting.id },
      'agree_agenda',
      { agendaAgreedBy: meeting.agendaAgreedBy, agendaAgreedOn: meeting.agendaAgreedOn },
      { agendaAgreedBy: input.agreedBy, agendaAgreedOn: input.agreedOn },
    )
    return { changed: true }
  })
}

/**
 * Who usually agrees the agenda: for an executive board, the group it is accountable to (in
 * Thurrock the Strategic Group agrees the Management Executive Board's agenda); otherwise the
 * group's chair on the meeting's day. Empty when there is neither.
 */
export async function agendaAgreedByDefault(
  db: DbOrTx,
  meeting: Pick<Meeting, 'groupId' | 'heldOn'>,
  group: { id: string; kind: string },
): Promise<string> {
  if (group.kind === 'executive') {
    const parent = alias(groups, 'parent')
    const [row] = await db
      .select({ name: parent.name })
      .from(groups)
      .innerJoin(parent, eq(parent.id, groups.accountableToId))
      .where(eq(groups.id, group.id))
    if (row?.name) return row.name
  }
  const chair = (await inviteesOn(db, meeting.groupId, meeting.heldOn)).find((i) => i.role === 'chair')
  return chair?.name ?? ''
}
