import { createHash, randomUUID } from 'node:crypto'
import { and, asc, desc, eq, gt, isNull, lte, type SQL, sql } from 'drizzle-orm'
import { fileTypeFromBuffer } from 'file-type'
import { auditChange, type ChangeContext } from '../../platform/audit/audit.service.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import { users } from '../../platform/auth/auth.table.ts'
import { createCalendarRepository } from '../../platform/calendar/calendar.repository.ts'
import type { Db, DbOrTx } from '../../platform/db/client.ts'
import { appError } from '../../platform/http/errors.ts'
import { getRuleSet } from '../../platform/rules/rules.service.ts'
import type { StepDeadline } from './deadlines.ts'
import type { MeetingAccess } from './meetings.access.ts'
import { type AgendaItem, agendaItems, type Meeting, meetings } from './meetings.table.ts'
import { minutesDeadlines, minutesStatusText } from './minutes.rules.ts'
import { type Minutes, type MinutesStatus, minutes } from './minutes.table.ts'

export type MinutesState = MinutesStatus | 'none'

export type MeetingRef = Pick<Meeting, 'id' | 'groupId' | 'heldOn' | 'partnershipId'>

// ---------------------------------------------------------------------------------------------
// Reading

/** A meeting's minutes row, if drafting has started. */
export async function minutesOf(db: DbOrTx, meetingId: string): Promise<Minutes | null> {
  const [row] = await db.select().from(minutes).where(eq(minutes.meetingId, meetingId))
  return row ?? null
}

/** The group's next meeting: the first later meeting of the same group that is not cancelled. */
export async function nextMeetingOf(db: DbOrTx, meeting: MeetingRef) {
  const [next] = await db
    .select({ id: meetings.id, heldOn: meetings.heldOn })
    .from(meetings)
    .where(
      and(
        eq(meetings.partnershipId, meeting.partnershipId),
        eq(meetings.groupId, meeting.groupId),
        gt(meetings.heldOn, meeting.heldOn),
        isNull(meetings.cancelledAt),
      ),
    )
    .orderBy(asc(meetings.heldOn), asc(meetings.startsAt))
    .limit(1)
  return next ?? null
}

/** Where a meeting's minutes stand: the row, the status and the three deadlines (four queries). */
export async function minutesState(db: DbOrTx, meeting: MeetingRef, today: string) {
  const [rules, calendar, row, next] = await Promise.all([
    getRuleSet(db, meeting.partnershipId),
    createCalendarRepository(db).calendarFor(meeting.partnershipId),
    minutesOf(db, meeting.id),
    nextMeetingOf(db, meeting),
  ])
  const status: MinutesState = row?.status ?? 'none'
  const deadlines = minutesDeadlines({
    heldOn: meeting.heldOn,
    minutes: row,
    nextMeetingOn: next?.heldOn ?? null,
    rules,
    calendar,
    today,
  })
  return { row, status, next, deadlines }
}

export interface MinutesSummary {
  status: MinutesState
  statusText: string
  deadlines: StepDeadline[]
}

/** The minutes' status and deadlines for the meeting's overview page and the API (at most 4 queries). */
export async function minutesSummary(
  db: DbOrTx,
  meeting: MeetingRef,
  today: string,
): Promise<MinutesSummary> {
  const { status, deadlines } = await minutesState(db, meeting, today)
  return { status, statusText: minutesStatusText[status], deadlines }
}

/**
 * Who may read the minutes themselves: the business team and the group's chair always; the
 * group's members once the chair has approved them; everyone who may see the meeting once they
 * are circulated. Drafts are for the business team and the chair only.
 */
export function canReadMinutes(
  access: Pick<MeetingAccess, 'canEdit' | 'viewer'>,
  status: MinutesState,
): boolean {
  if (access.canEdit || access.viewer.isChair) return true
  if (status === 'approved') return access.viewer.isMember
  return status === 'circulated' || status === 'agreed'
}

/** The agenda items minuted: not withdrawn, in agenda order. */
export function minutedItems(db: DbOrTx, meetingId: string): Promise<AgendaItem[]> {
  return db
    .select()
    .from(agendaItems)
    .where(and(eq(agendaItems.meetingId, meetingId), isNull(agendaItems.withdrawnAt)))
    .orderBy(asc(agendaItems.position))
}

/** The steps of the minutes' workflow from the audit log, newest first, with who took them. */
export function minutesHistory(db: DbOrTx, partnershipId: string, minutesId: string) {
  return db
    .select({
      at: auditLog.at,
      action: auditLog.action,
      after: auditLog.after,
      actorName: users.name,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(
      and(
        eq(auditLog.partnershipId, partnershipId),
        eq(auditLog.entityType, 'minutes'),
        eq(auditLog.entityId, minutesId),
        sql`${auditLog.action} <> 'update'`,
      ),
    )
    .orderBy(desc(auditLog.seq))
    .limit(100)
}

/** A meeting's date, by id (the meeting the minutes were agreed at). */
export async function meetingDay(db: DbOrTx, meetingId: string) {
  const [row] = await db
    .select({ id: meetings.id, heldOn: meetings.heldOn })
    .from(meetings)
    .where(eq(meetings.id, meetingId))
  return row ?? null
}

/** The group's later meetings that have taken place: where the minutes can have been agreed. */
export async function agreementChoices(db: DbOrTx, meeting: MeetingRef, today: string) {
  const rows = await db
    .select({
      id: meetings.id,
      heldOn: meetings.heldOn,
      kind: meetings.kind,
      // Its "Minutes of the last meeting" item points at these minutes.
      // (Written out: in a select list Drizzle leaves column names unqualified.)
      pointsHere: sql<boolean>`exists (select 1 from agenda_items pm where pm.meeting_id = "meetings"."id"
        and pm.kind = 'previous_minutes' and pm.previous_meeting_id = ${meeting.id} and pm.withdrawn_at is null)`,
    })
    .from(meetings)
    .where(laterMeetingOf(meeting, today))
    .orderBy(asc(meetings.heldOn), asc(meetings.startsAt))
    .limit(12)
  const chosen = rows.find((r) => r.pointsHere) ?? rows[0]
  return { meetings: rows, defaultId: chosen?.id ?? null }
}

/** Later, not cancelled meetings of the same group held by `today`. */
export function laterMeetingOf(meeting: MeetingRef, today: string): SQL {
  return and(
    eq(meetings.partnershipId, meeting.partnershipId),
    eq(meetings.groupId, meeting.groupId),
    gt(meetings.heldOn, meeting.heldOn),
    lte(meetings.heldOn, today),
    isNull(meetings.cancelledAt),
  )!
}

// ---------------------------------------------------------------------------------------------
// Drafting

/** What a form that expected another status is told. */
export const alreadyText: Record<MinutesState, string> = {
  none: 'These minutes have not been started',
  drafting: 'These minutes are with the business team: they have not been sent to the chair',
  with_chair: 'These minutes have already been sent to the chair',
  approved: 'These minutes have already been approved by the chair',
  circulated: 'These minutes have already been circulated',
  agreed: 'These minutes have already been agreed',
}

/** A stale or repeated form: the minutes are no longer where the form expected them. */
export const stale = (status: MinutesState) => appError('minutes_stale', alreadyText[status], 409)

function refuseCancelled(meeting: Pick<Meeting, 'cancelledAt'>) {
  if (meeting.cancelledAt)
    throw appError('meeting_cancelled', 'This meeting was cancelled: it has no minutes', 400)
}

/** The minutes row, created (drafting, empty) if it does not exist yet. */
async function minutesRowFor(tx: DbOrTx, change: ChangeContext, meetingId: string) {
  const existing = await minutesOf(tx, meetingId)
  if (existing) return { row: existing, created: false }
  const inserted = await tx
    .insert(minutes)
    .values({
      id: randomUUID(),
      partnershipId: change.partnershipId,
      meetingId,
      createdAt: change.now,
      updatedAt: change.now,
    })
    .onConflictDoNothing()
    .returning()
  return { row: inserted[0] ?? (await minutesOf(tx, meetingId))!, created: inserted.length > 0 }
}

export const MAX_SUMMARY = 20_000
export const MAX_NOTE = 50_000

/**
 * Saves the draft: the summary and the notes of each agenda item (keyed by item id; an empty
 * note is dropped). Notes of items withdrawn since are kept. The same content again changes
 * nothing and writes no audit entry.
 */
export async function saveMinutesDraft(
  db: Db,
  change: ChangeContext,
  input: { meeting: Pick<Meeting, 'id' | 'cancelledAt'>; summary: string; notes: Record<string, string> },
): Promise<{ changed: boolean }> {
  refuseCancelled(input.meeting)
  const items = await minutedItems(db, input.meeting.id)
  return db.transaction(async (tx) => {
    const { row, created } = await minutesRowFor(tx, change, input.meeting.id)
    if (row.status !== 'drafting') throw stale(row.status)
    const current = new Set(items.map((i) => i.id))
    const itemNotes: Record<string, string> = {}
    for (const [id, note] of Object.entries(row.itemNotes)) if (!current.has(id)) itemNotes[id] = note
    for (const item of items) {
      const note = (input.notes[item.id] ?? '').trim()
      if (note) itemNotes[item.id] = note
    }
    const summary = input.summary.trim()
    const before = { summary: row.summary, itemNotes: row.itemNotes }
    const after = { summary, itemNotes }
    if (!created && sameContent(before, after)) return { changed: false }
    if (created && !summary && Object.keys(itemNotes).length === 0) {
      await auditChange(tx, change, { type: 'minutes', id: row.id }, 'create', null, {
        meetingId: input.meeting.id,
      })
      return { changed: true }
    }
    const [updated] = await tx
      .update(minutes)
      .set({ summary, itemNotes, updatedAt: change.now })
      .where(and(eq(minutes.id, row.id), eq(minutes.status, 'drafting')))
      .returning({ id: minutes.id })
    if (!updated) throw stale((await minutesOf(tx, input.meeting.id))?.status ?? 'none')
    await auditChange(
      tx,
      change,
      { type: 'minutes', id: row.id },
      created ? 'create' : 'update',
      created ? null : before,
      { meetingId: input.meeting.id, ...after },
    )
    return { changed: true }
  })
}

const sorted = (notes: Record<string, string>) =>
  JSON.stringify(Object.entries(notes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
const sameContent = (
  a: { summary: string; itemNotes: Record<string, string> },
  b: { summary: string; itemNotes: Record<string, string> },
) => a.summary === b.summary && sorted(a.itemNotes) === sorted(b.itemNotes)

export const MAX_MINUTES_FILE = 20 * 1024 * 1024

const minutesFileTypes: Record<string, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
}

/** The type of an uploaded minutes file read from its content: PDF, Word (.docx) or old Word (.doc). */
export async function minutesFileType(content: Uint8Array, filename: string): Promise<string | null> {
  const type = await fileTypeFromBuffer(content)
  if (!type) return null
  if (type.ext === 'cfb' && /\.doc$/i.test(filename)) return 'application/msword'
  return minutesFileTypes[type.ext] ?? null
}

const sha256 = (content: Uint8Array) => createHash('sha256').update(content).digest('hex')

/** Uploads the minutes as a file (PDF or Word, up to 20 MB) instead of writing them here. */
export async function uploadMinutesFile(
  db: Db,
  change: ChangeContext,
  input: { meeting: Pick<Meeting, 'id' | 'cancelledAt'>; filename: string; content: Uint8Array },
): Promise<{ changed: boolean }> {
  refuseCancelled(input.meeting)
  if (input.content.length === 0) throw appError('minutes_file', 'Select a PDF or Word document', 400)
  if (input.content.length > MAX_MINUTES_FILE)
    throw appError('minutes_file', 'The file must be smaller than 20 MB', 400)
  const contentType = await minutesFileType(input.content, input.filename)
  if (!contentType) throw appError('minutes_file', 'The file must be a PDF or a Word document', 400)
  const filename = input.filename.trim() || 'minutes'
  return db.transaction(async (tx) => {
    const { row } = await minutesRowFor(tx, change, input.meeting.id)
    if (row.status !== 'drafting') throw stale(row.status)
    const after = { filename, contentType, size: input.content.length, sha256: sha256(input.content) }
    const before = row.uploadContent
      ? {
          filename: row.uploadFilename,
          contentType: row.uploadContentType,
          size: row.uploadContent.length,
          sha256: sha256(row.uploadContent),
        }
      : null
    if (before && before.sha256 === after.sha256 && before.filename === after.filename)
      return { changed: false }
    const [updated] = await tx
      .update(minutes)
      .set({
        uploadFilename: filename,
        uploadContentType: contentType,
        uploadContent: input.content,
        updatedAt: change.now,
      })
      .where(and(eq(minutes.id, row.id), eq(minutes.status, 'drafting')))
      .returning({ id: minutes.id })
    if (!updated) throw stale((await minutesOf(tx, input.meeting.id))?.status ?? 'none')
    await auditChange(tx, change, { type: 'minutes', id: row.id }, 'upload', before, after)
    return { changed: true }
  })
}

/** Minutes with nothing in them: no summary, no notes, no file. */
export const isEmptyMinutes = (row: Minutes | null) =>
  !row || (!row.summary.trim() && !Object.values(row.itemNotes).some((n) => n.trim()) && !row.uploadContent)
