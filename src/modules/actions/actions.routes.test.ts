import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp, type TestClient, titleOf } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../../platform/db/client.ts'
import { changeAt, insertItem } from '../meetings/decisions.fixtures.ts'
import { decisions } from '../meetings/decisions.table.ts'
import {
  type Account,
  buildMeetingWorld,
  insertGroup,
  insertMeeting,
  insertPerson,
  insertSeat,
  type MeetingWorld,
  NOW,
} from '../meetings/meetings.fixtures.ts'
import type { AgendaItem, Meeting } from '../meetings/meetings.table.ts'
import { insertAction, insertIssue } from './actions.fixtures.ts'
import { createAction } from './actions.service.ts'
import { type Action, actionResponseFiles, actionResponses, actions } from './actions.table.ts'
import { complianceFailures, escalationLetters } from './compliance.table.ts'

// Today is Monday 2 March 2026. The action matrix of the meeting of Monday 16 February was issued
// that day: responses are due on Monday 2 March (10 working days), so today is the deadline.

describe('action pages', () => {
  let database: Database
  let t: TestApp
  let world: MeetingWorld
  let other: MeetingWorld
  let held: Meeting
  let item: AgendaItem
  let decisionId: string
  let issued: Action
  let notIssued: Action
  let panelAction: Action
  let responseId: string
  let fileId: string
  const slug = () => world.partnership.slug
  const signedIn = async (account: Account): Promise<TestClient> => {
    const client = t.client()
    await client.signIn(account.email, account.password)
    return client
  }
  const count = async () =>
    (await database.db.select().from(actions).where(eq(actions.partnershipId, world.partnership.id))).length
  const actionUrl = (a: Action) => `/p/${slug()}/actions/${a.id}`

  beforeAll(async () => {
    database = await createTestDatabase()
    const db = database.db
    world = await buildMeetingWorld(db)
    other = await buildMeetingWorld(db)
    const pid = world.partnership.id
    held = await insertMeeting(db, { partnershipId: pid, groupId: world.group.id, heldOn: '2026-02-16' })
    item = await insertItem(db, held, { title: 'Neglect strategy', position: 1 })
    decisionId = randomUUID()
    await db.insert(decisions).values({
      id: decisionId,
      partnershipId: pid,
      meetingId: held.id,
      agendaItemId: item.id,
      reference: 'D2026-001',
      text: 'Adopt the neglect strategy',
      outcome: 'consensus',
      implementationOn: '2026-03-02',
    })
    const change = changeAt(pid, world.accounts.businessTeam.userId, '2026-02-16T17:00:00Z')
    issued = await createAction(db, change, {
      description: 'Share the neglect toolkit with schools',
      ownerAgencyId: world.agencies.police.id,
      ownerPersonId: world.people.police.id,
      agendaItemId: item.id,
    })
    notIssued = await createAction(db, change, {
      description: 'Report on the audit',
      ownerAgencyId: world.agencies.health.id,
      meetingId: held.id,
    })
    await insertIssue(db, {
      partnershipId: pid,
      meetingId: held.id,
      issuedOn: '2026-02-16',
      dueOn: '2026-03-02',
      actionIds: [issued.id],
    })
    responseId = randomUUID()
    await db.insert(actionResponses).values({
      id: responseId,
      partnershipId: pid,
      actionId: issued.id,
      text: 'Toolkit sent to every head teacher',
      respondedOn: '2026-02-27',
      respondedAt: new Date('2026-02-27T10:00:00Z'),
      dueOn: '2026-03-02',
      byPersonId: world.people.police.id,
    })
    fileId = randomUUID()
    await db.insert(actionResponseFiles).values({
      id: fileId,
      partnershipId: pid,
      responseId,
      filename: 'toolkit report.pdf',
      contentType: 'application/pdf',
      size: 8,
      content: new Uint8Array(Buffer.from('%PDF-1.4')),
    })
    // A confidential panel that only Olu (a member who does not sit on the main group) sits on.
    const panel = await insertGroup(db, pid, { confidential: true, name: 'Case Review Panel' })
    const olu = await insertPerson(db, pid, {
      name: 'Olu',
      email: null,
      userId: world.accounts.otherMember.userId,
    })
    await insertSeat(db, { partnershipId: pid, groupId: panel.id, personId: olu.id })
    panelAction = await insertAction(db, {
      partnershipId: pid,
      groupId: panel.id,
      ownerAgencyId: world.agencies.school.id,
      reference: 'A2026-9000',
      description: 'Confidential panel action',
    })
    await db.insert(complianceFailures).values({
      id: randomUUID(),
      partnershipId: pid,
      agencyId: world.agencies.police.id,
      actionId: issued.id,
      dueOn: '2026-01-20',
      kind: 'late',
      respondedOn: '2026-01-22',
    })
    await db.insert(escalationLetters).values({
      id: randomUUID(),
      partnershipId: pid,
      agencyId: world.agencies.police.id,
      addresseeName: 'Chief Constable',
      subject: 'Late responses to actions',
      body: 'Dear Chief Constable',
      senderName: 'Chair',
    })
    t = await buildTestApp(database, { now: () => NOW })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  describe('the meeting’s Actions tab', () => {
    const tab = () => `/p/${slug()}/meetings/${held.id}/actions`

    it('shows the business team the actions with their status and the buttons', async () => {
      const page = await (await signedIn(world.accounts.businessTeam)).get(tab())
      expect(page.statusCode).toBe(200)
      expect(page.body).toContain('aria-current="page"')
      expect(page.body).toContain('Share the neglect toolkit with schools')
      expect(page.body).toContain('Testshire Police')
      expect(page.body).toContain('Answered')
      expect(page.body).toContain('27 February 2026')
      expect(page.body).toContain('Not issued yet')
      expect(page.body).toContain(`href="/p/${slug()}/actions/new?meeting=${held.id}"`)
      expect(page.body).toContain(`href="/p/${slug()}/meetings/${held.id}/actions/issue"`)
    })

    it('lets a member of the group read it without buttons; not another member or partnership', async () => {
      const page = await (await signedIn(world.accounts.chair)).get(tab())
      expect(page.statusCode).toBe(200)
      expect(page.body).toContain('Share the neglect toolkit with schools')
      expect(page.body).not.toContain('data-testid="add-action"')
      expect(page.body).not.toContain('data-testid="issue-matrix"')
      expect((await (await signedIn(world.accounts.otherMember)).get(tab())).statusCode).toBe(403)
      expect((await (await signedIn(other.accounts.businessTeam)).get(tab())).statusCode).toBe(404)
    })
  })

  describe('adding an action', () => {
    const form = `/p/${'{slug}'}/actions/new`
    const url = (query = '') => form.replace('{slug}', slug()) + query

    it('prefills the meeting, its items and a decision', async () => {
      const client = await signedIn(world.accounts.businessTeam)
      const fromMeeting = await client.get(url(`?meeting=${held.id}`))
      expect(fromMeeting.statusCode).toBe(200)
      expect(fromMeeting.body).toContain(`${world.group.name}, 16 February 2026`)
      expect(fromMeeting.body).toContain('1. Neglect strategy')
      expect(fromMeeting.body).toContain(`name="meetingId" value="${held.id}"`)
      expect(fromMeeting.body).toContain('Do not write the name of any child')
      const fromItem = await client.get(url(`?item=${item.id}`))
      expect(fromItem.body).toMatch(new RegExp(`value="${item.id}" selected`))
      const fromDecision = await client.get(url(`?decision=${decisionId}`))
      expect(fromDecision.body).toContain('D2026-001: Adopt the neglect strategy')
      expect(fromDecision.body).toContain(`name="decisionId" value="${decisionId}"`)
      const standalone = await client.get(url())
      expect(standalone.body).toContain('name="groupId"')
      expect((await client.get(url(`?meeting=${randomUUID()}`))).statusCode).toBe(404)
      const theirs = await insertMeeting(database.db, {
        partnershipId: other.partnership.id,
        groupId: other.group.id,
        heldOn: '2026-02-16',
      })
      expect((await client.get(url(`?meeting=${theirs.id}`))).statusCode).toBe(404)
      expect((await client.get(url('?decision=nonsense'))).statusCode).toBe(404)
      // A cancelled meeting takes no action: the form says so, and a post is refused.
      const cancelled = await insertMeeting(database.db, {
        partnershipId: world.partnership.id,
        groupId: world.group.id,
        heldOn: '2026-02-23',
        cancelledAt: NOW,
        cancelledReason: 'No quorum',
      })
      const closedForm = await client.get(url(`?meeting=${cancelled.id}`))
      expect(closedForm.body).toContain('This meeting was cancelled: no action can be added to it')
      expect(closedForm.body).not.toContain('data-testid="action-form"')
      const refused = await client.submit(url(), url(), {
        meetingId: cancelled.id,
        description: 'Anything',
        ownerAgencyId: world.agencies.police.id,
      })
      expect(refused.statusCode).toBe(409)
      expect(refused.body).toContain('This meeting was cancelled: no action can be added to it')
      const empty = await (await signedIn(other.accounts.businessTeam)).get(
        `/p/${other.partnership.slug}/actions`,
      )
      expect(empty.body).toContain('data-testid="no-actions"')
    })

    it('comes back with clear messages and what was typed, saving nothing', async () => {
      const client = await signedIn(world.accounts.businessTeam)
      const before = await count()
      const empty = await client.submit(url(), url(), { groupId: '', description: '', ownerAgencyId: '' })
      expect(empty.statusCode).toBe(400)
      expect(titleOf(empty.body)).toMatch(/^Error: Add an action/)
      expect(empty.body).toContain('Select the group the action belongs to')
      const typed = {
        meetingId: held.id,
        agendaItemId: item.id,
        description: 'Brief the designated leads',
        ownerAgencyId: '',
        ownerPersonId: '',
      }
      const noAgency = await client.submit(url(`?meeting=${held.id}`), url(), typed)
      expect(noAgency.statusCode).toBe(400)
      expect(noAgency.body).toContain('Select the agency that owns this action')
      expect(noAgency.body).toContain('Brief the designated leads')
      expect(noAgency.body).toContain(`name="meetingId" value="${held.id}"`)
      const stranger = await insertPerson(database.db, world.partnership.id, {
        name: 'Colin Council',
        agencyId: world.agencies.council.id,
      })
      const wrongOwner = await client.submit(url(`?meeting=${held.id}`), url(), {
        ...typed,
        ownerAgencyId: world.agencies.police.id,
        ownerPersonId: stranger.id,
      })
      expect(wrongOwner.statusCode).toBe(400)
      expect(wrongOwner.body).toContain('Choose someone from the owner agency or a member of the group')
      expect(wrongOwner.body).toMatch(new RegExp(`value="${stranger.id}" selected`))
      expect(await count()).toBe(before)
    })

    it('adds it once, even when the form is sent twice, and is for the business team only', async () => {
      const client = await signedIn(world.accounts.businessTeam)
      const fields = {
        meetingId: held.id,
        agendaItemId: item.id,
        description: 'Brief the designated safeguarding leads',
        ownerAgencyId: world.agencies.school.id,
        ownerPersonId: world.people.head.id,
      }
      const added = await client.submit(url(`?meeting=${held.id}`), url(), fields)
      expect(added.statusCode).toBe(303)
      expect(added.headers.location).toMatch(new RegExp(`^/p/${slug()}/actions/[0-9a-f-]{36}\\?created=1$`))
      const page = await client.get(added.headers.location as string)
      expect(page.body).toContain('Action added')
      expect(page.body).toMatch(/Action A2026-\d{4}/)
      expect(page.body).toContain('Hana Head')
      const twice = await client.submit(url(`?meeting=${held.id}`), url(), fields)
      expect(twice.statusCode).toBe(400)
      expect(twice.body).toContain('This action has already been recorded')

      const standalone = await client.submit(url(), url(), {
        groupId: world.group.id,
        description: 'Refresh the escalation policy',
        ownerAgencyId: world.agencies.council.id,
      })
      expect(standalone.statusCode).toBe(303)

      const chair = await signedIn(world.accounts.chair)
      expect((await chair.get(url())).statusCode).toBe(403)
      expect((await (await signedIn(other.accounts.businessTeam)).get(url())).statusCode).toBe(404)
    })
  })

  describe('an action’s page', () => {
    it('shows everything about it: source, owner, deadline explained, responses and files', async () => {
      const client = await signedIn(world.accounts.businessTeam)
      const page = await client.get(actionUrl(issued))
      expect(page.statusCode).toBe(200)
      expect(page.body).toContain(`Action ${issued.reference}`)
      expect(page.body).toContain('Answered')
      expect(page.body).toContain('Item 1. Neglect strategy')
      expect(page.body).toContain('Pat Police')
      expect(page.body).toContain(
        '2 March 2026: action matrix received on 16 February 2026 + 10 working days, skipping 4 weekend days',
      )
      expect(page.body).toContain('Toolkit sent to every head teacher')
      expect(page.body).toContain('On time')
      const fileHref = `${actionUrl(issued)}/responses/${responseId}/files/${fileId}`
      expect(page.body).toContain(fileHref)
      expect(page.body).toContain(`href="${actionUrl(issued)}/respond"`)
      expect(page.body).toContain(`href="${actionUrl(issued)}/extensions/new"`)
      expect(page.body).not.toContain('data-testid="edit-action"')
      const file = await client.get(fileHref)
      expect(file.statusCode).toBe(200)
      expect(file.headers['content-type']).toBe('application/pdf')
      expect(file.headers['content-disposition']).toContain('toolkit report.pdf')
      expect(file.body).toBe('%PDF-1.4')
      expect(
        (await client.get(`${actionUrl(issued)}/responses/${responseId}/files/${randomUUID()}`)).statusCode,
      ).toBe(404)
      expect(
        (await client.get(`${actionUrl(notIssued)}/responses/${responseId}/files/${fileId}`)).statusCode,
      ).toBe(404)

      const waiting = await client.get(actionUrl(notIssued))
      expect(waiting.body).toContain('Not issued yet')
      expect(waiting.body).toContain('data-testid="edit-action"')
      expect(waiting.body).not.toContain('data-testid="respond"')
    })

    it('is for those who may see the action: 403 for a member not on the group, 404 elsewhere', async () => {
      const owner = await signedIn(world.accounts.police)
      const page = await owner.get(actionUrl(issued))
      expect(page.statusCode).toBe(200)
      expect(page.body).toContain('data-testid="respond"')
      expect(page.body).not.toContain('data-testid="close-action"')
      const scrutineer = await (await signedIn(world.accounts.scrutineer)).get(actionUrl(issued))
      expect(scrutineer.statusCode).toBe(200)
      expect(scrutineer.body).not.toContain('data-testid="respond"')
      const olu = await signedIn(world.accounts.otherMember)
      expect((await olu.get(actionUrl(issued))).statusCode).toBe(403)
      expect((await olu.get(`${actionUrl(issued)}/responses/${responseId}/files/${fileId}`)).statusCode).toBe(
        403,
      )
      expect((await olu.get(actionUrl(panelAction))).statusCode).toBe(200)
      expect((await (await signedIn(world.accounts.partner)).get(actionUrl(panelAction))).statusCode).toBe(
        403,
      )
      const outsider = await signedIn(other.accounts.businessTeam)
      expect((await outsider.get(actionUrl(issued))).statusCode).toBe(404)
      expect((await outsider.get(`/p/${other.partnership.slug}/actions/${issued.id}`)).statusCode).toBe(404)
      expect((await owner.get(`/p/${slug()}/actions/not-an-action`)).statusCode).toBe(404)
    })
  })

  describe('changing and closing', () => {
    it('changes an action until it is issued', async () => {
      const client = await signedIn(world.accounts.businessTeam)
      const edit = `${actionUrl(notIssued)}/edit`
      const bad = await client.submit(edit, edit, {
        description: '',
        ownerAgencyId: world.agencies.health.id,
      })
      expect(bad.statusCode).toBe(400)
      expect(bad.body).toContain('Enter the action')
      const saved = await client.submit(edit, edit, {
        description: 'Report on the audit of neglect cases',
        ownerAgencyId: world.agencies.health.id,
        ownerPersonId: world.people.health.id,
      })
      expect(saved.statusCode).toBe(303)
      expect(saved.headers.location).toBe(`${actionUrl(notIssued)}?updated=1`)
      const locked = await client.get(`${actionUrl(issued)}/edit`)
      expect(locked.body).toContain('This action has been issued to its owner: it can no longer be changed')
      const refused = await client.post(`${actionUrl(issued)}/edit`, {
        _csrf: (locked.body.match(/name="_csrf" value="([^"]+)"/) ?? [])[1] ?? '',
        description: 'Changed',
        ownerAgencyId: world.agencies.police.id,
      })
      expect(refused.statusCode).toBe(409)
      const [row] = await database.db.select().from(actions).where(eq(actions.id, issued.id))
      expect(row?.description).toBe('Share the neglect toolkit with schools')
    })

    it('closes with a reason, and says so clearly the second time, changing nothing', async () => {
      const client = await signedIn(world.accounts.businessTeam)
      const close = `${actionUrl(notIssued)}/close`
      const empty = await client.submit(close, close, { reason: ' ' })
      expect(empty.statusCode).toBe(400)
      expect(titleOf(empty.body)).toMatch(/^Error: /)
      expect(empty.body).toContain('Enter why the action is closed')
      const token = (empty.body.match(/name="_csrf" value="([^"]+)"/) ?? [])[1] ?? ''
      const closed = await client.post(close, { _csrf: token, reason: 'No longer needed' })
      expect(closed.statusCode).toBe(303)
      expect(closed.headers.location).toBe(`${actionUrl(notIssued)}?closed=1`)
      const again = await client.post(close, { _csrf: token, reason: 'Twice' })
      expect(again.statusCode).toBe(409)
      expect(again.body).toContain('This action was already closed')
      const [row] = await database.db.select().from(actions).where(eq(actions.id, notIssued.id))
      expect(row?.closedReason).toBe('No longer needed')
      const page = await client.get(actionUrl(notIssued))
      expect(page.body).toContain('No longer needed')
      expect(page.body).toContain('Closed')
      expect(page.body).not.toContain('data-testid="close-action"')
      expect(
        (await (await signedIn(world.accounts.chair)).get(`${actionUrl(issued)}/close`)).statusCode,
      ).toBe(403)
    })
  })

  describe('the register', () => {
    const register = () => `/p/${slug()}/actions`

    it('lists, counts by status and filters what the viewer may see', async () => {
      const client = await signedIn(world.accounts.businessTeam)
      const page = await client.get(register())
      expect(page.statusCode).toBe(200)
      expect(page.body).toContain('data-testid="action-register"')
      expect(page.body).toContain('Confidential panel action')
      expect(page.body).toMatch(/data-testid="rag-count-answered"[\s\S]*?data-testid="rag-count">1</)
      const answered = await client.get(`${register()}?rag=answered&group=${world.group.slug}`)
      expect(answered.body).toContain('Share the neglect toolkit with schools')
      expect(answered.body).not.toContain('Confidential panel action')
      expect(answered.body).toContain('Selected filters')
      const badDate = await client.get(`${register()}?from=31/2/2026`)
      expect(badDate.statusCode).toBe(200)
      expect(badDate.body).toContain('Enter a real date, like 17/5/2026')
      const byMeeting = await client.get(`${register()}?meeting=${held.id}`)
      expect(byMeeting.body).toContain(`${world.group.name}, 16 February 2026`)
      expect(byMeeting.body).not.toContain('Confidential panel action')

      const olu = await (await signedIn(world.accounts.otherMember)).get(register())
      expect(olu.statusCode).toBe(200)
      expect(olu.body).toContain('Confidential panel action')
      expect(olu.body).not.toContain('Share the neglect toolkit with schools')
      const chair = await (await signedIn(world.accounts.chair)).get(register())
      expect(chair.body).not.toContain('Confidential panel action')
      expect((await (await signedIn(other.accounts.businessTeam)).get(register())).statusCode).toBe(404)
    })

    it('exports the filtered rows as CSV and Excel', async () => {
      const client = await signedIn(world.accounts.businessTeam)
      const csv = await client.get(`${register()}.csv?rag=answered`)
      expect(csv.statusCode).toBe(200)
      expect(csv.headers['content-type']).toContain('text/csv')
      expect(csv.headers['content-disposition']).toMatch(/attachment; filename="actions-.*\.csv"/)
      const lines = csv.body.trim().split('\r\n')
      expect(lines).toHaveLength(2)
      expect(lines[1]).toContain('Share the neglect toolkit with schools')
      const xlsx = await client.get(`${register()}.xlsx?agency=${world.agencies.police.id}`)
      expect(xlsx.statusCode).toBe(200)
      const workbook = new ExcelJS.Workbook()
      await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer)
      const sheet = workbook.getWorksheet('Actions')!
      expect(sheet.rowCount).toBe(2)
      expect(sheet.getRow(2).getCell(1).value).toBe(issued.reference)
      const olu = await signedIn(world.accounts.otherMember)
      const theirs = await olu.get(`${register()}.csv`)
      expect(theirs.body).toContain('Confidential panel action')
      expect(theirs.body).not.toContain('Share the neglect toolkit')
      expect((await (await signedIn(other.accounts.businessTeam)).get(`${register()}.xlsx`)).statusCode).toBe(
        404,
      )
    })
  })

  describe('an agency’s actions', () => {
    const agencyPage = () => `/p/${slug()}/agencies/${world.agencies.police.id}/actions`

    it('shows its actions, responses on time and late, and its compliance history', async () => {
      const client = await signedIn(world.accounts.businessTeam)
      const page = await client.get(agencyPage())
      expect(page.statusCode).toBe(200)
      expect(page.body).toContain('Testshire Police')
      expect(page.body).toContain('Share the neglect toolkit with schools')
      expect(page.body).toContain('1 on time, 0 late.')
      expect(page.body).toContain('data-testid="agency-failure-row"')
      expect(page.body).toContain('Answered late, on 22 January 2026')
      expect(page.body).toContain('Late responses to actions')
      expect(page.body).toContain(`?agency=${world.agencies.police.id}&amp;rag=overdue`)
      // A member sees the actions but not the compliance history.
      const chair = await (await signedIn(world.accounts.chair)).get(agencyPage())
      expect(chair.statusCode).toBe(200)
      expect(chair.body).toContain('Share the neglect toolkit with schools')
      expect(chair.body).not.toContain('Compliance history')
      const olu = await (await signedIn(world.accounts.otherMember)).get(agencyPage())
      expect(olu.body).not.toContain('Share the neglect toolkit with schools')
      expect((await client.get(`/p/${slug()}/agencies/${other.agencies.police.id}/actions`)).statusCode).toBe(
        404,
      )
      expect((await client.get(`/p/${slug()}/agencies/nope/actions`)).statusCode).toBe(404)
    })
  })
})
