import { randomUUID } from 'node:crypto'
import { and, asc, eq, inArray, isNull, lt, sql } from 'drizzle-orm'
import { partnershipRoles } from '../../platform/auth/auth.table.ts'
import { createCalendarRepository } from '../../platform/calendar/calendar.repository.ts'
import { addCalendarDays, addMonths } from '../../platform/calendar/dates.ts'
import { londonDate, londonInstant } from '../../platform/calendar/london-time.ts'
import type { Db, DbOrTx } from '../../platform/db/client.ts'
import { getRuleSet } from '../../platform/rules/rules.service.ts'
import { decisions } from '../meetings/decisions.table.ts'
import { randomStream } from '../meetings/meetings.example.plan.ts'
import { agendaItems, meetings } from '../meetings/meetings.table.ts'
import { londonDay } from '../partnership/agencies.problems.ts'
import { agencies, groups, people } from '../partnership/structure.table.ts'
import { actionExtensions, actionMatrixIssues, actionResponses, actions } from './actions.table.ts'
import { complianceFailures } from './compliance.table.ts'

/**
 * The Thurrock example's actions, loaded right after its meetings into an empty database: for
 * every meeting already held, actions from its agenda items and decisions, owned by the
 * partnership's agencies (and a person of the agency where it has one). Each meeting's action
 * matrix was issued a few working days after it, due back by the actionResponse rule; most
 * owners answered on time, some late, a few never, and a few actions are closed. One extension
 * was approved and one refused, and the latest meeting's last actions are not issued yet. The
 * failures are written as the nightly sweep would have written them, so it finds nothing to add.
 *
 * One agency (Essex Police, the police partner) has one late answer in the escalation window and
 * one issued action still unanswered after its deadline: answering it late makes its second late
 * answer (the escalation journey of the browser tests). Every other agency stays below the
 * escalation rule. Rows go in directly, in sets, without audit entries, as the meetings do.
 */

export type ActionRow = typeof actions.$inferInsert & { id: string; reference: string }
export type IssueRow = typeof actionMatrixIssues.$inferInsert & { id: string }
export type ResponseRow = typeof actionResponses.$inferInsert & { id: string }
export type ExtensionRow = typeof actionExtensions.$inferInsert & { id: string }
export type FailureRow = typeof complianceFailures.$inferInsert & { id: string }

export interface ActionsExampleRows {
  issues: IssueRow[]
  actions: ActionRow[]
  responses: ResponseRow[]
  extensions: ExtensionRow[]
  failures: FailureRow[]
  /** The agency with one late answer and one overdue action (null when the example has no agency). */
  escalationAgencyId: string | null
  /** Its overdue, unanswered action. */
  overdueActionId: string | null
}

type Outcome = 'on_time' | 'late' | 'unanswered' | 'open'

interface Planned {
  row: ActionRow
  meetingId: string
  heldOn: string
  issuedOn: string | null
  dueOn: string | null
  outcome: Outcome
  respondedOn: string | null
}

const itemActions = [
  (t: string) =>
    `Share the points agreed under “${t}” with the agency’s safeguarding leads and confirm when it was done`,
  (t: string) => `Send the business team the agency’s figures for “${t}” before the next meeting`,
  (t: string) => `Name a lead officer for the work arising from “${t}” and tell the business team`,
  (t: string) => `Check the agency’s procedures against “${t}” and report any gaps found`,
  (t: string) => `Brief frontline managers on “${t}” and report how many were reached`,
]

const decisionActions = [
  (ref: string, text: string) => `Say how the agency will put decision ${ref} into practice (${text})`,
  (ref: string, text: string) =>
    `Update the agency’s own guidance to reflect decision ${ref} (${text}) and send the business team a copy`,
]

const onTimeTexts = [
  'Done. The agency’s safeguarding leads have been briefed, and the briefing is on the staff intranet.',
  'The figures have been sent to the business team; the agency’s lead will take questions at the next meeting.',
  'A lead officer has been named and has met the business manager to agree the next steps.',
  'Procedures checked: two gaps found, both to be fixed by the end of the quarter. The plan is attached to the minutes.',
  'All frontline managers were briefed at the monthly managers’ meeting; those absent have the slides.',
]

const lateTexts = [
  'Sorry for the delay. The briefing has now gone to every team, and the agency’s lead has confirmed it was read.',
  'Late because of staff absence: the figures are now with the business team.',
  'Apologies: the lead officer changed. The new lead has been named and is in touch with the business manager.',
]

const closeReasons = [
  'Completed: the response was accepted by the group at its next meeting',
  'Completed: the business team checked the evidence sent with the response',
  'Completed: taken forward in the multi-agency plan, so no longer tracked here',
]

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1)

/** Loads the example's actions for the partnership; run once, right after its meetings. */
export async function loadActionsExample(
  db: Db,
  options: { partnershipId: string; now: Date },
): Promise<ActionsExampleRows> {
  const { partnershipId, now } = options
  const today = londonDay(now)
  const [rules, calendar, heldMeetings, agencyRows, personRows, staff, existing] = await Promise.all([
    getRuleSet(db, partnershipId),
    createCalendarRepository(db).calendarFor(partnershipId),
    db
      .select({
        id: meetings.id,
        groupId: meetings.groupId,
        heldOn: meetings.heldOn,
        endsAt: meetings.endsAt,
      })
      .from(meetings)
      .innerJoin(groups, eq(groups.id, meetings.groupId))
      .where(
        and(
          eq(meetings.partnershipId, partnershipId),
          lt(meetings.heldOn, today),
          isNull(meetings.cancelledAt),
        ),
      )
      .orderBy(asc(meetings.heldOn), asc(meetings.startsAt)),
    db
      .select({
        id: agencies.id,
        name: agencies.name,
        statutoryRole: agencies.statutoryRole,
        activeTo: agencies.activeTo,
      })
      .from(agencies)
      .where(eq(agencies.partnershipId, partnershipId))
      .orderBy(asc(agencies.name)),
    db
      .select({ id: people.id, agencyId: people.agencyId, userId: people.userId, leftOn: people.leftOn })
      .from(people)
      .where(eq(people.partnershipId, partnershipId))
      .orderBy(asc(people.name)),
    db
      .select({ userId: partnershipRoles.userId, role: partnershipRoles.role })
      .from(partnershipRoles)
      .where(
        and(
          eq(partnershipRoles.partnershipId, partnershipId),
          inArray(partnershipRoles.role, ['business_team', 'administrator']),
        ),
      ),
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(actions)
      .where(eq(actions.partnershipId, partnershipId)),
  ])
  const result: ActionsExampleRows = {
    issues: [],
    actions: [],
    responses: [],
    extensions: [],
    failures: [],
    escalationAgencyId: null,
    overdueActionId: null,
  }
  const active = agencyRows.filter((a) => a.activeTo === null || a.activeTo >= today)
  if (heldMeetings.length === 0 || active.length === 0 || Number(existing[0]?.n ?? 0) > 0) return result

  const meetingIds = heldMeetings.map((m) => m.id)
  const [items, decided] = await Promise.all([
    db
      .select({ id: agendaItems.id, meetingId: agendaItems.meetingId, title: agendaItems.title })
      .from(agendaItems)
      .where(
        and(
          inArray(agendaItems.meetingId, meetingIds),
          eq(agendaItems.kind, 'item'),
          isNull(agendaItems.withdrawnAt),
        ),
      )
      .orderBy(asc(agendaItems.meetingId), asc(agendaItems.position)),
    db
      .select({
        id: decisions.id,
        agendaItemId: decisions.agendaItemId,
        reference: decisions.reference,
        text: decisions.text,
      })
      .from(decisions)
      .where(
        and(
          inArray(decisions.meetingId, meetingIds),
          eq(decisions.outcome, 'consensus'),
          isNull(decisions.withdrawnAt),
        ),
      ),
  ])

  const recorderId =
    (staff.find((s) => s.role === 'business_team') ?? staff.find((s) => s.role === 'administrator'))
      ?.userId ?? null
  const staffIds = new Set(staff.map((s) => s.userId))
  // Owners: the agency's people, not the business team who record things for everyone.
  const peopleOf = new Map<string, { id: string; userId: string | null }[]>()
  for (const p of personRows) {
    if (!p.agencyId || (p.leftOn !== null && p.leftOn <= today)) continue
    if (p.userId && staffIds.has(p.userId)) continue
    peopleOf.set(p.agencyId, [...(peopleOf.get(p.agencyId) ?? []), { id: p.id, userId: p.userId }])
  }
  const userOfPerson = new Map(personRows.map((p) => [p.id, p.userId]))
  // The statutory partners own most actions, agencies with people of their own more than the rest.
  const weighted = active.flatMap((a) => {
    const weight = a.statutoryRole ? 4 : peopleOf.has(a.id) ? 2 : 1
    return Array.from({ length: weight }, () => a.id)
  })
  const target =
    active.find((a) => a.statutoryRole === 'police') ??
    active.find((a) => a.statutoryRole !== null) ??
    (active[0] as (typeof active)[number])
  result.escalationAgencyId = target.id

  const random = randomStream(60_601)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T
  const ownerCount = new Map<string, number>()
  const ownerPerson = (agencyId: string) => {
    const list = peopleOf.get(agencyId)
    if (!list?.length) return null
    const n = ownerCount.get(agencyId) ?? 0
    ownerCount.set(agencyId, n + 1)
    return (list[n % list.length] as { id: string }).id
  }

  // Each meeting's matrix was issued 2 to 4 working days after it (unless that day has not come).
  const issueOf = new Map<string, IssueRow>()
  for (const meeting of heldMeetings) {
    const issuedOn = calendar.addWorkingDays(meeting.heldOn, 2 + Math.floor(random() * 3))
    if (issuedOn >= today) continue
    const issue: IssueRow = {
      id: randomUUID(),
      partnershipId,
      meetingId: meeting.id,
      issuedOn,
      dueOn: calendar.addWorkingDays(issuedOn, rules.actionResponse),
      issuedById: recorderId,
      createdAt: londonInstant(issuedOn, '10:30'),
    }
    issueOf.set(meeting.id, issue)
    result.issues.push(issue)
  }

  const decisionOf = new Map(decided.map((d) => [d.agendaItemId, d]))
  const planned: Planned[] = []
  const counters = new Map<string, number>()
  for (const meeting of heldMeetings) {
    const createdAt = new Date(meeting.endsAt.getTime() + 2 * 3_600_000)
    const year = londonDate(createdAt).slice(0, 4)
    const issue = issueOf.get(meeting.id)
    const meetingItems = items.filter((i) => i.meetingId === meeting.id)
    const add = (input: { agendaItemId: string; decisionId: string | null; description: string }) => {
      const n = (counters.get(year) ?? 0) + 1
      counters.set(year, n)
      const ownerAgencyId = pick(weighted)
      const row: ActionRow = {
        id: randomUUID(),
        partnershipId,
        groupId: meeting.groupId,
        meetingId: meeting.id,
        agendaItemId: input.agendaItemId,
        decisionId: input.decisionId,
        reference: `A${year}-${String(n).padStart(4, '0')}`,
        description: input.description,
        ownerAgencyId,
        ownerPersonId: ownerPerson(ownerAgencyId),
        issueId: issue?.id ?? null,
        issuedOn: issue?.issuedOn ?? null,
        dueOn: issue?.dueOn ?? null,
        createdById: recorderId,
        createdAt,
      }
      planned.push({
        row,
        meetingId: meeting.id,
        heldOn: meeting.heldOn,
        issuedOn: issue?.issuedOn ?? null,
        dueOn: issue?.dueOn ?? null,
        outcome: 'open',
        respondedOn: null,
      })
    }
    meetingItems.forEach((item, k) => {
      const decision = decisionOf.get(item.id)
      if (decision) {
        add({
          agendaItemId: item.id,
          decisionId: decision.id,
          description: pick(decisionActions)(decision.reference, lowerFirst(decision.text)),
        })
      }
      if (!decision || random() < 0.4) {
        if (k > 0 && decision === undefined && random() < 0.3) return
        add({ agendaItemId: item.id, decisionId: null, description: pick(itemActions)(item.title) })
      }
    })
  }

  // The latest meeting's last actions were added after its matrix went: they are not issued yet.
  const latest = heldMeetings.at(-1)?.id
  const ofLatest = planned.filter((p) => p.meetingId === latest)
  const latestIssue = latest ? issueOf.get(latest) : undefined
  const heldBack = ofLatest.slice(ofLatest.length - Math.max(1, Math.ceil(ofLatest.length / 3)))
  for (const p of heldBack) {
    p.row.issueId = null
    p.row.issuedOn = null
    p.row.dueOn = null
    p.issuedOn = null
    p.dueOn = null
    if (latestIssue) p.row.createdAt = new Date(latestIssue.createdAt!.getTime() + 4 * 3_600_000)
  }
  if (latestIssue && heldBack.length === ofLatest.length) {
    result.issues.splice(result.issues.indexOf(latestIssue), 1)
  }

  // The escalation agency: its overdue action is the latest past its deadline, its late answer
  // one from around four months ago; none of its other actions fails.
  const pastDue = planned.filter((p) => p.dueOn !== null && p.dueOn < today)
  const overdue = pastDue.at(-1)
  const windowStart = addMonths(today, -rules.escalationWindow)
  const lateOne = [...pastDue]
    .reverse()
    .find(
      (p) =>
        p !== overdue &&
        p.dueOn! >= windowStart &&
        p.dueOn! <= addMonths(today, -3) &&
        calendar.addWorkingDays(p.dueOn!, 3) < today,
    )
  for (const p of [overdue, lateOne]) {
    if (!p) continue
    p.row.ownerAgencyId = target.id
    p.row.ownerPersonId = peopleOf.get(target.id)?.[0]?.id ?? null
  }
  result.overdueActionId = overdue?.row.id ?? null

  // Outcomes: most on time, some late, a few never; no other agency reaches the escalation rule.
  const failuresOf = new Map<string, number>()
  const allowed = Math.max(0, rules.lateResponsesBeforeEscalation - 1)
  const yesterday = calendar.addWorkingDays(today, -1)
  for (const p of planned) {
    if (!p.issuedOn || !p.dueOn) continue
    const firstDay = calendar.addWorkingDays(p.issuedOn, 1)
    if (p === overdue) {
      p.outcome = 'unanswered'
      continue
    }
    if (p === lateOne) {
      p.outcome = 'late'
      p.respondedOn = calendar.addWorkingDays(p.dueOn, 3)
      continue
    }
    const r = random()
    const wanted: Outcome = r < 0.72 ? 'on_time' : r < 0.87 ? 'late' : 'unanswered'
    const lateDay = calendar.addWorkingDays(p.dueOn, 1 + Math.floor(random() * 6))
    const canFail = p.row.ownerAgencyId !== target.id && (failuresOf.get(p.row.ownerAgencyId) ?? 0) < allowed
    if (p.dueOn < today && wanted !== 'on_time' && canFail) {
      if (wanted === 'late' && lateDay < today) {
        p.outcome = 'late'
        p.respondedOn = lateDay
      } else p.outcome = 'unanswered'
      failuresOf.set(p.row.ownerAgencyId, (failuresOf.get(p.row.ownerAgencyId) ?? 0) + 1)
      continue
    }
    // On time: answered between the day after the issue and the deadline, and before today.
    const last = p.dueOn < today ? p.dueOn : yesterday
    if (firstDay > last || (p.dueOn >= today && random() < 0.5)) continue
    const span = calendar.workingDaysBetween(firstDay, last)
    p.outcome = 'on_time'
    p.respondedOn = calendar.addWorkingDays(firstDay, Math.floor(random() * (span + 1)))
  }

  // One extension approved (answered by its new deadline) and one refused (answered on time).
  const answeredEarly = planned.filter(
    (p) =>
      p.outcome === 'on_time' &&
      p.row.ownerAgencyId !== target.id &&
      p.issuedOn !== null &&
      calendar.addWorkingDays(p.dueOn!, rules.actionResponse) < today &&
      calendar.workingDaysBetween(p.issuedOn, p.dueOn!) >= 6,
  )
  const approved = answeredEarly.at(-1)
  const refused = answeredEarly.at(-3) ?? answeredEarly.at(-2)
  if (approved) {
    const original = approved.dueOn!
    const newDueOn = calendar.addWorkingDays(original, rules.actionResponse)
    const requestedOn = calendar.addWorkingDays(original, -4)
    const decidedOn = calendar.addWorkingDays(original, -3)
    result.extensions.push({
      id: randomUUID(),
      partnershipId,
      actionId: approved.row.id,
      requestedOn,
      requestedById: approved.row.ownerPersonId
        ? (userOfPerson.get(approved.row.ownerPersonId) ?? null)
        : null,
      proposedDueOn: newDueOn,
      reason: 'The agency’s data team needs two more weeks to extract the figures for the last quarter.',
      decision: 'approved',
      decisionReason:
        'Agreed: complete figures matter more than the date, and the group does not meet before the new deadline.',
      newDueOn,
      decidedAt: londonInstant(decidedOn, '11:20'),
      decidedById: recorderId,
      createdAt: londonInstant(requestedOn, '09:45'),
    })
    approved.row.dueOn = newDueOn
    approved.dueOn = newDueOn
    approved.respondedOn = calendar.addWorkingDays(original, 6)
  }
  if (refused && refused !== approved) {
    const dueOn = refused.dueOn!
    const requestedOn = calendar.addWorkingDays(dueOn, -3)
    const proposed = calendar.addWorkingDays(dueOn, 15)
    result.extensions.push({
      id: randomUUID(),
      partnershipId,
      actionId: refused.row.id,
      requestedOn,
      requestedById: refused.row.ownerPersonId ? (userOfPerson.get(refused.row.ownerPersonId) ?? null) : null,
      proposedDueOn: proposed,
      reason: 'The lead officer is on leave for two weeks.',
      decision: 'refused',
      decisionReason:
        'Refused: a colleague can send the agency’s response, and the group needs it before its next meeting.',
      decidedAt: londonInstant(calendar.addWorkingDays(dueOn, -2), '15:10'),
      decidedById: recorderId,
      createdAt: londonInstant(requestedOn, '10:05'),
    })
    refused.respondedOn = dueOn
  }

  // A few older actions, answered on time, were closed by the business team.
  const closable = planned.filter(
    (p) =>
      p.outcome === 'on_time' &&
      p !== approved &&
      p !== refused &&
      p.respondedOn !== null &&
      p.respondedOn < addMonths(today, -2),
  )
  closable
    .filter((_, i) => i % 6 === 2)
    .slice(0, 4)
    .forEach((p, i) => {
      const closedOn = calendar.addWorkingDays(p.respondedOn!, 3)
      p.row.closedAt = londonInstant(closedOn, '16:00')
      p.row.closedReason = closeReasons[i % closeReasons.length] as string
      p.row.closedById = recorderId
    })

  // The responses, and the failures exactly as the nightly sweep writes them.
  let answerCount = 0
  for (const p of planned) {
    result.actions.push(p.row)
    if (p.respondedOn) {
      const late = p.outcome === 'late'
      const texts = late ? lateTexts : onTimeTexts
      const hour = 9 + (answerCount % 8)
      result.responses.push({
        id: randomUUID(),
        partnershipId,
        actionId: p.row.id,
        text: texts[answerCount % texts.length] as string,
        respondedOn: p.respondedOn,
        respondedAt: londonInstant(
          p.respondedOn,
          `${String(hour).padStart(2, '0')}:${answerCount % 2 ? '15' : '40'}`,
        ),
        dueOn: p.row.dueOn,
        byUserId: (p.row.ownerPersonId ? userOfPerson.get(p.row.ownerPersonId) : null) ?? recorderId,
        byPersonId: p.row.ownerPersonId ?? null,
      })
      answerCount++
    }
    const dueOn = p.row.dueOn
    if (!p.row.issueId || !dueOn || dueOn >= today) continue
    const respondedOn = p.respondedOn
    if (respondedOn !== null && respondedOn <= dueOn) continue
    if (respondedOn === null && p.row.closedAt) continue
    const sweptOn = addCalendarDays(dueOn, 1)
    result.failures.push({
      id: randomUUID(),
      partnershipId,
      agencyId: p.row.ownerAgencyId,
      actionId: p.row.id,
      dueOn,
      kind: respondedOn === null ? 'unanswered' : 'late',
      respondedOn,
      createdAt: londonInstant(sweptOn < today ? sweptOn : today, '06:15'),
    })
  }
  await db.transaction((tx) => insertActionsExampleRows(tx, result))
  return result
}

/** Inserts the planned rows, a batch at a time, parents first. */
export async function insertActionsExampleRows(db: DbOrTx, rows: ActionsExampleRows, batchSize = 500) {
  const batches = async <T>(list: readonly T[], insert: (batch: T[]) => Promise<unknown>) => {
    for (let i = 0; i < list.length; i += batchSize) await insert(list.slice(i, i + batchSize))
  }
  await batches(rows.issues, (b) => db.insert(actionMatrixIssues).values(b))
  await batches(rows.actions, (b) => db.insert(actions).values(b))
  await batches(rows.responses, (b) => db.insert(actionResponses).values(b))
  await batches(rows.extensions, (b) => db.insert(actionExtensions).values(b))
  await batches(rows.failures, (b) => db.insert(complianceFailures).values(b))
}
