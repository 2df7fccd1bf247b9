import { randomUUID } from 'node:crypto'
import { buffer } from 'node:stream/consumers'
import { eq } from 'drizzle-orm'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../../platform/db/client.ts'
import type { MeetingViewer } from '../meetings/meetings.access.ts'
import {
  buildMeetingWorld,
  insertGroup,
  insertMeeting,
  insertPerson,
  insertSeat,
  type MeetingWorld,
} from '../meetings/meetings.fixtures.ts'
import { insertAction, insertIssue } from './actions.fixtures.ts'
import {
  actionRegisterQuery,
  actionRegisterRows,
  actionRows,
  actionsCsv,
  actionsXlsx,
  exportColumns,
  exportValues,
  listActionRegister,
  type RegisterOptions,
  ragContext,
  registerGroups,
} from './actions.register.ts'
import { type ActionRag, actionRag, actionRags } from './actions.rules.ts'
import { type Action, actionExtensions, actionResponses, actions } from './actions.table.ts'

// Monday 12 September 2022: the action matrix of that day's meeting is due back on Tuesday 27
// September (10 working days, skipping the Queen's funeral on Monday 19). Today is Friday 23
// September, two working days before: the reminder day.
const TODAY = '2022-09-23'
const ISSUED = '2022-09-12'

describe('the register of actions', () => {
  let database: Database
  let world: MeetingWorld
  let panelSlug: string
  let meetingId: string
  const made: Record<string, Action> = {}
  let businessTeam: MeetingViewer
  let ctx: Awaited<ReturnType<typeof ragContext>>

  const options = (overrides: Partial<RegisterOptions> = {}): RegisterOptions => ({
    partnershipId: world.partnership.id,
    viewer: businessTeam,
    window: ctx.window,
    filter: {},
    sort: 'reference',
    order: 'asc',
    ...overrides,
  })
  const list = (overrides: Partial<RegisterOptions> = {}, page = 1, pageSize = 50) =>
    listActionRegister(database.db, { ...options(overrides), page, pageSize })
  const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort()
  const of = (...keys: string[]) => keys.map((k) => made[k]!.id).sort()

  beforeAll(async () => {
    database = await createTestDatabase()
    const db = database.db
    world = await buildMeetingWorld(db)
    businessTeam = { role: 'business_team', userId: world.accounts.businessTeam.userId }
    const pid = world.partnership.id
    const meeting = await insertMeeting(db, { partnershipId: pid, groupId: world.group.id, heldOn: ISSUED })
    meetingId = meeting.id
    let n = 0
    const action = async (key: string, fields: Partial<typeof actions.$inferInsert> = {}) => {
      made[key] = await insertAction(db, {
        partnershipId: pid,
        groupId: world.group.id,
        ownerAgencyId: world.agencies.police.id,
        meetingId: meeting.id,
        reference: `A2022-${String(++n).padStart(4, '0')}`,
        description: `Action ${key}`,
        ...fields,
      })
    }
    await action('dueSoon')
    await action('overdue', { ownerAgencyId: world.agencies.council.id })
    await action('open', { ownerAgencyId: world.agencies.health.id, ownerPersonId: world.people.health.id })
    await action('answered')
    await action('answeredBefore')
    await action('closed', { closedAt: new Date('2022-09-20T10:00:00Z'), closedReason: 'Done' })
    await action('notIssued', { meetingId: null, description: '=SUM(1+1) "quoted", with a comma' })
    const issue = (dueOn: string, keys: string[]) =>
      insertIssue(db, {
        partnershipId: pid,
        meetingId: meeting.id,
        issuedOn: ISSUED,
        dueOn,
        actionIds: keys.map((k) => made[k]!.id),
      })
    await issue('2022-09-27', ['dueSoon', 'answered', 'answeredBefore', 'closed'])
    await issue('2022-09-21', ['overdue'])
    await issue('2022-10-10', ['open'])
    const respond = (key: string, respondedOn: string, dueOn: string) =>
      db.insert(actionResponses).values({
        id: randomUUID(),
        partnershipId: pid,
        actionId: made[key]!.id,
        text: 'Done',
        respondedOn,
        respondedAt: new Date(`${respondedOn}T10:00:00Z`),
        dueOn,
      })
    await respond('answered', '2022-09-22', '2022-09-27')
    // Answered for the first deadline, then given more time: a new answer is due by the new date.
    await respond('answeredBefore', '2022-09-14', '2022-09-16')
    await db.insert(actionExtensions).values({
      id: randomUUID(),
      partnershipId: pid,
      actionId: made.answeredBefore!.id,
      requestedOn: '2022-09-15',
      proposedDueOn: '2022-09-27',
      reason: 'Waiting for the audit',
      decision: 'approved',
      decisionReason: 'Fair',
      newDueOn: '2022-09-27',
      decidedAt: new Date('2022-09-16T09:00:00Z'),
    })

    // A confidential panel that only Olu (a member who does not sit on the main group) sits on.
    const panel = await insertGroup(db, pid, { confidential: true, name: 'Case Review Panel' })
    panelSlug = panel.slug
    const olu = await insertPerson(db, pid, {
      name: 'Olu',
      email: null,
      userId: world.accounts.otherMember.userId,
    })
    await insertSeat(db, { partnershipId: pid, groupId: panel.id, personId: olu.id })
    await action('panel', { groupId: panel.id, meetingId: null, ownerAgencyId: world.agencies.school.id })
    ctx = await ragContext(db, pid, TODAY)
  })
  afterAll(() => database.close())

  it('computes the RAG status in SQL exactly as actionRag does, around the funeral bank holiday', async () => {
    expect(ctx.window).toEqual({ today: TODAY, dueSoonUntil: '2022-09-27' })
    const expected: Record<string, ActionRag> = {
      dueSoon: 'due_soon',
      overdue: 'overdue',
      open: 'open',
      answered: 'answered',
      answeredBefore: 'due_soon',
      closed: 'closed',
      notIssued: 'not_issued',
      panel: 'not_issued',
    }
    const rows = await actionRegisterRows(database.db, options())
    const answers = await database.db
      .select({
        actionId: actionResponses.actionId,
        respondedOn: actionResponses.respondedOn,
        dueOn: actionResponses.dueOn,
      })
      .from(actionResponses)
    for (const [key, rag] of Object.entries(expected)) {
      const action = made[key]!
      const [fresh] = await database.db.select().from(actions).where(eq(actions.id, action.id))
      const answer = answers.find((a) => a.actionId === action.id && a.dueOn === fresh!.dueOn)
      expect(actionRag(fresh!, answer?.respondedOn ?? null, TODAY, ctx.calendar, 2), key).toBe(rag)
      expect(rows.find((r) => r.id === action.id)?.rag, key).toBe(rag)
    }
    // Each status as a filter gives the same actions as the status column, and the counts agree.
    const page = await list()
    for (const rag of actionRags) {
      const filtered = await list({ filter: { rag } })
      expect(ids(filtered.rows), rag).toEqual(ids(rows.filter((r) => r.rag === rag)))
      expect(page.counts[rag], rag).toBe(filtered.total)
    }
    expect(page.total).toBe(8)
    // The day before the reminder day, the same action is still open; the day after the deadline, overdue.
    const thursday = await ragContext(database.db, world.partnership.id, '2022-09-22')
    const before = await actionRegisterRows(database.db, options({ window: thursday.window }))
    expect(before.find((r) => r.id === made.dueSoon!.id)?.rag).toBe('open')
    const wednesday = await ragContext(database.db, world.partnership.id, '2022-09-28')
    const after = await actionRegisterRows(database.db, options({ window: wednesday.window }))
    expect(after.find((r) => r.id === made.dueSoon!.id)?.rag).toBe('overdue')
    expect(after.find((r) => r.id === made.answered!.id)?.rag).toBe('answered')
  })

  it('filters by group, agency, meeting and due dates', async () => {
    expect(ids((await list({ filter: { group: panelSlug } })).rows)).toEqual(of('panel'))
    expect(ids((await list({ filter: { agencyId: world.agencies.council.id } })).rows)).toEqual(of('overdue'))
    expect((await list({ filter: { meetingId } })).total).toBe(6)
    expect(ids((await list({ filter: { from: '2022-09-22', to: '2022-10-10' } })).rows)).toEqual(
      of('dueSoon', 'answered', 'answeredBefore', 'closed', 'open'),
    )
    expect(ids((await list({ filter: { to: '2022-09-21' } })).rows)).toEqual(of('overdue'))
    const combined = await list({
      filter: { group: world.group.slug, rag: 'due_soon', agencyId: world.agencies.police.id },
    })
    expect(ids(combined.rows)).toEqual(of('dueSoon', 'answeredBefore'))
    // The counts leave the status filter out, so each status shows how many it would give.
    expect(combined.counts).toMatchObject({ due_soon: 2, answered: 1, closed: 1, overdue: 0 })
  })

  it('sorts by reference, due date (not issued last) and agency, and pages', async () => {
    const asc = (await list()).rows.map((r) => r.reference)
    expect(asc).toEqual([...asc].sort())
    expect((await list({ order: 'desc' })).rows.map((r) => r.reference)).toEqual([...asc].reverse())
    const due = (await list({ sort: 'due' })).rows.map((r) => r.dueOn)
    expect(due.slice(0, 2)).toEqual(['2022-09-21', '2022-09-27'])
    expect(due.slice(-2)).toEqual([null, null])
    const agencies = (await list({ sort: 'agency' })).rows.map((r) => r.ownerAgencyName)
    expect(agencies).toEqual([...agencies].sort())
    const page2 = await list({}, 2, 3)
    expect(page2).toMatchObject({ page: 2, pages: 3, total: 8 })
    expect(page2.rows.map((r) => r.reference)).toEqual(asc.slice(3, 6))
    expect((await list({}, 99, 3)).page).toBe(3)
    const api = await actionRows(database.db, { ...options(), limit: 2, offset: 6 })
    expect(api.total).toBe(8)
    expect(api.rows.map((r) => r.reference)).toEqual(asc.slice(6, 8))
  })

  it('shows a member only the actions of the groups they sit on, and a partner those not confidential', async () => {
    const olu: MeetingViewer = { role: 'member', userId: world.accounts.otherMember.userId }
    expect(ids((await list({ viewer: olu })).rows)).toEqual(of('panel'))
    expect(await registerGroups(database.db, world.partnership.id, olu)).toEqual([
      { slug: panelSlug, name: 'Case Review Panel' },
    ])
    const head: MeetingViewer = { role: 'member', userId: world.accounts.head.userId }
    const seen = await list({ viewer: head })
    expect(seen.total).toBe(7)
    expect(ids(seen.rows)).not.toContain(made.panel!.id)
    const partner: MeetingViewer = { role: 'partner', userId: world.accounts.partner.userId }
    expect((await list({ viewer: partner })).total).toBe(7)
    expect((await actionRegisterRows(database.db, options({ viewer: olu }))).map((r) => r.id)).toEqual([
      made.panel!.id,
    ])
  })

  it('exports the filtered rows as CSV with the deadline explained, formulas defused', async () => {
    const rows = await actionRegisterRows(
      database.db,
      options({ filter: { agencyId: world.agencies.police.id } }),
    )
    const csv = actionsCsv(exportValues(rows, ctx.rules, ctx.calendar))
    expect(csv.startsWith('\ufeffReference,Group,Meeting date,Action,')).toBe(true)
    const lines = csv.slice(1).split('\r\n')
    expect(lines).toHaveLength(7)
    expect(lines[1]).toBe(
      `${made.dueSoon!.reference},${world.group.name},2022-09-12,Action dueSoon,Testshire Police,,2022-09-12,2022-09-27,` +
        '"27 September 2022: action matrix received on 12 September 2022 + 10 working days, skipping 4 weekend days and Queen Elizabeth\'s Funeral Day (19 September 2022)",Due soon,0,,,',
    )
    expect(csv).toContain(
      '27 September 2022: extended on 16 September 2022 (the action matrix was issued on 12 September 2022)',
    )
    const all = actionsCsv(
      exportValues(await actionRegisterRows(database.db, options()), ctx.rules, ctx.calendar),
    )
    expect(all).toContain(`"'=SUM(1+1) ""quoted"", with a comma"`)
    expect(all).toContain(',Closed,0,,2022-09-20,Done\r\n')
  })

  it('exports the filtered rows as an Excel workbook, dates as dates', async () => {
    const rows = await actionRegisterRows(database.db, options({ filter: { rag: 'answered' } }))
    const workbook = new ExcelJS.Workbook()
    const bytes = await buffer(actionsXlsx(exportValues(rows, ctx.rules, ctx.calendar)))
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer)
    const sheet = workbook.getWorksheet('Actions')!
    expect(sheet.rowCount).toBe(2)
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual([...exportColumns])
    const row = sheet.getRow(2)
    expect(row.getCell(1).value).toBe(made.answered!.reference)
    expect(row.getCell(4).value).toBe('Action answered')
    expect(row.getCell(8).value).toEqual(new Date('2022-09-27T00:00:00Z'))
    expect(row.getCell(10).value).toBe('Answered')
    expect(row.getCell(11).value).toBe(1)
    expect(row.getCell(12).value).toEqual(new Date('2022-09-22T00:00:00Z'))
  })

  it('reads its query string leniently', () => {
    expect(actionRegisterQuery.parse({})).toMatchObject({ sort: 'due', order: 'asc', page: 1 })
    expect(
      actionRegisterQuery.parse({ rag: 'red', group: 'Not A Slug', agency: 'x', meeting: '1', page: '-3' }),
    ).toMatchObject({ rag: undefined, group: undefined, agency: undefined, meeting: undefined, page: 1 })
    expect(actionRegisterQuery.parse({ rag: 'overdue', group: 'strategic-group' })).toMatchObject({
      rag: 'overdue',
      group: 'strategic-group',
    })
  })
})
