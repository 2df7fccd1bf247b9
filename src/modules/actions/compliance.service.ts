import { and, desc, eq, type SQL, sql } from 'drizzle-orm'
import { type DbOrTx, queryRows } from '../../platform/db/client.ts'
import { getRuleSet } from '../../platform/rules/rules.service.ts'
import { meetings } from '../meetings/meetings.table.ts'
import { groups, memberships, people } from '../partnership/structure.table.ts'
import { actions } from './actions.table.ts'
import { type EscalationRules, escalationRules, promptText, windowStart } from './compliance.due.ts'
import {
  attendanceFlags,
  complianceFailures,
  escalationLetters,
  type failureKinds,
} from './compliance.table.ts'

export type FailureKind = (typeof failureKinds)[number]

// What the compliance pages and the API show: an agency's failures, letters and attendance flags.
// When a letter is due, and the e-mail saying so, are in compliance.due.ts.
export {
  agenciesDue,
  type EscalationRules,
  escalationRules,
  type LetterDue,
  lettersDue,
  notifyLettersDue,
  promptText,
  ruleText,
  windowStart,
} from './compliance.due.ts'

export interface FailureRow {
  id: string
  actionId: string
  reference: string
  /** Null when the viewer may not see the action (a confidential group's, for a partner). */
  description: string | null
  dueOn: string
  kind: FailureKind
  respondedOn: string | null
  letterId: string | null
  letterSentOn: string | null
  createdAt: Date
  /** Due on or after the window's first day. */
  inWindow: boolean
  /** In the window and not yet listed in a letter that was sent: counts towards the next letter. */
  pending: boolean
}

export interface LetterRow {
  id: string
  agencyId: string
  agencyName: string
  addresseeName: string
  subject: string
  createdAt: Date
  sentOn: string | null
  failures: number
  /** A draft whose failures a later letter took over: it is not sent. */
  replaced: boolean
}

export interface FlagRow {
  id: string
  groupId: string
  groupName: string
  personName: string
  meetingId: string
  meetingOn: string
  raisedOn: string
  closedAt: Date | null
  closedReason: string | null
}

export interface AgencyCompliance {
  rules: EscalationRules
  since: string
  failures: FailureRow[]
  pending: FailureRow[]
  letters: LetterRow[]
  flags: FlagRow[]
  letterDue: boolean
  /** The prompt when a letter is due. */
  prompt: string | null
}

/**
 * An agency's compliance: every failure it has (newest first) with those that count towards the
 * next letter (in the window and not in a sent letter), its letters and its seats' attendance
 * flags, and whether a letter is due. `visible` narrows which actions' descriptions are shown.
 */
export async function agencyCompliance(
  db: DbOrTx,
  partnershipId: string,
  agencyId: string,
  today: string,
  options: { visible?: SQL } = {},
): Promise<AgencyCompliance> {
  const [ruleSet, rows, letters, flags, agencyRows] = await Promise.all([
    getRuleSet(db, partnershipId),
    db
      .select({
        id: complianceFailures.id,
        actionId: complianceFailures.actionId,
        reference: actions.reference,
        description: actions.description,
        visible: (options.visible ?? sql`true`).mapWith(Boolean),
        dueOn: complianceFailures.dueOn,
        kind: complianceFailures.kind,
        respondedOn: complianceFailures.respondedOn,
        letterId: complianceFailures.letterId,
        letterSentOn: escalationLetters.sentOn,
        createdAt: complianceFailures.createdAt,
      })
      .from(complianceFailures)
      .innerJoin(actions, eq(actions.id, complianceFailures.actionId))
      .leftJoin(escalationLetters, eq(escalationLetters.id, complianceFailures.letterId))
      .where(
        and(eq(complianceFailures.partnershipId, partnershipId), eq(complianceFailures.agencyId, agencyId)),
      )
      .orderBy(desc(complianceFailures.dueOn), desc(complianceFailures.createdAt)),
    listLetters(db, partnershipId, { agencyId }),
    agencyFlags(db, partnershipId, agencyId),
    queryRows<{ name: string }>(db, sql`select name from agencies where id = ${agencyId}`),
  ])
  const rules = escalationRules(ruleSet)
  const since = windowStart(today, rules)
  const failures: FailureRow[] = rows.map(({ visible, ...r }) => {
    const inWindow = r.dueOn >= since
    return {
      ...r,
      description: visible ? r.description : null,
      inWindow,
      pending: inWindow && r.letterSentOn === null,
    }
  })
  const pending = failures.filter((f) => f.pending)
  const letterDue = pending.length >= rules.threshold
  const [agency] = agencyRows
  return {
    rules,
    since,
    failures,
    pending,
    letters,
    flags,
    letterDue,
    prompt:
      letterDue && agency
        ? promptText({
            agencyName: agency.name,
            count: pending.length,
            since: pending.at(-1)!.dueOn,
            allLate: pending.every((f) => f.kind === 'late'),
          })
        : null,
  }
}

/** The attendance flags raised on seats held for the agency, open first. */
export async function agencyFlags(db: DbOrTx, partnershipId: string, agencyId: string): Promise<FlagRow[]> {
  return db
    .select({
      id: attendanceFlags.id,
      groupId: attendanceFlags.groupId,
      groupName: groups.name,
      personName: people.name,
      meetingId: attendanceFlags.meetingId,
      meetingOn: meetings.heldOn,
      raisedOn: attendanceFlags.raisedOn,
      closedAt: attendanceFlags.closedAt,
      closedReason: attendanceFlags.closedReason,
    })
    .from(attendanceFlags)
    .innerJoin(memberships, eq(memberships.id, attendanceFlags.membershipId))
    .innerJoin(groups, eq(groups.id, attendanceFlags.groupId))
    .innerJoin(people, eq(people.id, attendanceFlags.personId))
    .innerJoin(meetings, eq(meetings.id, attendanceFlags.meetingId))
    .where(
      and(
        eq(attendanceFlags.partnershipId, partnershipId),
        sql`coalesce(${memberships.agencyId}, ${people.agencyId}) = ${agencyId}`,
      ),
    )
    .orderBy(sql`${attendanceFlags.closedAt} is not null`, desc(attendanceFlags.raisedOn))
}

/** The partnership's letters (or one agency's), newest first, with how many failures each lists. */
export async function listLetters(
  db: DbOrTx,
  partnershipId: string,
  filter: { agencyId?: string; limit?: number } = {},
): Promise<LetterRow[]> {
  const rows = await queryRows<{
    id: string
    agency_id: string
    agency_name: string
    addressee_name: string
    subject: string
    created_at: Date | string
    sent_on: string | null
    failures: number
    later: boolean
  }>(
    db,
    sql`select l.id, l.agency_id, ag.name as agency_name, l.addressee_name, l.subject, l.created_at,
        l.sent_on::text as sent_on,
        (select count(*)::int from compliance_failures f where f.letter_id = l.id) as failures,
        exists (select 1 from escalation_letters l2 where l2.agency_id = l.agency_id
          and l2.created_at > l.created_at) as later
      from escalation_letters l join agencies ag on ag.id = l.agency_id
      where l.partnership_id = ${partnershipId}
        ${filter.agencyId ? sql`and l.agency_id = ${filter.agencyId}` : sql``}
      order by l.created_at desc, l.id
      ${filter.limit ? sql`limit ${filter.limit}` : sql``}`,
  )
  return rows.map((r) => ({
    id: r.id,
    agencyId: r.agency_id,
    agencyName: r.agency_name,
    addresseeName: r.addressee_name,
    subject: r.subject,
    createdAt: new Date(r.created_at),
    sentOn: r.sent_on,
    failures: Number(r.failures),
    replaced: r.sent_on === null && Number(r.failures) === 0 && r.later,
  }))
}

export interface RecentFailure {
  id: string
  actionId: string
  reference: string
  agencyId: string
  agencyName: string
  dueOn: string
  kind: FailureKind
  respondedOn: string | null
  letterId: string | null
}

/** The partnership's latest failures, newest deadline first. */
export async function recentFailures(
  db: DbOrTx,
  partnershipId: string,
  limit = 50,
): Promise<RecentFailure[]> {
  return queryRows<RecentFailure>(
    db,
    sql`select f.id, f.action_id as "actionId", a.reference, f.agency_id as "agencyId",
        ag.name as "agencyName", f.due_on::text as "dueOn", f.kind, f.responded_on::text as "respondedOn",
        f.letter_id as "letterId"
      from compliance_failures f join actions a on a.id = f.action_id join agencies ag on ag.id = f.agency_id
      where f.partnership_id = ${partnershipId}
      order by f.due_on desc, f.created_at desc
      limit ${limit}`,
  )
}

/** Open attendance flags only (the API's view). */
export const openFlags = (flags: readonly FlagRow[]) => flags.filter((f) => f.closedAt === null)
