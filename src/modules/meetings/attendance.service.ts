import { randomUUID } from 'node:crypto'
import { and, eq, inArray } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import { auditChange, type ChangeContext } from '../../platform/audit/audit.service.ts'
import { formatDate } from '../../platform/calendar/dates.ts'
import { londonDate, londonTime } from '../../platform/calendar/london-time.ts'
import type { Db, DbOrTx } from '../../platform/db/client.ts'
import { appError } from '../../platform/http/errors.ts'
import { type Notice, sendNotices } from '../../platform/notify/notices.ts'
import type { Outbox } from '../../platform/notify/notify.service.ts'
import { people } from '../partnership/structure.table.ts'
import {
  type Attendance,
  type AttendanceIntent,
  type AttendanceOutcome,
  attendance,
} from './attendance.table.ts'
import { deputiesFor, type Invitee, inviteesOn } from './invitees.ts'
import type { Meeting } from './meetings.table.ts'

/** A seat at a meeting: the member, what they said before, and what happened. */
export interface SeatAttendance extends Invitee {
  intent: AttendanceIntent | null
  intentDeputyId: string | null
  intentDeputyName: string | null
  intentNote: string | null
  intentAt: Date | null
  outcome: AttendanceOutcome | null
  /** The deputy who sat in the seat: a person in the directory, or a typed name. */
  deputyId: string | null
  deputyName: string | null
  recordedAt: Date | null
}

export interface AttendanceCounts {
  invited: number
  present: number
  deputy: number
  apologies: number
  absent: number
  notRecorded: number
}

export interface QuorumState {
  needed: number
  /** Seats filled: members present and deputies who attended. */
  filled: number
  met: boolean
}

export interface MeetingAttendance {
  seats: SeatAttendance[]
  counts: AttendanceCounts
  quorum: QuorumState | null
}

const intentDeputy = alias(people, 'intent_deputy')
const outcomeDeputy = alias(people, 'outcome_deputy')

/**
 * Who was invited to a meeting (the group's members on its day), what each said before and what
 * happened, with counts and the quorum. Two queries, whatever the number of seats.
 */
export async function attendanceFor(
  db: DbOrTx,
  meeting: Pick<Meeting, 'id' | 'groupId' | 'heldOn'>,
  group: { quorum: number | null },
): Promise<MeetingAttendance> {
  const [invitees, rows] = await Promise.all([
    inviteesOn(db, meeting.groupId, meeting.heldOn),
    db
      .select({
        row: attendance,
        intentDeputyName: intentDeputy.name,
        outcomeDeputyName: outcomeDeputy.name,
      })
      .from(attendance)
      .leftJoin(intentDeputy, eq(intentDeputy.id, attendance.intentDeputyId))
      .leftJoin(outcomeDeputy, eq(outcomeDeputy.id, attendance.deputyId))
      .where(eq(attendance.meetingId, meeting.id)),
  ])
  const bySeat = new Map(rows.map((r) => [r.row.membershipId, r]))
  const seats = invitees.map((invitee): SeatAttendance => {
    const found = bySeat.get(invitee.membershipId)
    const row = found?.row
    return {
      ...invitee,
      intent: row?.intent ?? null,
      intentDeputyId: row?.intentDeputyId ?? null,
      intentDeputyName: found?.intentDeputyName ?? null,
      intentNote: row?.intentNote ?? null,
      intentAt: row?.intentAt ?? null,
      outcome: row?.outcome ?? null,
      deputyId: row?.deputyId ?? null,
      deputyName: found?.outcomeDeputyName ?? row?.deputyName ?? null,
      recordedAt: row?.recordedAt ?? null,
    }
  })
  const count = (outcome: AttendanceOutcome) => seats.filter((s) => s.outcome === outcome).length
  const counts: AttendanceCounts = {
    invited: seats.length,
    present: count('present'),
    deputy: count('deputy'),
    apologies: count('apologies'),
    absent: count('absent'),
    notRecorded: seats.filter((s) => s.outcome === null).length,
  }
  return { seats, counts, quorum: quorumOf(group.quorum, counts) }
}

/** Whether enough seats were filled (a member present or a deputy in their place). */
export function quorumOf(needed: number | null, counts: Pick<AttendanceCounts, 'present' | 'deputy'>) {
  if (needed === null) return null
  const filled = counts.present + counts.deputy
  return { needed, filled, met: filled >= needed }
}

/** What the outcome form shows for a seat before anything is recorded: what the member said before. */
export function outcomeDefault(seat: SeatAttendance): {
  outcome: string
  deputy: string
  deputyName: string
} {
  if (seat.outcome) {
    return {
      outcome: seat.outcome,
      deputy: seat.deputyId ?? (seat.outcome === 'deputy' && seat.deputyName ? 'other' : ''),
      deputyName: seat.deputyId ? '' : (seat.deputyName ?? ''),
    }
  }
  if (seat.intent === 'apologies') return { outcome: 'apologies', deputy: '', deputyName: '' }
  if (seat.intent === 'deputy')
    return { outcome: 'deputy', deputy: seat.intentDeputyId ?? '', deputyName: '' }
  return { outcome: '', deputy: '', deputyName: '' }
}

/** The form's values for every seat, as the outcome form names its fields. */
export function outcomeFormValues(seats: readonly SeatAttendance[]): Record<string, string> {
  const values: Record<string, string> = {}
  for (const seat of seats) {
    const d = outcomeDefault(seat)
    values[`outcome-${seat.membershipId}`] = d.outcome
    values[`deputy-${seat.membershipId}`] = d.deputy
    values[`deputyName-${seat.membershipId}`] = d.deputyName
  }
  return values
}

// ---------------------------------------------------------------------------------------------
// Before the meeting: apologies, or a named deputy

export type IntentChoice = 'apologies' | 'deputy' | 'attend'

/** Why apologies can no longer be sent, or null while they can. */
export function apologiesClosedReason(meeting: Pick<Meeting, 'startsAt' | 'cancelledAt'>, now: Date) {
  if (meeting.cancelledAt) return 'This meeting has been cancelled: there is nothing to send apologies for.'
  if (now.getTime() >= meeting.startsAt.getTime()) {
    return `Apologies and deputies are sent before the meeting starts. This meeting started at ${londonTime(meeting.startsAt)} on ${formatDate(londonDate(meeting.startsAt))}.`
  }
  return null
}

export interface IntentInput {
  meeting: Pick<Meeting, 'id' | 'groupId' | 'heldOn' | 'startsAt' | 'cancelledAt'>
  /** How the meeting is named in the deputy's notice, and where it is. */
  meetingTitle: string
  meetingWhen: string
  meetingLink: string
  membershipId: string
  choice: IntentChoice
  note: string | null
  deputyPersonId: string | null
}

export type IntentProblem = { field: 'seat' | 'deputyId'; text: string }

/**
 * Records what a member says before the meeting (apologies, a designated deputy in their place,
 * or that they will attend after all). The named deputy gets a notice. Refused once the meeting
 * has started or if it is cancelled. Returns a problem for the form when a choice is not allowed.
 */
export async function recordIntent(
  db: Db,
  outbox: Outbox,
  change: ChangeContext,
  input: IntentInput,
): Promise<{ ok: true; changed: boolean } | { ok: false; problem: IntentProblem }> {
  const closed = apologiesClosedReason(input.meeting, change.now)
  if (closed) throw appError('apologies_closed', closed, 409)
  const { meeting } = input
  return db.transaction(async (tx) => {
    const seats = await inviteesOn(tx, meeting.groupId, meeting.heldOn)
    const seat = seats.find((s) => s.membershipId === input.membershipId)
    if (!seat) return { ok: false, problem: { field: 'seat', text: 'Choose a seat on the group' } }
    let deputy: Awaited<ReturnType<typeof deputiesFor>>[number] | undefined
    if (input.choice === 'deputy') {
      deputy = (await deputiesFor(tx, [seat.membershipId], meeting.heldOn)).find(
        (d) => d.personId === input.deputyPersonId,
      )
      if (!deputy) {
        return {
          ok: false,
          problem: { field: 'deputyId', text: `Choose one of ${seat.name}’s designated deputies` },
        }
      }
    }
    const [before] = await tx
      .select()
      .from(attendance)
      .where(and(eq(attendance.meetingId, meeting.id), eq(attendance.membershipId, seat.membershipId)))
    const next = {
      intent: input.choice === 'attend' ? null : input.choice,
      intentDeputyId: deputy?.personId ?? null,
      intentNote: input.choice === 'apologies' ? input.note : null,
    }
    if (!before && next.intent === null) return { ok: true, changed: false }
    if (
      before &&
      before.intent === next.intent &&
      before.intentDeputyId === next.intentDeputyId &&
      before.intentNote === next.intentNote
    ) {
      return { ok: true, changed: false }
    }
    const values = { ...next, intentAt: change.now }
    await upsertSeat(tx, change, meeting.id, seat, before, values)
    if (deputy?.email && deputy.personId !== before?.intentDeputyId) {
      const notice: Notice = {
        partnershipId: change.partnershipId,
        to: deputy.email,
        userId: deputy.userId,
        subject: `You are attending ${input.meetingTitle} for ${seat.name}`,
        text: [
          `Dear ${deputy.name},`,
          '',
          `${seat.name} cannot attend ${input.meetingTitle} and has named you, as their designated deputy, to attend in their place.`,
          '',
          `When and where: ${input.meetingWhen}`,
          `The meeting, its agenda and papers: ${input.meetingLink}`,
        ].join('\n'),
      }
      await sendNotices(tx, outbox, [notice], change.now)
    }
    return { ok: true, changed: true }
  })
}

async function upsertSeat(
  tx: DbOrTx,
  change: ChangeContext,
  meetingId: string,
  seat: Pick<Invitee, 'membershipId' | 'personId'>,
  before: Attendance | undefined,
  values: Partial<typeof attendance.$inferInsert>,
) {
  const [row] = await tx
    .insert(attendance)
    .values({
      id: randomUUID(),
      partnershipId: change.partnershipId,
      meetingId,
      membershipId: seat.membershipId,
      personId: seat.personId,
      createdAt: change.now,
      ...values,
    })
    .onConflictDoUpdate({ target: [attendance.meetingId, attendance.membershipId], set: values })
    .returning()
  await auditChange(
    tx,
    change,
    { type: 'attendance', id: row!.id },
    before ? 'update' : 'create',
    before ? auditView(before) : null,
    auditView(row!),
  )
}

const auditView = (row: Attendance) => ({
  meetingId: row.meetingId,
  membershipId: row.membershipId,
  intent: row.intent,
  intentDeputyId: row.intentDeputyId,
  intentNote: row.intentNote,
  outcome: row.outcome,
  deputyId: row.deputyId,
  deputyName: row.deputyName,
})

// ---------------------------------------------------------------------------------------------
// On or after the day: what happened

export interface OutcomeRow {
  membershipId: string
  outcome: AttendanceOutcome
  deputyId: string | null
  deputyName: string | null
}

/** Why outcomes cannot be recorded yet, or null when they can. */
export function outcomesClosedReason(meeting: Pick<Meeting, 'heldOn' | 'cancelledAt'>, today: string) {
  if (meeting.cancelledAt) return 'This meeting was cancelled: there is no attendance to record.'
  if (today < meeting.heldOn) return 'Attendance is recorded on the day of the meeting or after'
  return null
}

/**
 * Saves what happened at every seat in one transaction, one row per meeting and seat (a second
 * save changes the rows, never adds). Each changed seat is audited. Seats must be the meeting's.
 */
export async function recordOutcomes(
  db: Db,
  change: ChangeContext,
  input: { meeting: Pick<Meeting, 'id' | 'groupId' | 'heldOn' | 'cancelledAt'>; rows: readonly OutcomeRow[] },
): Promise<{ changed: number }> {
  const { meeting } = input
  const closed = outcomesClosedReason(meeting, londonDate(change.now))
  if (closed) throw appError('attendance_not_yet', closed, 409)
  return db.transaction(async (tx) => {
    const seats = new Map(
      (await inviteesOn(tx, meeting.groupId, meeting.heldOn)).map((s) => [s.membershipId, s]),
    )
    if (input.rows.some((r) => !seats.has(r.membershipId))) {
      throw appError('not_a_seat', 'A seat in the form is not a seat at this meeting', 400)
    }
    const ids = input.rows.map((r) => r.membershipId)
    const existing = ids.length
      ? await tx
          .select()
          .from(attendance)
          .where(and(eq(attendance.meetingId, meeting.id), inArray(attendance.membershipId, ids)))
      : []
    const before = new Map(existing.map((r) => [r.membershipId, r]))
    let changed = 0
    for (const row of input.rows) {
      const was = before.get(row.membershipId)
      const values = {
        outcome: row.outcome,
        deputyId: row.outcome === 'deputy' ? row.deputyId : null,
        deputyName: row.outcome === 'deputy' && !row.deputyId ? row.deputyName : null,
      }
      if (
        was &&
        was.outcome === values.outcome &&
        was.deputyId === values.deputyId &&
        was.deputyName === values.deputyName
      ) {
        continue
      }
      await upsertSeat(tx, change, meeting.id, seats.get(row.membershipId)!, was, {
        ...values,
        recordedAt: change.now,
        recordedById: change.actorId,
      })
      changed++
    }
    return { changed }
  })
}

export interface OutcomeFormResult {
  rows: OutcomeRow[]
  /** Errors keyed by field name (`outcome-<seat>`, `deputy-<seat>`, `deputyName-<seat>`). */
  errors: Record<string, string>
}

const outcomeSet = new Set<string>(['present', 'deputy', 'apologies', 'absent'])

/**
 * Reads the outcome form: every seat needs an outcome; a deputy who attended is one of the seat's
 * designated deputies or a typed name.
 */
export function readOutcomeForm(
  values: Record<string, unknown>,
  seats: readonly Pick<SeatAttendance, 'membershipId' | 'name'>[],
  deputies: readonly { deputyForId: string | null; personId: string }[],
): OutcomeFormResult {
  const rows: OutcomeRow[] = []
  const errors: Record<string, string> = {}
  const text = (key: string) => String(values[key] ?? '').trim()
  for (const seat of seats) {
    const id = seat.membershipId
    const outcome = text(`outcome-${id}`)
    if (!outcomeSet.has(outcome)) {
      errors[`outcome-${id}`] = `Choose what happened at ${seat.name}’s seat`
      continue
    }
    if (outcome !== 'deputy') {
      rows.push({ membershipId: id, outcome: outcome as AttendanceOutcome, deputyId: null, deputyName: null })
      continue
    }
    const chosen = text(`deputy-${id}`)
    const typed = text(`deputyName-${id}`)
    if (chosen && chosen !== 'other') {
      if (!deputies.some((d) => d.deputyForId === id && d.personId === chosen)) {
        errors[`deputy-${id}`] = `Choose one of ${seat.name}’s designated deputies, or someone else`
      } else {
        rows.push({ membershipId: id, outcome: 'deputy', deputyId: chosen, deputyName: null })
      }
      continue
    }
    if (!typed) {
      errors[`deputyName-${id}`] = `Enter the name of the deputy who attended for ${seat.name}`
    } else if (typed.length > 200) {
      errors[`deputyName-${id}`] = 'The deputy’s name must be 200 characters or fewer'
    } else {
      rows.push({ membershipId: id, outcome: 'deputy', deputyId: null, deputyName: typed })
    }
  }
  return { rows, errors }
}
