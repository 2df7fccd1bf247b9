import { randomUUID } from 'node:crypto'
import { and, eq, inArray, isNull, max, sql } from 'drizzle-orm'
import { auditChange, type ChangeContext } from '../../platform/audit/audit.service.ts'
import { addCalendarDays, formatDate } from '../../platform/calendar/dates.ts'
import { type Db, queryRows } from '../../platform/db/client.ts'
import { appError, notFound } from '../../platform/http/errors.ts'
import { defaultRuleSet } from '../../platform/rules/rules.definitions.ts'
import { agendaItems, meetings } from '../meetings/meetings.table.ts'
import { londonDay } from '../partnership/agencies.problems.ts'
import { attendanceFlags } from './compliance.table.ts'
import { missedMeetings } from './flags.queries.ts'

// A seat empty (neither the member nor a deputy attended) at consecutive meetings of its group is
// reported to the partnership's Strategic Group. The sweep finds the runs across every
// partnership in one statement and writes a flag for each; then puts the open flags on the
// agenda of each Strategic Group's next meeting, one item per meeting.

/** Runs that ended longer ago than this are not reported (nor raised by a first sweep over old data). */
export const FLAG_LOOKBACK_DAYS = 365
export const FLAG_ITEM_TITLE = 'Attendance: seats empty at consecutive meetings'
const INSERT_CHUNK = 1000

export interface FlagSweepResult {
  raised: number
  /** Flags put on a Strategic Group's agenda by this run. */
  listed: number
}

/** Raises the flags due and lists the open ones on the Strategic Groups' agendas. Running it again changes nothing. */
export async function sweepFlags(db: Db, options: { now: Date }): Promise<FlagSweepResult> {
  const raised = await raiseFlags(db, options.now)
  const listed = await listFlagsOnAgendas(db, options.now)
  return { raised, listed }
}

interface NewFlag {
  partnership_id: string
  group_id: string
  membership_id: string
  person_id: string
  meeting_id: string
}

/**
 * Every seat's held, not cancelled meetings are numbered in the group's order; the seat's empty
 * meetings (outcome apologies or absent) that are consecutive in that numbering form a run (a
 * meeting with the member or a deputy there, or with nothing recorded for the seat, ends it).
 * Each `consecutiveAbsences` meetings of a run raise one flag, for the last of them: with the
 * rule at 2, a seat empty four times running is flagged at the second and the fourth.
 * One select (window functions) and a batched insert, in one transaction with the audit entries.
 */
async function raiseFlags(db: Db, now: Date): Promise<number> {
  const today = londonDay(now)
  const since = addCalendarDays(today, -FLAG_LOOKBACK_DAYS)
  const fallback = defaultRuleSet.consecutiveAbsences
  return db.transaction(async (tx) => {
    // The sorts behind the window functions stay in memory (a national database has ~1M seats recorded).
    await tx.execute(sql`set local work_mem = '64MB'`)
    const due = await queryRows<NewFlag>(
      tx,
      sql`with held as (
        select m.id, m.partnership_id, m.group_id, m.held_on,
          row_number() over (partition by m.group_id order by m.held_on, m.starts_at, m.id) as ord
        from meetings m
        where m.cancelled_at is null and m.held_on < ${today}::date),
      empty as (
        select a.membership_id, h.id as meeting_id, h.partnership_id, h.group_id, h.held_on, h.ord,
          h.ord - row_number() over (partition by a.membership_id order by h.ord) as island
        from attendance a join held h on h.id = a.meeting_id
        where a.outcome in ('apologies', 'absent')),
      runs as (
        select e.*, row_number() over (partition by e.membership_id, e.island order by e.ord) as k
        from empty e),
      rule as (
        select p.id as partnership_id, greatest(1, coalesce(
          (select case when jsonb_typeof(rs.value) = 'number' then (rs.value #>> '{}')::numeric::int end
            from rule_settings rs where rs.partnership_id = p.id and rs.key = 'consecutiveAbsences'),
          ${fallback})) as n
        from partnerships p)
      select r.partnership_id, r.group_id, r.membership_id, ms.person_id, r.meeting_id
      from runs r
      join rule on rule.partnership_id = r.partnership_id
      join memberships ms on ms.id = r.membership_id
      where r.k % rule.n = 0 and r.held_on >= ${since}::date
        and ms.role <> 'deputy' and ms.group_id = r.group_id
        and ms.starts_on <= r.held_on and (ms.ends_on is null or ms.ends_on >= r.held_on)
        and not exists (select 1 from attendance_flags f
          where f.membership_id = r.membership_id and f.meeting_id = r.meeting_id)
      order by r.partnership_id, r.held_on, r.membership_id`,
    )
    if (due.length === 0) return 0
    const inserted: { id: string; partnershipId: string; membershipId: string; meetingId: string }[] = []
    for (let i = 0; i < due.length; i += INSERT_CHUNK) {
      const rows = await tx
        .insert(attendanceFlags)
        .values(
          due.slice(i, i + INSERT_CHUNK).map((f) => ({
            id: randomUUID(),
            partnershipId: f.partnership_id,
            groupId: f.group_id,
            membershipId: f.membership_id,
            personId: f.person_id,
            meetingId: f.meeting_id,
            raisedOn: today,
            createdAt: now,
          })),
        )
        // Another run may have raised some meanwhile: those are left as they are.
        .onConflictDoNothing()
        .returning({
          id: attendanceFlags.id,
          partnershipId: attendanceFlags.partnershipId,
          membershipId: attendanceFlags.membershipId,
          meetingId: attendanceFlags.meetingId,
        })
      inserted.push(...rows)
    }
    // One audit entry per partnership and run, naming its flags (a first run may raise many).
    const byPartnership = Map.groupBy(inserted, (f) => f.partnershipId)
    for (const [partnershipId, flags] of byPartnership) {
      await auditChange(
        tx,
        { partnershipId, actorId: null, now },
        { type: 'attendance_flags', id: partnershipId },
        'raise',
        null,
        { flags: flags.map(({ partnershipId: _p, ...f }) => f) },
      )
    }
    return inserted.length
  })
}

interface Unlisted {
  id: string
  partnership_id: string
  target_meeting_id: string | null
  person_name: string
  agency_name: string | null
  group_name: string
}

/** Open flags not on an agenda, or on the agenda of a meeting since cancelled (a condition on `f`). */
const unlisted = sql`f.closed_at is null and (f.agenda_item_id is null or exists (
  select 1 from agenda_items ai join meetings am on am.id = ai.meeting_id
  where ai.id = f.agenda_item_id and am.cancelled_at is not null))`

/**
 * Open flags not yet on an agenda (or on the agenda of a meeting since cancelled) go to the
 * next meeting, not cancelled and not yet started, of their partnership's Strategic Group. Each
 * meeting is done in its own transaction, under the meeting's lock: one item per meeting, made
 * or added to, and the flags pointed at it together.
 */
async function listFlagsOnAgendas(db: Db, now: Date): Promise<number> {
  const pending = await queryRows<Unlisted>(
    db,
    sql`with waiting as (
        select f.id, f.partnership_id, f.person_id, f.membership_id, f.group_id
        from attendance_flags f where ${unlisted}),
      target as (
        select distinct on (g.partnership_id) g.partnership_id, m.id as meeting_id
        from groups g join meetings m on m.group_id = g.id
        where g.kind = 'strategic' and g.closed_on is null and m.cancelled_at is null
          and m.starts_at > ${now} and g.partnership_id in (select partnership_id from waiting)
        order by g.partnership_id, m.starts_at, m.id)
      select w.id, w.partnership_id, t.meeting_id as target_meeting_id, pe.name as person_name,
        ag.name as agency_name, g.name as group_name
      from waiting w
      join target t on t.partnership_id = w.partnership_id
      join people pe on pe.id = w.person_id
      join memberships ms on ms.id = w.membership_id
      left join agencies ag on ag.id = coalesce(ms.agency_id, pe.agency_id)
      join groups g on g.id = w.group_id
      order by g.name, pe.name, w.id`,
  )
  // A partnership without a Strategic Group meeting ahead has none here: its flags wait for a later run.
  if (pending.length === 0) return 0
  const missed = await missedMeetings(db, unlisted)
  const byMeeting = Map.groupBy(pending, (p) => p.target_meeting_id!)
  let listed = 0
  for (const [meetingId, flags] of byMeeting) {
    listed += await listOnMeeting(db, {
      partnershipId: flags[0]!.partnership_id,
      meetingId,
      lines: new Map(flags.map((f) => [f.id, flagLine(f, missed.get(f.id) ?? [])])),
      now,
    })
  }
  return listed
}

async function listOnMeeting(
  db: Db,
  input: { partnershipId: string; meetingId: string; lines: Map<string, string>; now: Date },
): Promise<number> {
  const change: ChangeContext = { partnershipId: input.partnershipId, actorId: null, now: input.now }
  return db.transaction(async (tx) => {
    // Locked as any change to its agenda locks it; cancelled since it was chosen: the next run picks another.
    const [meeting] = await tx.select().from(meetings).where(eq(meetings.id, input.meetingId)).for('update')
    if (!meeting || meeting.cancelledAt) return 0
    // Checked again under the lock: a run alongside this one may have listed some already.
    const ids = [...input.lines.keys()]
    const still = new Set(
      (
        await queryRows<{ id: string }>(
          tx,
          sql`select f.id from attendance_flags f
            where f.id in (${sql.join(
              ids.map((id) => sql`${id}::uuid`),
              sql`, `,
            )}) and ${unlisted}
            for update of f`,
        )
      ).map((r) => r.id),
    )
    const flagIds = ids.filter((id) => still.has(id))
    if (flagIds.length === 0) return 0
    const lines = flagIds.map((id) => input.lines.get(id)!)
    const [existing] = await tx
      .select()
      .from(agendaItems)
      .where(
        and(
          eq(agendaItems.meetingId, meeting.id),
          eq(agendaItems.kind, 'attendance_flags'),
          isNull(agendaItems.withdrawnAt),
        ),
      )
      .orderBy(agendaItems.position)
      .limit(1)
    let itemId: string
    if (existing) {
      itemId = existing.id
      const description = `${existing.description.trimEnd()}\n${lines.join('\n')}`
      await tx.update(agendaItems).set({ description }).where(eq(agendaItems.id, itemId))
      await auditChange(
        tx,
        change,
        { type: 'agenda_item', id: itemId },
        'update',
        { description: existing.description },
        { description, attendanceFlags: flagIds },
      )
    } else {
      const [last] = await tx
        .select({ position: max(agendaItems.position) })
        .from(agendaItems)
        .where(eq(agendaItems.meetingId, meeting.id))
      itemId = randomUUID()
      const row = {
        id: itemId,
        partnershipId: meeting.partnershipId,
        meetingId: meeting.id,
        position: (last?.position ?? 0) + 1,
        kind: 'attendance_flags' as const,
        title: FLAG_ITEM_TITLE,
        description: [
          'Seats left empty (neither the member nor a deputy attended) at consecutive meetings:',
          ...lines,
        ].join('\n'),
        createdAt: input.now,
      }
      await tx.insert(agendaItems).values(row)
      await auditChange(tx, change, { type: 'agenda_item', id: itemId }, 'add', null, {
        meetingId: row.meetingId,
        position: row.position,
        kind: row.kind,
        title: row.title,
        description: row.description,
        attendanceFlags: flagIds,
      })
    }
    await tx.update(attendanceFlags).set({ agendaItemId: itemId }).where(inArray(attendanceFlags.id, flagIds))
    return flagIds.length
  })
}

interface FlagNames {
  person_name: string
  agency_name: string | null
  group_name: string
}

/** "- Pat Police (Testshire Police), Safeguarding Group: 12 January 2026 and 2 March 2026" */
function flagLine(flag: FlagNames, missed: { heldOn: string }[]): string {
  const who = flag.agency_name ? `${flag.person_name} (${flag.agency_name})` : flag.person_name
  const days = missed.map((m) => formatDate(m.heldOn))
  const when =
    days.length <= 1 ? (days[0] ?? '') : `${days.slice(0, -1).join(', ')} and ${days[days.length - 1]}`
  return `- ${who}, ${flag.group_name}: ${when}`
}

export const closeReasonMaxLength = 2000

/** Closes an open flag with the reason, audited. A flag already closed is refused (409). */
export async function closeFlag(
  db: Db,
  change: ChangeContext,
  input: { flagId: string; reason: string },
): Promise<void> {
  await db.transaction(async (tx) => {
    const [flag] = await tx
      .select()
      .from(attendanceFlags)
      .where(
        and(eq(attendanceFlags.id, input.flagId), eq(attendanceFlags.partnershipId, change.partnershipId)),
      )
      .for('update')
    if (!flag) throw notFound()
    if (flag.closedAt) throw appError('closed', 'This flag has already been closed', 409)
    const after = { closedAt: change.now, closedReason: input.reason, closedById: change.actorId }
    await tx.update(attendanceFlags).set(after).where(eq(attendanceFlags.id, flag.id))
    await auditChange(
      tx,
      change,
      { type: 'attendance_flag', id: flag.id },
      'close',
      { closedAt: null, closedReason: null },
      after,
    )
  })
}
