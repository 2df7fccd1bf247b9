import { and, asc, desc, eq, gte, inArray, isNull, or, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import { users } from '../../platform/auth/auth.table.ts'
import type { DbOrTx } from '../../platform/db/client.ts'
import { agencies, groups } from '../partnership/structure.table.ts'
import { type DecisionState, decisionStateSql } from './decisions.rules.ts'
import { type DecisionOutcome, decisionObjections, decisions } from './decisions.table.ts'
import { agendaItems, type Meeting, meetings } from './meetings.table.ts'

// What the decisions pages read: the record form's choices, a decision with everything around it,
// and a meeting's decisions. Each is a fixed number of set-based queries.

const deferredMeeting = alias(meetings, 'deferred_meeting')
const reconsiderationMeeting = alias(meetings, 'reconsideration_meeting')

const objectionCount = sql<number>`(select count(*) from ${decisionObjections} where ${decisionObjections.decisionId} = ${decisions.id})`

/** The meeting's agenda items a decision can be recorded against: those marked "decision needed" first. */
export function decisionItems(db: DbOrTx, meetingId: string) {
  return db
    .select({
      id: agendaItems.id,
      position: agendaItems.position,
      title: agendaItems.title,
      decisionNeeded: agendaItems.decisionNeeded,
    })
    .from(agendaItems)
    .where(and(eq(agendaItems.meetingId, meetingId), isNull(agendaItems.withdrawnAt)))
    .orderBy(desc(agendaItems.decisionNeeded), asc(agendaItems.position))
}

export interface StrategicGroup {
  id: string
  name: string
  slug: string
  nextMeeting: { id: string; heldOn: string; kind: Meeting['kind'] } | null
}

/** The partnership's Strategic Group (its open group of kind `strategic`) and its next meeting from `today`. */
export async function strategicGroupOf(
  db: DbOrTx,
  partnershipId: string,
  today: string,
): Promise<StrategicGroup | null> {
  const [group] = await db
    .select({ id: groups.id, name: groups.name, slug: groups.slug })
    .from(groups)
    .where(
      and(
        eq(groups.partnershipId, partnershipId),
        eq(groups.kind, 'strategic'),
        or(isNull(groups.closedOn), sql`${groups.closedOn} > ${today}::date`),
      ),
    )
    .orderBy(asc(groups.name))
    .limit(1)
  if (!group) return null
  const [next] = await db
    .select({ id: meetings.id, heldOn: meetings.heldOn, kind: meetings.kind })
    .from(meetings)
    .where(and(eq(meetings.groupId, group.id), gte(meetings.heldOn, today), isNull(meetings.cancelledAt)))
    .orderBy(asc(meetings.startsAt))
    .limit(1)
  return { ...group, nextMeeting: next ?? null }
}

export interface ObjectionRow {
  id: string
  decisionId: string
  agencyId: string
  agencyName: string
  receivedOn: string
  reasons: string
  createdAt: Date
}

/** The objections to these decisions, oldest first, with the objecting agency's name. */
export async function objectionsFor(db: DbOrTx, decisionIds: readonly string[]): Promise<ObjectionRow[]> {
  if (decisionIds.length === 0) return []
  return db
    .select({
      id: decisionObjections.id,
      decisionId: decisionObjections.decisionId,
      agencyId: decisionObjections.agencyId,
      agencyName: agencies.name,
      receivedOn: decisionObjections.receivedOn,
      reasons: decisionObjections.reasons,
      createdAt: decisionObjections.createdAt,
    })
    .from(decisionObjections)
    .innerJoin(agencies, eq(agencies.id, decisionObjections.agencyId))
    .where(inArray(decisionObjections.decisionId, [...decisionIds]))
    .orderBy(asc(decisionObjections.receivedOn), asc(decisionObjections.createdAt))
}

export interface DecisionRow {
  id: string
  reference: string
  meetingId: string
  agendaItemId: string
  itemTitle: string
  itemPosition: number
  text: string
  outcome: DecisionOutcome
  implementationOn: string | null
  deferredTo: { id: string; heldOn: string; kind: Meeting['kind'] } | null
  reconsideration: { id: string; heldOn: string; kind: Meeting['kind'] } | null
  withdrawnAt: Date | null
  withdrawnReason: string | null
  createdAt: Date
  createdByName: string | null
  state: DecisionState
  objectionCount: number
}

function decisionRows(db: DbOrTx, today: string) {
  return db
    .select({
      id: decisions.id,
      reference: decisions.reference,
      meetingId: decisions.meetingId,
      agendaItemId: decisions.agendaItemId,
      itemTitle: agendaItems.title,
      itemPosition: agendaItems.position,
      text: decisions.text,
      outcome: decisions.outcome,
      implementationOn: decisions.implementationOn,
      deferredId: deferredMeeting.id,
      deferredHeldOn: deferredMeeting.heldOn,
      deferredKind: deferredMeeting.kind,
      reconsiderationId: reconsiderationMeeting.id,
      reconsiderationHeldOn: reconsiderationMeeting.heldOn,
      reconsiderationKind: reconsiderationMeeting.kind,
      withdrawnAt: decisions.withdrawnAt,
      withdrawnReason: decisions.withdrawnReason,
      createdAt: decisions.createdAt,
      createdByName: users.name,
      state: decisionStateSql(today),
      objectionCount,
    })
    .from(decisions)
    .innerJoin(agendaItems, eq(agendaItems.id, decisions.agendaItemId))
    .leftJoin(deferredMeeting, eq(deferredMeeting.id, decisions.deferredToMeetingId))
    .leftJoin(reconsiderationMeeting, eq(reconsiderationMeeting.id, decisions.reconsiderationMeetingId))
    .leftJoin(users, eq(users.id, decisions.createdById))
}

type RawRow = Awaited<ReturnType<typeof decisionRows>>[number]

function toDecisionRow(r: RawRow): DecisionRow {
  const {
    deferredId,
    deferredHeldOn,
    deferredKind,
    reconsiderationId,
    reconsiderationHeldOn,
    reconsiderationKind,
    ...rest
  } = r
  return {
    ...rest,
    deferredTo: deferredId ? { id: deferredId, heldOn: deferredHeldOn!, kind: deferredKind! } : null,
    reconsideration: reconsiderationId
      ? { id: reconsiderationId, heldOn: reconsiderationHeldOn!, kind: reconsiderationKind! }
      : null,
    objectionCount: Number(rest.objectionCount),
  }
}

/** One decision of the partnership with its state on `today`, or null. */
export async function findDecision(
  db: DbOrTx,
  partnershipId: string,
  decisionId: string,
  today: string,
): Promise<DecisionRow | null> {
  const [row] = await decisionRows(db, today).where(
    and(eq(decisions.id, decisionId), eq(decisions.partnershipId, partnershipId)),
  )
  return row ? toDecisionRow(row) : null
}

/** A meeting's decisions with their items, links and states, in the order they were recorded. */
export async function meetingDecisionRows(
  db: DbOrTx,
  meetingId: string,
  today: string,
): Promise<DecisionRow[]> {
  const rows = await decisionRows(db, today)
    .where(eq(decisions.meetingId, meetingId))
    .orderBy(asc(decisions.createdAt), asc(decisions.reference))
  return rows.map(toDecisionRow)
}
