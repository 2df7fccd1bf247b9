import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import { loadExample } from '../../example.ts'
import { createCalendarRepository } from '../../platform/calendar/calendar.repository.ts'
import type { WorkingCalendar } from '../../platform/calendar/calendar.ts'
import { addMonths } from '../../platform/calendar/dates.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import { type Database, queryRows } from '../../platform/db/client.ts'
import { createOutbox } from '../../platform/notify/notify.service.ts'
import type { RuleSet } from '../../platform/rules/rules.definitions.ts'
import { computeDeadline, getRuleSet } from '../../platform/rules/rules.service.ts'
import type { ActionsExampleRows } from './actions.example.ts'
import { agenciesDue, agencyCompliance } from './compliance.service.ts'
import { sweepFailures } from './compliance.sweep.ts'
import { answerAction } from './responses.service.ts'

// Times the actions' part of the example as `loadExample` calls it, and keeps what it wrote.
const loaded = vi.hoisted(() => ({ ms: Number.NaN, rows: null as ActionsExampleRows | null }))
vi.mock('./actions.example.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('./actions.example.ts')>()
  return {
    ...real,
    loadActionsExample: async (...args: Parameters<typeof real.loadActionsExample>) => {
      const started = performance.now()
      const rows = await real.loadActionsExample(...args)
      loaded.ms = performance.now() - started
      loaded.rows = rows
      return rows
    },
  }
})

// The whole example as `npm start` loads it, on a Monday in June 2026 (a year back takes in
// Christmas, New Year, Easter and the May bank holidays).
const NOW = new Date('2026-06-15T08:00:00Z')
const TODAY = '2026-06-15'

interface ActionRow {
  id: string
  reference: string
  description: string
  meeting_id: string
  held_on: string
  agenda_item_id: string | null
  decision_id: string | null
  item_meeting_id: string | null
  owner_agency_id: string
  owner_person_id: string | null
  person_agency_id: string | null
  issue_id: string | null
  issued_on: string | null
  due_on: string | null
  issue_issued_on: string | null
  issue_due_on: string | null
  closed_at: Date | null
  closed_reason: string | null
  answered: boolean
}

describe('the Thurrock example’s actions', () => {
  let database: Database
  let partnershipId = ''
  let calendar: WorkingCalendar
  let rules: RuleSet
  let all: ActionRow[] = []
  const dir = mkdtempSync(join(tmpdir(), 'masa-actions-example-'))
  const rows = <T>(query: ReturnType<typeof sql>) => queryRows<T>(database.db, query)

  beforeAll(async () => {
    database = await createTestDatabase()
    await loadExample(database.db, { dataDir: dir, now: NOW })
    const [p] = await rows<{ id: string }>(sql`select id from partnerships where slug = 'thurrock'`)
    partnershipId = p!.id
    calendar = await createCalendarRepository(database.db).calendarFor(partnershipId)
    rules = await getRuleSet(database.db, partnershipId)
    all = await rows<ActionRow>(sql`select a.id, a.reference, a.description, a.meeting_id,
        m.held_on::text as held_on, a.agenda_item_id, a.decision_id, ai.meeting_id as item_meeting_id,
        a.owner_agency_id, a.owner_person_id, pe.agency_id as person_agency_id,
        a.issue_id, a.issued_on::text as issued_on, a.due_on::text as due_on,
        i.issued_on::text as issue_issued_on, i.due_on::text as issue_due_on,
        a.closed_at, a.closed_reason,
        exists (select 1 from action_responses r where r.action_id = a.id and r.due_on = a.due_on) as answered
      from actions a join meetings m on m.id = a.meeting_id
      left join agenda_items ai on ai.id = a.agenda_item_id
      left join people pe on pe.id = a.owner_person_id
      left join action_matrix_issues i on i.id = a.issue_id
      where a.partnership_id = ${partnershipId} order by a.reference`)
  }, 60_000)
  afterAll(async () => {
    await database.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('loads at first start in well under 2 seconds', () => {
    expect(loaded.ms).toBeLessThan(2000)
    expect(loaded.rows?.actions.length).toBe(all.length)
  })

  it('has a plausible number of actions from the held meetings’ items and decisions', async () => {
    expect(all.length).toBeGreaterThanOrEqual(40)
    expect(all.length).toBeLessThanOrEqual(200)
    expect(all.every((a) => a.held_on < TODAY)).toBe(true)
    expect(all.every((a) => a.agenda_item_id && a.item_meeting_id === a.meeting_id)).toBe(true)
    expect(all.filter((a) => a.decision_id).length).toBeGreaterThanOrEqual(10)
    const [held] = await rows<{ n: number }>(sql`select count(*)::int as n from meetings
      where partnership_id = ${partnershipId} and held_on < ${TODAY}::date`)
    expect(new Set(all.map((a) => a.meeting_id)).size).toBe(held!.n)
    const agencies = new Set(all.map((a) => a.owner_agency_id))
    expect(agencies.size).toBeGreaterThanOrEqual(8)
    // Owner people come from the owner agency.
    const owned = all.filter((a) => a.owner_person_id)
    expect(owned.length).toBeGreaterThan(all.length / 3)
    expect(owned.every((a) => a.person_agency_id === a.owner_agency_id)).toBe(true)
  })

  it('numbers them A<year>-<nnnn> through each year, in the order the meetings were held', () => {
    expect(all.every((a) => /^A\d{4}-\d{4}$/.test(a.reference))).toBe(true)
    expect(new Set(all.map((a) => a.reference)).size).toBe(all.length)
    const byHeld = [...all].sort((a, b) =>
      a.held_on === b.held_on ? (a.reference < b.reference ? -1 : 1) : a.held_on < b.held_on ? -1 : 1,
    )
    const years = Map.groupBy(byHeld, (a) => a.reference.slice(1, 5))
    for (const [year, list] of years) {
      expect(list.every((a) => a.held_on.startsWith(year))).toBe(true)
      expect(list.map((a) => Number(a.reference.slice(6)))).toEqual(list.map((_, i) => i + 1))
    }
  })

  it('issues each meeting’s matrix a few working days after it, due by the rule, but for the latest meeting’s last actions', async () => {
    const issues = await rows<{ meeting_id: string; held_on: string; issued_on: string; due_on: string }>(sql`
      select i.meeting_id, m.held_on::text as held_on, i.issued_on::text as issued_on, i.due_on::text as due_on
      from action_matrix_issues i join meetings m on m.id = i.meeting_id where i.partnership_id = ${partnershipId}`)
    expect(issues.length).toBeGreaterThanOrEqual(15)
    expect(new Set(issues.map((i) => i.meeting_id)).size).toBe(issues.length)
    for (const issue of issues) {
      expect(calendar.isWorkingDay(issue.issued_on)).toBe(true)
      expect(calendar.workingDaysBetween(issue.held_on, issue.issued_on)).toBeGreaterThanOrEqual(2)
      expect(calendar.workingDaysBetween(issue.held_on, issue.issued_on)).toBeLessThanOrEqual(4)
      expect(issue.issued_on < TODAY).toBe(true)
      expect(issue.due_on).toBe(calendar.addWorkingDays(issue.issued_on, 10))
      expect(issue.due_on).toBe(computeDeadline(rules, 'actionResponse', issue.issued_on, calendar).date)
    }
    // Each issued action carries its issue's dates (the deadline moved only by an approved extension).
    const issued = all.filter((a) => a.issue_id)
    expect(issued.every((a) => a.issued_on === a.issue_issued_on)).toBe(true)
    expect(issued.filter((a) => a.due_on !== a.issue_due_on)).toHaveLength(1)
    // Some of the latest meeting's actions are not issued yet, and only those.
    const latest = [...all].sort((a, b) => (a.held_on < b.held_on ? -1 : 1)).at(-1)!.meeting_id
    const notIssued = all.filter((a) => !a.issue_id)
    expect(notIssued.length).toBeGreaterThan(0)
    expect(notIssued.every((a) => a.meeting_id === latest && a.due_on === null)).toBe(true)
  })

  it('has answers on working days, never before the issue nor in the future, most of them on time', async () => {
    const responses = await rows<{
      action_id: string
      responded_on: string
      responded_at: Date
      due_on: string | null
      action_due_on: string | null
      issued_on: string | null
      by_person_id: string | null
      owner_person_id: string | null
    }>(sql`select r.action_id, r.responded_on::text as responded_on, r.responded_at, r.due_on::text as due_on,
        a.due_on::text as action_due_on, a.issued_on::text as issued_on, r.by_person_id, a.owner_person_id
      from action_responses r join actions a on a.id = r.action_id where r.partnership_id = ${partnershipId}`)
    expect(responses.length).toBeGreaterThan(all.length / 2)
    for (const r of responses) {
      expect(calendar.isWorkingDay(r.responded_on)).toBe(true)
      expect(r.issued_on).not.toBeNull()
      expect(r.responded_on > r.issued_on!).toBe(true)
      expect(r.responded_on < TODAY).toBe(true)
      expect(new Date(r.responded_at).getTime()).toBeLessThan(NOW.getTime())
      expect(londonDate(new Date(r.responded_at))).toBe(r.responded_on)
      expect(r.due_on).toBe(r.action_due_on)
      expect(r.by_person_id).toBe(r.owner_person_id)
    }
    expect(new Set(responses.map((r) => r.action_id)).size).toBe(responses.length)
    const late = responses.filter((r) => r.responded_on > r.due_on!)
    const onTime = responses.filter((r) => r.responded_on <= r.due_on!)
    expect(late.length).toBeGreaterThanOrEqual(2)
    expect(onTime.length).toBeGreaterThan(3 * late.length)
    // Some actions are still waiting for an answer, their deadline to come.
    expect(all.some((a) => a.issue_id && !a.answered && a.due_on! >= TODAY)).toBe(true)
  })

  it('records failures exactly as the nightly sweep would: running it adds nothing', async () => {
    const failures = await rows<{
      kind: string
      due_on: string
      responded_on: string | null
      action_due_on: string
      first_on: string | null
      closed: boolean
    }>(sql`select f.kind, f.due_on::text as due_on, f.responded_on::text as responded_on,
        a.due_on::text as action_due_on, a.closed_at is not null as closed,
        (select min(r.responded_on)::text from action_responses r where r.action_id = a.id) as first_on
      from compliance_failures f join actions a on a.id = f.action_id where f.partnership_id = ${partnershipId}`)
    const late = failures.filter((f) => f.kind === 'late')
    const unanswered = failures.filter((f) => f.kind === 'unanswered')
    expect(late.length).toBeGreaterThanOrEqual(2)
    expect(unanswered.length).toBeGreaterThanOrEqual(2)
    for (const f of failures) {
      expect(f.due_on).toBe(f.action_due_on)
      expect(f.due_on < TODAY).toBe(true)
      expect(f.responded_on).toBe(f.first_on)
      if (f.kind === 'late') expect(f.responded_on! > f.due_on).toBe(true)
      else expect(f.closed).toBe(false)
    }
    expect(await sweepFailures(database.db, { now: NOW })).toEqual({
      unanswered: 0,
      late: 0,
      answeredLate: 0,
    })
    const [count] = await rows<{ n: number }>(
      sql`select count(*)::int as n from compliance_failures where partnership_id = ${partnershipId}`,
    )
    expect(count!.n).toBe(failures.length)
  })

  it('closes a few actions with a reason, and has one extension approved and one refused', async () => {
    const closed = all.filter((a) => a.closed_at)
    expect(closed.length).toBeGreaterThanOrEqual(2)
    expect(closed.length).toBeLessThanOrEqual(5)
    expect(closed.every((a) => a.closed_reason && a.answered)).toBe(true)
    expect(closed.every((a) => new Date(a.closed_at!).getTime() < NOW.getTime())).toBe(true)
    const extensions = await rows<{
      action_id: string
      decision: string
      requested_on: string
      proposed_due_on: string
      new_due_on: string | null
      decided_at: Date
      decision_reason: string
      issue_due_on: string
      due_on: string
    }>(sql`select e.action_id, e.decision, e.requested_on::text as requested_on,
        e.proposed_due_on::text as proposed_due_on, e.new_due_on::text as new_due_on, e.decided_at,
        e.decision_reason, i.due_on::text as issue_due_on, a.due_on::text as due_on
      from action_extensions e join actions a on a.id = e.action_id join action_matrix_issues i on i.id = a.issue_id
      where e.partnership_id = ${partnershipId} order by e.decision`)
    expect(extensions.map((e) => e.decision)).toEqual(['approved', 'refused'])
    const [approved, refused] = extensions as [(typeof extensions)[0], (typeof extensions)[0]]
    expect(approved.new_due_on).toBe(approved.due_on)
    expect(approved.new_due_on! > approved.issue_due_on).toBe(true)
    expect(refused.new_due_on).toBeNull()
    expect(refused.due_on).toBe(refused.issue_due_on)
    for (const e of extensions) {
      expect(e.decision_reason).not.toBe('')
      expect(calendar.isWorkingDay(e.requested_on)).toBe(true)
      expect(e.requested_on < e.issue_due_on).toBe(true)
      expect(londonDate(new Date(e.decided_at)) < e.issue_due_on).toBe(true)
      expect(all.find((a) => a.id === e.action_id)?.answered).toBe(true)
    }
  })

  it('gives Essex Police one late answer in the window and one overdue action: its answer now is the second late one', async () => {
    const [police] = await rows<{ id: string; name: string }>(
      sql`select id, name from agencies where partnership_id = ${partnershipId} and statutory_role = 'police'`,
    )
    expect(police!.name).toBe('Essex Police')
    expect(loaded.rows?.escalationAgencyId).toBe(police!.id)
    const before = await agencyCompliance(database.db, partnershipId, police!.id, TODAY)
    expect(before.failures.map((f) => f.kind).sort()).toEqual(['late', 'unanswered'])
    expect(before.failures.every((f) => f.inWindow && f.pending)).toBe(true)
    const overdue = all.filter(
      (a) =>
        a.owner_agency_id === police!.id && a.issue_id && !a.closed_at && !a.answered && a.due_on! < TODAY,
    )
    expect(overdue.map((a) => a.id)).toEqual([loaded.rows?.overdueActionId])
    expect(before.failures.find((f) => f.kind === 'unanswered')?.actionId).toBe(overdue[0]!.id)
    const late = before.failures.find((f) => f.kind === 'late')!
    expect(late.dueOn >= addMonths(TODAY, -12)).toBe(true)
    // No other agency has reached the escalation rule.
    const due = await agenciesDue(database.db, TODAY, { partnershipId })
    expect(due.map((d) => d.agencyName)).toEqual(['Essex Police'])
    expect(due[0]!.allLate).toBe(false)

    // The business team records the overdue action's answer now: both failures are late answers.
    const [admin] = await rows<{ id: string }>(
      sql`select id from users where email = 'admin@thurrock.example'`,
    )
    const now = new Date(NOW.getTime() + 3_600_000)
    await answerAction(
      database.db,
      createOutbox({ db: database.db, now: () => now }),
      { partnershipId, actorId: admin!.id, now },
      {
        answer: {
          actionId: overdue[0]!.id,
          text: 'Done, late: the briefing has gone to every team.',
          file: null,
        },
        personId: null,
        slug: 'thurrock',
        context: { publicUrl: 'http://localhost' },
      },
    )
    const after = await agencyCompliance(database.db, partnershipId, police!.id, TODAY)
    expect(after.failures.map((f) => f.kind)).toEqual(['late', 'late'])
    expect(after.letterDue).toBe(true)
    expect(after.prompt).toMatch(/^Essex Police has responded late twice since /)
  })

  it('never names a child', () => {
    // Cases are known by references such as RR-26-04; no description names anyone.
    expect(all.every((a) => !/\bChild [A-Z][a-z]+/.test(a.description))).toBe(true)
  })
})
