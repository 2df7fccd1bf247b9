import { eq, sql } from 'drizzle-orm'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../../platform/db/client.ts'
import { createOutbox } from '../../platform/notify/notify.service.ts'
import { changeAt, insertItem } from './decisions.fixtures.ts'
import { arrangeReconsideration, recordObjection } from './decisions.objections.ts'
import {
  decisionRegisterQuery,
  decisionRegisterRows,
  decisionsCsv,
  decisionsXlsx,
  exportColumns,
  filterDate,
  listDecisionRegister,
  type RegisterOptions,
  registerGroups,
} from './decisions.register.ts'
import { type DecisionState, decisionState, decisionStates } from './decisions.rules.ts'
import { recordDecision, withdrawDecision } from './decisions.service.ts'
import { decisions } from './decisions.table.ts'
import type { MeetingViewer } from './meetings.access.ts'
import {
  buildMeetingWorld,
  insertGroup,
  insertMeeting,
  insertPerson,
  insertSeat,
  type MeetingWorld,
  NOW,
} from './meetings.fixtures.ts'

const TODAY = '2026-04-10'
const LATER = '2026-04-10T09:00:00Z'

describe('the register of decisions', () => {
  let database: Database
  let world: MeetingWorld
  let panelGroupId: string
  const made: Record<string, { id: string; reference: string }> = {}
  let businessTeam: MeetingViewer

  const options = (overrides: Partial<RegisterOptions> = {}): RegisterOptions => ({
    partnershipId: world.partnership.id,
    viewer: businessTeam,
    today: TODAY,
    filter: {},
    sort: 'reference',
    order: 'asc',
    ...overrides,
  })
  const list = (overrides: Partial<RegisterOptions> = {}, page = 1, pageSize = 50) =>
    listDecisionRegister(database.db, { ...options(overrides), page, pageSize })

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
    businessTeam = { role: 'business_team', userId: world.accounts.businessTeam.userId }
    const pid = world.partnership.id
    const change = (now: Date | string = NOW) => changeAt(pid, world.accounts.businessTeam.userId, now)
    const meeting = await insertMeeting(database.db, {
      partnershipId: pid,
      groupId: world.group.id,
      heldOn: '2026-02-16',
    })
    const later = await insertMeeting(database.db, {
      partnershipId: pid,
      groupId: world.group.id,
      heldOn: '2026-05-18',
    })
    const item = await insertItem(database.db, meeting, { title: 'Neglect strategy' })
    const budget = await insertItem(database.db, meeting, { title: 'Budget 2026/27' })
    const consensus = async (key: string, text: string, implementationOn: string, on = item) => {
      made[key] = await recordDecision(database.db, change(), meeting.id, {
        agendaItemId: on.id,
        text,
        outcome: 'consensus',
        implementationOn,
        deferredToMeetingId: null,
      })
    }
    await consensus('agreed', 'Adopt the neglect strategy', '2026-05-01')
    await consensus('implemented', '=SUM(1+1) "quoted", with a comma', '2026-03-16', budget)
    await consensus('suspended', 'Fund a training post', '2026-04-20', budget)
    await consensus('reconsideration', 'Close the duty desk', '2026-04-21')
    await consensus('withdrawn', 'Recorded by mistake', '2026-05-02')
    made.deferred = await recordDecision(database.db, change(), meeting.id, {
      agendaItemId: item.id,
      text: 'Wait for the audit',
      outcome: 'deferred',
      implementationOn: null,
      deferredToMeetingId: later.id,
    })
    made.referred = await recordDecision(database.db, change(), meeting.id, {
      agendaItemId: budget.id,
      text: 'Agree the contributions',
      outcome: 'referred',
      implementationOn: null,
      deferredToMeetingId: null,
    })
    const outbox = createOutbox({ db: database.db, now: () => new Date(LATER) })
    for (const key of ['suspended', 'reconsideration']) {
      await recordObjection(
        database.db,
        outbox,
        change(LATER),
        made[key]!.id,
        { agencyId: world.agencies.police.id, receivedOn: '2026-04-01', reasons: 'Not agreed by the force' },
        { decisionUrl: 'https://masa.example/x' },
      )
    }
    await arrangeReconsideration(database.db, change(LATER), made.reconsideration!.id, later.id)
    await withdrawDecision(database.db, change(), made.withdrawn!.id, 'Recorded by mistake')

    // A confidential panel that only Olu (a member who does not sit on the main group) sits on.
    const panel = await insertGroup(database.db, pid, { confidential: true, name: 'Case Review Panel' })
    panelGroupId = panel.id
    const olu = await insertPerson(database.db, pid, {
      name: 'Olu Other',
      email: null,
      userId: world.accounts.otherMember.userId,
    })
    await insertSeat(database.db, { partnershipId: pid, groupId: panel.id, personId: olu.id })
    const panelMeeting = await insertMeeting(database.db, {
      partnershipId: pid,
      groupId: panel.id,
      heldOn: '2026-02-20',
    })
    const panelItem = await insertItem(database.db, panelMeeting, { title: 'Child Q review' })
    made.panel = await recordDecision(database.db, change(), panelMeeting.id, {
      agendaItemId: panelItem.id,
      text: 'Commission a practice review',
      outcome: 'consensus',
      implementationOn: '2026-06-01',
      deferredToMeetingId: null,
    })
  })
  afterAll(() => database.close())

  it('filters by state in SQL exactly as decisionState computes it', async () => {
    const raw = await database.db
      .select({
        decision: decisions,
        // Written out: in a single-table select Drizzle leaves column names unqualified.
        objections: sql<number>`(select count(*) from decision_objections o where o.decision_id = decisions.id)`,
      })
      .from(decisions)
      .where(eq(decisions.partnershipId, world.partnership.id))
    const expected = new Map(
      raw.map((r) => [r.decision.id, decisionState(r.decision, Number(r.objections), TODAY)]),
    )
    const seen: DecisionState[] = []
    for (const state of decisionStates) {
      const page = await list({ filter: { state } })
      for (const row of page.rows) expect(expected.get(row.id)).toBe(state)
      expect(page.total).toBe([...expected.values()].filter((s) => s === state).length)
      if (page.total) seen.push(state)
    }
    expect(seen.sort()).toEqual([...decisionStates].sort())
    expect(expected.get(made.agreed!.id)).toBe('agreed')
    expect(expected.get(made.reconsideration!.id)).toBe('reconsideration')
    // The same decision is implemented on its date: the state follows the day asked about.
    const before = await list({ today: '2026-03-15', filter: { state: 'implemented' } })
    expect(before.rows.map((r) => r.id)).not.toContain(made.implemented!.id)
  })

  it('filters by group, text and implementation dates', async () => {
    const panel = await list({ filter: { groupId: panelGroupId } })
    expect(panel.rows.map((r) => r.id)).toEqual([made.panel!.id])
    expect((await list({ filter: { q: 'NEGLECT' } })).rows.map((r) => r.id).sort()).toEqual(
      [made.agreed!.id, made.reconsideration!.id, made.withdrawn!.id, made.deferred!.id].sort(),
    )
    expect((await list({ filter: { q: made.panel!.reference } })).rows.map((r) => r.id)).toEqual([
      made.panel!.id,
    ])
    expect((await list({ filter: { q: '100%' } })).total).toBe(0)
    const window = await list({ filter: { from: '2026-04-20', to: '2026-05-01' } })
    expect(window.rows.map((r) => r.implementationOn).sort()).toEqual([
      '2026-04-20',
      '2026-04-21',
      '2026-05-01',
    ])
  })

  it('sorts by reference, implementation date (none last) and state, and pages', async () => {
    const asc = (await list()).rows.map((r) => r.reference)
    expect(asc).toEqual([...asc].sort())
    const desc = (await list({ order: 'desc' })).rows.map((r) => r.reference)
    expect(desc).toEqual([...asc].reverse())
    const byDate = (await list({ sort: 'implementation' })).rows.map((r) => r.implementationOn)
    expect(byDate.slice(-2)).toEqual([null, null])
    expect(byDate.slice(0, 2)).toEqual(['2026-03-16', '2026-04-20'])
    const byState = (await list({ sort: 'state' })).rows.map((r) => r.state)
    expect(byState.map((s) => decisionStates.indexOf(s))).toEqual(
      [...byState.map((s) => decisionStates.indexOf(s))].sort((a, b) => a - b),
    )
    const page2 = await list({}, 2, 3)
    expect(page2).toMatchObject({ page: 2, pages: 3, total: 8 })
    expect(page2.rows.map((r) => r.reference)).toEqual(asc.slice(3, 6))
    expect((await list({}, 99, 3)).page).toBe(3)
  })

  it('shows a member only the decisions of the groups they sit on', async () => {
    const olu: MeetingViewer = { role: 'member', userId: world.accounts.otherMember.userId }
    expect((await list({ viewer: olu })).rows.map((r) => r.id)).toEqual([made.panel!.id])
    expect(await registerGroups(database.db, world.partnership.id, olu, TODAY)).toEqual([
      { id: panelGroupId, name: 'Case Review Panel' },
    ])
    const head: MeetingViewer = { role: 'member', userId: world.accounts.head.userId }
    const seen = (await list({ viewer: head })).rows.map((r) => r.id)
    expect(seen).toHaveLength(7)
    expect(seen).not.toContain(made.panel!.id)
    // A partner sees the groups that are not confidential; the business team sees everything.
    const partner: MeetingViewer = { role: 'partner', userId: world.accounts.partner.userId }
    expect((await list({ viewer: partner })).total).toBe(7)
    expect((await list()).total).toBe(8)
    expect((await decisionRegisterRows(database.db, options({ viewer: olu }))).map((r) => r.id)).toEqual([
      made.panel!.id,
    ])
  })

  it('exports the filtered rows as CSV, with formulas defused', async () => {
    const rows = await decisionRegisterRows(database.db, options({ filter: { q: 'SUM' } }))
    const csv = decisionsCsv(rows)
    expect(csv.startsWith('\ufeffReference,Group,Meeting date,')).toBe(true)
    const lines = csv.slice(1).split('\r\n')
    expect(lines).toHaveLength(3)
    expect(lines[1]).toBe(
      `${made.implemented!.reference},${world.group.name},2026-02-16,Budget 2026/27,"'=SUM(1+1) ""quoted"", with a comma",By consensus,2026-03-16,Implemented,0,,,`,
    )
    const all = decisionsCsv(await decisionRegisterRows(database.db, options()))
    expect(all).toContain('Suspended: objection received')
    expect(all).toContain(',Recorded by mistake\r\n')
  })

  it('exports the filtered rows as an Excel workbook with dates as dates', async () => {
    const rows = await decisionRegisterRows(database.db, options({ filter: { state: 'reconsideration' } }))
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load((await decisionsXlsx(rows)) as unknown as ArrayBuffer)
    const sheet = workbook.getWorksheet('Decisions')!
    expect(sheet.rowCount).toBe(2)
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual([...exportColumns])
    const row = sheet.getRow(2)
    expect(row.getCell(1).value).toBe(made.reconsideration!.reference)
    expect(row.getCell(5).value).toBe('Close the duty desk')
    expect(row.getCell(7).value).toEqual(new Date('2026-04-21T00:00:00Z'))
    expect(row.getCell(8).value).toBe('Reconsideration arranged')
    expect(row.getCell(9).value).toBe(1)
    expect(row.getCell(11).value).toEqual(new Date('2026-05-18T00:00:00Z'))
  })

  it('reads its query string leniently', () => {
    expect(decisionRegisterQuery.parse({})).toMatchObject({ sort: 'meeting', order: 'desc', page: 1 })
    expect(decisionRegisterQuery.parse({ sort: 'reference' })).toMatchObject({
      sort: 'reference',
      order: 'asc',
    })
    expect(decisionRegisterQuery.parse({ state: 'nonsense', group: 'x', page: '-3' })).toMatchObject({
      state: undefined,
      group: undefined,
      page: 1,
    })
    expect(filterDate('2026-04-01')).toBe('2026-04-01')
    expect(filterDate('1/4/2026')).toBe('2026-04-01')
    expect(filterDate('31/2/2026')).toBeNull()
    expect(filterDate('soon')).toBeNull()
  })
})
