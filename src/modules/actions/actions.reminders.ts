import { sql } from 'drizzle-orm'
import { createCalendarRepository } from '../../platform/calendar/calendar.repository.ts'
import type { WorkingCalendar } from '../../platform/calendar/calendar.ts'
import { addCalendarDays, formatDate } from '../../platform/calendar/dates.ts'
import { type Db, queryRows } from '../../platform/db/client.ts'
import { type Notice, sendNotices } from '../../platform/notify/notices.ts'
import type { Outbox } from '../../platform/notify/notify.service.ts'
import { sentReminders } from '../../platform/notify/notify.table.ts'
import type { RuleSet } from '../../platform/rules/rules.definitions.ts'
import { computeDeadline, getRuleSet } from '../../platform/rules/rules.service.ts'
import { londonDay } from '../partnership/agencies.problems.ts'

// Reminders to an action's owner while its response is outstanding: `actionReminderBefore`
// working days before the deadline, on the day, and on the first working day after it. Each is
// sent once (recorded in sent_reminders with the notices, in one transaction) and only on the
// partnership's working days.

export const actionReminderSteps = ['before', 'today', 'after'] as const
export type ActionReminderStep = (typeof actionReminderSteps)[number]

/** The "after" reminder still goes this many working days late (the job was down); not later. */
const AFTER_GRACE_WORKING_DAYS = 5
/** Actions due within this many calendar days either side of today are looked at (the rule is at most 10 working days). */
const WINDOW_DAYS = 31

/**
 * The reminder a deadline calls for today, or null. Each step has its day: the "before" day
 * (counted back in working days), the deadline itself or, when that is not a working day, the
 * next working day, and the first working day after the deadline. The step whose day came last
 * is the one due, so a reminder missed (a job that did not run) goes once on the next working
 * day; when two fall on the same day (a deadline on a holiday) only the later one goes.
 */
export function actionReminderStep(
  dueOn: string,
  today: string,
  calendar: WorkingCalendar,
  beforeDays: number,
): ActionReminderStep | null {
  if (!calendar.isWorkingDay(today)) return null
  const days = reminderDays(dueOn, calendar, beforeDays)
  let step: ActionReminderStep | null = null
  for (const s of actionReminderSteps) if (days[s] <= today) step = s
  if (step === 'after' && today > calendar.addWorkingDays(days.after, AFTER_GRACE_WORKING_DAYS)) return null
  return step
}

/** The day each reminder of a deadline goes. */
export function reminderDays(
  dueOn: string,
  calendar: WorkingCalendar,
  beforeDays: number,
): Record<ActionReminderStep, string> {
  return {
    before: calendar.addWorkingDays(dueOn, -beforeDays),
    today: calendar.onOrAfterWorkingDay(dueOn),
    after: calendar.nextWorkingDay(dueOn),
  }
}

export const actionReminderKey = (actionId: string, dueOn: string, step: ActionReminderStep) =>
  `action:${actionId}:${dueOn}:${step}`

interface OpenAction {
  id: string
  partnership_id: string
  partnership_slug: string
  partnership_name: string
  reference: string
  description: string
  group_name: string
  agency_name: string
  issued_on: string
  due_on: string
}

interface Recipient {
  action_id: string
  owner: boolean
  name: string
  email: string
  user_id: string | null
}

export interface ActionReminderResult {
  sent: number
  byStep: Record<ActionReminderStep, number>
}

/**
 * Sends today's reminders across every partnership, for actions issued, open and not answered.
 * They go to the owner, or when the action has no owner with an e-mail address, to the people
 * who sit on the action's group for the owner agency. An action with nobody to tell is left
 * unrecorded, so its reminder goes once someone is there. Running it again sends nothing twice.
 */
export async function sendActionReminders(
  db: Db,
  outbox: Outbox,
  options: { now: Date; publicUrl?: string },
): Promise<ActionReminderResult> {
  const { now } = options
  const today = londonDay(now)
  const result: ActionReminderResult = { sent: 0, byStep: { before: 0, today: 0, after: 0 } }
  const open = await queryRows<OpenAction>(
    db,
    sql`select a.id, a.partnership_id, p.slug as partnership_slug, p.name as partnership_name, a.reference,
        a.description, g.name as group_name, ag.name as agency_name, a.issued_on::text as issued_on,
        a.due_on::text as due_on
      from actions a
      join partnerships p on p.id = a.partnership_id
      join groups g on g.id = a.group_id
      join agencies ag on ag.id = a.owner_agency_id
      where a.closed_at is null and a.issue_id is not null and a.due_on is not null
        and a.due_on between ${addCalendarDays(today, -WINDOW_DAYS)}::date and ${addCalendarDays(today, WINDOW_DAYS)}::date
        and not exists (select 1 from action_responses r where r.action_id = a.id)
      order by a.partnership_id, a.due_on, a.reference`,
  )
  if (open.length === 0) return result

  const settings = await partnershipSettings(
    db,
    open.map((a) => a.partnership_id),
  )
  const due = open.flatMap((action) => {
    const s = settings.get(action.partnership_id)!
    const step = actionReminderStep(action.due_on, today, s.calendar, s.rules.actionReminderBefore)
    return step ? [{ action, step, key: actionReminderKey(action.id, action.due_on, step) }] : []
  })
  if (due.length === 0) return result
  const already = new Set(
    (
      await queryRows<{ key: string }>(
        db,
        sql`select key from ${sentReminders} where key in (${sql.join(
          due.map((d) => sql`${d.key}`),
          sql`, `,
        )})`,
      )
    ).map((r) => r.key),
  )
  const todo = due.filter((d) => !already.has(d.key))
  if (todo.length === 0) return result

  const recipients = Map.groupBy(
    await recipientsOf(
      db,
      todo.map((d) => d.action.id),
      today,
    ),
    (r) => r.action_id,
  )
  const base = (options.publicUrl ?? '').replace(/\/$/, '')
  for (const { action, step, key } of todo) {
    const s = settings.get(action.partnership_id)!
    const people = choose(recipients.get(action.id) ?? [])
    if (people.length === 0) continue
    const letter = reminderLetter(action, step, today, s, base)
    const notices: Notice[] = people.map((person) => ({
      partnershipId: action.partnership_id,
      to: person.email,
      userId: person.user_id,
      subject: letter.subject,
      text: [`Dear ${person.name},`, '', ...letter.body, '', action.partnership_name].join('\n'),
    }))
    const sent = await db.transaction(async (tx) => {
      // The record first: if another run got here before us, nothing is sent.
      const claimed = await tx
        .insert(sentReminders)
        .values({ key, partnershipId: action.partnership_id, sentAt: now })
        .onConflictDoNothing()
        .returning({ key: sentReminders.key })
      if (claimed.length === 0) return false
      await sendNotices(tx, outbox, notices, now)
      return true
    })
    if (sent) {
      result.sent++
      result.byStep[step]++
    }
  }
  return result
}

interface Settings {
  rules: RuleSet
  calendar: WorkingCalendar
}

async function partnershipSettings(db: Db, ids: string[]): Promise<Map<string, Settings>> {
  const calendars = createCalendarRepository(db)
  return new Map(
    await Promise.all(
      [...new Set(ids)].map(
        async (id) =>
          [id, { rules: await getRuleSet(db, id), calendar: await calendars.calendarFor(id) }] as const,
      ),
    ),
  )
}

/**
 * For each action: its owner (when they have an e-mail address and have not left), and the
 * people sitting today on the action's group for the owner agency. One query.
 */
function recipientsOf(db: Db, actionIds: string[], today: string) {
  const ids = sql.join(
    actionIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  )
  return queryRows<Recipient>(
    db,
    sql`select a.id as action_id, true as owner, pe.name, pe.email, pe.user_id
      from actions a join people pe on pe.id = a.owner_person_id
      where a.id in (${ids}) and pe.email is not null and pe.email <> ''
        and (pe.left_on is null or pe.left_on > ${today}::date)
      union
      select a.id as action_id, false as owner, pe.name, pe.email, pe.user_id
      from actions a
      join memberships ms on ms.group_id = a.group_id
      join people pe on pe.id = ms.person_id
      where a.id in (${ids}) and coalesce(ms.agency_id, pe.agency_id) = a.owner_agency_id
        and ms.starts_on <= ${today}::date and (ms.ends_on is null or ms.ends_on >= ${today}::date)
        and pe.email is not null and pe.email <> '' and (pe.left_on is null or pe.left_on > ${today}::date)`,
  )
}

/** The owner if there is one to write to, else the agency's people on the group; each address once. */
function choose(candidates: Recipient[]): Recipient[] {
  const owners = candidates.filter((c) => c.owner)
  const chosen = owners.length > 0 ? owners : candidates
  return [...new Map(chosen.map((c) => [c.email.toLowerCase(), c])).values()].sort((a, b) =>
    a.name.localeCompare(b.name),
  )
}

const workingDays = (n: number) => `${n} working ${n === 1 ? 'day' : 'days'}`

function reminderLetter(
  action: OpenAction,
  step: ActionReminderStep,
  today: string,
  s: Settings,
  base: string,
) {
  const deadline = computeDeadline(s.rules, 'actionResponse', action.issued_on, s.calendar)
  const explanation =
    deadline.date === action.due_on
      ? deadline.explanation
      : `${formatDate(action.due_on)} (extended from ${formatDate(deadline.date)})`
  // Counted in working days when the deadline is one; a deadline on a holiday is given by its date.
  const left = s.calendar.isWorkingDay(action.due_on)
    ? Math.max(1, s.calendar.workingDaysBetween(today, action.due_on))
    : null
  const soon = left ? `in ${workingDays(left)}` : `on ${formatDate(action.due_on)}`
  const when = {
    before: left ? `is due ${soon}, on ${formatDate(action.due_on)}` : `is due ${soon}`,
    today: 'is due today',
    after: `was due on ${formatDate(action.due_on)} and has not been received`,
  }[step]
  const subject = {
    before: `Action ${action.reference}: response due ${soon}`,
    today: `Action ${action.reference}: response due today`,
    after: `Action ${action.reference}: response overdue`,
  }[step]
  const page = `${base}/p/${action.partnership_slug}/actions/${action.id}`
  return {
    subject,
    body: [
      `The response of ${action.agency_name} to action ${action.reference} of the ${action.group_name} ${when}.`,
      '',
      `Action: ${action.description}`,
      `Deadline: ${explanation}.`,
      '',
      step === 'after'
        ? 'A late response is recorded as late and counts towards an escalation letter to your agency’s executive member. Please respond as soon as you can.'
        : 'Please respond by the deadline.',
      '',
      'If you have an account, respond from the action’s page:',
      page,
      `Otherwise, use the link in the e-mail that sent you the action matrix on ${formatDate(action.issued_on)}, or ask the business team for a new one.`,
    ],
  }
}
