import { randomUUID } from 'node:crypto'
import type { WorkingCalendar } from '../../platform/calendar/calendar.ts'
import { addCalendarDays, addMonths } from '../../platform/calendar/dates.ts'
import { londonInstant } from '../../platform/calendar/london-time.ts'
import type { RuleSet } from '../../platform/rules/rules.definitions.ts'
import { computeDeadline } from '../../platform/rules/rules.service.ts'
import type { MembershipRole, StandardItem } from '../partnership/structure.table.ts'
import { standardItemsFor } from './agenda.seed.ts'
import type { ExampleFile } from './meetings.example.pdf.ts'
import {
  type AgendaItemRow,
  type AttendanceRow,
  type ExampleRows,
  emptyRows,
  type MeetingRow,
  type MinutesRow,
  type PaperRow,
} from './meetings.example.rows.ts'
import type { Topic } from './meetings.example.topics.ts'
import { DEFAULT_MEETING_MINUTES, toWorkingDay } from './schedule.rules.ts'

// A group's year of meetings as plain rows, planned from its cadence, its seats, the working-day
// calendar and the rules, with no database: the Thurrock example (meetings.example.ts) and the
// benchmark's generator (bench/meetings.ts) insert what this returns, in sets.

/** A seat on the group, past or present (designated deputies included). */
export interface PlanSeat {
  id: string
  personId: string
  /** The person's account, if they have one (a chair who approves minutes in the app). */
  userId: string | null
  name: string
  role: MembershipRole
  deputyForId: string | null
  startsOn: string
  endsOn: string | null
}

export type LatestMinutes = 'drafting' | 'with_chair' | 'late_to_chair' | 'approved' | 'circulated'

export interface GroupYearInput {
  partnershipId: string
  group: {
    id: string
    name: string
    meetingMinutes: number | null
    standardItems: readonly StandardItem[]
  }
  /** Meetings a year. */
  cadence: number
  seats: readonly PlanSeat[]
  now: Date
  /** Today in London. */
  today: string
  calendar: WorkingCalendar
  rules: RuleSet
  /** About how many days ago the group last met (moved forward to a working day). */
  lastMeetingDaysAgo: number
  venue: { location: string; onlineUrl: string | null }
  topics: readonly Topic[]
  /** The business team member who records attendance, papers and decisions. */
  recorderId: string | null
  /** Who agrees the agenda; the chair on the day when absent. */
  agendaAgreedBy?: string
  /** Where the minutes of the group's last meeting have got to. */
  latestMinutes: LatestMinutes
  /** A seat left empty (apologies, then absent) at the group's last `meetings` meetings. */
  emptySeat?: { membershipId: string; meetings: number }
  /** The id of the group's last meeting before today (the benchmark names its big meeting). */
  lastMeetingId?: string
  pdf: ExampleFile
  seed: number
  monthsBack?: number
  monthsAhead?: number
}

/** A deterministic stream of numbers in [0, 1) (mulberry32), so the example is the same every time. */
export function randomStream(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/**
 * The days a group meets from `monthsBack` months before today to `monthsAhead` after, at its
 * cadence, its last meeting about `lastMeetingDaysAgo` days ago; each on a working day.
 */
export function scheduleDays(input: {
  today: string
  cadence: number
  lastMeetingDaysAgo: number
  calendar: WorkingCalendar
  monthsBack: number
  monthsAhead: number
}): string[] {
  const { today, cadence, calendar } = input
  const anchor = addCalendarDays(today, -input.lastMeetingDaysAgo)
  const from = addMonths(today, -input.monthsBack)
  const to = addMonths(today, input.monthsAhead)
  const planned = (k: number) =>
    cadence <= 12
      ? addMonths(anchor, Math.floor((k * 12) / cadence))
      : addCalendarDays(anchor, Math.floor((k * 365) / cadence))
  const days: string[] = []
  const first = -Math.ceil((cadence * input.monthsBack) / 12) - 1
  const last = Math.ceil((cadence * input.monthsAhead) / 12) + 1
  for (let k = first; k <= last; k++) {
    const day = planned(k)
    if (day < from || day > to) continue
    const date = toWorkingDay(day, calendar, days.at(-1)).date
    // Nothing on the day the example is loaded: a newcomer (or the browser journey) scheduling
    // today's meeting of a group would otherwise be told it already has one.
    days.push(date === today ? toWorkingDay(addCalendarDays(date, 1), calendar, date).date : date)
  }
  return days
}

const apologyNotes = [
  'Annual leave',
  'Clashes with a court hearing',
  'Attending a strategy meeting',
  'Unwell',
  'Chairing an inspection feedback session',
]
const standInNames = [
  'Jordan Pike (Service Manager)',
  'Morgan Ashby (Safeguarding Lead)',
  'Robin Hale (Deputy Head of Service)',
  'Sam Whitlock (Senior Practitioner)',
]
const paperKinds = ['report', 'briefing', 'data pack', 'appendix']

const slugOf = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60)

const earlier = (a: Date, b: Date) => (a.getTime() <= b.getTime() ? a : b)
const hours = (n: number) => n * 3_600_000

const covers = (seat: PlanSeat, day: string) =>
  seat.startsOn <= day && (seat.endsOn === null || seat.endsOn >= day)

/**
 * A group's meetings with their agendas, papers (a PDF each), and for meetings already held:
 * attendance for every seat, minutes (agreed at the next meeting, or at `latestMinutes` for the
 * last one) and decisions (with the notice the rules ask for). Decision references are left empty:
 * `numberDecisions` gives them across the partnership.
 */
export function planGroupYear(input: GroupYearInput): ExampleRows {
  const { partnershipId, group, now, today, calendar, rules } = input
  const random = randomStream(input.seed)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T
  const at = (day: string, time: string) => londonInstant(day, time)
  const length = (group.meetingMinutes ?? DEFAULT_MEETING_MINUTES) * 60_000
  const rows = emptyRows()
  const days = scheduleDays({
    today,
    cadence: input.cadence,
    lastMeetingDaysAgo: input.lastMeetingDaysAgo,
    calendar,
    monthsBack: input.monthsBack ?? 12,
    monthsAhead: input.monthsAhead ?? 6,
  })
  const held = days.filter((d) => d < today)
  const lastHeld = held.at(-1)
  const emptyAt = new Set(input.emptySeat ? held.slice(-input.emptySeat.meetings) : [])

  const chairOn = (day: string) => input.seats.find((s) => s.role === 'chair' && covers(s, day))

  const planned = days.map((day) => {
    const startsAt = at(day, '10:00')
    const id = day === lastHeld && input.lastMeetingId ? input.lastMeetingId : randomUUID()
    const papersDue = computeDeadline(rules, 'papersBeforeMeeting', day, calendar).date
    const agreedOn = calendar.addWorkingDays(papersDue, -2)
    const meeting: MeetingRow = {
      id,
      partnershipId,
      groupId: group.id,
      kind: 'ordinary',
      heldOn: day,
      startsAt,
      endsAt: new Date(startsAt.getTime() + length),
      location: input.venue.location,
      onlineUrl: input.venue.onlineUrl,
      agendaAgreedBy: agreedOn <= today ? (input.agendaAgreedBy ?? chairOn(day)?.name ?? 'The chair') : null,
      agendaAgreedOn: agreedOn <= today ? agreedOn : null,
      sequence: 0,
      // Each meeting was arranged about three months ahead.
      createdAt: earlier(new Date(startsAt.getTime() - hours(24 * 90)), now),
      updatedAt: earlier(new Date(startsAt.getTime() - hours(24 * 90)), now),
    }
    return { meeting, papersDue }
  })

  planned.forEach(({ meeting, papersDue }, index) => {
    const day = meeting.heldOn
    rows.meetings.push(meeting)
    const previous = planned[index - 1]?.meeting
    const next = planned[index + 1]?.meeting
    const items = agendaFor(meeting, previous, index)
    const isHeld = day < today
    if (isHeld || day <= addCalendarDays(today, 21)) addPapers(meeting, items, papersDue)
    if (!isHeld) return
    const seats = attendanceFor(meeting)
    addMinutes(meeting, items, next, seats)
    addDecisions(meeting, items)
  })
  return rows

  function agendaFor(meeting: MeetingRow, previous: MeetingRow | undefined, index: number) {
    const items: { row: AgendaItemRow; topic: Topic | null }[] = []
    const add = (
      row: Omit<AgendaItemRow, 'id' | 'partnershipId' | 'meetingId' | 'position'>,
      topic: Topic | null,
    ) =>
      items.push({
        row: {
          id: randomUUID(),
          partnershipId,
          meetingId: meeting.id,
          position: items.length + 1,
          createdAt: meeting.createdAt,
          ...row,
        },
        topic,
      })
    if (previous) {
      add(
        {
          kind: 'previous_minutes',
          title: 'Minutes of the last meeting',
          presenter: 'Chair',
          durationMinutes: 5,
          previousMeetingId: previous.id,
        },
        null,
      )
    }
    add({ kind: 'action_log', title: 'Action log', presenter: 'Business Manager', durationMinutes: 10 }, null)
    for (const item of standardItemsFor(group.standardItems, meeting.heldOn)) {
      add({ kind: 'standard', title: item.title, durationMinutes: 15 }, null)
    }
    const count = 2 + Math.floor(random() * 3)
    const start = index * 3 + input.seed
    for (let k = 0; k < Math.min(count, input.topics.length); k++) {
      const topic = input.topics[(start + k) % input.topics.length] as Topic
      add(
        {
          kind: 'item',
          title: topic.title,
          presenter: topic.presenter,
          durationMinutes: 20 + 5 * Math.floor(random() * 3),
          decisionNeeded: topic.decision !== undefined && random() < 0.75,
        },
        topic,
      )
    }
    for (const item of items) rows.agendaItems.push(item.row)
    return items
  }

  function addPapers(
    meeting: MeetingRow,
    items: { row: AgendaItemRow; topic: Topic | null }[],
    papersDue: string,
  ) {
    const under = [...items.filter((i) => i.topic), ...items.filter((i) => i.row.kind === 'standard')]
    if (under.length === 0) return
    const count = 2 + Math.floor(random() * 3)
    const restrictedAt = under.findIndex((i) => i.topic?.restricted)
    const oneRestricted = restrictedAt >= 0 ? restrictedAt : random() < 0.25 ? 0 : -1
    for (let k = 0; k < count; k++) {
      const item = under[k % under.length] as (typeof under)[number]
      const late = random() < 0.12
      const circulatedOn = late
        ? calendar.addWorkingDays(papersDue, 1 + Math.floor(random() * 2))
        : calendar.addWorkingDays(papersDue, -Math.floor(random() * 3))
      // A paper too late for the day before is tabled on the morning of the meeting.
      const circulatedAt =
        circulatedOn < meeting.heldOn
          ? at(circulatedOn, late ? '17:15' : '16:30')
          : at(meeting.heldOn, '08:30')
      const circulated = circulatedAt.getTime() <= now.getTime()
      const uploadedAt = new Date(earlier(circulatedAt, now).getTime() - hours(2))
      const title = `${item.row.title}: ${paperKinds[Math.floor(k / under.length) % paperKinds.length]}`
      const paper: PaperRow = {
        id: randomUUID(),
        partnershipId,
        meetingId: meeting.id,
        agendaItemId: item.row.id,
        title,
        restricted: k === oneRestricted,
        firstCirculatedAt: circulated ? circulatedAt : null,
        createdById: input.recorderId,
        createdAt: uploadedAt,
      }
      rows.papers.push(paper)
      const version = (n: number, when: Date) =>
        rows.paperVersions.push({
          id: randomUUID(),
          partnershipId,
          paperId: paper.id,
          version: n,
          filename: `${slugOf(title)}${n > 1 ? `-v${n}` : ''}.pdf`,
          contentType: input.pdf.contentType,
          size: input.pdf.size,
          sha256: input.pdf.sha256,
          content: input.pdf.content,
          uploadedById: input.recorderId,
          uploadedAt: when,
        })
      version(1, uploadedAt)
      // Now and then a corrected version follows the first circulation.
      const revised = new Date(circulatedAt.getTime() + hours(20))
      if (circulated && random() < 0.1 && revised < earlier(meeting.startsAt, now)) version(2, revised)
    }
  }

  function attendanceFor(meeting: MeetingRow) {
    const day = meeting.heldOn
    const current = input.seats.filter((s) => covers(s, day))
    const deputyOf = new Map(current.filter((s) => s.role === 'deputy').map((s) => [s.deputyForId, s]))
    const invitees = current.filter((s) => s.role !== 'deputy')
    const recordedAt = new Date(meeting.endsAt.getTime() + hours(1))
    let filled = 0
    for (const seat of invitees) {
      const base: AttendanceRow = {
        id: randomUUID(),
        partnershipId,
        meetingId: meeting.id,
        membershipId: seat.id,
        personId: seat.personId,
        recordedAt,
        recordedById: input.recorderId,
        createdAt: recordedAt,
      }
      const saidAt = new Date(meeting.startsAt.getTime() - hours(24 * (1 + Math.floor(random() * 5)) + 2))
      const alwaysThere =
        seat.role === 'chair' || seat.role === 'business_manager' || seat.role === 'minute_taker'
      const forced = input.emptySeat?.membershipId === seat.id && emptyAt.has(day)
      const r = forced ? (day === held.at(-1) ? 0.99 : 0.8) : alwaysThere ? 0 : random()
      let row: AttendanceRow
      if (r < 0.76) row = { ...base, outcome: 'present' }
      else if (r < 0.88) {
        row = {
          ...base,
          intent: 'apologies',
          intentNote: pick(apologyNotes),
          intentAt: saidAt,
          outcome: 'apologies',
        }
      } else if (r < 0.95) {
        const deputy = deputyOf.get(seat.id)
        row = deputy
          ? {
              ...base,
              intent: 'deputy',
              intentDeputyId: deputy.personId,
              intentAt: saidAt,
              outcome: 'deputy',
              deputyId: deputy.personId,
            }
          : (() => {
              const name = pick(standInNames)
              return {
                ...base,
                intent: 'deputy' as const,
                intentNote: `Sending ${name}`,
                intentAt: saidAt,
                outcome: 'deputy' as const,
                deputyName: name,
              }
            })()
      } else row = { ...base, outcome: 'absent' }
      if (row.outcome === 'present' || row.outcome === 'deputy') filled++
      rows.attendance.push(row)
    }
    return { invited: invitees.length, filled }
  }

  function addMinutes(
    meeting: MeetingRow,
    items: { row: AgendaItemRow; topic: Topic | null }[],
    next: MeetingRow | undefined,
    seats: { invited: number; filled: number },
  ) {
    const day = meeting.heldOn
    const approver = chairOn(day)?.userId ?? input.recorderId
    const onDay = (wd: number, time: string, cap?: string) => {
      const d = calendar.addWorkingDays(day, wd)
      return at(cap && d >= cap ? calendar.addWorkingDays(cap, -1) : d, time)
    }
    const notes = Object.fromEntries(items.map((i) => [i.row.id, noteFor(i)]))
    const base: MinutesRow = {
      id: randomUUID(),
      partnershipId,
      meetingId: meeting.id,
      status: 'drafting',
      summary: `${seats.filled} of ${seats.invited} seats were filled. The notes record the discussion under each item and the actions agreed.`,
      itemNotes: notes,
      createdAt: new Date(meeting.endsAt.getTime() + hours(3)),
      updatedAt: new Date(meeting.endsAt.getTime() + hours(3)),
    }
    if (next && next.heldOn < today) {
      const sentWd = random() < 0.1 ? 11 + Math.floor(random() * 2) : 4 + Math.floor(random() * 6)
      const approvedWd = sentWd + 1 + Math.floor(random() * 3)
      const sent = onDay(sentWd, '15:00', next.heldOn)
      const approved = onDay(approvedWd, '11:00', next.heldOn)
      const circulated = onDay(approvedWd + 1 + Math.floor(random() * 4), '16:00', next.heldOn)
      const agreedAt = new Date(next.startsAt.getTime() + 10 * 60_000)
      rows.minutes.push({
        ...base,
        status: 'agreed',
        sentToChairAt: sent,
        sentToChairById: input.recorderId,
        approvedAt: new Date(Math.max(approved.getTime(), sent.getTime() + hours(1))),
        approvedById: approver,
        circulatedAt: new Date(Math.max(circulated.getTime(), approved.getTime() + hours(2))),
        agreedAt,
        agreedAtMeetingId: next.id,
        updatedAt: agreedAt,
      })
      return
    }
    // The group's last meeting: its minutes are somewhere between drafting and circulated.
    const elapsed = calendar.workingDaysBetween(day, today)
    let state = input.latestMinutes
    if (state === 'circulated' && elapsed <= 10) state = 'approved'
    if (state === 'approved' && elapsed <= 8) state = 'with_chair'
    if (state === 'late_to_chair' && elapsed <= 13) state = 'drafting'
    if (state === 'with_chair' && elapsed < 2) state = 'drafting'
    if (state === 'drafting') {
      const started = Object.fromEntries(
        items.slice(0, Math.ceil(items.length / 2)).map((i) => [i.row.id, noteFor(i)]),
      )
      rows.minutes.push({ ...base, summary: '', itemNotes: started })
      return
    }
    const sentWd = state === 'late_to_chair' ? 13 : state === 'with_chair' ? Math.min(7, elapsed - 1) : 6
    const sent = onDay(sentWd, '15:00')
    const approved = state === 'approved' || state === 'circulated' ? onDay(8, '11:00') : null
    const circulated = state === 'circulated' ? onDay(10, '16:00') : null
    rows.minutes.push({
      ...base,
      status: state === 'late_to_chair' ? 'with_chair' : state,
      sentToChairAt: sent,
      sentToChairById: input.recorderId,
      approvedAt: approved,
      approvedById: approved ? approver : null,
      circulatedAt: circulated,
      updatedAt: circulated ?? approved ?? sent,
    })
  }

  function addDecisions(meeting: MeetingRow, items: { row: AgendaItemRow; topic: Topic | null }[]) {
    const notice = computeDeadline(rules, 'decisionNotice', meeting.heldOn, calendar).date
    const createdAt = earlier(new Date(meeting.endsAt.getTime() + hours(24)), now)
    for (const { row, topic } of items) {
      if (!row.decisionNeeded || !topic?.decision) continue
      rows.decisions.push({
        id: randomUUID(),
        partnershipId,
        meetingId: meeting.id,
        agendaItemId: row.id,
        reference: '',
        text: topic.decision,
        outcome: 'consensus',
        implementationOn: calendar.addWorkingDays(notice, Math.floor(random() * 8)),
        createdById: input.recorderId,
        createdAt,
      })
    }
  }
}

function noteFor(item: { row: AgendaItemRow; topic: Topic | null }): string {
  if (item.row.kind === 'previous_minutes')
    return 'The minutes of the last meeting were agreed as an accurate record.'
  if (item.row.kind === 'action_log') {
    return 'Actions were reviewed: completed ones were closed and the rest carried forward with new dates.'
  }
  if (item.row.kind === 'standard') return 'The update was received and noted. No matters for escalation.'
  const decision = item.topic?.decision
  return decision && item.row.decisionNeeded
    ? `Members discussed the paper and asked questions of the presenter. ${decision}.`
    : 'Members discussed the paper and noted the update. Questions were answered at the meeting.'
}
