import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { fileTypeFromBuffer } from 'file-type'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import { loadExample } from '../../example.ts'
import { createCalendarRepository } from '../../platform/calendar/calendar.repository.ts'
import type { WorkingCalendar } from '../../platform/calendar/calendar.ts'
import { londonTime } from '../../platform/calendar/london-time.ts'
import { type Database, queryRows } from '../../platform/db/client.ts'
import type { RuleSet } from '../../platform/rules/rules.definitions.ts'
import { computeDeadline, getRuleSet } from '../../platform/rules/rules.service.ts'
import { inviteesOn } from './invitees.ts'
import { isPaperLate } from './papers.rules.ts'

// Times the meetings' part of the example as `loadExample` calls it.
const timing = vi.hoisted(() => ({ ms: Number.NaN }))
vi.mock('./meetings.example.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('./meetings.example.ts')>()
  return {
    ...real,
    loadMeetingsExample: async (...args: Parameters<typeof real.loadMeetingsExample>) => {
      const started = performance.now()
      const rows = await real.loadMeetingsExample(...args)
      timing.ms = performance.now() - started
      return rows
    },
  }
})

// The whole example, loaded as `npm start` loads it, on a Monday in June 2026: a year back takes in
// Christmas, New Year and Easter, and the seats the preset starts in April 2026.
const NOW = new Date('2026-06-15T08:00:00Z')
const TODAY = '2026-06-15'

interface MeetingRow {
  id: string
  group_id: string
  slug: string
  kind: string
  held_on: string
  starts_at: Date
  ends_at: Date
}

describe('the Thurrock example’s meetings', () => {
  let database: Database
  let partnershipId = ''
  let calendar: WorkingCalendar
  let rules: RuleSet
  let all: MeetingRow[] = []
  const dir = mkdtempSync(join(tmpdir(), 'masa-meetings-example-'))
  const rows = <T>(query: ReturnType<typeof sql>) => queryRows<T>(database.db, query)

  beforeAll(async () => {
    database = await createTestDatabase()
    await loadExample(database.db, { dataDir: dir, now: NOW })
    const [p] = await rows<{ id: string }>(sql`select id from partnerships where slug = 'thurrock'`)
    partnershipId = p!.id
    calendar = await createCalendarRepository(database.db).calendarFor(partnershipId)
    rules = await getRuleSet(database.db, partnershipId)
    all = (
      await rows<MeetingRow>(sql`select m.id, m.group_id, g.slug, m.kind, m.held_on::text as held_on,
        m.starts_at, m.ends_at from meetings m join groups g on g.id = m.group_id
        where m.partnership_id = ${partnershipId} order by m.held_on, m.starts_at`)
    ).map((m) => ({ ...m, starts_at: new Date(m.starts_at), ends_at: new Date(m.ends_at) }))
  }, 60_000)
  afterAll(async () => {
    await database.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const ordinary = () => all.filter((m) => m.kind === 'ordinary')
  const held = () => ordinary().filter((m) => m.held_on < TODAY)

  it('loads the meetings at first start in well under 5 seconds', () => {
    expect(timing.ms).toBeLessThan(5000)
  })

  it('gives every open group with a cadence its meetings, on working days at 10:00', () => {
    const count = (slug: string) => ordinary().filter((m) => m.slug === slug).length
    // Eighteen months at each group's cadence: 4 a year (6 or 7) and 6 a year (9 or 10).
    for (const slug of ['strategic-group', 'management-executive-board']) {
      expect(count(slug)).toBeGreaterThanOrEqual(5)
      expect(count(slug)).toBeLessThanOrEqual(7)
    }
    for (const slug of [
      'learning-and-practice-review-group',
      'multi-agency-child-exploitation-group',
      'audit-group',
    ]) {
      expect(count(slug)).toBeGreaterThanOrEqual(8)
      expect(count(slug)).toBeLessThanOrEqual(10)
    }
    // The review group meets when a review needs it: no cadence, no meetings.
    expect(count('individual-practice-review-group')).toBe(0)
    for (const m of all) {
      expect(calendar.isWorkingDay(m.held_on), `${m.slug} on ${m.held_on}`).toBe(true)
      expect(m.ends_at.getTime()).toBeGreaterThan(m.starts_at.getTime())
    }
    for (const m of ordinary()) expect(londonTime(m.starts_at)).toBe('10:00')
    expect(all[0]!.held_on >= '2025-06-15').toBe(true)
    expect(all.at(-1)!.held_on <= '2026-12-31').toBe(true)
    expect(held().length).toBeGreaterThan(20)
  })

  it('builds each agenda from the last minutes, the action log, the standard items and 2–4 topics', async () => {
    const items = await rows<{
      meeting_id: string
      kind: string
      previous_meeting_id: string | null
      decision_needed: boolean
    }>(
      sql`select meeting_id, kind, previous_meeting_id, decision_needed from agenda_items where partnership_id = ${partnershipId}`,
    )
    // Every meeting of the group, extraordinary ones included: the next meeting agrees their minutes.
    const byGroup = Map.groupBy(all, (m) => m.group_id)
    for (const series of byGroup.values()) {
      series.forEach((m, i) => {
        if (m.kind !== 'ordinary') return
        const agenda = items.filter((it) => it.meeting_id === m.id)
        const previous = agenda.find((it) => it.kind === 'previous_minutes')
        expect(previous?.previous_meeting_id ?? null).toBe(i === 0 ? null : series[i - 1]!.id)
        expect(agenda.filter((it) => it.kind === 'action_log')).toHaveLength(1)
        const topics = agenda.filter((it) => it.kind === 'item').length
        expect(topics).toBeGreaterThanOrEqual(2)
        expect(topics).toBeLessThanOrEqual(4)
      })
    }
    const board = ordinary().find((m) => m.slug === 'management-executive-board')!
    expect(
      items.filter((it) => it.meeting_id === board.id && it.kind === 'standard').length,
    ).toBeGreaterThanOrEqual(5)
    expect(items.some((it) => it.decision_needed)).toBe(true)
  })

  it('has papers with a real PDF, most circulated a week before, a few late, some restricted', async () => {
    const papers = await rows<{
      meeting_id: string
      restricted: boolean
      first_circulated_at: string | null
      content: Uint8Array
      size: number
      sha256: string
      content_type: string
    }>(sql`select p.meeting_id, p.restricted, p.first_circulated_at, v.content, v.size, v.sha256, v.content_type
      from papers p join paper_versions v on v.paper_id = p.id and v.version = 1
      where p.partnership_id = ${partnershipId}`)
    const byMeeting = Map.groupBy(papers, (p) => p.meeting_id)
    for (const m of held()) {
      const count = byMeeting.get(m.id)?.length ?? 0
      expect(count).toBeGreaterThanOrEqual(2)
      expect(count).toBeLessThanOrEqual(4)
    }
    const first = papers[0]!
    const content = Buffer.from(first.content)
    expect(first.content_type).toBe('application/pdf')
    expect(first.size).toBe(content.length)
    expect(first.sha256).toBe(createHash('sha256').update(content).digest('hex'))
    expect((await fileTypeFromBuffer(content))?.mime).toBe('application/pdf')
    const heldOn = new Map(all.map((m) => [m.id, m.held_on]))
    let late = 0
    let onTime = 0
    for (const p of papers) {
      const day = heldOn.get(p.meeting_id)!
      if (day >= TODAY) continue
      expect(p.first_circulated_at).not.toBeNull()
      const due = computeDeadline(rules, 'papersBeforeMeeting', day, calendar).date
      if (isPaperLate(new Date(p.first_circulated_at!), due, TODAY)) late++
      else onTime++
    }
    expect(late).toBeGreaterThan(0)
    expect(onTime).toBeGreaterThan(late * 3)
    expect(papers.some((p) => p.restricted)).toBe(true)
  })

  it('records attendance for every seat of the meetings already held, and only for those', async () => {
    const seats = await rows<{
      meeting_id: string
      membership_id: string
      outcome: string
      deputy: string | null
    }>(
      sql`select meeting_id, membership_id, outcome, coalesce(deputy_id::text, deputy_name) as deputy
        from attendance where partnership_id = ${partnershipId}`,
    )
    const heldIds = new Set(held().map((m) => m.id))
    expect(seats.every((s) => heldIds.has(s.meeting_id))).toBe(true)
    for (const m of held()) {
      const invitees = await inviteesOn(database.db, m.group_id, m.held_on)
      const recorded = seats.filter((s) => s.meeting_id === m.id).map((s) => s.membership_id)
      expect(recorded.sort()).toEqual(invitees.map((i) => i.membershipId).sort())
    }
    const outcomes = new Set(seats.map((s) => s.outcome))
    expect([...outcomes].sort()).toEqual(['absent', 'apologies', 'deputy', 'present'])
    expect(seats.filter((s) => s.outcome === 'present').length).toBeGreaterThan(seats.length / 2)
    expect(seats.filter((s) => s.outcome === 'deputy').every((s) => s.deputy)).toBe(true)
    // A seat empty (no member, no deputy) at two consecutive meetings of its group.
    const empty = new Set(
      seats
        .filter((s) => s.outcome === 'apologies' || s.outcome === 'absent')
        .map((s) => `${s.meeting_id}/${s.membership_id}`),
    )
    const twice = [...Map.groupBy(held(), (m) => m.group_id).values()].some((series) =>
      series.some((m, i) => {
        const next = series[i + 1]
        return (
          next !== undefined &&
          seats.some(
            (s) =>
              s.meeting_id === m.id &&
              empty.has(`${m.id}/${s.membership_id}`) &&
              empty.has(`${next.id}/${s.membership_id}`),
          )
        )
      }),
    )
    expect(twice).toBe(true)
  })

  it('has minutes in every state: agreed at the next meeting, the latest on their way, one late to the chair', async () => {
    const list = await rows<{
      meeting_id: string
      status: string
      sent_to_chair_at: string | null
      agreed_at_meeting_id: string | null
    }>(
      sql`select meeting_id, status, sent_to_chair_at, agreed_at_meeting_id from minutes where partnership_id = ${partnershipId}`,
    )
    expect(list.map((m) => m.meeting_id).sort()).toEqual(
      held()
        .map((m) => m.id)
        .sort(),
    )
    expect(new Set(list.map((m) => m.status))).toEqual(
      new Set(['agreed', 'circulated', 'approved', 'with_chair', 'drafting']),
    )
    for (const series of Map.groupBy(ordinary(), (m) => m.group_id).values()) {
      series.forEach((m, i) => {
        const row = list.find((x) => x.meeting_id === m.id)
        if (row?.status !== 'agreed') return
        expect(row.agreed_at_meeting_id).toBe(series[i + 1]?.id)
        expect(series[i + 1]!.held_on < TODAY).toBe(true)
      })
    }
    const lateToChair = list.filter((row) => {
      const m = all.find((x) => x.id === row.meeting_id)!
      const due = computeDeadline(rules, 'draftMinutesToChair', m.held_on, calendar).date
      return (
        row.status === 'with_chair' &&
        row.sent_to_chair_at &&
        new Date(row.sent_to_chair_at).toISOString().slice(0, 10) > due
      )
    })
    expect(lateToChair.length).toBeGreaterThanOrEqual(1)
  })

  it('records decisions with their notice, one deferred, one referred and one objected to', async () => {
    const list = await rows<{
      id: string
      meeting_id: string
      reference: string
      outcome: string
      implementation_on: string | null
      deferred_to_meeting_id: string | null
    }>(sql`select id, meeting_id, reference, outcome, implementation_on::text as implementation_on, deferred_to_meeting_id
      from decisions where partnership_id = ${partnershipId}`)
    expect(list.length).toBeGreaterThan(10)
    expect(new Set(list.map((d) => d.reference)).size).toBe(list.length)
    for (const d of list) {
      const m = all.find((x) => x.id === d.meeting_id)!
      expect(m.held_on < TODAY).toBe(true)
      expect(d.reference).toMatch(new RegExp(`^D${m.held_on.slice(0, 4)}-\\d{3}$`))
      if (d.outcome !== 'consensus') continue
      const notice = computeDeadline(rules, 'decisionNotice', m.held_on, calendar).date
      expect(d.implementation_on! >= notice, `${d.reference}: ${d.implementation_on} before ${notice}`).toBe(
        true,
      )
    }
    expect(
      list.filter((d) => d.outcome === 'consensus' && d.implementation_on! <= TODAY).length,
    ).toBeGreaterThan(3)
    const deferred = list.filter((d) => d.outcome === 'deferred')
    expect(deferred).toHaveLength(1)
    const from = all.find((m) => m.id === deferred[0]!.meeting_id)!
    const to = all.find((m) => m.id === deferred[0]!.deferred_to_meeting_id)!
    expect(to.group_id).toBe(from.group_id)
    expect(to.held_on > from.held_on).toBe(true)
    expect(list.filter((d) => d.outcome === 'referred')).toHaveLength(1)
    const objections = await rows<{
      decision_id: string
      received_on: string
      statutory_role: string | null
    }>(
      sql`select o.decision_id, o.received_on::text as received_on, a.statutory_role
        from decision_objections o join agencies a on a.id = o.agency_id where o.partnership_id = ${partnershipId}`,
    )
    expect(objections).toHaveLength(1)
    const objected = list.find((d) => d.id === objections[0]!.decision_id)!
    expect(objections[0]!.statutory_role).not.toBeNull()
    expect(objections[0]!.received_on < objected.implementation_on!).toBe(true)
    expect(objections[0]!.received_on <= TODAY).toBe(true)
  })

  it('has a request for an extraordinary meeting that stands and is scheduled, and one awaiting support', async () => {
    const requests = await rows<{
      id: string
      group_id: string
      received_on: string
      supporters: number
      partner_supporters: number
    }>(sql`select r.id, r.group_id, r.received_on::text as received_on,
        (select count(*)::int from extraordinary_supporters s where s.request_id = r.id) as supporters,
        (select count(*)::int from extraordinary_supporters s
          join memberships ms on ms.person_id = s.person_id and ms.group_id = r.group_id and ms.role <> 'deputy'
          join agencies a on a.id = ms.agency_id and a.statutory_role is not null
          where s.request_id = r.id) as partner_supporters
      from extraordinary_requests r where r.partnership_id = ${partnershipId} order by r.received_on`)
    expect(requests).toHaveLength(2)
    const [stands, waiting] = requests as [(typeof requests)[number], (typeof requests)[number]]
    expect(stands.partner_supporters).toBe(2)
    const meeting = all.find((m) => m.kind === 'extraordinary')!
    const [link] = await rows<{ extraordinary_request_id: string }>(
      sql`select extraordinary_request_id from meetings where id = ${meeting.id}`,
    )
    expect(link?.extraordinary_request_id).toBe(stands.id)
    expect(meeting.group_id).toBe(stands.group_id)
    expect(meeting.held_on > TODAY).toBe(true)
    expect(
      meeting.held_on <=
        computeDeadline(rules, 'extraordinaryMeetingWithin', stands.received_on, calendar).date,
    ).toBe(true)
    expect(waiting.supporters).toBeLessThan(rules.extraordinaryMeetingSupporters)
    expect(all.filter((m) => m.kind === 'extraordinary')).toHaveLength(1)
  })
})
