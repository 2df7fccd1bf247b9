import { and, eq, inArray, isNull, type SQL, sql } from 'drizzle-orm'
import { partnershipRoles, users } from '../../platform/auth/auth.table.ts'
import { createCalendarRepository } from '../../platform/calendar/calendar.repository.ts'
import type { WorkingCalendar } from '../../platform/calendar/calendar.ts'
import { addCalendarDays, formatDate } from '../../platform/calendar/dates.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import { type Db, queryRows } from '../../platform/db/client.ts'
import type { Job } from '../../platform/jobs/jobs.ts'
import { type Notice, sendNotices } from '../../platform/notify/notices.ts'
import type { Outbox } from '../../platform/notify/notify.service.ts'
import { sentReminders } from '../../platform/notify/notify.table.ts'
import type { RuleSet } from '../../platform/rules/rules.definitions.ts'
import { computeDeadline, getRuleSet } from '../../platform/rules/rules.service.ts'
import { londonDay } from '../partnership/agencies.problems.ts'
import { memberships, people } from '../partnership/structure.table.ts'
import { meetingTitle } from './meetings.labels.ts'
import { extraordinaryRequests } from './meetings.table.ts'
import { minutesDeadlines } from './minutes.rules.ts'

export interface MeetingReminderDeps {
  outbox: Outbox
  /** For the links in the e-mails. */
  publicUrl: string
}

export const reminderKinds = [
  'papers',
  'minutes-to-chair',
  'minutes-with-chair',
  'minutes-circulation',
  'extraordinary',
] as const
export type ReminderKind = (typeof reminderKinds)[number]
type Step = 'before' | 'today' | 'overdue' | 'waiting'

/** Looking back further than this, a deadline missed long ago is not chased (nor announced on a first run). */
const LOOKBACK_DAYS = 180
/** Papers are due at most 60 calendar days (the rule's maximum) before a meeting, moved to a working day. */
const PAPERS_LOOKAHEAD_DAYS = 75
/** How many working days ahead the first reminder comes, and how long the chair has before one. */
const NOTICE_WORKING_DAYS = 2

/** Every morning: reminders of the meetings' deadlines, each sent once (see `sendMeetingReminders`). */
export function meetingRemindersJob(deps: MeetingReminderDeps): Job {
  return {
    name: 'meeting-reminders',
    schedule: '30 6 * * *',
    async run({ db, now, log }) {
      const result = await sendMeetingReminders(db, deps, now())
      if (result.sent > 0) log.info(result, 'meeting reminders sent')
    },
  }
}

/**
 * The partner members who support a request: supporters holding a seat on the request's group
 * for a safeguarding partner agency (not ended before the request). As SQL over
 * `extraordinary_requests`, for lists and for this job alike.
 */
export const partnerSupporters = (): SQL<number> => sql<number>`(select count(*)::int
  from extraordinary_supporters s
  where s.request_id = ${extraordinaryRequests.id}
    and exists (select 1 from memberships sm join agencies ag on ag.id = sm.agency_id
      where sm.group_id = ${extraordinaryRequests.groupId} and sm.person_id = s.person_id
        and ag.statutory_role is not null
        and (sm.ends_on is null or sm.ends_on >= ${extraordinaryRequests.receivedOn})))`

interface MeetingRow {
  meeting_id: string
  partnership_id: string
  partnership_slug: string
  partnership_name: string
  group_id: string
  group_name: string
  held_on: string
  kind: 'ordinary' | 'extraordinary'
}

interface Planned {
  key: string
  kind: ReminderKind
  partnershipId: string
  to: 'business_team' | { meetingId: string; groupId: string; heldOn: string }
  subject: string
  /** The letter after "Dear name,". */
  body: string[]
}

export interface ReminderResult {
  sent: number
  byKind: Record<ReminderKind, number>
}

/**
 * Sends the reminders due today, across every partnership, for meetings not cancelled:
 * (a) papers due in 2 working days or today and not all circulated, (b) draft minutes due to the
 * chair (in 2 working days, today, overdue) and still being drafted, (c) minutes with the chair
 * (2 working days after they were sent, then once overdue), (d) approved minutes not circulated,
 * (e) standing requests for an extraordinary meeting with no meeting yet. Each is recorded in
 * sent_reminders, in the transaction that writes its notices, under a key naming the record,
 * the deadline and the step: a second run (or a second process) sends nothing twice, and an
 * overdue deadline is chased once, not every day. Nothing is sent on a partnership's non-working
 * days; a reminder due then goes on its next working day.
 */
export async function sendMeetingReminders(
  db: Db,
  deps: MeetingReminderDeps,
  now: Date,
): Promise<ReminderResult> {
  const today = londonDay(now)
  const since = addCalendarDays(today, -LOOKBACK_DAYS)
  const ahead = addCalendarDays(today, PAPERS_LOOKAHEAD_DAYS)
  const meetingColumns = sql`m.id as meeting_id, m.partnership_id, p.slug as partnership_slug,
    p.name as partnership_name, g.id as group_id, g.name as group_name, m.held_on::text as held_on, m.kind`
  const [papersDue, draftsDue, withChair, approved, requests] = await Promise.all([
    queryRows<MeetingRow & { waiting: number }>(
      db,
      sql`select ${meetingColumns},
          (select count(*)::int from papers x where x.meeting_id = m.id and x.withdrawn_at is null
            and x.first_circulated_at is null) as waiting,
          (select count(*)::int from papers x where x.meeting_id = m.id and x.withdrawn_at is null
            and x.first_circulated_at is not null) as circulated
        from meetings m join groups g on g.id = m.group_id join partnerships p on p.id = m.partnership_id
        where m.cancelled_at is null and m.held_on >= ${today}::date and m.held_on <= ${ahead}::date
          and (exists (select 1 from papers x where x.meeting_id = m.id and x.withdrawn_at is null
                and x.first_circulated_at is null)
            or not exists (select 1 from papers x where x.meeting_id = m.id and x.withdrawn_at is null
                and x.first_circulated_at is not null))`,
    ),
    queryRows<MeetingRow & { status: string | null }>(
      db,
      sql`select ${meetingColumns}, mi.status
        from meetings m join groups g on g.id = m.group_id join partnerships p on p.id = m.partnership_id
        left join minutes mi on mi.meeting_id = m.id
        where m.cancelled_at is null and m.held_on <= ${today}::date and m.held_on >= ${since}::date
          and (mi.id is null or mi.status = 'drafting')`,
    ),
    queryRows<MeetingRow & { sent_to_chair_at: Date | string }>(
      db,
      sql`select ${meetingColumns}, mi.sent_to_chair_at
        from minutes mi join meetings m on m.id = mi.meeting_id join groups g on g.id = m.group_id
        join partnerships p on p.id = m.partnership_id
        where m.cancelled_at is null and mi.status = 'with_chair' and mi.sent_to_chair_at is not null`,
    ),
    queryRows<MeetingRow & { approved_at: Date | string }>(
      db,
      sql`select ${meetingColumns}, mi.approved_at
        from minutes mi join meetings m on m.id = mi.meeting_id join groups g on g.id = m.group_id
        join partnerships p on p.id = m.partnership_id
        where m.cancelled_at is null and mi.status = 'approved' and mi.circulated_at is null
          and mi.approved_at is not null`,
    ),
    queryRows<{
      id: string
      partnership_id: string
      partnership_slug: string
      partnership_name: string
      group_name: string
      received_on: string
      supporters: number
    }>(
      db,
      sql`select ${extraordinaryRequests.id} as id, ${extraordinaryRequests.partnershipId} as partnership_id,
          p.slug as partnership_slug, p.name as partnership_name, g.name as group_name,
          ${extraordinaryRequests.receivedOn}::text as received_on, ${partnerSupporters()} as supporters
        from ${extraordinaryRequests} join groups g on g.id = ${extraordinaryRequests.groupId}
        join partnerships p on p.id = ${extraordinaryRequests.partnershipId}
        where ${extraordinaryRequests.withdrawnAt} is null and ${extraordinaryRequests.receivedOn} >= ${since}::date
          and not exists (select 1 from meetings m where m.extraordinary_request_id = ${extraordinaryRequests.id}
            and m.cancelled_at is null)`,
    ),
  ])

  // Each partnership's rules and working calendar, read once for those with something to look at.
  const partnershipIds = [
    ...new Set(
      [...papersDue, ...draftsDue, ...withChair, ...approved, ...requests].map((r) => r.partnership_id),
    ),
  ]
  const calendars = createCalendarRepository(db)
  const settings = new Map(
    await Promise.all(
      partnershipIds.map(
        async (id) =>
          [id, { rules: await getRuleSet(db, id), calendar: await calendars.calendarFor(id) }] as const,
      ),
    ),
  )
  const working = (id: string) => {
    const s = settings.get(id)!
    return s.calendar.isWorkingDay(today) ? s : null
  }
  const base = deps.publicUrl.replace(/\/$/, '')
  const meetingLink = (r: MeetingRow, tab: string) =>
    `${base}/p/${r.partnership_slug}/meetings/${r.meeting_id}${tab}`
  const planned: Planned[] = []

  for (const r of papersDue) {
    const s = working(r.partnership_id)
    if (!s) continue
    const due = computeDeadline(s.rules, 'papersBeforeMeeting', r.held_on, s.calendar)
    const step = stepOf(due.date, today, s.calendar, false)
    if (!step) continue
    const title = meetingTitle({ heldOn: r.held_on, kind: r.kind }, r.group_name)
    const waiting = Number(r.waiting)
    planned.push({
      key: `papers:${r.meeting_id}:${due.date}:${step}`,
      kind: 'papers',
      partnershipId: r.partnership_id,
      to: 'business_team',
      subject: `Papers due ${shortWhen(step, due.date, today, s.calendar)}: ${title}`,
      body: [
        `Circulating the papers for the ${title}: ${when(step, due.date, today, s.calendar)}.`,
        `Deadline: ${due.explanation}.`,
        waiting > 0
          ? `${waiting} ${waiting === 1 ? 'paper has' : 'papers have'} not been circulated yet.`
          : 'No papers have been circulated yet.',
        '',
        'Circulate the papers from the meeting’s papers page:',
        meetingLink(r, '/papers'),
      ],
    })
  }

  const minutesStep = (
    r: MeetingRow,
    s: Settings,
    dates: Parameters<typeof minutesDeadlines>[0]['minutes'],
  ) =>
    minutesDeadlines({
      heldOn: r.held_on,
      minutes: dates,
      nextMeetingOn: null,
      rules: s.rules,
      calendar: s.calendar,
      today,
    })

  for (const r of draftsDue) {
    const s = working(r.partnership_id)
    if (!s) continue
    const toChair = minutesStep(r, s, null).find((d) => d.key === 'toChair')
    if (!toChair?.due) continue
    const step = stepOf(toChair.due, today, s.calendar, true)
    if (!step) continue
    const title = meetingTitle({ heldOn: r.held_on, kind: r.kind }, r.group_name)
    planned.push({
      key: `minutes-to-chair:${r.meeting_id}:${toChair.due}:${step}`,
      kind: 'minutes-to-chair',
      partnershipId: r.partnership_id,
      to: 'business_team',
      subject: `Draft minutes to the chair ${shortWhen(step, toChair.due, today, s.calendar)}: ${title}`,
      body: [
        `Sending the draft minutes of the ${title} to the chair: ${when(step, toChair.due, today, s.calendar)}.`,
        `Deadline: ${toChair.explanation}.`,
        r.status ? 'The minutes are still being drafted.' : 'The minutes have not been started.',
        '',
        meetingLink(r, '/minutes'),
      ],
    })
  }

  for (const r of withChair) {
    const s = working(r.partnership_id)
    if (!s) continue
    const sentOn = londonDate(new Date(r.sent_to_chair_at))
    const chased = s.calendar.addWorkingDays(sentOn, NOTICE_WORKING_DAYS)
    if (today < chased) continue
    const toChair = minutesStep(r, s, null).find((d) => d.key === 'toChair')
    const overdue = toChair?.due != null && today > toChair.due
    const title = meetingTitle({ heldOn: r.held_on, kind: r.kind }, r.group_name)
    planned.push({
      key: overdue
        ? `minutes-with-chair:${r.meeting_id}:${toChair!.due}:overdue`
        : `minutes-with-chair:${r.meeting_id}:${sentOn}:waiting`,
      kind: 'minutes-with-chair',
      partnershipId: r.partnership_id,
      to: { meetingId: r.meeting_id, groupId: r.group_id, heldOn: r.held_on },
      subject: `${overdue ? 'Minutes overdue' : 'Minutes waiting'} for your approval: ${title}`,
      body: [
        `The draft minutes of the ${title} were sent to you for approval on ${formatDate(sentOn)}.`,
        overdue
          ? `The deadline for the draft minutes has passed (${toChair!.explanation}), so the minutes are late. Please approve them, or send them back with what needs changing.`
          : 'Please approve them, or send them back with what needs changing.',
        '',
        meetingLink(r, '/minutes'),
      ],
    })
  }

  for (const r of approved) {
    const s = working(r.partnership_id)
    if (!s) continue
    const approvedAt = new Date(r.approved_at)
    const circulation = minutesStep(r, s, {
      status: 'approved',
      sentToChairAt: null,
      approvedAt,
      circulatedAt: null,
      agreedAt: null,
    }).find((d) => d.key === 'circulation')
    if (!circulation?.due) continue
    const step = stepOf(circulation.due, today, s.calendar, true)
    if (!step) continue
    const title = meetingTitle({ heldOn: r.held_on, kind: r.kind }, r.group_name)
    planned.push({
      key: `minutes-circulation:${r.meeting_id}:${circulation.due}:${step}`,
      kind: 'minutes-circulation',
      partnershipId: r.partnership_id,
      to: 'business_team',
      subject: `Approved minutes to circulate ${shortWhen(step, circulation.due, today, s.calendar)}: ${title}`,
      body: [
        `The chair approved the minutes of the ${title} on ${formatDate(londonDate(approvedAt))}.`,
        `Circulating them: ${when(step, circulation.due, today, s.calendar)}.`,
        `Deadline: ${circulation.explanation}.`,
        '',
        meetingLink(r, '/minutes'),
      ],
    })
  }

  for (const r of requests) {
    const s = working(r.partnership_id)
    if (!s || Number(r.supporters) < s.rules.extraordinaryMeetingSupporters) continue
    const due = computeDeadline(s.rules, 'extraordinaryMeetingWithin', r.received_on, s.calendar)
    const step = stepOf(due.date, today, s.calendar, true)
    if (!step) continue
    planned.push({
      key: `extraordinary:${r.id}:${due.date}:${step}`,
      kind: 'extraordinary',
      partnershipId: r.partnership_id,
      to: 'business_team',
      subject: `Extraordinary meeting of the ${r.group_name} to be held ${shortWhen(step, due.date, today, s.calendar)}`,
      body: [
        `A request for an extraordinary meeting of the ${r.group_name}, received on ${formatDate(r.received_on)}, has the support it needs.`,
        `Holding the meeting: ${when(step, due.date, today, s.calendar)}. None is arranged yet.`,
        `Deadline: ${due.explanation}.`,
        '',
        `${base}/p/${r.partnership_slug}/extraordinary-requests/${r.id}`,
      ],
    })
  }

  const result: ReminderResult = {
    sent: 0,
    byKind: Object.fromEntries(reminderKinds.map((k) => [k, 0])) as Record<ReminderKind, number>,
  }
  if (planned.length === 0) return result
  const already = new Set(
    (
      await db
        .select({ key: sentReminders.key })
        .from(sentReminders)
        .where(
          inArray(
            sentReminders.key,
            planned.map((p) => p.key),
          ),
        )
    ).map((r) => r.key),
  )
  const todo = planned.filter((p) => !already.has(p.key))
  if (todo.length === 0) return result

  const partnershipName = new Map<string, string>()
  for (const r of [...papersDue, ...draftsDue, ...withChair, ...approved, ...requests]) {
    partnershipName.set(r.partnership_id, r.partnership_name)
  }
  const [team, chairs] = await Promise.all([
    businessTeams(
      db,
      todo.map((p) => p.partnershipId),
    ),
    chairsOf(
      db,
      todo.flatMap((p) => (p.to === 'business_team' ? [] : [p.to.groupId])),
    ),
  ])

  for (const reminder of todo) {
    const businessTeam = team.get(reminder.partnershipId) ?? []
    let recipients =
      reminder.to === 'business_team'
        ? businessTeam
        : chairsOn(chairs, reminder.to.groupId, reminder.to.heldOn, today)
    let note: string[] = []
    if (recipients.length === 0 && reminder.to !== 'business_team') {
      // Nobody to approve: whoever runs the group's business hears instead.
      recipients = businessTeam
      note = [
        'The group has no chair with an e-mail address, so this reminder comes to the business team.',
        '',
      ]
    }
    // Nobody to tell: left unrecorded, so it goes once someone is there to hear it.
    if (recipients.length === 0) continue
    const notices: Notice[] = recipients.map((person) => ({
      partnershipId: reminder.partnershipId,
      to: person.email,
      userId: person.userId,
      subject: reminder.subject,
      text: [
        `Dear ${person.name},`,
        '',
        ...note,
        ...reminder.body,
        '',
        partnershipName.get(reminder.partnershipId) ?? '',
      ].join('\n'),
    }))
    const sent = await db.transaction(async (tx) => {
      // The record first: if another run got here before us, nothing is sent.
      const claimed = await tx
        .insert(sentReminders)
        .values({ key: reminder.key, partnershipId: reminder.partnershipId, sentAt: now })
        .onConflictDoNothing()
        .returning({ key: sentReminders.key })
      if (claimed.length === 0) return false
      await sendNotices(tx, deps.outbox, notices, now)
      return true
    })
    if (sent) {
      result.sent++
      result.byKind[reminder.kind]++
    }
  }
  return result
}

interface Settings {
  rules: RuleSet
  calendar: WorkingCalendar
}

/**
 * Which reminder a deadline calls for today: from 2 working days before it ("before"), on the
 * day ("today"), and after it ("overdue", when the step has one). The key of each step is
 * recorded, so each is sent once however many days it stays true.
 */
export function stepOf(
  due: string,
  today: string,
  calendar: WorkingCalendar,
  chaseOverdue: boolean,
): Step | null {
  if (today === due) return 'today'
  if (today > due) return chaseOverdue ? 'overdue' : null
  return today >= calendar.addWorkingDays(due, -NOTICE_WORKING_DAYS) ? 'before' : null
}

const workingDays = (n: number) => `${n} working ${n === 1 ? 'day' : 'days'}`

function when(step: Step, due: string, today: string, calendar: WorkingCalendar): string {
  if (step === 'today') return `due today, ${formatDate(due)}`
  if (step === 'overdue') {
    const late = workingDays(Math.max(1, calendar.workingDaysBetween(due, today)))
    return `overdue: it was due on ${formatDate(due)} (${late} ago)`
  }
  return `due in ${workingDays(Math.max(1, calendar.workingDaysBetween(today, due)))}, on ${formatDate(due)}`
}

function shortWhen(step: Step, due: string, today: string, calendar: WorkingCalendar): string {
  if (step === 'today') return 'today'
  if (step === 'overdue') return 'overdue'
  return `in ${workingDays(Math.max(1, calendar.workingDaysBetween(today, due)))}`
}

interface Person {
  name: string
  email: string
  userId: string | null
}

/** The active business team of each partnership. */
async function businessTeams(db: Db, partnershipIds: string[]): Promise<Map<string, Person[]>> {
  const ids = [...new Set(partnershipIds)]
  const teams = new Map<string, Person[]>()
  if (ids.length === 0) return teams
  const rows = await db
    .select({
      partnershipId: partnershipRoles.partnershipId,
      userId: users.id,
      name: users.name,
      email: users.email,
    })
    .from(partnershipRoles)
    .innerJoin(users, eq(users.id, partnershipRoles.userId))
    .where(
      and(
        inArray(partnershipRoles.partnershipId, ids),
        eq(partnershipRoles.role, 'business_team'),
        isNull(partnershipRoles.deactivatedAt),
        isNull(users.deactivatedAt),
      ),
    )
    .orderBy(users.name)
  for (const r of rows) {
    const list = teams.get(r.partnershipId) ?? []
    list.push({ name: r.name, email: r.email, userId: r.userId })
    teams.set(r.partnershipId, list)
  }
  return teams
}

interface ChairSeat extends Person {
  groupId: string
  startsOn: string
  endsOn: string | null
}

/** Every chair's seat on the given groups, with an e-mail address, for chairs on a meeting's day or today. */
async function chairsOf(db: Db, groupIds: string[]): Promise<ChairSeat[]> {
  const ids = [...new Set(groupIds)]
  if (ids.length === 0) return []
  const rows = await db
    .select({
      groupId: memberships.groupId,
      startsOn: memberships.startsOn,
      endsOn: memberships.endsOn,
      name: people.name,
      email: people.email,
      userId: people.userId,
    })
    .from(memberships)
    .innerJoin(people, eq(people.id, memberships.personId))
    .where(and(inArray(memberships.groupId, ids), eq(memberships.role, 'chair')))
  return rows.filter((r): r is ChairSeat => r.email !== null && r.email.trim() !== '')
}

/** The group's chairs on the meeting's day, or today's chair when the seat has changed hands since. */
function chairsOn(seats: ChairSeat[], groupId: string, heldOn: string, today: string): Person[] {
  const covers = (s: ChairSeat, day: string) => s.startsOn <= day && (s.endsOn === null || s.endsOn >= day)
  const chosen = seats.filter((s) => s.groupId === groupId && (covers(s, heldOn) || covers(s, today)))
  return [
    ...new Map(
      chosen.map((s) => [s.email.toLowerCase(), { name: s.name, email: s.email, userId: s.userId }]),
    ).values(),
  ]
}
