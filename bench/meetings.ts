import { randomUUID } from 'node:crypto'
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import { meetingOverview } from '../src/modules/meetings/meeting.service.ts'
import { meetingAccess } from '../src/modules/meetings/meetings.access.ts'
import { type ExampleFile, examplePdf } from '../src/modules/meetings/meetings.example.pdf.ts'
import {
  type LatestMinutes,
  type PlanSeat,
  planGroupYear,
} from '../src/modules/meetings/meetings.example.plan.ts'
import {
  type AgendaItemRow,
  addRows,
  type ExampleRows,
  emptyRows,
  numberDecisions,
} from '../src/modules/meetings/meetings.example.rows.ts'
import { type Topic, topicsFor } from '../src/modules/meetings/meetings.example.topics.ts'
import { insertExampleRows } from '../src/modules/meetings/meetings.example.ts'
import { cadenceOf } from '../src/modules/meetings/schedule.rules.ts'
import { londonDay } from '../src/modules/partnership/agencies.problems.ts'
import { readJsonPreset, structurePresetSchema } from '../src/modules/partnership/structure.presets.ts'
import { agencies, groups, memberships, people } from '../src/modules/partnership/structure.table.ts'
import { partnershipRoles, type Role, users } from '../src/platform/auth/auth.table.ts'
import { createCalendarRepository } from '../src/platform/calendar/calendar.repository.ts'
import { closureDays } from '../src/platform/calendar/calendar.table.ts'
import { type ClosureDay, createCalendar, type WorkingCalendar } from '../src/platform/calendar/calendar.ts'
import { addMonths } from '../src/platform/calendar/dates.ts'
import { londonInstant } from '../src/platform/calendar/london-time.ts'
import { type Db, queryRows } from '../src/platform/db/client.ts'
import { defaultRuleSet, type RuleKey, type RuleSet } from '../src/platform/rules/rules.definitions.ts'
import { computeDeadline, getRuleSet } from '../src/platform/rules/rules.service.ts'
import { ruleSettings } from '../src/platform/rules/rules.table.ts'
// Types only: generate.ts appends these steps, so a value import would be a cycle.
import type { GeneratorContext, GeneratorStep } from './generate.ts'
import { jobTitle, personName } from './structure.ts'

/**
 * Meetings at national scale: every synthetic partnership's groups get a year of meetings (a
 * year back, six months ahead) with agendas, papers, attendance, minutes and decisions, planned as
 * the Thurrock example plans its own (src/modules/meetings/meetings.example.plan.ts). Thurrock gets
 * a forum of 40 seats whose last meeting is the big one the meeting page is measured on.
 */

/** The measured meeting: a fixed id, so the page's path is known before the data exists. */
export const BIG_MEETING_ID = 'b16e0000-0000-4000-8000-00000000b16e'
export const BIG_MEETING_PATH = `/p/thurrock/meetings/${BIG_MEETING_ID}`
export const FORUM_NAME = 'Safeguarding Practice Forum'
const FORUM_SLUG = 'safeguarding-practice-forum'
export const FORUM_SEATS = 40
const BIG_AGENDA_ITEMS = 30
const BIG_PAPERS = 50
const BIG_PAPER_BYTES = 20 * 1024

/** Partnerships planned and inserted together (bounds the rows held in memory). */
const CHUNK = 25
const minutesStates: LatestMinutes[] = ['circulated', 'approved', 'with_chair', 'drafting', 'late_to_chair']

/** A PDF of at least `bytes` bytes (a page of text lines). */
function pdfOfSize(bytes: number): ExampleFile {
  const line = 'Multi-agency safeguarding partnership: synthetic paper text for the benchmark.'
  return examplePdf(
    Array.from({ length: Math.ceil(bytes / (line.length + 8)) }, (_, i) => `${i + 1}. ${line}`),
  )
}

export const meetingSteps: GeneratorStep[] = [
  { name: 'meetings', run: generateMeetings },
  { name: 'big meeting', run: generateBigMeeting },
]

async function generateMeetings(ctx: GeneratorContext) {
  const today = londonDay(ctx.now)
  const synthetic = ctx.partnerships.filter((p) => p.slug.startsWith('p-'))
  if (synthetic.length === 0) return
  const ids = synthetic.map((p) => p.id)
  const [groupRows, seatRows, ruleRows, closures] = await Promise.all([
    ctx.db.select().from(groups).where(inArray(groups.partnershipId, ids)).orderBy(asc(groups.createdAt)),
    ctx.db
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
      })
      .from(memberships)
      .innerJoin(people, eq(people.id, memberships.personId))
      .where(inArray(memberships.partnershipId, ids)),
    ctx.db.select().from(ruleSettings).where(inArray(ruleSettings.partnershipId, ids)),
    ctx.db
      .select({ partnershipId: closureDays.partnershipId, day: closureDays.day, reason: closureDays.reason })
      .from(closureDays)
      .where(inArray(closureDays.partnershipId, ids)),
  ])
  const groupsOf = Map.groupBy(groupRows, (g) => g.partnershipId ?? '')
  const seatsOf = Map.groupBy(seatRows, (s) => s.groupId)
  const rulesOf = Map.groupBy(ruleRows, (r) => r.partnershipId)
  const closuresOf = Map.groupBy(closures, (c) => c.partnershipId)
  const recorders = new Map(
    ctx.users.filter((u) => u.role === 'business_team').map((u) => [u.partnershipId, u.id]),
  )
  const pdf = pdfOfSize(600)

  for (let start = 0; start < synthetic.length; start += CHUNK) {
    const rows = emptyRows()
    for (const p of synthetic.slice(start, start + CHUNK)) {
      const n = Number(p.slug.slice(2))
      const rules: RuleSet = { ...defaultRuleSet }
      for (const r of rulesOf.get(p.id) ?? []) rules[r.key as RuleKey] = Number(r.value)
      const calendar: WorkingCalendar = createCalendar({
        closureDays: (closuresOf.get(p.id) ?? []) as ClosureDay[],
      })
      const area = p.area.split(',')[0] ?? p.shortName
      ;(groupsOf.get(p.id) ?? []).forEach((group, k) => {
        const cadence = cadenceOf(group, today)?.count
        if (!cadence || group.closedOn !== null) return
        const interval = Math.max(4, Math.floor(365 / cadence))
        const online = `https://teams.example/meet/${p.slug}-${group.slug}`
        addRows(
          rows,
          planGroupYear({
            partnershipId: p.id,
            group,
            cadence,
            seats: (seatsOf.get(group.id) ?? []) as PlanSeat[],
            now: ctx.now,
            today,
            calendar,
            rules,
            lastMeetingDaysAgo: 3 + ((n * 7 + k * 13) % (interval - 3)),
            venue:
              k % 3 === 2
                ? { location: '', onlineUrl: online }
                : {
                    location: `${area} Civic Centre, Committee Room ${k + 1}`,
                    onlineUrl: k % 3 ? online : null,
                  },
            topics: topicsFor(group.kind),
            recorderId: recorders.get(p.id) ?? null,
            latestMinutes: minutesStates[(n + k) % minutesStates.length] ?? 'drafting',
            pdf,
            seed: n * 1000 + k,
          }),
        )
      })
    }
    numberDecisions(rows)
    await insertExampleRows(ctx.db, rows, 1000)
  }
}

/**
 * Thurrock's Safeguarding Practice Forum: 40 seats, six meetings a year, and its last meeting
 * made big: 30 agenda items, 40 seats with attendance, 50 papers of 20 KB, minutes and decisions.
 */
async function generateBigMeeting(ctx: GeneratorContext) {
  const thurrock = ctx.partnerships.find((p) => p.slug === 'thurrock')
  if (!thurrock) throw new Error('The Thurrock example is not loaded')
  const today = londonDay(ctx.now)
  const [board] = await ctx.db
    .select({ id: groups.id })
    .from(groups)
    .where(and(eq(groups.partnershipId, thurrock.id), eq(groups.slug, 'management-executive-board')))
  const agencyRows = await ctx.db
    .select({ id: agencies.id, name: agencies.name })
    .from(agencies)
    .where(eq(agencies.partnershipId, thurrock.id))
    .orderBy(asc(agencies.name))
  const [recorder] = await ctx.db
    .select({ id: partnershipRoles.userId })
    .from(partnershipRoles)
    .where(and(eq(partnershipRoles.partnershipId, thurrock.id), eq(partnershipRoles.role, 'business_team')))
  const groupId = randomUUID()
  const startsOn = addMonths(today, -18)
  const group = {
    id: groupId,
    partnershipId: thurrock.id,
    slug: FORUM_SLUG,
    name: FORUM_NAME,
    kind: 'subgroup' as const,
    accountableToId: board?.id ?? null,
    purpose:
      'Brings practitioners and managers from every agency together to share learning and escalate risks.',
    meetingsPerYear: 6,
    meetingMinutes: 180,
    standardItems: [
      { title: 'Updates from partner agencies' },
      { title: 'Risks and escalations' },
      { title: 'Learning from reviews' },
    ],
    createdAt: londonInstant(startsOn, '09:00'),
  }
  await ctx.db.insert(groups).values(group)
  const personRows = Array.from({ length: FORUM_SEATS }, (_, k) => ({
    id: randomUUID(),
    partnershipId: thurrock.id,
    name: personName(k + 40, 11),
    jobTitle: k === 1 || k === 2 ? 'Lay member' : jobTitle(k),
    agencyId: k === 1 || k === 2 ? null : (agencyRows[k % agencyRows.length]?.id ?? null),
    email: `forum.member.${k + 1}@bench.example`,
    createdAt: group.createdAt,
  }))
  const seatRows = personRows.map((person, k) => ({
    id: randomUUID(),
    groupId,
    partnershipId: thurrock.id,
    personId: person.id,
    role: k === 0 ? ('chair' as const) : k <= 2 ? ('lay_member' as const) : ('member' as const),
    agencyId: person.agencyId,
    startsOn,
    createdAt: group.createdAt,
  }))
  await ctx.db.insert(people).values(personRows)
  await ctx.db.insert(memberships).values(seatRows)

  const [rules, calendar] = await Promise.all([
    getRuleSet(ctx.db, thurrock.id),
    createCalendarRepository(ctx.db).calendarFor(thurrock.id),
  ])
  const rows = planGroupYear({
    partnershipId: thurrock.id,
    group,
    cadence: 6,
    seats: seatRows.map((s, k) => ({
      ...s,
      userId: null,
      name: personRows[k]?.name ?? '',
      deputyForId: null,
      endsOn: null,
    })),
    now: ctx.now,
    today,
    calendar,
    rules,
    lastMeetingDaysAgo: 16,
    venue: { location: 'Council Chamber, Civic Offices, New Road, Grays', onlineUrl: null },
    topics: topicsFor('subgroup'),
    recorderId: recorder?.id ?? null,
    latestMinutes: 'approved',
    lastMeetingId: BIG_MEETING_ID,
    pdf: pdfOfSize(600),
    seed: 4242,
  })
  if (!rows.meetings.some((m) => m.id === BIG_MEETING_ID))
    throw new Error('The forum has no meeting before today')
  enlargeBigMeeting(rows, {
    agencies: agencyRows.map((a) => a.name),
    rules,
    calendar,
    now: ctx.now,
    recorderId: recorder?.id ?? null,
  })
  numberDecisions(rows, await referencesIn(ctx.db, thurrock.id))
  await insertExampleRows(ctx.db, rows, 1000)
}

/** The highest decision number of each year a partnership has used, keyed as `numberDecisions` counts. */
async function referencesIn(db: Db, partnershipId: string): Promise<Map<string, number>> {
  const used = await queryRows<{ year: string; n: number }>(
    db,
    sql`select substring(reference from 2 for 4) as year, max(substring(reference from 7)::int) as n
        from decisions where partnership_id = ${partnershipId} and reference ~ '^D[0-9]{4}-[0-9]+$' group by 1`,
  )
  return new Map(used.map((r) => [`${partnershipId}/${r.year}`, Number(r.n)]))
}

/** Turns the forum's last meeting into the big one: 30 items, 50 papers of 20 KB, more decisions. */
function enlargeBigMeeting(
  rows: ExampleRows,
  input: {
    agencies: string[]
    rules: RuleSet
    calendar: WorkingCalendar
    now: Date
    recorderId: string | null
  },
) {
  const { rules, calendar, now } = input
  const meeting = rows.meetings.find((m) => m.id === BIG_MEETING_ID)
  if (!meeting) throw new Error('No big meeting to enlarge')
  const items = rows.agendaItems.filter((i) => i.meetingId === BIG_MEETING_ID)
  const taken = new Set(items.map((i) => i.title))
  const pool: Topic[] = [
    ...topicsFor('subgroup'),
    ...topicsFor('executive'),
    ...topicsFor('strategic'),
  ].filter((t) => !taken.has(t.title))
  const more: { row: AgendaItemRow; topic: Topic | null }[] = []
  for (let k = 0; items.length + more.length < BIG_AGENDA_ITEMS; k++) {
    const topic = pool[k] ?? {
      title: `Update from ${input.agencies[k % input.agencies.length]}`,
      presenter: 'Agency lead',
    }
    more.push({
      row: {
        id: randomUUID(),
        partnershipId: meeting.partnershipId,
        meetingId: meeting.id,
        position: items.length + more.length + 1,
        kind: 'item',
        title: topic.title,
        presenter: topic.presenter,
        durationMinutes: 5,
        decisionNeeded: topic.decision !== undefined && k % 3 === 0,
        createdAt: meeting.createdAt,
      },
      topic,
    })
  }
  for (const m of more) rows.agendaItems.push(m.row)
  const agenda = [...items, ...more.map((m) => m.row)]

  // Its papers: 50 of 20 KB, under the topical and standard items, five of them late, some restricted.
  const planned = new Set(rows.papers.filter((p) => p.meetingId === BIG_MEETING_ID).map((p) => p.id))
  rows.papers = rows.papers.filter((p) => !planned.has(p.id))
  rows.paperVersions = rows.paperVersions.filter((v) => !planned.has(v.paperId))
  const pdf = pdfOfSize(BIG_PAPER_BYTES)
  const due = computeDeadline(rules, 'papersBeforeMeeting', meeting.heldOn, calendar).date
  const under = agenda.filter((i) => i.kind === 'item' || i.kind === 'standard')
  for (let k = 0; k < BIG_PAPERS; k++) {
    const item = under[k % under.length] as AgendaItemRow
    const late = k % 10 === 9
    const circulatedAt = londonInstant(calendar.addWorkingDays(due, late ? 2 : -1), late ? '17:15' : '16:30')
    const id = randomUUID()
    const title = `${item.title}: ${k < under.length ? 'report' : 'appendix'}`
    rows.papers.push({
      id,
      partnershipId: meeting.partnershipId,
      meetingId: meeting.id,
      agendaItemId: item.id,
      title,
      restricted: k % 12 === 5,
      firstCirculatedAt: circulatedAt,
      createdById: input.recorderId,
      createdAt: new Date(circulatedAt.getTime() - 3_600_000),
    })
    rows.paperVersions.push({
      id: randomUUID(),
      partnershipId: meeting.partnershipId,
      paperId: id,
      version: 1,
      filename: `paper-${k + 1}.pdf`,
      contentType: pdf.contentType,
      size: pdf.size,
      sha256: pdf.sha256,
      content: pdf.content,
      uploadedById: input.recorderId,
      uploadedAt: new Date(circulatedAt.getTime() - 3_600_000),
    })
  }

  // Decisions on the new items that asked for one; one of them without consensus.
  const notice = computeDeadline(rules, 'decisionNotice', meeting.heldOn, calendar).date
  more
    .filter((m) => m.row.decisionNeeded && m.topic?.decision)
    .forEach((m, k) => {
      rows.decisions.push({
        id: randomUUID(),
        partnershipId: meeting.partnershipId,
        meetingId: meeting.id,
        agendaItemId: m.row.id,
        reference: '',
        text:
          k === 1
            ? `No consensus: referred to the Strategic Group. Proposal: ${m.topic?.decision}`
            : (m.topic?.decision ?? ''),
        outcome: k === 1 ? 'referred' : 'consensus',
        implementationOn: k === 1 ? null : calendar.addWorkingDays(notice, k),
        createdById: input.recorderId,
        createdAt: new Date(Math.min(meeting.endsAt.getTime() + 86_400_000, now.getTime())),
      })
    })

  // The minutes have a note for every item.
  const record = rows.minutes.find((m) => m.meetingId === BIG_MEETING_ID)
  if (record) {
    record.itemNotes = Object.fromEntries(
      agenda.map((i) => [
        i.id,
        `Discussed ${i.title.toLowerCase()}; the group noted the update and agreed the actions recorded.`,
      ]),
    )
  }
}

// --- The meeting page's fixed context ----------------------------------------------------------

/** The e-mail of the Thurrock example's account with this role (they share the example's password). */
export function exampleAccountEmail(role: Role): string {
  const preset = readJsonPreset('thurrock', structurePresetSchema)
  const account = preset.accounts.find((a) => a.role === role)
  const email = preset.people.find((p) => p.key === account?.person)?.email
  if (!email) throw new Error(`The Thurrock example has no ${role} account`)
  return email.toLowerCase()
}

/** The signed-in business team member, as the layout shows them. */
export async function exampleUser(db: Db, role: Role) {
  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name, createdAt: users.createdAt })
    .from(users)
    .where(eq(users.email, exampleAccountEmail(role)))
  if (!user) throw new Error(`No ${role} account in the generated data`)
  return user
}

/**
 * What the meeting route gives its template for the big meeting, read once from the generated data
 * with the route's own service: the template-only baseline renders it with no database work.
 */
export async function bigMeetingContext(db: Db, viewer: { userId: string; role: Role }, today: string) {
  const [partnership] = await queryRows<{ id: string }>(
    db,
    sql`select id from partnerships where slug = 'thurrock'`,
  )
  if (!partnership) throw new Error('No Thurrock partnership in the generated data')
  const access = await meetingAccess(db, partnership.id, BIG_MEETING_ID, viewer, today)
  if (!access) throw new Error('The big meeting is missing from the generated data')
  const overview = await meetingOverview(db, access, { today, slug: 'thurrock' })
  return { title: overview.header.title, ...overview }
}
