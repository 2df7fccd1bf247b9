import { randomUUID } from 'node:crypto'
import { and, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm'
import { auditChange, type ChangeContext as Change } from '../../platform/audit/audit.service.ts'
import { formatDate } from '../../platform/calendar/calendar.ts'
import type { Db, DbOrTx, Tx } from '../../platform/db/client.ts'
import { notFound } from '../../platform/http/errors.ts'
import { getRuleSet } from '../../platform/rules/rules.service.ts'
import { londonDay, throwIfAny } from './agencies.problems.ts'
import { roleLabels } from './groups.labels.ts'
import { brokenRules, defaultEndsOn } from './memberships.rules.ts'
import {
  agencies,
  collaborationMembers,
  type Group,
  groups,
  type Membership,
  type MembershipRole,
  memberships,
  people,
} from './structure.table.ts'

export interface MembershipFields {
  personId: string
  role: MembershipRole
  /** For a designated deputy: the seat they stand in for. */
  deputyForId: string | null
  /** The agency the seat represents; the person's own agency when null. */
  agencyId: string | null
  startsOn: string
  endsOn: string | null
  /** Why a rule is knowingly broken; required when one is. */
  ruleException: string | null
}

// Seats of one group are checked and written one at a time: the deputy and overlap checks read
// the group's other seats.
const SEATS_LOCK = 7_303_011

/** The partnerships whose people may sit on a group: its own, or every one of its collaboration. */
async function eligiblePartnerships(tx: DbOrTx, group: Group): Promise<string[]> {
  if (group.partnershipId) return [group.partnershipId]
  const rows = await tx
    .select({ id: collaborationMembers.partnershipId })
    .from(collaborationMembers)
    .where(eq(collaborationMembers.collaborationId, group.collaborationId!))
  return rows.map((r) => r.id)
}

/**
 * Adds a seat after checking everything at once: dates, the person, the agency, a deputy's
 * member, overlapping seats, then the partnership's rules. Nothing is saved unless all pass.
 */
export async function addMembership(
  db: Db,
  input: Change & { groupId: string; fields: MembershipFields },
): Promise<Membership> {
  const f = input.fields
  const today = londonDay(input.now)
  return db.transaction(async (tx) => {
    await lockSeats(tx, input.groupId)
    const [group] = await tx.select().from(groups).where(eq(groups.id, input.groupId))
    if (!group) throw notFound()
    const rules = await getRuleSet(tx, group.partnershipId ?? input.partnershipId)
    const problems: Record<string, string> = {}
    if (group.closedOn && group.closedOn <= f.startsOn)
      problems.startsOn = `${group.name} closed on ${formatDate(group.closedOn)}`
    if (f.endsOn && f.endsOn < f.startsOn)
      problems.endsOn = 'The end date must be the same as or after the start date'

    const allowed = await eligiblePartnerships(tx, group)
    if (!allowed.includes(input.partnershipId)) throw notFound()
    const [person] = await tx.select().from(people).where(eq(people.id, f.personId))
    if (!person || !allowed.includes(person.partnershipId)) {
      problems.personId = group.collaborationId
        ? 'Select a person from one of the partnerships that share this group'
        : 'Select a person from the partnership’s directory'
    } else if (person.leftOn && person.leftOn <= f.startsOn) {
      problems.personId = `${person.name} left on ${formatDate(person.leftOn)}`
    }

    const agencyId = f.agencyId ?? person?.agencyId ?? null
    if (person && f.agencyId) {
      const [agency] = await tx
        .select({ id: agencies.id })
        .from(agencies)
        .where(and(eq(agencies.id, f.agencyId), eq(agencies.partnershipId, person.partnershipId)))
      if (!agency) problems.agencyId = 'Select an agency of the person’s partnership from the list'
    }

    let endsOn = f.endsOn
    if (f.role === 'deputy') {
      const problem = await deputyProblem(tx, group, f, today)
      if (typeof problem === 'string') problems.deputyForId = problem
      else if (problem.endsOn) {
        // A deputy stands in only while their member holds the seat.
        if (!endsOn) endsOn = problem.endsOn
        else if (endsOn > problem.endsOn && !problems.endsOn)
          problems.endsOn = `A deputy’s seat cannot end after the member’s, on ${formatDate(problem.endsOn)}`
      }
    }

    if (person && !problems.personId && !problems.endsOn) {
      const overlap = await overlappingSeat(tx, group.id, person.id, f.startsOn, endsOn)
      if (overlap)
        problems.personId = `${person.name} already has a seat on ${group.name} (${roleLabels[overlap.role].toLowerCase()} from ${formatDate(overlap.startsOn)}): end it first`
    }

    endsOn ??= defaultEndsOn(group.kind, f.role, f.startsOn, rules)
    let ruleException: string | null = null
    if (person && Object.keys(problems).length === 0) {
      const [agency] = person.agencyId
        ? await tx
            .select({ name: agencies.name, kind: agencies.kind })
            .from(agencies)
            .where(eq(agencies.id, person.agencyId))
        : []
      const broken = brokenRules(
        {
          groupKind: group.kind,
          role: f.role,
          startsOn: f.startsOn,
          endsOn,
          personName: person.name,
          personAgency: agency ?? null,
        },
        rules,
      )
      const reason = f.ruleException?.trim() ?? ''
      if (broken.length && !reason)
        problems.ruleException = `${broken.join('. ')}. Give the reason for the exception, or change the seat`
      if (broken.length) ruleException = reason
    }
    throwIfAny(problems)

    const [seat] = await tx
      .insert(memberships)
      .values({
        id: randomUUID(),
        groupId: group.id,
        partnershipId: person!.partnershipId,
        personId: person!.id,
        role: f.role,
        agencyId,
        deputyForId: f.role === 'deputy' ? f.deputyForId : null,
        startsOn: f.startsOn,
        endsOn,
        ruleException,
        createdAt: input.now,
      })
      .returning()
    if (!seat) throw new Error('Inserting a membership returned no row')
    await audit(tx, input, seat.id, 'create', null, snapshot(seat))
    return seat
  })
}

/** A problem with the deputy's member, or the member's end date when there is none. */
async function deputyProblem(
  tx: Tx,
  group: Group,
  f: MembershipFields,
  today: string,
): Promise<string | { endsOn: string | null }> {
  if (!f.deputyForId) return 'Select the member this person is a deputy for'
  const [principal] = await tx
    .select({
      groupId: memberships.groupId,
      personId: memberships.personId,
      role: memberships.role,
      startsOn: memberships.startsOn,
      endsOn: memberships.endsOn,
    })
    .from(memberships)
    .where(eq(memberships.id, f.deputyForId))
  const on = f.startsOn > today ? f.startsOn : today
  const current = (day: string) =>
    principal && principal.startsOn <= day && (principal.endsOn === null || principal.endsOn >= day)
  if (!principal || principal.groupId !== group.id || !current(on) || !current(f.startsOn))
    return `Select a current member of ${group.name}: a deputy stands in for someone in the group`
  if (principal.role === 'deputy') return 'A deputy stands in for a member, not for another deputy'
  if (principal.personId === f.personId) return 'A person cannot be their own deputy'
  return { endsOn: principal.endsOn }
}

async function overlappingSeat(
  tx: Tx,
  groupId: string,
  personId: string,
  startsOn: string,
  endsOn: string | null,
) {
  const [row] = await tx
    .select({ role: memberships.role, startsOn: memberships.startsOn })
    .from(memberships)
    .where(
      and(
        eq(memberships.groupId, groupId),
        eq(memberships.personId, personId),
        or(isNull(memberships.endsOn), sql`${memberships.endsOn} >= ${startsOn}`),
        endsOn ? sql`${memberships.startsOn} <= ${endsOn}` : undefined,
      ),
    )
    .limit(1)
  return row ?? null
}

/**
 * Ends a seat on a date, with a reason. The seats of its designated deputies end with it: a
 * deputy stands in for a member of the group, and there is no longer one.
 */
export async function endMembership(
  db: Db,
  input: Change & { groupId: string; id: string; endsOn: string; reason: string },
): Promise<Membership> {
  const reason = input.reason.trim()
  const today = londonDay(input.now)
  return db.transaction(async (tx) => {
    await lockSeats(tx, input.groupId)
    const [seat] = await tx
      .select()
      .from(memberships)
      .where(and(eq(memberships.id, input.id), eq(memberships.groupId, input.groupId)))
    if (!seat) throw notFound()
    const problems: Record<string, string> = {}
    if (seat.endsOn && seat.endsOn < today) problems.endsOn = `This seat ended on ${formatDate(seat.endsOn)}`
    else if (input.endsOn < seat.startsOn)
      problems.endsOn = `The end date must be the same as or after the start date, ${formatDate(seat.startsOn)}`
    else if (seat.endsOn && input.endsOn > seat.endsOn)
      problems.endsOn = `The seat already ends on ${formatDate(seat.endsOn)}: choose that date or an earlier one`
    if (!reason) problems.endedReason = 'Enter why the seat is ending'
    throwIfAny(problems)
    const [ended] = await tx
      .update(memberships)
      .set({ endsOn: input.endsOn, endedReason: reason })
      .where(eq(memberships.id, seat.id))
      .returning()
    if (!ended) throw notFound()
    await audit(
      tx,
      input,
      seat.id,
      'end',
      { endsOn: seat.endsOn, endedReason: seat.endedReason },
      { endsOn: input.endsOn, endedReason: reason },
    )
    await endDeputies(tx, input, [seat.id], input.endsOn)
    return ended
  })
}

/** Ends the deputies of these seats on `on` (or on their first day, for a deputy not yet started). */
export async function endDeputies(tx: Tx, change: Change, seatIds: string[], on: string) {
  if (seatIds.length === 0) return
  const deputies = await tx
    .update(memberships)
    .set({
      endsOn: sql`greatest(${on}::date, ${memberships.startsOn})`,
      endedReason: 'The seat they deputised for ended',
    })
    .where(
      and(
        inArray(memberships.deputyForId, seatIds),
        or(isNull(memberships.endsOn), gt(memberships.endsOn, on)),
      ),
    )
    .returning()
  for (const deputy of deputies)
    await audit(tx, change, deputy.id, 'end', null, {
      endsOn: deputy.endsOn,
      endedReason: deputy.endedReason,
    })
}

function snapshot(seat: Membership) {
  const { createdAt: _created, id: _id, ...rest } = seat
  return rest
}

async function lockSeats(tx: Tx, groupId: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(${SEATS_LOCK}, hashtext(${groupId}))`)
}

const audit = (
  tx: Tx,
  change: Change,
  id: string,
  action: string,
  before: Record<string, unknown> | null,
  after: Record<string, unknown>,
) => auditChange(tx, change, { type: 'membership', id }, action, before, after)
