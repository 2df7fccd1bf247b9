import { randomUUID } from 'node:crypto'
import { and, asc, eq, inArray } from 'drizzle-orm'
import { partnershipRoles } from '../../platform/auth/auth.table.ts'
import { createCalendarRepository } from '../../platform/calendar/calendar.repository.ts'
import type { WorkingCalendar } from '../../platform/calendar/calendar.ts'
import { londonInstant } from '../../platform/calendar/london-time.ts'
import type { Db, DbOrTx } from '../../platform/db/client.ts'
import { getRuleSet } from '../../platform/rules/rules.service.ts'
import { londonDay } from '../partnership/agencies.problems.ts'
import { agencies, groups, memberships, people } from '../partnership/structure.table.ts'
import { attendance } from './attendance.table.ts'
import { decisionObjections, decisions } from './decisions.table.ts'
import { examplePdf } from './meetings.example.pdf.ts'
import { type LatestMinutes, type PlanSeat, planGroupYear } from './meetings.example.plan.ts'
import {
  addRows,
  type DecisionRow,
  type ExampleRows,
  emptyRows,
  type MeetingRow,
  numberDecisions,
} from './meetings.example.rows.ts'
import { topicsFor } from './meetings.example.topics.ts'
import { agendaItems, extraordinaryRequests, extraordinarySupporters, meetings } from './meetings.table.ts'
import { minutes } from './minutes.table.ts'
import { papers, paperVersions } from './papers.table.ts'
import { cadenceOf } from './schedule.rules.ts'

/**
 * The Thurrock example's year of meetings, loaded with the example into an empty database: for
 * every open group with a cadence, meetings from a year ago to six months ahead with agendas,
 * papers, attendance, minutes at every stage and decisions, plus two requests for an
 * extraordinary meeting (one standing and scheduled, one awaiting support). Rows go in directly,
 * in sets, without audit entries: this is demonstration data written at first start.
 */

interface GroupSetting {
  venue: { location: string; onlineUrl: string | null }
  lastMeetingDaysAgo: number
  latestMinutes: LatestMinutes
  agendaAgreedBy?: string
}

/** Where and when Thurrock's groups meet, and where each group's latest minutes have got to. */
const settings: Record<string, GroupSetting> = {
  'strategic-group': {
    venue: { location: 'Council Chamber, Civic Offices, New Road, Grays', onlineUrl: null },
    lastMeetingDaysAgo: 45,
    latestMinutes: 'circulated',
  },
  'management-executive-board': {
    venue: {
      location: 'Committee Room 1, Civic Offices, New Road, Grays',
      onlineUrl: 'https://teams.example/meet/thurrock-executive-board',
    },
    lastMeetingDaysAgo: 16,
    latestMinutes: 'approved',
    // Its agenda is agreed by the Strategic Group (the seeds).
    agendaAgreedBy: 'Strategic Group',
  },
  'learning-and-practice-review-group': {
    venue: { location: 'Training Room, Thameside Complex, Orsett Road, Grays', onlineUrl: null },
    lastMeetingDaysAgo: 20,
    latestMinutes: 'with_chair',
  },
  'multi-agency-child-exploitation-group': {
    venue: { location: '', onlineUrl: 'https://teams.example/meet/thurrock-mace' },
    lastMeetingDaysAgo: 6,
    latestMinutes: 'drafting',
  },
  'audit-group': {
    venue: { location: 'Meeting Room 2, Tilbury Community Hub, Civic Square, Tilbury', onlineUrl: null },
    lastMeetingDaysAgo: 27,
    latestMinutes: 'late_to_chair',
  },
}

const fallbackStates: LatestMinutes[] = ['circulated', 'approved', 'with_chair', 'drafting', 'late_to_chair']

interface SeatWithAgency extends PlanSeat {
  groupId: string
  partner: boolean
}

/** Loads the example's meetings for the partnership; run once, on a database without meetings. */
export async function loadMeetingsExample(db: Db, options: { partnershipId: string; now: Date }) {
  const { partnershipId, now } = options
  const today = londonDay(now)
  const [rules, calendar, groupRows, recorder] = await Promise.all([
    getRuleSet(db, partnershipId),
    createCalendarRepository(db).calendarFor(partnershipId),
    db.select().from(groups).where(eq(groups.partnershipId, partnershipId)).orderBy(asc(groups.createdAt)),
    db
      .select({ userId: partnershipRoles.userId, role: partnershipRoles.role })
      .from(partnershipRoles)
      .where(
        and(
          eq(partnershipRoles.partnershipId, partnershipId),
          inArray(partnershipRoles.role, ['business_team', 'administrator']),
        ),
      ),
  ])
  const recorderId =
    (recorder.find((r) => r.role === 'business_team') ?? recorder.find((r) => r.role === 'administrator'))
      ?.userId ?? null
  const open = groupRows.filter(
    (g) =>
      (g.closedOn === null || g.closedOn > today) &&
      (g.endsOn === null || g.endsOn >= today) &&
      cadenceOf(g, today) !== null,
  )
  if (open.length === 0) return emptyRows()
  const seats: SeatWithAgency[] = (
    await db
      .select({
        id: memberships.id,
        groupId: memberships.groupId,
        personId: memberships.personId,
        userId: people.userId,
        name: people.name,
        role: memberships.role,
        deputyForId: memberships.deputyForId,
        startsOn: memberships.startsOn,
        endsOn: memberships.endsOn,
        statutoryRole: agencies.statutoryRole,
      })
      .from(memberships)
      .innerJoin(people, eq(people.id, memberships.personId))
      .leftJoin(agencies, eq(agencies.id, memberships.agencyId))
      .where(
        inArray(
          memberships.groupId,
          open.map((g) => g.id),
        ),
      )
      .orderBy(asc(memberships.startsOn), asc(people.name))
  ).map(({ statutoryRole, ...s }) => ({ ...s, partner: statutoryRole !== null }))

  const pdf = examplePdf([
    'MASA example paper',
    'A paper for a meeting of the Thurrock Local Safeguarding Children Partnership.',
    'Fictional content for demonstration only.',
  ])
  const rows = emptyRows()
  // The executive board (or the first group) has a member whose seat was empty at its last two meetings.
  const flagged = open.find((g) => g.kind === 'executive') ?? open[0]
  const meetingsOfGroup = new Map<string, MeetingRow[]>()
  open.forEach((group, k) => {
    const setting = settings[group.slug]
    const groupSeats = seats.filter((s) => s.groupId === group.id)
    const emptySeat =
      group.id === flagged?.id
        ? groupSeats.find(
            (s) =>
              s.role === 'member' &&
              !s.partner &&
              s.startsOn <= addYearAgo(today) &&
              covers(s, today) &&
              !groupSeats.some((d) => d.deputyForId === s.id),
          )
        : undefined
    const planned = planGroupYear({
      partnershipId,
      group,
      cadence: cadenceOf(group, today)?.count ?? 4,
      seats: groupSeats,
      now,
      today,
      calendar,
      rules,
      lastMeetingDaysAgo: setting?.lastMeetingDaysAgo ?? 10 + ((k * 9) % 30),
      venue: setting?.venue ?? { location: 'Civic Offices, New Road, Grays', onlineUrl: null },
      topics: topicsFor(group.kind),
      recorderId,
      agendaAgreedBy: setting?.agendaAgreedBy,
      latestMinutes: setting?.latestMinutes ?? fallbackStates[k % fallbackStates.length] ?? 'drafting',
      emptySeat: emptySeat ? { membershipId: emptySeat.id, meetings: 2 } : undefined,
      pdf,
      seed: 1000 + k * 77,
    })
    meetingsOfGroup.set(group.id, planned.meetings)
    addRows(rows, planned)
  })
  numberDecisions(rows)
  await decisionsWithoutConsensus(db, {
    partnershipId,
    rows,
    today,
    calendar,
    meetingsOf: meetingsOfGroup,
    referFrom: flagged?.id,
  })
  const extraordinary = extraordinaryRequestsFor({
    partnershipId,
    open,
    seats,
    now,
    today,
    calendar,
    recorderId,
    pdf,
  })
  // The group's next ordinary meeting agrees the extraordinary meeting's minutes (its latest before).
  for (const meeting of extraordinary.meetings) {
    const next = meetingsOfGroup.get(meeting.groupId)?.find((m) => m.heldOn > meeting.heldOn)
    const item = rows.agendaItems.find((i) => i.meetingId === next?.id && i.kind === 'previous_minutes')
    if (item) item.previousMeetingId = meeting.id
  }
  addRows(rows, extraordinary)
  await db.transaction((tx) => insertExampleRows(tx, rows))
  return rows
}

const covers = (seat: PlanSeat, day: string) =>
  seat.startsOn <= day && (seat.endsOn === null || seat.endsOn >= day)
const addYearAgo = (today: string) => `${Number(today.slice(0, 4)) - 1}${today.slice(4)}`

/**
 * Not every decision is reached by consensus: one is deferred to the group's next meeting, one is
 * referred to the Strategic Group, and one, agreed with an implementation date still to come,
 * has a written objection from a partner agency.
 */
async function decisionsWithoutConsensus(
  db: DbOrTx,
  input: {
    partnershipId: string
    rows: ExampleRows
    today: string
    calendar: WorkingCalendar
    meetingsOf: Map<string, MeetingRow[]>
    /** The group whose decision is referred, when it has one. */
    referFrom: string | undefined
  },
) {
  const { rows, today, calendar } = input
  const meetingOf = new Map(rows.meetings.map((m) => [m.id, m]))
  const nextOf = (m: MeetingRow) => input.meetingsOf.get(m.groupId)?.find((n) => n.heldOn > m.heldOn)
  const byDate = [...rows.decisions].sort((a, b) =>
    (meetingOf.get(a.meetingId)?.heldOn ?? '') < (meetingOf.get(b.meetingId)?.heldOn ?? '') ? 1 : -1,
  )
  const used = new Set<DecisionRow>()

  // Objection: the latest decision; its implementation date is kept in the future.
  const objected = byDate[0]
  if (objected) {
    used.add(objected)
    const meeting = meetingOf.get(objected.meetingId)
    const heldOn = meeting?.heldOn ?? today
    if (!objected.implementationOn || objected.implementationOn <= today) {
      objected.implementationOn = calendar.addWorkingDays(today, 5)
    }
    const partners = await db
      .select({ id: agencies.id, role: agencies.statutoryRole })
      .from(agencies)
      .where(
        and(
          eq(agencies.partnershipId, input.partnershipId),
          inArray(agencies.statutoryRole, ['police', 'health']),
        ),
      )
    const partner = partners.find((a) => a.role === 'police') ?? partners[0]
    const received = calendar.addWorkingDays(heldOn, 3)
    if (partner) {
      input.rows.objections.push({
        id: randomUUID(),
        partnershipId: input.partnershipId,
        decisionId: objected.id,
        agencyId: partner.id,
        receivedOn: received < today ? received : today,
        reasons:
          'The agency cannot staff the new arrangement by the implementation date without changes to its on-call rota, and asks the group to reconsider the timetable.',
        createdById: objected.createdById,
      })
    }
  }
  // Deferred: a recent decision whose group meets again.
  const deferred = byDate.find((d) => {
    const m = meetingOf.get(d.meetingId)
    return !used.has(d) && m && nextOf(m)
  })
  if (deferred) {
    used.add(deferred)
    const next = nextOf(meetingOf.get(deferred.meetingId) as MeetingRow) as MeetingRow
    deferred.outcome = 'deferred'
    deferred.implementationOn = null
    deferred.deferredToMeetingId = next.id
    deferred.text = `No consensus: deferred to the next meeting for more information. Proposal: ${deferred.text}`
  }
  // Referred: an older decision, from the executive board where there is one.
  const oldest = [...byDate].reverse().filter((d) => !used.has(d))
  const referred = oldest.find((d) => meetingOf.get(d.meetingId)?.groupId === input.referFrom) ?? oldest[0]
  if (referred) {
    referred.outcome = 'referred'
    referred.implementationOn = null
    referred.text = `No consensus: referred to the Strategic Group. Proposal: ${referred.text}`
  }
}

/**
 * One request for an extraordinary meeting that stands (two partner members support it) and has
 * its meeting scheduled within the rule's working days, and one that still awaits support.
 */
function extraordinaryRequestsFor(input: {
  partnershipId: string
  open: { id: string; kind: string; meetingMinutes: number | null }[]
  seats: SeatWithAgency[]
  now: Date
  today: string
  calendar: WorkingCalendar
  recorderId: string | null
  pdf: ReturnType<typeof examplePdf>
}): ExampleRows {
  const { partnershipId, seats, today, calendar } = input
  const rows = emptyRows()
  const voting = (s: SeatWithAgency) =>
    covers(s, today) && (s.role === 'chair' || s.role === 'vice_chair' || s.role === 'member')
  const partnersOf = (groupId: string) => seats.filter((s) => s.groupId === groupId && voting(s) && s.partner)
  const standing =
    input.open.find((g) => g.kind === 'executive' && partnersOf(g.id).length >= 3) ??
    input.open.find((g) => partnersOf(g.id).length >= 3)
  if (standing) {
    const [requester, ...supporters] = partnersOf(standing.id) as [SeatWithAgency, ...SeatWithAgency[]]
    const receivedOn = calendar.addWorkingDays(today, -4)
    const reasons =
      'The joint targeted area inspection letter on children at risk of exploitation has arrived: the partners must agree the response and the action plan before it is due, ahead of the next ordinary meeting.'
    const request = {
      id: randomUUID(),
      partnershipId,
      groupId: standing.id,
      requestedById: requester.personId,
      reasons,
      receivedOn,
      createdAt: londonInstant(receivedOn, '09:30'),
    }
    rows.requests.push(request)
    supporters.slice(0, 2).forEach((s, i) => {
      rows.supporters.push({
        requestId: request.id,
        personId: s.personId,
        partnershipId,
        confirmedAt: londonInstant(calendar.addWorkingDays(receivedOn, i + 1), '11:00'),
      })
    })
    const heldOn = calendar.addWorkingDays(receivedOn, 12)
    const startsAt = londonInstant(heldOn, '14:00')
    const scheduledAt = londonInstant(calendar.addWorkingDays(receivedOn, 3), '12:00')
    const meetingId = randomUUID()
    rows.meetings.push({
      id: meetingId,
      partnershipId,
      groupId: standing.id,
      kind: 'extraordinary',
      heldOn,
      startsAt,
      endsAt: new Date(startsAt.getTime() + 90 * 60_000),
      location: 'Committee Room 1, Civic Offices, New Road, Grays',
      onlineUrl: 'https://teams.example/meet/thurrock-extraordinary',
      reason: reasons,
      extraordinaryRequestId: request.id,
      createdAt: scheduledAt,
      updatedAt: scheduledAt,
    })
    const itemId = randomUUID()
    rows.agendaItems.push({
      id: itemId,
      partnershipId,
      meetingId,
      position: 1,
      kind: 'item',
      title: 'Joint targeted area inspection: the partnership’s response and action plan',
      presenter: 'Delegated safeguarding partners',
      durationMinutes: 75,
      decisionNeeded: true,
      createdAt: scheduledAt,
    })
    const paperId = randomUUID()
    rows.papers.push({
      id: paperId,
      partnershipId,
      meetingId,
      agendaItemId: itemId,
      title: 'Draft action plan in response to the inspection letter',
      restricted: true,
      firstCirculatedAt: null,
      createdById: input.recorderId,
      createdAt: scheduledAt,
    })
    rows.paperVersions.push({
      id: randomUUID(),
      partnershipId,
      paperId,
      version: 1,
      filename: 'draft-action-plan.pdf',
      contentType: input.pdf.contentType,
      size: input.pdf.size,
      sha256: input.pdf.sha256,
      content: input.pdf.content,
      uploadedById: input.recorderId,
      uploadedAt: scheduledAt,
    })
  }
  // Awaiting support: asked yesterday by a member who is not a safeguarding partner, one partner supports it.
  const waiting = input.open.find(
    (g) =>
      g.id !== standing?.id &&
      partnersOf(g.id).length >= 1 &&
      seats.some((s) => s.groupId === g.id && voting(s) && !s.partner),
  )
  if (waiting) {
    const requester = seats.find((s) => s.groupId === waiting.id && voting(s) && !s.partner) as SeatWithAgency
    const supporter = partnersOf(waiting.id)[0] as SeatWithAgency
    const receivedOn = calendar.addWorkingDays(today, -1)
    const request = {
      id: randomUUID(),
      partnershipId,
      groupId: waiting.id,
      requestedById: requester.personId,
      reasons:
        'A rapid review has found learning for schools that should reach practitioners before the start of next term, earlier than the next ordinary meeting.',
      receivedOn,
      createdAt: londonInstant(receivedOn, '10:15'),
    }
    rows.requests.push(request)
    rows.supporters.push({
      requestId: request.id,
      personId: supporter.personId,
      partnershipId,
      confirmedAt: londonInstant(receivedOn, '15:40'),
    })
  }
  return rows
}

/** Inserts planned rows, a batch at a time, parents first. */
export async function insertExampleRows(db: DbOrTx, rows: ExampleRows, batchSize = 500) {
  const batches = async <T>(
    list: readonly T[],
    insert: (batch: T[]) => Promise<unknown>,
    size = batchSize,
  ) => {
    for (let i = 0; i < list.length; i += size) await insert(list.slice(i, i + size))
  }
  await batches(rows.requests, (b) => db.insert(extraordinaryRequests).values(b))
  await batches(rows.supporters, (b) => db.insert(extraordinarySupporters).values(b))
  await batches(rows.meetings, (b) => db.insert(meetings).values(b))
  await batches(rows.agendaItems, (b) => db.insert(agendaItems).values(b))
  await batches(rows.papers, (b) => db.insert(papers).values(b))
  // Contents can be large (the benchmark's are 20 KB): fewer at a time.
  await batches(rows.paperVersions, (b) => db.insert(paperVersions).values(b), 100)
  await batches(rows.attendance, (b) => db.insert(attendance).values(b))
  await batches(rows.minutes, (b) => db.insert(minutes).values(b))
  await batches(rows.decisions, (b) => db.insert(decisions).values(b))
  await batches(rows.objections, (b) => db.insert(decisionObjections).values(b))
}
