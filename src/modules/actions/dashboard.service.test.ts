import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import { createCalendarRepository } from '../../platform/calendar/calendar.repository.ts'
import { createCalendar } from '../../platform/calendar/calendar.ts'
import { addCalendarDays } from '../../platform/calendar/dates.ts'
import type { Database } from '../../platform/db/client.ts'
import { defaultRuleSet } from '../../platform/rules/rules.definitions.ts'
import { computeDeadline } from '../../platform/rules/rules.service.ts'
import { TODAY } from '../meetings/meetings.fixtures.ts'
import { minutesDeadlines } from '../meetings/minutes.rules.ts'
import { median, monthsOf, paperDeadline, rangeCalendar } from './dashboard.figures.ts'
import { buildDashboardWorld, type DashboardWorld } from './dashboard.fixtures.ts'
import { dashboardLinks, dashboardPage, defaultPeriod, readFilter, withQuery } from './dashboard.service.ts'

const noDates = { status: 'with_chair' as const, approvedAt: null, circulatedAt: null, agreedAt: null }

describe('dashboard figures', () => {
  let database: Database
  let world: DashboardWorld
  let other: DashboardWorld

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildDashboardWorld(database.db)
    // Another partnership with the same rows: none of its figures may leak into the first's.
    other = await buildDashboardWorld(database.db)
  })
  afterAll(async () => {
    await database.close()
  })

  const admin = () => ({ role: 'administrator' as const, userId: world.accounts.administrator.userId })
  const partner = () => ({ role: 'partner' as const, userId: world.accounts.partner.userId })
  const page = (
    query: Record<string, string> = {},
    viewer: ReturnType<typeof admin | typeof partner> = admin(),
  ) =>
    dashboardPage(database.db, {
      partnershipId: world.partnership.id,
      slug: world.partnership.slug,
      viewer,
      today: TODAY,
      query,
    })

  it('defaults to the 12 months up to today', async () => {
    expect(defaultPeriod(TODAY)).toEqual({ from: '2025-03-03', to: '2026-03-02' })
    const p = await page()
    expect(p.filter).toMatchObject({ from: '2025-03-03', to: '2026-03-02', group: null, agency: null })
    expect(p.period).toBe('3 March 2025 to 2 March 2026')
    expect(p.errors).toBeNull()
  })

  it('counts overdue actions by agency: issued, open, unanswered, due in the period and passed', async () => {
    const { overdue } = await page()
    const { police, school } = world.agencies
    expect(overdue.total).toBe(3)
    expect(overdue.rows.map((r) => [r.agencyName, r.count])).toEqual([
      [police.name, 2],
      [school.name, 1],
    ])
    const slug = world.partnership.slug
    expect(overdue.rows[0]?.href).toBe(
      `/p/${slug}/actions?agency=${police.id}&rag=overdue&from=2025-03-03&to=2026-03-02`,
    )
    expect(overdue.href).toBe(`/p/${slug}/actions?rag=overdue&from=2025-03-03&to=2026-03-02`)
  })

  it('times first responses in working and calendar days, with the share on time and the failures', async () => {
    const { responses } = await page()
    expect(responses).toMatchObject({
      total: 3,
      onTime: 2,
      onTimePercent: 67,
      medianWorkingDays: 9,
      medianCalendarDays: 13,
      failures: 4,
      ruleDays: 10,
    })
    const { council, health, police, school } = world.agencies
    expect(
      responses.rows.map((r) => [
        r.agencyName,
        r.responses,
        r.medianWorkingDays,
        r.medianCalendarDays,
        r.onTime,
        r.onTimePercent,
        r.late,
        r.unanswered,
      ]),
    ).toEqual([
      [council.name, 1, 14, 20, 0, 0, 1, 0],
      [health.name, 1, 4, 6, 1, 100, 0, 0],
      [police.name, 1, 9, 13, 1, 100, 0, 2],
      [school.name, 0, null, null, 0, null, 0, 1],
    ])
    expect(responses.rows[0]?.complianceHref).toBe(
      `/p/${world.partnership.slug}/agencies/${council.id}/compliance?from=2025-03-03&to=2026-03-02`,
    )
  })

  it('counts late papers by month against the deadline, across the clock change and a bank holiday', async () => {
    const { papers } = await page()
    expect(papers).toMatchObject({ total: 10, late: 4, latePercent: 40, ruleDays: 7, lateMeetings: 4 })
    expect(papers.months).toHaveLength(13)
    const filled = papers.months.filter((m) => m.papers > 0)
    expect(filled.map((m) => [m.label, m.meetings, m.papers, m.late, m.anchor])).toEqual([
      ['May 2025', 1, 2, 1, 'late-papers-2025-05'],
      ['Jun 2025', 1, 2, 1, 'late-papers-2025-06'],
      ['Jan 2026', 1, 3, 1, 'late-papers-2026-01'],
      ['Feb 2026', 2, 3, 1, 'late-papers-2026-02'],
    ])
    const slug = world.partnership.slug
    expect(papers.meetings.map((m) => [m.id, m.papers, m.late, m.href])).toEqual([
      [world.meetings.m2.id, 2, 1, `/p/${slug}/meetings/${world.meetings.m2.id}/papers`],
      [world.meetings.m1.id, 3, 1, `/p/${slug}/meetings/${world.meetings.m1.id}/papers`],
      [world.meetings.june.id, 2, 1, `/p/${slug}/meetings/${world.meetings.june.id}/papers`],
      [world.meetings.may.id, 2, 1, `/p/${slug}/meetings/${world.meetings.may.id}/papers`],
    ])
  })

  it('times draft minutes to the chair with the minutes rule, working days and bank holidays included', async () => {
    const { minutes } = await page()
    expect(minutes).toMatchObject({ due: 5, onTime: 2, onTimePercent: 40, ruleDays: 10, behindCount: 3 })
    expect(
      minutes.rows.map((r) => [r.groupName, r.due, r.onTime, r.late, r.overdue, r.onTimePercent]),
    ).toEqual([
      [world.group.name, 4, 2, 1, 1, 50],
      [world.secret.name, 1, 0, 0, 1, 0],
    ])
    expect(minutes.behind.map((b) => [b.id, b.timeliness, b.due, b.lateBy])).toEqual([
      [world.meetings.m2.id, 'overdue', '2026-02-23', 5],
      [world.meetings.secret.id, 'overdue', '2026-02-03', 19],
      [world.meetings.june.id, 'late', '2025-06-30', 2],
    ])
    expect(minutes.behind[2]?.text).toBe('Sent: due 30 June 2025, late by 2 working days')
    expect(minutes.behind[0]?.href).toBe(
      `/p/${world.partnership.slug}/meetings/${world.meetings.m2.id}/minutes`,
    )
    // The same deadline and lateness as the minutes page's own rule (minutesDeadlines).
    const calendar = await createCalendarRepository(database.db).calendarFor(world.partnership.id)
    for (const b of minutes.behind) {
      const meeting = Object.values(world.meetings).find((m) => m.id === b.id)!
      const [toChair] = minutesDeadlines({
        heldOn: meeting.heldOn,
        minutes:
          b.timeliness === 'late' ? { ...noDates, sentToChairAt: new Date('2025-07-02T15:00:00Z') } : null,
        nextMeetingOn: null,
        rules: defaultRuleSet,
        calendar,
        today: TODAY,
      })
      expect([toChair?.due, toChair?.timeliness, toChair?.lateBy]).toEqual([b.due, b.timeliness, b.lateBy])
    }
  })

  it('rates attendance as seats filled over seats recorded, by group', async () => {
    const { attendance } = await page()
    expect(attendance).toMatchObject({ recorded: 8, attended: 5, ratePercent: 63 })
    expect(
      attendance.rows.map((r) => [r.groupName, r.meetings, r.recorded, r.attended, r.ratePercent]),
    ).toEqual([[world.group.name, 2, 8, 5, 63]])
    expect(attendance.rows[0]?.href).toBe(
      `/p/${world.partnership.slug}/attendance-rates?group=${world.group.slug}&from=2025-03-03&to=2026-03-02`,
    )
  })

  it('lists open attendance flags and the period’s letters', async () => {
    const { flags, letters } = await page()
    expect(flags.count).toBe(1)
    expect(flags.rows.map((f) => [f.personName, f.agencyName, f.meetingId])).toEqual([
      [world.people.head.name, world.agencies.school.name, world.meetings.m2.id],
    ])
    expect(flags.href).toBe(`/p/${world.partnership.slug}/attendance-flags`)
    expect(letters).toMatchObject({ count: 2, sent: 1, drafts: 1 })
    expect(letters.rows.map((l) => [l.id, l.failures, l.dateText])).toEqual([
      [world.letters.draft, 0, 'Drafted 2 March 2026, not sent'],
      [world.letters.sent, 1, 'Sent 15 February 2026'],
    ])
    expect(letters.rows[0]?.href).toBe(
      `/p/${world.partnership.slug}/compliance/letters/${world.letters.draft}`,
    )
  })

  it('narrows every figure to a group, and every link carries it', async () => {
    const p = await page({ group: world.group.slug })
    expect(p.filter.group?.id).toBe(world.group.id)
    // Equal counts go by name.
    expect(p.overdue.rows.map((r) => [r.agencyName, r.count])).toEqual([
      [world.agencies.school.name, 1],
      [world.agencies.police.name, 1],
    ])
    expect(p.overdue.rows[1]?.href).toBe(
      `/p/${world.partnership.slug}/actions?agency=${world.agencies.police.id}&rag=overdue&group=${world.group.slug}&from=2025-03-03&to=2026-03-02`,
    )
    expect(p.minutes.rows.map((r) => r.groupName)).toEqual([world.group.name])
    expect(p.responses.failures).toBe(3)
    expect(p.flags.href).toBe(`/p/${world.partnership.slug}/attendance-flags?group=${world.group.slug}`)
  })

  it('narrows to an agency: its actions, failures, seats, flags and letters', async () => {
    const police = world.agencies.police
    const p = await page({ agency: police.id })
    expect(p.overdue.rows.map((r) => [r.agencyName, r.count])).toEqual([[police.name, 2]])
    expect(p.responses.rows.map((r) => r.agencyName)).toEqual([police.name])
    expect(p.attendance).toMatchObject({ recorded: 2, attended: 2, ratePercent: 100 })
    expect(p.flags.count).toBe(0)
    expect(p.letters).toMatchObject({ count: 1, drafts: 1 })
    expect(p.overdue.href).toBe(
      `/p/${world.partnership.slug}/actions?agency=${police.id}&rag=overdue&from=2025-03-03&to=2026-03-02`,
    )
  })

  it('takes a period typed either way, and counts what falls in it', async () => {
    const p = await page({ from: '1/1/2024', to: '2026-03-02' })
    expect(p.filter).toMatchObject({ from: '2024-01-01', to: '2026-03-02' })
    expect(p.overdue.rows.map((r) => [r.agencyName, r.count])).toEqual([
      [world.agencies.police.name, 3],
      [world.agencies.school.name, 1],
    ])
    expect(p.attendance.recorded).toBe(9)
    expect(p.letters.count).toBe(3)
    expect(p.overdue.href).toContain('from=2024-01-01&to=2026-03-02')
  })

  it('leaves a confidential group’s records out for a partner who does not sit on it', async () => {
    const p = await page({}, partner())
    expect(p.groupItems.map((g) => g.value)).not.toContain(world.secret.slug)
    expect(p.overdue.rows.map((r) => [r.agencyName, r.count])).toEqual([
      [world.agencies.school.name, 1],
      [world.agencies.police.name, 1],
    ])
    expect(p.minutes).toMatchObject({ due: 4, onTime: 2, onTimePercent: 50 })
    expect(p.responses.failures).toBe(3)
    // Naming the hidden group is an error, not a way in.
    const named = await page({ group: world.secret.slug }, partner())
    expect(named.errors?.fields.group?.text).toBe('Choose a group from the list')
    expect(named.overdue.total).toBe(2)
  })

  it('reads nothing of another partnership', async () => {
    const p = await dashboardPage(database.db, {
      partnershipId: other.partnership.id,
      slug: other.partnership.slug,
      viewer: { role: 'administrator', userId: other.accounts.administrator.userId },
      today: TODAY,
      query: {},
    })
    expect(p.overdue.total).toBe(3)
    expect(p.attendance.recorded).toBe(8)
    expect(p.letters.count).toBe(2)
    // The first partnership's agency is not a choice here.
    const foreign = await dashboardPage(database.db, {
      partnershipId: other.partnership.id,
      slug: other.partnership.slug,
      viewer: { role: 'administrator', userId: other.accounts.administrator.userId },
      today: TODAY,
      query: { agency: world.agencies.police.id },
    })
    expect(foreign.errors?.fields.agency?.text).toBe('Choose an agency from the list')
    expect(foreign.overdue.total).toBe(3)
  })

  it('draws a chart for each section with figures, and none for an empty one', async () => {
    const p = await page()
    for (const key of ['overdue', 'responses', 'papers', 'minutes', 'attendance'] as const) {
      expect(p.charts[key]).toMatch(/^<svg [^>]*role="img"/)
    }
    const empty = await page({ from: '2020-01-01', to: '2020-12-31' })
    expect(empty.overdue.total).toBe(0)
    expect(empty.papers.total).toBe(0)
    expect(empty.charts).toEqual({ overdue: '', responses: '', papers: '', minutes: '', attendance: '' })
  })
})

describe('dashboard filters', () => {
  const choices = {
    groups: [{ id: 'g1', slug: 'board', name: 'Board' }],
    agencies: [{ id: 'a1', name: 'Police' }],
    hiddenGroupIds: [],
  }

  it('reads a group, an agency and a period', () => {
    const { filter, errors, values } = readFilter(
      { group: 'board', agency: 'a1', from: '1/4/2025', to: '2025-12-31' },
      choices,
      TODAY,
    )
    expect(errors).toBeNull()
    expect(filter).toEqual({
      group: choices.groups[0],
      agency: choices.agencies[0],
      from: '2025-04-01',
      to: '2025-12-31',
    })
    expect(values).toEqual({ group: 'board', agency: 'a1', from: '1/4/2025', to: '2025-12-31' })
  })

  it('reports a date that is not real and keeps what was typed, using the default instead', () => {
    const { filter, errors, values } = readFilter({ from: '31/2/2025' }, choices, TODAY)
    expect(errors?.list).toEqual([
      { text: 'Enter the start of the period as a real date, like 1/4/2025', href: '#from' },
    ])
    expect(filter).toMatchObject({ from: '2025-03-03', to: '2026-03-02' })
    expect(values.from).toBe('31/2/2025')
  })

  it('reports an end before the start', () => {
    const { filter, errors } = readFilter({ from: '2025-06-01', to: '2025-05-01' }, choices, TODAY)
    expect(errors?.fields.to?.text).toBe('The end of the period must be the same as or after its start')
    expect(filter).toMatchObject({ from: '2025-06-01', to: '2026-03-02' })
  })

  it('reports a group or agency that is not among the choices', () => {
    const { filter, errors } = readFilter({ group: 'nope', agency: 'x' }, choices, TODAY)
    expect(errors?.list.map((e) => e.href)).toEqual(['#group', '#agency'])
    expect(filter.group).toBeNull()
    expect(filter.agency).toBeNull()
  })

  it('builds links with only the filters that have a value', () => {
    expect(withQuery('/x', { a: '1', b: '', c: null, d: 'two words' })).toBe('/x?a=1&d=two+words')
    const links = dashboardLinks('t', { group: null, agency: null, from: '2025-01-01', to: '2025-12-31' })
    expect(links.actions({ agency: 'a1', rag: 'overdue' })).toBe(
      '/t/actions?agency=a1&rag=overdue&from=2025-01-01&to=2025-12-31'.replace('/t/', '/p/t/'),
    )
  })

  it('computes medians and months', () => {
    expect(median([])).toBeNull()
    expect(median([5, 1, 3])).toBe(3)
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(monthsOf('2025-11-15', '2026-02-01')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02'])
  })
})

describe('the dashboard’s quick calendar', () => {
  const closures = ['2022-12-28', '2022-12-29', '2022-12-30'].map((day) => ({ day, reason: 'Closed' }))
  const calendar = createCalendar({ closureDays: closures })
  const quick = rangeCalendar(calendar, closures, '2022-08-01', '2023-02-28')
  const days: string[] = []
  for (let d = '2022-08-01'; d <= '2023-01-31'; d = addCalendarDays(d, 1)) days.push(d)

  it('agrees with the calendar, across the Queen’s funeral, Christmas and closure days', () => {
    for (const day of days) {
      expect(quick.isWorkingDay(day), day).toBe(calendar.isWorkingDay(day))
      for (const n of [-3, -1, 1, 2, 10, 15]) {
        expect(quick.addWorkingDays(day, n), `${day} ${n}`).toBe(calendar.addWorkingDays(day, n))
      }
      for (const k of [0, 1, 6, 13, 20]) {
        const to = addCalendarDays(day, k)
        expect(quick.workingDaysBetween(day, to), `${day} ${to}`).toBe(calendar.workingDaysBetween(day, to))
      }
    }
    // A meeting on Mon 12 Sep 2022: 10 working days later skips the funeral on the 19th.
    expect(quick.addWorkingDays('2022-09-12', 10)).toBe('2022-09-27')
  })

  it('gives the papers’ deadline computeDeadline gives', () => {
    for (const papersBeforeMeeting of [7, 10]) {
      const rules = { ...defaultRuleSet, papersBeforeMeeting }
      for (const day of days) {
        expect(paperDeadline(rules, day, quick), day).toBe(
          computeDeadline(rules, 'papersBeforeMeeting', day, calendar).date,
        )
      }
    }
  })
})
