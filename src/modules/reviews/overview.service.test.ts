import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../../platform/db/client.ts'
import { buildOverviewWorld, type OverviewWorld } from './overview.fixtures.ts'
import { reportCsv, reportPage } from './overview.report.ts'
import { boardPage, lastCompleteYear, mayUseOverview, reportingYear, yearOf } from './overview.service.ts'
import type { ReviewViewer } from './reviews.access.ts'
import { TODAY } from './reviews.fixtures.ts'

describe('reporting years', () => {
  it('runs April to March, named by its April; the default is the last complete one', () => {
    expect(reportingYear(2025)).toEqual({
      start: 2025,
      from: '2025-04-01',
      to: '2026-03-31',
      label: 'April 2025 to March 2026',
    })
    expect(yearOf('2026-03-31')).toBe(2025)
    expect(yearOf('2026-04-01')).toBe(2026)
    expect(lastCompleteYear('2026-03-02')).toBe(2024)
    expect(lastCompleteYear('2026-04-01')).toBe(2025)
    expect(lastCompleteYear('2026-06-15')).toBe(2025)
  })
})

describe('the reviews overview', () => {
  let database: Database
  let world: OverviewWorld
  const team = (): ReviewViewer => ({ role: 'business_team', userId: world.accounts.businessTeam.userId })
  const input = (viewer: ReviewViewer, query: Record<string, unknown> = {}) => ({
    partnershipId: world.partnership.id,
    slug: world.partnership.slug,
    viewer,
    today: TODAY,
    query,
  })

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildOverviewWorld(database.db)
  })
  afterAll(async () => {
    await database.close()
  })

  it('is for the business team, the partners and panel members only', async () => {
    const may = (role: 'partner' | 'member' | 'scrutineer' | 'business_team', userId: string) =>
      mayUseOverview(database.db, world.partnership.id, { role, userId })
    expect(await may('business_team', world.accounts.businessTeam.userId)).toBe(true)
    expect(await may('partner', world.accounts.partner.userId)).toBe(true)
    expect(await may('member', world.accounts.head.userId)).toBe(true)
    expect(await may('member', world.accounts.otherMember.userId)).toBe(false)
    expect(await may('scrutineer', world.accounts.scrutineer.userId)).toBe(false)
  })

  it('puts every case under its stage with its next deadline, and filters by stage and year', async () => {
    const board = await boardPage(database.db, input(team()))
    const counts = Object.fromEntries(board.stages.map((s) => [s.key, s.count]))
    expect(counts).toEqual({
      notification: 1,
      rapid_review: 1,
      decision: 0,
      review: 2,
      sending: 0,
      closed: 3,
    })
    const rapid = board.stages.find((s) => s.key === 'rapid_review')!.cases[0]!
    expect(rapid.reference).toBe(world.cases.b.reference)
    expect(rapid.next?.label).toBe('Rapid review completed')
    expect(rapid.next?.due).toBe('3 October 2025')
    expect(rapid.next?.tag.text).toMatch(/^Overdue by \d+ working days$/)
    expect(rapid.next?.explanation).not.toBe('')
    const notification = board.stages.find((s) => s.key === 'notification')!.cases[0]!
    expect(notification.next?.tag.text).toBe('Due 2 March 2026')
    const review = board.stages.find((s) => s.key === 'review')!.cases
    expect(review.map((c) => c.decision)).toContain('Single-agency review')
    expect(review.find((c) => c.reference === world.cases.e.reference)?.procedure).toMatch(
      /^Serious Case Review/,
    )

    // The year 2025 leaves out F, closed in June 2024; a stage narrows the sections shown.
    const year = await boardPage(database.db, input(team(), { year: '2025', stage: 'closed' }))
    expect(year.total).toBe(2)
    expect(year.stages.filter((s) => s.shown).map((s) => s.key)).toEqual(['closed'])
    expect(
      year.stages
        .find((s) => s.key === 'closed')!
        .cases.map((c) => c.reference)
        .sort(),
    ).toEqual([world.cases.a.reference, world.cases.d.reference].sort())
    expect(year.timeline.map((r) => r.reference)).toEqual([world.cases.d.reference, world.cases.a.reference])
    expect(year.period).toBe('April 2025 to March 2026')

    const bad = await boardPage(database.db, input(team(), { year: 'soon', stage: 'nowhere' }))
    expect(bad.errors?.list.map((e) => e.href)).toEqual(['#stage', '#year'])
    expect(bad.total).toBe(7)
  })

  it('draws the timeline with its table: one row per case, marks for deadlines met and missed', async () => {
    const board = await boardPage(database.db, input(team(), { year: '2025' }))
    expect(board.timeline).toHaveLength(6)
    expect(board.chart).toContain('role="img"')
    expect(board.chart).toContain(
      '<title id="timeline-title">Timeline of cases, April 2025 to March 2026</title>',
    )
    expect(board.chart).toContain('<desc id="timeline-desc">6 cases')
    expect(board.chart).not.toContain('<style')
    const a = board.timeline.find((r) => r.reference === world.cases.a.reference)!
    expect(a.start).toBe('2 June 2025')
    expect(a.end).toBe('15 December 2025')
    expect(a.deadlines.map((d) => [d.label, d.state])).toEqual([
      ['Serious incident notified to the national panel', 'met'],
      ['Rapid review completed', 'met'],
      ['Report sent to the national panel', 'met'],
      ['Report sent to Foundations (the What Works Centre)', 'missed'],
      ['Local review published', 'met'],
    ])
    const c = board.timeline.find((r) => r.reference === world.cases.c.reference)!
    expect(c.end).toBeNull()
    expect(c.deadlines.map((d) => d.state)).toEqual(['still to come'])
  })

  it('shows a panel member only the cases of their panel', async () => {
    const head: ReviewViewer = { role: 'member', userId: world.accounts.head.userId }
    const board = await boardPage(database.db, input(head))
    expect(board.total).toBe(1)
    expect(board.timeline.map((r) => r.reference)).toEqual([world.cases.b.reference])
    const report = await reportPage(database.db, input(head, { year: '2025' }))
    expect(report.notified.total).toBe(1)
    expect(report.sends.total).toBe(0)
    expect(report.recommendations.total).toBe(0)
  })

  it('counts what the annual report needs for the year', async () => {
    const r = await reportPage(database.db, input(team(), { year: '2025' }))
    expect(r.year.label).toBe('April 2025 to March 2026')
    expect([r.notified.total, r.notified.onTime]).toEqual([3, 2])
    expect([r.rapid.total, r.rapid.onTime]).toEqual([2, 2])
    expect(r.decisions.total).toBe(2)
    expect(Object.fromEntries(r.decisions.kinds.map((k) => [k.key, k.count]))).toEqual({
      local_review: 1,
      national_review: 0,
      single_agency: 1,
      other_learning: 0,
      no_further_review: 0,
    })
    expect([r.localStarted.total, r.localPublished.total, r.localPublished.onTime]).toEqual([1, 1, 1])
    expect([r.sends.total, r.sends.onTime]).toEqual([2, 1])
    expect(r.sends.recipients.map((x) => [x.sent, x.onTime])).toEqual([
      [2, 2],
      [2, 1],
    ])
    expect(r.recommendations).toMatchObject({ total: 2, actions: 2, open: 1, closed: 1 })
    expect(r.briefings.rows.map((b) => b.title)).toEqual(['Seven-minute briefing: Child A'])
    expect(r.external.rows.map((e) => e.title)).toEqual(['National review of infants at risk'])
    expect(r.scrs).toMatchObject({ total: 2, published: 1 })
    expect(r.openInYear).toBe(6)
    expect(
      r.notified.cases.map((c) => c.href).every((h) => h.startsWith(`/p/${world.partnership.slug}/reviews/`)),
    ).toBe(true)
  })

  it('defaults to the last complete year (April 2024 to March 2025) and says a bad year is wrong', async () => {
    const r = await reportPage(database.db, input(team()))
    expect(r.year.start).toBe(2024)
    expect(r.isDefault).toBe(true)
    expect(r.notified.total).toBe(1)
    expect(r.decisions.kinds.find((k) => k.key === 'no_further_review')?.count).toBe(1)
    const bad = await reportPage(database.db, input(team(), { year: '20x5' }))
    expect(bad.errors?.list[0]?.href).toBe('#year')
    expect(bad.year.start).toBe(2024)
  })

  it('gives the year’s cases as CSV, one row each', async () => {
    const csv = await reportCsv(database.db, { ...input(team()), year: reportingYear(2025) })
    const lines = csv.trimEnd().split('\r\n')
    expect(lines[0]).toMatch(/^Reference,Procedure,Stage,Decision,/)
    expect(lines).toHaveLength(7)
    const a = lines.find((l) => l.startsWith(`${world.cases.a.reference},`))!
    expect(a).toContain('2025-12-15')
    expect(a).toContain('Late by')
  })
})
