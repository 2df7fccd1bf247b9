import { randomUUID } from 'node:crypto'
import { and, eq, inArray, isNull, ne, sql } from 'drizzle-orm'
import { auditChange, type ChangeContext, fieldChanges } from '../../platform/audit/audit.service.ts'
import { createCalendarRepository } from '../../platform/calendar/calendar.repository.ts'
import { addCalendarDays, formatDate } from '../../platform/calendar/dates.ts'
import { londonInstant } from '../../platform/calendar/london-time.ts'
import type { Db, DbOrTx } from '../../platform/db/client.ts'
import { appError, notFound } from '../../platform/http/errors.ts'
import { FieldProblems, londonDay, throwIfAny } from '../partnership/agencies.problems.ts'
import { type Group, groups } from '../partnership/structure.table.ts'
import { reseedStandardItems, type StandardItemsChange, seedAgenda } from './agenda.seed.ts'
import { extraordinaryRequests, type Meeting, type MeetingKind, meetings } from './meetings.table.ts'
import {
  deliverMeetingNotices,
  type MeetingNotify,
  type NoticeOutcome,
  type StartedNotice,
  startMeetingNotice,
} from './schedule.notices.ts'
import {
  addMinutesToTime,
  type Cadence,
  cadenceOf,
  DEFAULT_MEETING_MINUTES,
  type ProposedMeeting,
  proposeYear,
} from './schedule.rules.ts'

export type { MeetingNotify, NoticeOutcome }

// The calendar's commands: schedule a meeting, generate a year of them, change one, cancel one.
// Each checks its rules (throwing FieldProblems named after the form's fields), writes the change
// and its audit entry and starts the members' notice in one transaction, then sends the notices
// once the change has committed.

/** What the business team sets on a meeting. Times are Europe/London wall-clock "HH:MM". */
export interface MeetingFields {
  groupId: string
  kind: MeetingKind
  reason: string | null
  heldOn: string
  startTime: string
  /** Null for the group's usual length (two hours when it has none). */
  endTime: string | null
  location: string
  onlineUrl: string | null
  extraordinaryRequestId: string | null
}

/** What may change on a meeting once it is scheduled: its group and kind stay. */
export type MeetingChanges = Pick<
  MeetingFields,
  'heldOn' | 'startTime' | 'endTime' | 'location' | 'onlineUrl' | 'reason'
>

export interface GenerateFields {
  groupId: string
  firstOn: string
  startTime: string
  /** Null for the group's usual length. */
  durationMinutes: number | null
  location: string
  onlineUrl: string | null
}

type OwnGroup = Pick<
  Group,
  | 'id'
  | 'name'
  | 'closedOn'
  | 'endsOn'
  | 'meetingMinutes'
  | 'meetingsPerYear'
  | 'transitionalMeetingsPerYear'
  | 'transitionalUntil'
  | 'standardItems'
>

// Meetings of one group are written one at a time, so two submissions of the same form (or two
// people scheduling at once) cannot both pass the "one meeting a day" check.
const GROUP_MEETINGS_LOCK = 7_303_050
const lockGroup = (tx: DbOrTx, groupId: string) =>
  tx.execute(sql`select pg_advisory_xact_lock(${GROUP_MEETINGS_LOCK}, hashtext(${groupId}))`)

async function ownGroup(db: DbOrTx, partnershipId: string, groupId: string): Promise<OwnGroup | null> {
  if (!/^[0-9a-f-]{36}$/i.test(groupId)) return null
  const [row] = await db
    .select({
      id: groups.id,
      name: groups.name,
      closedOn: groups.closedOn,
      endsOn: groups.endsOn,
      meetingMinutes: groups.meetingMinutes,
      meetingsPerYear: groups.meetingsPerYear,
      transitionalMeetingsPerYear: groups.transitionalMeetingsPerYear,
      transitionalUntil: groups.transitionalUntil,
      standardItems: groups.standardItems,
    })
    .from(groups)
    .where(and(eq(groups.id, groupId), eq(groups.partnershipId, partnershipId)))
  return row ?? null
}

/** Why the group cannot meet on `day`, or null: closed, closing before it, or a task group that ends before it. */
function groupProblem(group: OwnGroup, day: string, today: string): string | null {
  if (group.closedOn !== null && group.closedOn <= today) {
    return `${group.name} is closed (it closed on ${formatDate(group.closedOn)}): choose an open group`
  }
  if (group.closedOn !== null && group.closedOn <= day) {
    return `${group.name} closes on ${formatDate(group.closedOn)}, before this meeting`
  }
  if (group.endsOn !== null && group.endsOn < day) {
    return `${group.name} ends on ${formatDate(group.endsOn)}, before this meeting`
  }
  return null
}

/** The group's meetings (not cancelled) on any of `days`, other than `exceptId`. */
async function meetingsOn(tx: DbOrTx, groupId: string, days: readonly string[], exceptId?: string) {
  if (days.length === 0) return []
  const rows = await tx
    .select({ heldOn: meetings.heldOn })
    .from(meetings)
    .where(
      and(
        eq(meetings.groupId, groupId),
        inArray(meetings.heldOn, [...days]),
        isNull(meetings.cancelledAt),
        exceptId ? ne(meetings.id, exceptId) : undefined,
      ),
    )
  return [...new Set(rows.map((r) => r.heldOn))].sort()
}

interface Times {
  startsAt: Date
  endsAt: Date
}

/** The instants of a meeting, or a problem for the end time field. */
function timesOf(
  heldOn: string,
  startTime: string,
  endTime: string | null,
  minutes: number,
): { ok: true; times: Times } | { ok: false; problem: string } {
  const end = endTime ?? addMinutesToTime(startTime, minutes)
  if (end === null) return { ok: false, problem: 'Enter an end time: the meeting must end by midnight' }
  const startsAt = londonInstant(heldOn, startTime)
  const endsAt = londonInstant(heldOn, end)
  if (endsAt <= startsAt) return { ok: false, problem: 'The end time must be after the start time' }
  return { ok: true, times: { startsAt, endsAt } }
}

const duplicateMessage = (groupName: string, day: string) =>
  `${groupName} already has a meeting on ${formatDate(day)}: change that meeting or choose another date`

/** How a meeting is recorded in the audit log. */
const audited = (m: Meeting) => ({
  groupId: m.groupId,
  kind: m.kind,
  heldOn: m.heldOn,
  startsAt: m.startsAt.toISOString(),
  endsAt: m.endsAt.toISOString(),
  location: m.location,
  onlineUrl: m.onlineUrl,
  reason: m.reason,
  extraordinaryRequestId: m.extraordinaryRequestId,
  sequence: m.sequence,
  cancelledReason: m.cancelledReason,
})

/** An extraordinary request of the partnership, for the new-meeting form (null when there is none). */
export async function extraordinaryRequestFor(db: DbOrTx, partnershipId: string, requestId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(requestId)) return null
  const [row] = await db
    .select({
      id: extraordinaryRequests.id,
      groupId: extraordinaryRequests.groupId,
      groupName: groups.name,
      reasons: extraordinaryRequests.reasons,
      receivedOn: extraordinaryRequests.receivedOn,
      withdrawnAt: extraordinaryRequests.withdrawnAt,
    })
    .from(extraordinaryRequests)
    .innerJoin(groups, eq(groups.id, extraordinaryRequests.groupId))
    .where(
      and(eq(extraordinaryRequests.id, requestId), eq(extraordinaryRequests.partnershipId, partnershipId)),
    )
  return row ?? null
}

async function checkRequest(
  tx: DbOrTx,
  partnershipId: string,
  fields: MeetingFields,
): Promise<string | null> {
  if (!fields.extraordinaryRequestId) return null
  const request = await extraordinaryRequestFor(tx, partnershipId, fields.extraordinaryRequestId)
  if (!request) return 'The request for this meeting was not found'
  if (request.withdrawnAt) return 'The request for this meeting was withdrawn'
  if (request.groupId !== fields.groupId) return `The request was for a meeting of ${request.groupName}`
  const [scheduled] = await tx
    .select({ heldOn: meetings.heldOn })
    .from(meetings)
    .where(and(eq(meetings.extraordinaryRequestId, request.id), isNull(meetings.cancelledAt)))
    .limit(1)
  if (scheduled) return `A meeting was already scheduled for this request, on ${formatDate(scheduled.heldOn)}`
  return null
}

/**
 * Schedules a meeting: refuses a date in the past, a closed group, an end before the start and a
 * second meeting of the group on the same day; seeds its agenda and sends invitations.
 */
export async function createMeeting(
  db: Db,
  input: { change: ChangeContext; fields: MeetingFields; notify: MeetingNotify },
): Promise<{ meeting: Meeting; notice: NoticeOutcome }> {
  const { change, fields } = input
  const today = londonDay(change.now)
  const { meeting, started } = await db.transaction(async (tx) => {
    const group = await ownGroup(tx, change.partnershipId, fields.groupId)
    if (!group) throw new FieldProblems({ groupId: 'Select a group from the list' })
    await lockGroup(tx, group.id)
    const problems: Record<string, string> = {}
    const closed = groupProblem(group, fields.heldOn, today)
    if (closed) problems.groupId = closed
    if (fields.kind === 'extraordinary' && !fields.reason?.trim())
      problems.reason = 'Enter why the extraordinary meeting is called'
    const request = await checkRequest(tx, change.partnershipId, fields)
    if (request) problems.groupId ??= request
    if (fields.heldOn < today) problems.heldOn = 'The date of the meeting must be today or in the future'
    else if ((await meetingsOn(tx, group.id, [fields.heldOn])).length)
      problems.heldOn = duplicateMessage(group.name, fields.heldOn)
    const times = timesOf(
      fields.heldOn,
      fields.startTime,
      fields.endTime,
      group.meetingMinutes ?? DEFAULT_MEETING_MINUTES,
    )
    if (!times.ok || Object.keys(problems).length) {
      throw new FieldProblems({ ...problems, ...(times.ok ? {} : { endTime: times.problem }) })
    }
    const created = await insertMeeting(tx, change, group, {
      kind: fields.extraordinaryRequestId ? 'extraordinary' : fields.kind,
      reason:
        fields.kind === 'extraordinary' || fields.extraordinaryRequestId
          ? (fields.reason?.trim() ?? null)
          : null,
      heldOn: fields.heldOn,
      ...times.times,
      location: fields.location,
      onlineUrl: fields.onlineUrl,
      extraordinaryRequestId: fields.extraordinaryRequestId,
    })
    return {
      meeting: created,
      started: [await startMeetingNotice(tx, change, created, group.name, 'invitation')],
    }
  })
  const notice = await deliverMeetingNotices(db, input.notify, started, change.now)
  return { meeting, notice }
}

async function insertMeeting(
  tx: DbOrTx,
  change: ChangeContext,
  group: OwnGroup,
  values: Pick<
    Meeting,
    'kind' | 'reason' | 'heldOn' | 'startsAt' | 'endsAt' | 'location' | 'onlineUrl' | 'extraordinaryRequestId'
  >,
  action = 'create',
): Promise<Meeting> {
  const [meeting] = await tx
    .insert(meetings)
    .values({
      id: randomUUID(),
      partnershipId: change.partnershipId,
      groupId: group.id,
      ...values,
      sequence: 0,
      createdAt: change.now,
      updatedAt: change.now,
    })
    .returning()
  if (!meeting) throw new Error('Inserting a meeting returned no row')
  const items = await seedAgenda(tx, meeting, group.standardItems)
  await auditChange(tx, change, { type: 'meeting', id: meeting.id }, action, null, {
    ...audited(meeting),
    agendaItems: items,
  })
  return meeting
}

/** A meeting of the partnership, with its group's name. */
async function meetingOf(tx: DbOrTx, partnershipId: string, meetingId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(meetingId)) throw notFound()
  const [row] = await tx
    .select()
    .from(meetings)
    .where(and(eq(meetings.id, meetingId), eq(meetings.partnershipId, partnershipId)))
  if (!row) throw notFound()
  return row
}

const cancelledError = () => appError('cancelled', 'This meeting was cancelled: it cannot be changed', 409)

/** The fields of a change members are told about: each raises the meeting's iCalendar SEQUENCE. */
const noticeFields = ['heldOn', 'startsAt', 'endsAt', 'location', 'onlineUrl'] as const

/**
 * Reschedules or moves a meeting. A change to its date, times, place or link raises its sequence
 * and sends an update to the members; a cancelled meeting cannot be changed. Moved to another
 * month, its agenda gets that month's standard items instead of the old month's (unused ones).
 */
export async function updateMeeting(
  db: Db,
  input: { change: ChangeContext; meetingId: string; fields: MeetingChanges; notify: MeetingNotify },
): Promise<{
  meeting: Meeting
  changed: string[]
  notice: NoticeOutcome | null
  /** What moving it to another month did to its standard agenda items. */
  agenda: StandardItemsChange
}> {
  const { change, fields } = input
  const today = londonDay(change.now)
  const result = await db.transaction(async (tx) => {
    const current = await meetingOf(tx, change.partnershipId, input.meetingId)
    if (current.cancelledAt) throw cancelledError()
    const group = await ownGroup(tx, change.partnershipId, current.groupId)
    if (!group) throw notFound()
    await lockGroup(tx, group.id)
    const problems: Record<string, string> = {}
    const moved = fields.heldOn !== current.heldOn
    if (moved) {
      if (fields.heldOn < today) problems.heldOn = 'The new date must be today or in the future'
      else if ((await meetingsOn(tx, group.id, [fields.heldOn], current.id)).length)
        problems.heldOn = duplicateMessage(group.name, fields.heldOn)
      const closed = groupProblem(group, fields.heldOn, today)
      if (closed) problems.heldOn ??= closed
    }
    if (current.kind === 'extraordinary' && !fields.reason?.trim())
      problems.reason = 'Enter why the extraordinary meeting is called'
    const times = timesOf(
      fields.heldOn,
      fields.startTime,
      fields.endTime,
      group.meetingMinutes ?? DEFAULT_MEETING_MINUTES,
    )
    if (!times.ok || Object.keys(problems).length) {
      throw new FieldProblems({ ...problems, ...(times.ok ? {} : { endTime: times.problem }) })
    }
    const next = {
      heldOn: fields.heldOn,
      ...times.times,
      location: fields.location,
      onlineUrl: fields.onlineUrl,
      reason: current.kind === 'extraordinary' ? (fields.reason?.trim() ?? null) : current.reason,
    }
    const fieldsOfNote = [...noticeFields, 'reason'] as const
    const diff = fieldChanges(
      { ...current, startsAt: current.startsAt.toISOString(), endsAt: current.endsAt.toISOString() },
      { ...next, startsAt: next.startsAt.toISOString(), endsAt: next.endsAt.toISOString() },
      fieldsOfNote,
    )
    if (diff.changed.length === 0)
      return { meeting: current, changed: [], started: [], agenda: { added: [], removed: [], kept: [] } }
    const tell = diff.changed.some((f) => (noticeFields as readonly string[]).includes(f))
    const sequence = tell ? current.sequence + 1 : current.sequence
    const [meeting] = await tx
      .update(meetings)
      .set({ ...next, sequence, updatedAt: change.now })
      .where(eq(meetings.id, current.id))
      .returning()
    if (!meeting) throw new Error('Updating a meeting returned no row')
    // Moved to another month: its standard items become the new month's (agenda.seed.ts).
    const agenda = await reseedStandardItems(tx, change, meeting, current.heldOn, group.standardItems)
    const agendaChanged = agenda.added.length + agenda.removed.length + agenda.kept.length > 0
    await auditChange(
      tx,
      change,
      { type: 'meeting', id: meeting.id },
      'update',
      { ...diff.before, sequence: current.sequence },
      { ...diff.after, sequence, ...(agendaChanged ? { standardItems: agenda } : {}) },
    )
    const started: StartedNotice[] = tell
      ? [await startMeetingNotice(tx, change, meeting, group.name, 'update')]
      : []
    return { meeting, changed: diff.changed as string[], started, agenda }
  })
  const notice = result.started.length
    ? await deliverMeetingNotices(db, input.notify, result.started, change.now)
    : null
  return { meeting: result.meeting, changed: result.changed, notice, agenda: result.agenda }
}

/** Cancels a meeting with a reason: the meeting is kept, shown as cancelled, and members are told. */
export async function cancelMeeting(
  db: Db,
  input: { change: ChangeContext; meetingId: string; reason: string; notify: MeetingNotify },
): Promise<{ meeting: Meeting; notice: NoticeOutcome }> {
  const { change } = input
  const reason = input.reason.trim()
  const { meeting, started } = await db.transaction(async (tx) => {
    const current = await meetingOf(tx, change.partnershipId, input.meetingId)
    if (current.cancelledAt) throw cancelledError()
    throwIfAny(reason ? {} : { cancelledReason: 'Enter why the meeting is cancelled' })
    const [group] = await tx.select({ name: groups.name }).from(groups).where(eq(groups.id, current.groupId))
    const [updated] = await tx
      .update(meetings)
      .set({
        cancelledAt: change.now,
        cancelledReason: reason,
        sequence: current.sequence + 1,
        updatedAt: change.now,
      })
      .where(eq(meetings.id, current.id))
      .returning()
    if (!updated) throw new Error('Cancelling a meeting returned no row')
    await auditChange(
      tx,
      change,
      { type: 'meeting', id: updated.id },
      'cancel',
      { sequence: current.sequence },
      { cancelledReason: reason, sequence: updated.sequence },
    )
    return {
      meeting: updated,
      started: [await startMeetingNotice(tx, change, updated, group?.name ?? '', 'cancellation')],
    }
  })
  const notice = await deliverMeetingNotices(db, input.notify, started, change.now)
  return { meeting, notice }
}

export interface GeneratePreview {
  group: OwnGroup
  cadence: Cadence
  startTime: string
  endTime: string
  durationMinutes: number
  location: string
  onlineUrl: string | null
  meetings: (ProposedMeeting & { conflict: boolean })[]
  /** Dates of the series after the group closes or ends: left out. */
  leftOut: { date: string; reason: string }[]
  /** Dates on which the group already has a meeting: the series cannot be created as it is. */
  conflicts: string[]
}

/**
 * The meetings a year of the group's cadence would create from `firstOn`: at an even interval of
 * months, each moved to the next working day when it falls on a weekend, a bank holiday or one of
 * the partnership's closure days (saying why), with the dates the group already has a meeting on.
 */
export async function previewMeetings(
  db: DbOrTx,
  input: { partnershipId: string; today: string; fields: GenerateFields },
): Promise<GeneratePreview> {
  const { fields, today } = input
  const group = await ownGroup(db, input.partnershipId, fields.groupId)
  if (!group) throw new FieldProblems({ groupId: 'Select a group from the list' })
  const problems: Record<string, string> = {}
  const closed = groupProblem(group, fields.firstOn, today)
  if (closed) problems.groupId = closed
  const cadence = cadenceOf(group, today)
  if (!cadence)
    problems.groupId ??= `${group.name} has no number of meetings a year: set it on the group’s page, or schedule its meetings one at a time`
  if (fields.firstOn < today)
    problems.firstOn = 'The date of the first meeting must be today or in the future'
  const durationMinutes = fields.durationMinutes ?? group.meetingMinutes ?? DEFAULT_MEETING_MINUTES
  const endTime = addMinutesToTime(fields.startTime, durationMinutes)
  if (endTime === null)
    problems.durationMinutes = 'The meetings must end by midnight: start earlier or make them shorter'
  if (!cadence || !endTime || Object.keys(problems).length) throw new FieldProblems(problems)
  const calendar = await createCalendarRepository(db).calendarFor(input.partnershipId)
  const proposed = proposeYear(fields.firstOn, cadence.count, calendar)
  const ends = [
    group.closedOn
      ? { day: group.closedOn, reason: `${group.name} closes on ${formatDate(group.closedOn)}` }
      : null,
    group.endsOn
      ? { day: addCalendarDays(group.endsOn, 1), reason: `${group.name} ends on ${formatDate(group.endsOn)}` }
      : null,
  ].filter((e) => e !== null)
  const kept = proposed.filter((m) => !ends.some((e) => m.date >= e.day))
  const leftOut = proposed
    .filter((m) => !kept.includes(m))
    .map((m) => ({ date: m.date, reason: ends.find((e) => m.date >= e.day)!.reason }))
  const conflicts = await meetingsOn(
    db,
    group.id,
    kept.map((m) => m.date),
  )
  return {
    group,
    cadence,
    startTime: fields.startTime,
    endTime,
    durationMinutes,
    location: fields.location,
    onlineUrl: fields.onlineUrl,
    meetings: kept.map((m) => ({ ...m, conflict: conflicts.includes(m.date) })),
    leftOut,
    conflicts,
  }
}

/**
 * Creates the year of meetings the preview shows, all in one transaction (each with its agenda
 * and audit entry), then sends one invitation per meeting. Refused as a whole when the group
 * already has a meeting on one of the dates.
 */
export async function generateMeetings(
  db: Db,
  input: { change: ChangeContext; fields: GenerateFields; notify: MeetingNotify },
): Promise<{ meetings: Meeting[]; notice: NoticeOutcome }> {
  const { change, fields } = input
  const today = londonDay(change.now)
  const { created, started } = await db.transaction(async (tx) => {
    if (/^[0-9a-f-]{36}$/i.test(fields.groupId)) await lockGroup(tx, fields.groupId)
    const preview = await previewMeetings(tx, { partnershipId: change.partnershipId, today, fields })
    if (preview.conflicts.length) {
      throw new FieldProblems({
        firstOn: `${preview.group.name} already has a meeting on ${preview.conflicts.map(formatDate).join(', ')}: change the first date, or move or cancel ${preview.conflicts.length === 1 ? 'that meeting' : 'those meetings'}`,
      })
    }
    if (preview.meetings.length === 0) {
      throw new FieldProblems({ firstOn: `${preview.group.name} ends before the first meeting` })
    }
    const created: Meeting[] = []
    const started: StartedNotice[] = []
    for (const proposed of preview.meetings) {
      const meeting = await insertMeeting(
        tx,
        change,
        preview.group,
        {
          kind: 'ordinary',
          reason: null,
          heldOn: proposed.date,
          startsAt: londonInstant(proposed.date, preview.startTime),
          endsAt: londonInstant(proposed.date, preview.endTime),
          location: fields.location,
          onlineUrl: fields.onlineUrl,
          extraordinaryRequestId: null,
        },
        'generate',
      )
      created.push(meeting)
      started.push(await startMeetingNotice(tx, change, meeting, preview.group.name, 'invitation'))
    }
    return { created, started }
  })
  const notice = await deliverMeetingNotices(db, input.notify, started, change.now)
  return { meetings: created, notice }
}
