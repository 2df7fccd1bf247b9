import { randomUUID } from 'node:crypto'
import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm'
import { auditChange, type ChangeContext } from '../../platform/audit/audit.service.ts'
import { createCalendarRepository } from '../../platform/calendar/calendar.repository.ts'
import { formatDate } from '../../platform/calendar/dates.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import type { Db, DbOrTx } from '../../platform/db/client.ts'
import { appError, notFound } from '../../platform/http/errors.ts'
import { computeDeadline, type Deadline, getRuleSet } from '../../platform/rules/rules.service.ts'
import { FieldProblems } from '../partnership/agencies.problems.ts'
import { type DecisionState, decisionStateSql } from './decisions.rules.ts'
import { type Decision, type DecisionOutcome, decisionObjections, decisions } from './decisions.table.ts'
import { isUuid } from './meetings.access.ts'
import { agendaItems, type Meeting, meetings } from './meetings.table.ts'

// Recording decisions and withdrawing them (objections and reconsideration: decisions.objections.ts).
// Every change is audited in its transaction; rules that a form field breaks come back as
// FieldProblems keyed by that field.

/** Serialises the numbering of a partnership's decisions (with hashtext of the partnership). */
const DECISIONS_LOCK = 7_303_065

/** A double-submitted form within this long records nothing the second time. */
export const DUPLICATE_WINDOW_MS = 60_000

export const duplicateDecisionMessage = 'This decision has already been recorded'

/** The earliest implementation date for a decision taken at a meeting on `heldOn` (rule decisionNotice). */
export async function implementationDeadline(
  db: DbOrTx,
  partnershipId: string,
  heldOn: string,
): Promise<Deadline> {
  const [rules, calendar] = await Promise.all([
    getRuleSet(db, partnershipId),
    createCalendarRepository(db).calendarFor(partnershipId),
  ])
  return computeDeadline(rules, 'decisionNotice', heldOn, calendar)
}

/** Why no decision can be recorded against the meeting now, or null when one can. */
export function recordClosedReason(meeting: Pick<Meeting, 'cancelledAt' | 'heldOn'>, today: string) {
  if (meeting.cancelledAt) return 'This meeting was cancelled: no decision can be recorded against it'
  if (meeting.heldOn > today) {
    return `A decision is taken at the meeting: it can be recorded from the day of the meeting, ${formatDate(meeting.heldOn)}`
  }
  return null
}

/** Meetings of the same group after this one that are not cancelled: where a decision is deferred to or reconsidered. */
export function laterMeetingsOf(db: DbOrTx, meeting: Pick<Meeting, 'id' | 'groupId' | 'startsAt'>) {
  return db
    .select({
      id: meetings.id,
      heldOn: meetings.heldOn,
      kind: meetings.kind,
      startsAt: meetings.startsAt,
      endsAt: meetings.endsAt,
    })
    .from(meetings)
    .where(
      and(
        eq(meetings.groupId, meeting.groupId),
        gt(meetings.startsAt, meeting.startsAt),
        isNull(meetings.cancelledAt),
      ),
    )
    .orderBy(asc(meetings.startsAt))
    .limit(100)
}

export interface DecisionInput {
  agendaItemId: string
  text: string
  outcome: DecisionOutcome
  implementationOn: string | null
  deferredToMeetingId: string | null
}

export async function meetingOf(tx: DbOrTx, partnershipId: string, meetingId: string): Promise<Meeting> {
  if (!isUuid(meetingId)) throw notFound()
  const [meeting] = await tx
    .select()
    .from(meetings)
    .where(and(eq(meetings.id, meetingId), eq(meetings.partnershipId, partnershipId)))
  if (!meeting) throw notFound()
  return meeting
}

/** The next reference in the meeting's year: D2026-001, D2026-002, … (call it under the lock). */
async function nextReference(tx: DbOrTx, partnershipId: string, year: string): Promise<string> {
  const prefix = `D${year}-`
  const [row] = await tx
    .select({
      last: sql<
        number | null
      >`max(cast(substring(${decisions.reference} from ${'^D[0-9]{4}-([0-9]+)$'}) as integer))`,
    })
    .from(decisions)
    .where(and(eq(decisions.partnershipId, partnershipId), sql`${decisions.reference} like ${`${prefix}%`}`))
  const next = Number(row?.last ?? 0) + 1
  return `${prefix}${String(next).padStart(3, '0')}`
}

export const lockDecisions = (tx: DbOrTx, partnershipId: string) =>
  tx.execute(sql`select pg_advisory_xact_lock(${DECISIONS_LOCK}, hashtext(${partnershipId}))`)

/**
 * Records a decision taken at a meeting. Refused for a cancelled meeting or one not yet held;
 * a consensus needs an implementation date that gives the notice the rules ask for, a deferral
 * a later meeting of the group. The reference is numbered per partnership and year under a lock,
 * and the same text on the same item within a minute (a form sent twice) is refused.
 */
export async function recordDecision(
  db: Db,
  change: ChangeContext,
  meetingId: string,
  input: DecisionInput,
): Promise<Decision> {
  const today = londonDate(change.now)
  return db.transaction(async (tx) => {
    const meeting = await meetingOf(tx, change.partnershipId, meetingId)
    const closed = recordClosedReason(meeting, today)
    if (closed) throw appError('decision_closed', closed, 409)
    const problems: Record<string, string> = {}
    const text = input.text.trim()
    const [item] = !isUuid(input.agendaItemId)
      ? []
      : await tx
          .select({ id: agendaItems.id })
          .from(agendaItems)
          .where(
            and(
              eq(agendaItems.id, input.agendaItemId),
              eq(agendaItems.meetingId, meeting.id),
              isNull(agendaItems.withdrawnAt),
            ),
          )
    if (!item) problems.agendaItemId = 'Choose an item on this meeting’s agenda'
    if (!text) problems.text = 'Enter the decision'
    let implementationOn: string | null = null
    let deferredToMeetingId: string | null = null
    if (input.outcome === 'consensus') {
      const deadline = await implementationDeadline(tx, change.partnershipId, meeting.heldOn)
      if (!input.implementationOn) problems.implementationOn = 'Enter the implementation date'
      else if (input.implementationOn < deadline.date) {
        problems.implementationOn = `The implementation date must be on or after ${deadline.explanation}`
      } else implementationOn = input.implementationOn
    } else if (input.outcome === 'deferred') {
      const later = input.deferredToMeetingId
        ? (await laterMeetingsOf(tx, meeting)).find((m) => m.id === input.deferredToMeetingId)
        : undefined
      if (!later) problems.deferredToMeetingId = 'Choose the later meeting the decision is deferred to'
      else deferredToMeetingId = later.id
    }
    if (Object.keys(problems).length > 0) throw new FieldProblems(problems)

    await lockDecisions(tx, change.partnershipId)
    const since = new Date(change.now.getTime() - DUPLICATE_WINDOW_MS)
    const [twin] = await tx
      .select({ id: decisions.id })
      .from(decisions)
      .where(
        and(
          eq(decisions.agendaItemId, input.agendaItemId),
          eq(decisions.text, text),
          isNull(decisions.withdrawnAt),
          gt(decisions.createdAt, since),
        ),
      )
      .limit(1)
    if (twin) throw new FieldProblems({ text: duplicateDecisionMessage })

    const values = {
      id: randomUUID(),
      partnershipId: change.partnershipId,
      meetingId: meeting.id,
      agendaItemId: input.agendaItemId,
      reference: await nextReference(tx, change.partnershipId, meeting.heldOn.slice(0, 4)),
      text,
      outcome: input.outcome,
      implementationOn,
      deferredToMeetingId,
      createdById: change.actorId,
      createdAt: change.now,
    }
    const [row] = await tx.insert(decisions).values(values).returning()
    await auditChange(tx, change, { type: 'decision', id: values.id }, 'create', null, {
      reference: values.reference,
      meetingId: values.meetingId,
      agendaItemId: values.agendaItemId,
      text,
      outcome: values.outcome,
      implementationOn,
      deferredToMeetingId,
    })
    return row!
  })
}

export async function decisionOf(tx: DbOrTx, partnershipId: string, decisionId: string): Promise<Decision> {
  if (!isUuid(decisionId)) throw notFound()
  const [decision] = await tx
    .select()
    .from(decisions)
    .where(and(eq(decisions.id, decisionId), eq(decisions.partnershipId, partnershipId)))
  if (!decision) throw notFound()
  return decision
}

/** Withdraws a decision recorded in error, with the reason. It stays in the register as withdrawn. */
export async function withdrawDecision(
  db: Db,
  change: ChangeContext,
  decisionId: string,
  reason: string,
): Promise<Decision> {
  return db.transaction(async (tx) => {
    const decision = await decisionOf(tx, change.partnershipId, decisionId)
    if (decision.withdrawnAt) throw appError('decision_withdrawn', 'This decision was already withdrawn', 409)
    const why = reason.trim()
    if (!why) throw new FieldProblems({ reason: 'Enter why the decision is withdrawn' })
    const [row] = await tx
      .update(decisions)
      .set({ withdrawnAt: change.now, withdrawnReason: why })
      .where(eq(decisions.id, decision.id))
      .returning()
    await auditChange(
      tx,
      change,
      { type: 'decision', id: decision.id },
      'withdraw',
      { withdrawnAt: null, withdrawnReason: null },
      { withdrawnAt: change.now.toISOString(), withdrawnReason: why },
    )
    return row!
  })
}

export interface MeetingDecision {
  id: string
  reference: string
  agendaItemId: string
  text: string
  outcome: DecisionOutcome
  implementationOn: string | null
  state: DecisionState
  objectionCount: number
}

/**
 * A meeting's decisions with their state on `today`, in reference order: one query (the
 * objection counts and the state are computed in SQL). For the overview page and the API.
 */
export async function decisionsForMeeting(
  db: DbOrTx,
  meetingId: string,
  today: string,
): Promise<MeetingDecision[]> {
  const rows = await db
    .select({
      id: decisions.id,
      reference: decisions.reference,
      agendaItemId: decisions.agendaItemId,
      text: decisions.text,
      outcome: decisions.outcome,
      implementationOn: decisions.implementationOn,
      state: decisionStateSql(today),
      objectionCount: sql<number>`(select count(*) from ${decisionObjections} where ${decisionObjections.decisionId} = ${decisions.id})`,
    })
    .from(decisions)
    // The join is needed, not decoration: in a single-table select Drizzle writes the columns in
    // these SQL expressions unqualified, and "id" inside the objections subquery would then be
    // the objection's own id.
    .innerJoin(agendaItems, eq(agendaItems.id, decisions.agendaItemId))
    .where(eq(decisions.meetingId, meetingId))
    .orderBy(asc(decisions.createdAt), asc(decisions.reference))
  return rows.map((r) => ({ ...r, objectionCount: Number(r.objectionCount) }))
}
