import { eq, type SQL, sql } from 'drizzle-orm'
import { PgDialect } from 'drizzle-orm/pg-core'
import { dashboardPage } from '../src/modules/actions/dashboard.service.ts'
import { examplePdf } from '../src/modules/meetings/meetings.example.pdf.ts'
import { londonDay } from '../src/modules/partnership/agencies.problems.ts'
import { partnerships } from '../src/modules/partnership/partnership.table.ts'
import { type Role, users } from '../src/platform/auth/auth.table.ts'
import { bankHolidays } from '../src/platform/calendar/bank-holidays.ts'
import { addCalendarDays, addMonths } from '../src/platform/calendar/dates.ts'
import type { Db, DbOrTx } from '../src/platform/db/client.ts'
// Types only: generate.ts appends these steps, so a value import would be a cycle.
import type { GeneratorContext, GeneratorStep } from './generate.ts'

/**
 * Ten years of history for every synthetic partnership, in SQL (`insert … select`, a handful of
 * statements per step, no round trip per row), on top of the year of meetings bench/meetings.ts
 * plans: seats filled back to the first year, the groups' earlier meetings with attendance,
 * papers and minutes, and the action matrix of every meeting held: actions, their issues,
 * responses (most on time, some late, some never), compliance failures, a few escalation letters
 * and the attendance flags the rule raises. About 600,000 actions and 1,200,000 attendance records
 * at 150 partnerships × 10 years.
 *
 * Simplifications, said here so nobody mistakes them for the product's rules: earlier meetings
 * move off weekends, bank holidays and the Christmas closure by a day; an issue goes out two
 * working days after its meeting and is due after the rule's working days, counted on one
 * working-day calendar for all partnerships (they share their closure days); papers' and
 * minutes' dates are counted in calendar days around the rule.
 */

/** The partnership the dashboard is measured on, and how its administrator signs in. */
export const DASHBOARD_SLUG = 'p-001'
export const DASHBOARD_PATH = `/p/${DASHBOARD_SLUG}/dashboard`
export const dashboardAccount = (role: Role = 'administrator') =>
  `${DASHBOARD_SLUG}.${role.replace('_', '-')}.1@bench.example`

/** A date the generator computed, as an SQL literal (dates cannot be parameters in CREATE TABLE AS). */
function day(value: string): SQL {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new Error(`Not a date: ${value}`)
  return sql.raw(`'${value}'::date`)
}

/** The synthetic partnerships' ids, as a condition on a `partnership_id` column. */
const synthetic = (column: SQL) => sql`${column} in (select id from partnerships where slug like 'p-%')`

/** Bank holidays from `from`'s year to `to`'s, as an SQL array literal. */
function bankHolidayArray(from: string, to: string): SQL {
  const days: string[] = []
  for (let y = Number(from.slice(0, 4)); y <= Number(to.slice(0, 4)); y++)
    days.push(...bankHolidays(y).keys())
  return sql.raw(`'{${days.join(',')}}'::date[]`)
}

const dialect = new PgDialect()

/**
 * Readies a transaction for bulk inserts: fresh statistics on the tables it reads (the earlier
 * steps have just written them), memory for the sorts, and no foreign-key triggers (the rows are
 * made from the rows they point to, so the checks would only cost time; the session setting
 * needs the server's superuser, which the benchmark's throwaway database has).
 */
async function bulkLoad(tx: DbOrTx, tables: SQL) {
  await timed(tx, sql`analyze ${tables}`)
  await timed(tx, sql`set local work_mem = '64MB'`)
  await timed(tx, sql`set local session_replication_role = replica`)
}

/** Runs a statement; with BENCH_VERBOSE set, prints how long it took and its first words. */
async function timed(db: DbOrTx, query: SQL) {
  const started = performance.now()
  await db.execute(query)
  if (process.env.BENCH_VERBOSE) {
    const text = dialect.sqlToQuery(query).sql.replace(/\s+/g, ' ').trim().slice(0, 70)
    process.stdout.write(`    ${(performance.now() - started).toFixed(0).padStart(6)} ms  ${text}\n`)
  }
}

export const actionSteps: GeneratorStep[] = [
  { name: 'seat history', run: generateSeatHistory },
  { name: 'meeting history', run: generateMeetingHistory },
  { name: 'actions', run: generateActions },
  { name: 'attendance flags', run: generateFlags },
]

/**
 * Every seat filled back to the first year: before the earliest holder of a seat (a seat with no
 * holder ending the day before it started), earlier holders of two-year terms, people of the same
 * partnership chosen by a hash.
 */
async function generateSeatHistory(ctx: GeneratorContext) {
  const today = londonDay(ctx.now)
  const horizon = addMonths(today, -12 * ctx.years)
  await ctx.db.transaction(async (tx) => {
    await bulkLoad(tx, sql`memberships, people, partnerships`)
    await seatTerms(tx, horizon)
  })
}

async function seatTerms(tx: DbOrTx, horizon: string) {
  await timed(
    tx,
    sql`
    with starts as (
      select m.* from memberships m
      where ${synthetic(sql`m.partnership_id`)} and m.deputy_for_id is null and m.role <> 'deputy'
        and m.starts_on > ${day(horizon)}
        and not exists (select 1 from memberships e
          where e.group_id = m.group_id and e.ends_on = m.starts_on - 1 and e.deputy_for_id is null)
    ),
    numbered as (
      select p.id, p.partnership_id, p.agency_id,
        row_number() over (partition by p.partnership_id order by p.email, p.id) - 1 as rn,
        count(*) over (partition by p.partnership_id) as n
      from people p where ${synthetic(sql`p.partnership_id`)}
    ),
    sizes as (select partnership_id, max(n) as n from numbered group by partnership_id),
    terms as materialized (
      select s.id as seat, s.group_id, s.partnership_id, s.role, k,
        abs(hashtext(s.id::text || ':' || k)) % z.n as person,
        (s.starts_on - make_interval(years => 2 * k))::date as starts_on,
        (s.starts_on - make_interval(years => 2 * (k - 1)) - interval '1 day')::date as ends_on
      from starts s
      join sizes z on z.partnership_id = s.partnership_id
      cross join lateral generate_series(1, ceil((s.starts_on - ${day(horizon)}) / 730.0)::int) as k
    )
    insert into memberships (id, group_id, partnership_id, person_id, role, agency_id, starts_on, ends_on, ended_reason, created_at)
    select gen_random_uuid(), t.group_id, t.partnership_id, p.id,
      case when t.role in ('chair', 'lay_member') then t.role else 'member' end,
      p.agency_id, t.starts_on, t.ends_on, 'Term ended', t.starts_on + time '09:00'
    from terms t
    join numbered p on p.partnership_id = t.partnership_id and p.rn = t.person`,
  )
}

/**
 * Each group's meetings before the year bench/meetings.ts planned, back to the first year, at the
 * group's cadence; with attendance for every seat held on the day, three papers (about one in
 * eight late), and minutes agreed at the next meeting (about one in ten sent to the chair late).
 */
async function generateMeetingHistory(ctx: GeneratorContext) {
  const today = londonDay(ctx.now)
  const horizon = addMonths(today, -12 * ctx.years)
  const holidays = bankHolidayArray(horizon, today)
  const pdf = examplePdf(['A synthetic paper of the benchmark meeting history.'])
  await ctx.db.transaction(async (tx) => {
    await bulkLoad(tx, sql`memberships`)
    await timed(
      tx,
      sql`
      create temp table bench_history on commit drop as
      with firsts as (
        select g.id as group_id, g.partnership_id, g.meetings_per_year as cadence,
          coalesce(g.meeting_minutes, 120) as minutes, f.first_on, f.location, f.online_url
        from groups g
        join lateral (
          select min(m.held_on) as first_on,
            (array_agg(m.location order by m.held_on))[1] as location,
            (array_agg(m.online_url order by m.held_on))[1] as online_url
          from meetings m where m.group_id = g.id
        ) f on f.first_on is not null
        where ${synthetic(sql`g.partnership_id`)} and g.meetings_per_year > 0
      ),
      planned as (
        select f.*, (f.first_on - round(k * 365.0 / f.cadence)::int) as raw
        from firsts f
        cross join lateral generate_series(1, ceil((f.first_on - ${day(horizon)}) * f.cadence / 365.0)::int) as k
      ),
      weekday as (
        select p.*, p.raw - (case extract(isodow from p.raw)::int when 6 then 1 when 7 then 2 else 0 end) as held
        from planned p where p.raw >= ${day(horizon)}
      ),
      moved as (
        select w.*, case when w.held = any(${holidays})
            then w.held + (case extract(isodow from w.held)::int when 5 then -1 else 1 end) else w.held end as held_on
        from weekday w
      )
      select gen_random_uuid() as id, m.partnership_id, m.group_id, m.held_on, m.location, m.online_url,
        ((m.held_on + time '10:00') at time zone 'Europe/London') as starts_at,
        ((m.held_on + time '10:00') at time zone 'Europe/London') + make_interval(mins => m.minutes) as ends_at
      from moved m
      where m.held_on <> all(${holidays})
        and not (extract(month from m.held_on) = 12 and extract(day from m.held_on) >= 24)`,
    )
    await timed(tx, sql`analyze bench_history`)
    await timed(
      tx,
      sql`
      insert into meetings (id, partnership_id, group_id, kind, held_on, starts_at, ends_at, location, online_url,
        agenda_agreed_by, agenda_agreed_on, sequence, created_at, updated_at)
      select h.id, h.partnership_id, h.group_id, 'ordinary', h.held_on, h.starts_at, h.ends_at, h.location, h.online_url,
        'The chair', h.held_on - 10, 0, h.starts_at - interval '90 days', h.starts_at - interval '90 days'
      from bench_history h`,
    )
    // Attendance: the chair always there; otherwise about 76% present, 12% apologies, 7% a deputy, 5% absent.
    await timed(
      tx,
      sql`
      insert into attendance (id, partnership_id, meeting_id, membership_id, person_id, intent, intent_note,
        intent_at, outcome, deputy_name, recorded_at, created_at)
      select gen_random_uuid(), h.partnership_id, h.id, s.seat, s.person_id,
        case when s.x >= 0.95 or s.x < 0.76 then null when s.x < 0.88 then 'apologies' else 'deputy' end,
        case when s.x >= 0.76 and s.x < 0.88 then 'Annual leave' when s.x >= 0.88 and s.x < 0.95 then 'Sending a colleague' end,
        case when s.x >= 0.76 and s.x < 0.95 then h.starts_at - interval '2 days' end,
        case when s.x < 0.76 then 'present' when s.x < 0.88 then 'apologies' when s.x < 0.95 then 'deputy' else 'absent' end,
        case when s.x >= 0.88 and s.x < 0.95 then 'A colleague (Service Manager)' end,
        h.ends_at + interval '1 hour', h.ends_at + interval '1 hour'
      from bench_history h
      cross join lateral (
        select m.id as seat, m.person_id, case when m.role = 'chair' then 0 else random() end as x
        from memberships m
        where m.group_id = h.group_id and m.role <> 'deputy'
          and m.starts_on <= h.held_on and (m.ends_on is null or m.ends_on >= h.held_on)
      ) s`,
    )
    // Three papers each, the rule's days before the meeting (7, or the partnership's own), one in eight late.
    await timed(
      tx,
      sql`
      create temp table bench_papers on commit drop as
      select gen_random_uuid() as id, h.partnership_id, h.id as meeting_id, k,
        ((h.held_on - coalesce((r.value #>> '{}')::int, 7)
          + (case when x < 0.12 then 1 + floor(x * 16)::int else -floor(x * 3)::int end)) + time '16:30')
          at time zone 'Europe/London' as circulated_at
      from bench_history h
      left join rule_settings r on r.partnership_id = h.partnership_id and r.key = 'papersBeforeMeeting'
      cross join generate_series(1, 3) as k
      cross join lateral (select random() + k * 0 as x) x`,
    )
    await timed(tx, sql`analyze bench_papers`)
    await timed(
      tx,
      sql`
      insert into papers (id, partnership_id, meeting_id, title, restricted, first_circulated_at, created_at)
      select p.id, p.partnership_id, p.meeting_id,
        (array['Performance report', 'Briefing', 'Data pack'])[p.k], false, p.circulated_at,
        p.circulated_at - interval '2 hours'
      from bench_papers p`,
    )
    await timed(
      tx,
      sql`
      insert into paper_versions (id, partnership_id, paper_id, version, filename, content_type, size, sha256,
        content, created_at)
      select gen_random_uuid(), p.partnership_id, p.id, 1, 'paper-' || p.k || '.pdf', ${pdf.contentType},
        ${pdf.size}, ${pdf.sha256}, ${pdf.content}, p.circulated_at - interval '2 hours'
      from bench_papers p`,
    )
    // Minutes: to the chair 6 days after (16, late, one in ten), approved 2 days later, circulated 3
    // days after that, agreed at the group's next meeting.
    await timed(
      tx,
      sql`
      insert into minutes (id, partnership_id, meeting_id, status, summary, sent_to_chair_at, approved_at,
        circulated_at, agreed_at, agreed_at_meeting_id, created_at, updated_at)
      select gen_random_uuid(), h.partnership_id, h.id, 'agreed',
        'The notes record the discussion under each item and the actions agreed.',
        s.sent, s.sent + interval '2 days', s.sent + interval '5 days',
        n.starts_at + interval '10 minutes', n.id, h.ends_at + interval '3 hours', n.starts_at + interval '10 minutes'
      from bench_history h
      cross join lateral (
        select ((h.held_on + (case when random() < 0.1 then 16 else 6 end)) + time '15:00')
          at time zone 'Europe/London' as sent
      ) s
      join lateral (
        select m.id, m.starts_at from meetings m
        where m.group_id = h.group_id and m.held_on > h.held_on order by m.held_on limit 1
      ) n on true`,
    )
  })
}

/**
 * The action matrix of every meeting held: 4 to 13 actions each, owned by one of the partnership's
 * agencies (the three statutory partners more often), issued two working days after the meeting
 * and due after the rule's working days (not yet issued for the last few days' meetings). Most are
 * answered on time; one agency in five struggles. Failures follow from the dates; the agency
 * with most failures in each past year got a letter listing them (this year's is a draft).
 */
async function generateActions(ctx: GeneratorContext) {
  const today = londonDay(ctx.now)
  const horizon = addMonths(today, -12 * ctx.years)
  const holidays = bankHolidayArray(addCalendarDays(horizon, -40), addCalendarDays(today, 400))
  await ctx.db.transaction(async (tx) => {
    await bulkLoad(tx, sql`meetings, agencies, rule_settings`)
    // One working-day calendar: weekends, bank holidays and the partnerships' shared closure days.
    await timed(
      tx,
      sql`
      create temp table bench_workdays on commit drop as
      select d::date as day, row_number() over (order by d) as rn
      from generate_series(${day(addCalendarDays(horizon, -40))}, ${day(addCalendarDays(today, 400))}, interval '1 day') d
      where extract(isodow from d) < 6 and d::date <> all(${holidays})
        and not exists (select 1 from closure_days c
          where c.day = d::date and c.partnership_id = (select id from partnerships where slug like 'p-%' order by slug limit 1))`,
    )
    await timed(tx, sql`create unique index on bench_workdays (day)`)
    await timed(tx, sql`create unique index on bench_workdays (rn)`)
    await timed(tx, sql`analyze bench_workdays`)
    // The meetings held, with their issue (two working days after) and its deadline.
    await timed(
      tx,
      sql`
      create temp table bench_held on commit drop as
      with held as (
        select m.id as meeting_id, m.partnership_id, m.group_id, m.held_on,
          coalesce((r.value #>> '{}')::int, 10) as response_days,
          (select w.rn from bench_workdays w where w.day <= m.held_on order by w.day desc limit 1) as rn
        from meetings m
        left join rule_settings r on r.partnership_id = m.partnership_id and r.key = 'actionResponse'
        where ${synthetic(sql`m.partnership_id`)} and m.cancelled_at is null and m.held_on < ${day(today)}
      )
      select h.meeting_id, h.partnership_id, h.group_id, h.held_on,
        case when i.day <= ${day(today)} then gen_random_uuid() end as issue_id,
        case when i.day <= ${day(today)} then i.day end as issued_on,
        case when i.day <= ${day(today)} then d.day end as due_on
      from held h
      join bench_workdays i on i.rn = h.rn + 2
      join bench_workdays d on d.rn = h.rn + 2 + h.response_days`,
    )
    await timed(tx, sql`analyze bench_held`)
    await timed(
      tx,
      sql`
      insert into action_matrix_issues (id, partnership_id, meeting_id, issued_on, due_on, created_at)
      select issue_id, partnership_id, meeting_id, issued_on, due_on,
        (issued_on + time '12:00') at time zone 'Europe/London'
      from bench_held where issue_id is not null`,
    )
    // Each action with the agency that owns it and its fate: answered on time, late, or never.
    await timed(
      tx,
      sql`
      create temp table bench_actions on commit drop as
      with agency as (
        select a.id, a.partnership_id,
          row_number() over (partition by a.partnership_id order by a.created_at, a.id) - 1 as rn,
          count(*) over (partition by a.partnership_id) as n
        from agencies a where ${synthetic(sql`a.partnership_id`)}
      ),
      drawn as (
        select h.*, k, random() as pick, random() as fate, random() as speed, random() as closing
        from bench_held h
        cross join lateral generate_series(1, 4 + abs(hashtext(h.meeting_id::text)) % 10) as k
      ),
      owned as (
        select d.*, a.id as agency_id, (a.rn % 5 = 3) as struggling
        from drawn d
        join agency a on a.partnership_id = d.partnership_id
          and a.rn = (case when d.pick < 0.4 then floor(d.pick / 0.4 * 3)
                      else floor((d.pick - 0.4) / 0.6 * a.n) end)::int
      ),
      answered as (
        select o.*,
          case
            when o.issue_id is null then null
            when o.fate < (case when o.struggling then 0.55 else 0.88 end)
              then o.issued_on + 1 + floor(o.speed * (o.due_on - o.issued_on))::int
            when o.fate < (case when o.struggling then 0.85 else 0.96 end)
              then o.due_on + 1 + floor(o.speed * 25)::int
          end as planned_on
        from owned o
      )
      select gen_random_uuid() as id, a.meeting_id, a.partnership_id, a.group_id, a.held_on, a.issue_id,
        a.issued_on, a.due_on, a.agency_id, a.closing,
        case when a.planned_on <= ${day(today)} then a.planned_on end as responded_on,
        'A' || to_char(a.held_on, 'YYYY') || '-' || row_number() over (
          partition by a.partnership_id, extract(year from a.held_on) order by a.held_on, a.meeting_id, a.k) as reference
      from answered a`,
    )
    await timed(tx, sql`analyze bench_actions`)
    const recent = day(addCalendarDays(today, -21))
    const yearAgo = day(addCalendarDays(today, -365))
    await timed(
      tx,
      sql`
      insert into actions (id, partnership_id, group_id, meeting_id, reference, description, owner_agency_id,
        issue_id, issued_on, due_on, closed_at, closed_reason, created_at)
      select a.id, a.partnership_id, a.group_id, a.meeting_id, a.reference,
        (array['Share the findings of the audit with front-line teams',
               'Report on the uptake of multi-agency training',
               'Confirm the named lead for the neglect strategy',
               'Provide the quarterly performance data',
               'Review the escalation policy and report back'])[1 + abs(hashtext(a.reference)) % 5],
        a.agency_id, a.issue_id, a.issued_on, a.due_on,
        case
          when a.responded_on < ${recent} then ((a.responded_on + 14) + time '12:00') at time zone 'Europe/London'
          when a.responded_on is null and a.due_on < ${yearAgo} and a.closing < 0.6
            then ((a.due_on + 60) + time '12:00') at time zone 'Europe/London'
        end,
        case
          when a.responded_on < ${recent} then 'Completed'
          when a.responded_on is null and a.due_on < ${yearAgo} and a.closing < 0.6 then 'Superseded by a later action'
        end,
        ((a.held_on + 1) + time '09:00') at time zone 'Europe/London'
      from bench_actions a`,
    )
    await timed(
      tx,
      sql`
      insert into action_responses (id, partnership_id, action_id, text, responded_on, responded_at, due_on)
      select gen_random_uuid(), a.partnership_id, a.id,
        'Done: the agency has completed the action and shared the evidence with the business team.',
        a.responded_on, (a.responded_on + time '11:00') at time zone 'Europe/London', a.due_on
      from bench_actions a where a.responded_on is not null`,
    )
    // A failure for every deadline missed: late with the date the answer came, or unanswered.
    await timed(
      tx,
      sql`
      insert into compliance_failures (id, partnership_id, agency_id, action_id, due_on, kind, responded_on, created_at)
      select gen_random_uuid(), a.partnership_id, a.agency_id, a.id, a.due_on,
        case when a.responded_on is null then 'unanswered' else 'late' end, a.responded_on,
        ((a.due_on + 1) + time '06:00') at time zone 'Europe/London'
      from bench_actions a
      where a.due_on < ${day(today)} and (a.responded_on is null or a.responded_on > a.due_on)`,
    )
    // A letter a year to the agency with most failures (sent in January after; this year's a draft).
    const thisYear = Number(today.slice(0, 4))
    await timed(
      tx,
      sql`
      create temp table bench_letters on commit drop as
      with counted as (
        select f.partnership_id, f.agency_id, extract(year from f.due_on)::int as year, count(*) as n
        from compliance_failures f where ${synthetic(sql`f.partnership_id`)}
        group by 1, 2, 3 having count(*) >= 2
      ),
      ranked as (
        select c.*, row_number() over (partition by c.partnership_id, c.year order by c.n desc, c.agency_id) as place
        from counted c
      )
      select gen_random_uuid() as id, r.partnership_id, r.agency_id, r.year, ag.name as agency_name,
        case when r.year < ${thisYear} then make_date(r.year + 1, 1, 15) end as sent_on
      from ranked r join agencies ag on ag.id = r.agency_id
      where r.place = 1`,
    )
    await timed(
      tx,
      sql`
      insert into escalation_letters (id, partnership_id, agency_id, addressee_name, addressee_title, subject, body,
        sender_name, sender_title, sent_on, sent_at, created_at)
      select l.id, l.partnership_id, l.agency_id, 'The Chief Executive', 'Chief Executive',
        'Responses to the action matrix in ' || l.year || ': ' || l.agency_name,
        'The partnership’s records show that your agency did not respond to its actions in time on several occasions.',
        'The Partnership Business Manager', 'Business Manager', l.sent_on,
        case when l.sent_on is not null then (l.sent_on + time '12:00') at time zone 'Europe/London' end,
        case when l.sent_on is not null then (l.sent_on - 3 + time '10:00') at time zone 'Europe/London'
          else ((${day(today)} - 1) + time '10:00') at time zone 'Europe/London' end
      from bench_letters l`,
    )
    await timed(
      tx,
      sql`
      update compliance_failures f set letter_id = l.id
      from bench_letters l
      where f.partnership_id = l.partnership_id and f.agency_id = l.agency_id
        and f.due_on >= make_date(l.year, 1, 1) and f.due_on < make_date(l.year + 1, 1, 1)`,
    )
  })
}

/**
 * The attendance flags the rule raises, as flags.service.ts's sweep finds them, over the whole
 * history: a seat's empty meetings (apologies or absent) consecutive in its group's meetings form
 * a run, and every `consecutiveAbsences` (2) of a run raise a flag on the last of them. Closed
 * after the Strategic Group discussed them, unless they are recent.
 */
async function generateFlags(ctx: GeneratorContext) {
  const today = londonDay(ctx.now)
  const discussed = day(addCalendarDays(today, -120))
  await ctx.db.transaction(async (tx) => {
    await bulkLoad(tx, sql`attendance, meetings, memberships`)
    await timed(
      tx,
      sql`
      insert into attendance_flags (id, partnership_id, group_id, membership_id, person_id, meeting_id, raised_on,
        closed_at, closed_reason, created_at)
      with held as (
        select m.id, m.partnership_id, m.group_id, m.held_on,
          row_number() over (partition by m.group_id order by m.held_on, m.starts_at, m.id) as ord
        from meetings m
        where ${synthetic(sql`m.partnership_id`)} and m.cancelled_at is null and m.held_on < ${day(today)}),
      empty as (
        select a.membership_id, a.person_id, h.id as meeting_id, h.partnership_id, h.group_id, h.held_on, h.ord,
          h.ord - row_number() over (partition by a.membership_id order by h.ord) as island
        from attendance a join held h on h.id = a.meeting_id
        where a.outcome in ('apologies', 'absent')),
      runs as (
        select e.*, row_number() over (partition by e.membership_id, e.island order by e.ord) as k
        from empty e)
      select gen_random_uuid(), r.partnership_id, r.group_id, r.membership_id, r.person_id, r.meeting_id,
        r.held_on + 1,
        case when r.held_on < ${discussed} then ((r.held_on + 60) + time '12:00') at time zone 'Europe/London' end,
        case when r.held_on < ${discussed} then 'Discussed at the Strategic Group; attendance has improved' end,
        ((r.held_on + 1) + time '06:00') at time zone 'Europe/London'
      from runs r
      join memberships ms on ms.id = r.membership_id
      where r.k % 2 = 0 and ms.role <> 'deputy' and ms.group_id = r.group_id
        and ms.starts_on <= r.held_on and (ms.ends_on is null or ms.ends_on >= r.held_on)`,
    )
  })
}

/**
 * The dashboard's figures computed from the database, as on a first view or after a change (the
 * page keeps them while nothing changes: dashboard.cache.ts): `runs` sequential computations for
 * the measured partnership as its administrator, their median and 95th percentile in ms.
 */
export async function timeDashboardComputation(db: Db, runs = 30): Promise<{ median: number; p95: number }> {
  const [partnership] = await db.select().from(partnerships).where(eq(partnerships.slug, DASHBOARD_SLUG))
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, dashboardAccount()))
  if (!partnership || !user)
    throw new Error(`No ${DASHBOARD_SLUG} or its administrator in the generated data`)
  const input = {
    partnershipId: partnership.id,
    slug: partnership.slug,
    viewer: { role: 'administrator' as const, userId: user.id },
    today: londonDay(new Date()),
    query: {},
  }
  await dashboardPage(db, input)
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    await dashboardPage(db, input)
    times.push(performance.now() - t0)
  }
  times.sort((a, b) => a - b)
  return { median: times[Math.floor(runs / 2)]!, p95: times[Math.min(runs - 1, Math.ceil(runs * 0.95) - 1)]! }
}
