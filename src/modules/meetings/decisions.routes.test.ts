import { eq } from 'drizzle-orm'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp, type TestClient, titleOf } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../../platform/db/client.ts'
import { outbox } from '../../platform/notify/notify.table.ts'
import { changeAt, insertItem } from './decisions.fixtures.ts'
import { recordDecision } from './decisions.service.ts'
import { decisionObjections, decisions } from './decisions.table.ts'
import {
  type Account,
  buildMeetingWorld,
  insertGroup,
  insertMeeting,
  type MeetingWorld,
  NOW,
} from './meetings.fixtures.ts'
import type { AgendaItem, Meeting } from './meetings.table.ts'

const LATER = new Date('2026-04-10T09:00:00Z')

describe('decision pages', () => {
  let database: Database
  let t: TestApp
  let world: MeetingWorld
  let other: MeetingWorld
  let clock = NOW
  let held: Meeting
  let notYet: Meeting
  let later: Meeting
  let strategicNext: Meeting
  let strategy: AgendaItem
  let budget: AgendaItem
  const slug = () => world.partnership.slug
  const meetingBase = (m: Meeting) => `/p/${slug()}/meetings/${m.id}`
  const signedIn = async (account: Account): Promise<TestClient> => {
    const client = t.client()
    await client.signIn(account.email, account.password)
    return client
  }
  const countFor = async (meetingId: string) =>
    (await database.db.select().from(decisions).where(eq(decisions.meetingId, meetingId))).length
  const direct = (text: string, implementationOn = '2026-04-01') =>
    recordDecision(
      database.db,
      changeAt(world.partnership.id, world.accounts.businessTeam.userId, NOW),
      held.id,
      {
        agendaItemId: strategy.id,
        text,
        outcome: 'consensus',
        implementationOn,
        deferredToMeetingId: null,
      },
    )
  const dateFields = (name: string, iso: string) => ({
    [`${name}-day`]: String(Number(iso.slice(8, 10))),
    [`${name}-month`]: String(Number(iso.slice(5, 7))),
    [`${name}-year`]: iso.slice(0, 4),
  })

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
    other = await buildMeetingWorld(database.db)
    const pid = world.partnership.id
    const meeting = (heldOn: string) =>
      insertMeeting(database.db, { partnershipId: pid, groupId: world.group.id, heldOn })
    held = await meeting('2026-02-16')
    notYet = await meeting('2026-03-20')
    later = await meeting('2026-04-20')
    strategy = await insertItem(database.db, held, { title: 'Neglect strategy', position: 1 })
    budget = await insertItem(database.db, held, {
      title: 'Budget 2026/27',
      position: 2,
      decisionNeeded: true,
    })
    await insertItem(database.db, notYet, { title: 'Anything' })
    const strategic = await insertGroup(database.db, pid, { kind: 'strategic', name: 'Strategic Group' })
    strategicNext = await insertMeeting(database.db, {
      partnershipId: pid,
      groupId: strategic.id,
      heldOn: '2026-03-25',
    })
    t = await buildTestApp(database, { now: () => clock })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  describe('a meeting’s decisions', () => {
    it('shows the business team the notice rule and the button, with an empty state', async () => {
      const client = await signedIn(world.accounts.businessTeam)
      const page = await client.get(`${meetingBase(held)}/decisions`)
      expect(page.statusCode).toBe(200)
      expect(page.body).toContain('data-testid="record-decision"')
      expect(page.body).toContain(
        'no earlier than 2 March 2026: meeting on 16 February 2026 + 10 working days',
      )
      expect(page.body).toContain('data-testid="no-decisions"')
      const future = await client.get(`${meetingBase(notYet)}/decisions`)
      expect(future.body).toContain('data-testid="record-closed"')
      expect(future.body).not.toContain('data-testid="record-decision"')
    })

    it('lets a member of the group read them, but not another group’s member or partnership', async () => {
      await direct('Adopt the neglect strategy')
      const chair = await signedIn(world.accounts.chair)
      const page = await chair.get(`${meetingBase(held)}/decisions`)
      expect(page.statusCode).toBe(200)
      expect(page.body).toContain('Adopt the neglect strategy')
      expect(page.body).toContain('Agreed: awaiting implementation')
      expect(page.body).not.toContain('data-testid="record-decision"')
      expect(
        (await (await signedIn(world.accounts.otherMember)).get(`${meetingBase(held)}/decisions`)).statusCode,
      ).toBe(403)
      expect(
        (await (await signedIn(other.accounts.businessTeam)).get(`${meetingBase(held)}/decisions`))
          .statusCode,
      ).toBe(404)
    })
  })

  describe('recording a decision', () => {
    const form = () => `${meetingBase(held)}/decisions/new`

    it('lists decision-needed items first, preselects ?item and names the Strategic Group', async () => {
      const client = await signedIn(world.accounts.businessTeam)
      const page = await client.get(`${form()}?item=${strategy.id}`)
      expect(page.statusCode).toBe(200)
      expect(page.body.indexOf('Budget 2026/27 (decision needed)')).toBeLessThan(
        page.body.indexOf('1. Neglect strategy'),
      )
      expect(page.body).toMatch(new RegExp(`value="${strategy.id}" selected`))
      expect(page.body).toContain(
        'The earliest date is 2 March 2026: meeting on 16 February 2026 + 10 working days',
      )
      expect(page.body).toContain('Strategic Group</a>')
      expect(page.body).toContain(`/meetings/${strategicNext.id}`)
      expect(page.body).toContain(`value="${later.id}"`)
      expect(page.body).toContain('Do not write the name of any child')
    })

    it('comes back with clear messages and every typed value, saving nothing', async () => {
      const client = await signedIn(world.accounts.businessTeam)
      const before = await countFor(held.id)
      const empty = await client.submit(form(), form(), { agendaItemId: '', text: '' })
      expect(empty.statusCode).toBe(400)
      expect(titleOf(empty.body)).toMatch(/^Error: Record a decision/)
      expect(empty.body).toContain('Choose the agenda item the decision is about')
      expect(empty.body).toContain('Enter the decision')
      expect(empty.body).toContain('Choose how the decision was reached')

      const typed = {
        agendaItemId: budget.id,
        text: 'Agree the partner contributions for 2026/27',
        outcome: 'consensus',
        ...dateFields('implementationOn', '2026-02-27'),
      }
      const early = await client.submit(form(), form(), typed)
      expect(early.statusCode).toBe(400)
      expect(early.body).toContain(
        'The implementation date must be on or after 2 March 2026: meeting on 16 February 2026 + 10 working days, skipping 4 weekend days',
      )
      expect(early.body).toContain('Agree the partner contributions for 2026/27')
      expect(early.body).toMatch(new RegExp(`value="${budget.id}" selected`))
      expect(early.body).toMatch(/name="outcome" type="radio" value="consensus" checked/)
      expect(early.body).toMatch(/name="implementationOn-day" type="text" value="27"/)

      const deferred = await client.submit(form(), form(), {
        ...typed,
        outcome: 'deferred',
        deferredToMeetingId: '',
      })
      expect(deferred.body).toContain('Choose the later meeting the decision is deferred to')
      const notLater = await client.submit(form(), form(), {
        ...typed,
        outcome: 'deferred',
        deferredToMeetingId: held.id,
      })
      expect(notLater.statusCode).toBe(400)
      expect(notLater.body).toContain('Choose the later meeting the decision is deferred to')
      const badDate = await client.submit(form(), form(), {
        ...typed,
        'implementationOn-day': '31',
        'implementationOn-month': '2',
      })
      expect(badDate.body).toContain('The implementation date must be a real date')
      expect(await countFor(held.id)).toBe(before)
    })

    it('records a decision once, even when the form is sent twice, and shows it', async () => {
      const client = await signedIn(world.accounts.businessTeam)
      const fields = {
        agendaItemId: budget.id,
        text: 'Agree the partner contributions for 2026/27',
        outcome: 'consensus',
        ...dateFields('implementationOn', '2026-04-01'),
      }
      const before = await countFor(held.id)
      const saved = await client.submit(form(), form(), fields)
      expect(saved.statusCode).toBe(303)
      const location = saved.headers.location as string
      expect(location).toMatch(new RegExp(`^/p/${slug()}/decisions/[0-9a-f-]{36}\\?recorded=1$`))
      const again = await client.submit(form(), form(), fields)
      expect(again.statusCode).toBe(400)
      expect(again.body).toContain('This decision has already been recorded')
      expect(await countFor(held.id)).toBe(before + 1)

      const page = await client.get(location)
      expect(page.statusCode).toBe(200)
      expect(page.body).toContain('Decision recorded')
      expect(page.body).toMatch(/Decision D2026-\d{3}/)
      expect(page.body).toContain('1 April 2026')
      expect(page.body).toContain('Agreed: awaiting implementation')
      expect(page.body).toContain('data-testid="record-objection"')
      expect(page.body).toContain(`href="${meetingBase(held)}"`)
    })

    it('records a deferral and a referral', async () => {
      const client = await signedIn(world.accounts.businessTeam)
      const deferred = await client.submit(form(), form(), {
        agendaItemId: strategy.id,
        text: 'Come back with costs',
        outcome: 'deferred',
        deferredToMeetingId: later.id,
      })
      expect(deferred.statusCode).toBe(303)
      const page = await client.get(deferred.headers.location as string)
      expect(page.body).toContain('data-testid="deferred-to"')
      expect(page.body).not.toContain('data-testid="record-objection"')
      const referred = await client.submit(form(), form(), {
        agendaItemId: strategy.id,
        text: 'Ask the Strategic Group',
        outcome: 'referred',
      })
      const referredPage = await client.get(referred.headers.location as string)
      expect(referredPage.body).toContain('Referred to the Strategic Group')
      expect(referredPage.body).toContain('To Strategic Group, next meeting')
    })

    it('refuses a meeting not yet held, saving nothing', async () => {
      const client = await signedIn(world.accounts.businessTeam)
      const url = `${meetingBase(notYet)}/decisions/new`
      const page = await client.get(url)
      expect(page.body).toContain('it can be recorded from the day of the meeting, 20 March 2026')
      expect(page.body).not.toContain('data-testid="decision-form"')
      const [item] = await database.db.select().from(decisions).where(eq(decisions.meetingId, notYet.id))
      expect(item).toBeUndefined()
      const response = await client.submit(url, url, {
        agendaItemId: '',
        text: 'Too soon',
        outcome: 'referred',
      })
      expect(response.statusCode).toBe(409)
      expect(await countFor(notYet.id)).toBe(0)
    })

    it('is for the business team: 403 for a member, 404 for another partnership', async () => {
      const chair = await signedIn(world.accounts.chair)
      expect((await chair.get(form())).statusCode).toBe(403)
      const outsider = await signedIn(other.accounts.businessTeam)
      expect((await outsider.get(form())).statusCode).toBe(404)
      // A post without the business team's rights is refused before anything is read.
      const posted = await chair.post(form(), { text: 'x' })
      expect([403]).toContain(posted.statusCode)
    })
  })

  describe('objections, reconsideration and withdrawal', () => {
    let decision: { id: string; reference: string }
    const base = () => `/p/${slug()}/decisions/${decision.id}`

    beforeAll(async () => {
      decision = await direct('Close the duty desk on Fridays')
    })
    afterAll(() => {
      clock = NOW
    })

    it('refuses a bad objection with its message and the values typed, saving nothing', async () => {
      clock = LATER
      const client = await signedIn(world.accounts.businessTeam)
      const url = `${base()}/objections/new`
      const page = await client.get(url)
      expect(page.statusCode).toBe(200)
      expect(page.body).toContain('Testshire Police')
      const empty = await client.submit(url, url, { agencyId: '', reasons: '' })
      expect(empty.statusCode).toBe(400)
      expect(titleOf(empty.body)).toMatch(/^Error: /)
      expect(empty.body).toContain('Choose the agency that objected')
      expect(empty.body).toContain('Enter the date the written objection was received')
      expect(empty.body).toContain('Enter the reasons given in the objection')
      const onTheDay = await client.submit(url, url, {
        agencyId: world.agencies.police.id,
        ...dateFields('receivedOn', '2026-04-01'),
        reasons: 'The force cannot staff it',
      })
      expect(onTheDay.statusCode).toBe(400)
      expect(onTheDay.body).toContain(
        'An objection must be received before the implementation date, 1 April 2026',
      )
      expect(onTheDay.body).toContain('The force cannot staff it')
      expect(onTheDay.body).toMatch(new RegExp(`value="${world.agencies.police.id}" selected`))
      const future = await client.submit(url, url, {
        agencyId: world.agencies.police.id,
        ...dateFields('receivedOn', '2026-04-11'),
        reasons: 'Later',
      })
      expect(future.body).toContain('must be today or in the past')
      const saved = await database.db
        .select()
        .from(decisionObjections)
        .where(eq(decisionObjections.decisionId, decision.id))
      expect(saved).toEqual([])
    })

    it('records an objection the day before, suspends the decision and tells people', async () => {
      clock = LATER
      const client = await signedIn(world.accounts.businessTeam)
      const url = `${base()}/objections/new`
      const response = await client.submit(url, url, {
        agencyId: world.agencies.police.id,
        ...dateFields('receivedOn', '2026-03-31'),
        reasons: 'The force cannot staff it',
      })
      expect(response.statusCode).toBe(303)
      expect(response.headers.location).toBe(`${base()}?objected=1`)
      const page = await client.get(response.headers.location as string)
      expect(page.body).toContain('Suspended: objection received')
      expect(page.body).toContain('data-testid="objection-row"')
      expect(page.body).toContain('Arrange a reconsideration meeting')
      const mail = await database.db
        .select()
        .from(outbox)
        .where(eq(outbox.partnershipId, world.partnership.id))
      const about = mail.filter((m) => m.subject.includes(decision.reference))
      expect(about.map((m) => m.toAddress)).toContain(world.accounts.chair.email)
      expect(about[0]?.textBody).toContain(`http://`)
    })

    it('arranges a reconsideration meeting, refusing none chosen', async () => {
      clock = LATER
      const client = await signedIn(world.accounts.businessTeam)
      const url = `${base()}/reconsideration`
      const page = await client.get(url)
      expect(page.body).toContain(`value="${later.id}"`)
      expect(page.body).toContain(`href="/p/${slug()}/meetings/new"`)
      const none = await client.submit(url, url, {})
      expect(none.statusCode).toBe(400)
      expect(none.body).toContain('Choose the meeting that will reconsider the decision')
      const wrong = await client.submit(url, url, { meetingId: held.id })
      expect(wrong.statusCode).toBe(400)
      expect(wrong.body).toContain('Choose a later meeting of the group')
      const ok = await client.submit(url, url, { meetingId: later.id })
      expect(ok.statusCode).toBe(303)
      const decisionPage = await client.get(ok.headers.location as string)
      expect(decisionPage.body).toContain('Reconsideration arranged')
      expect(decisionPage.body).toContain('data-testid="reconsideration-link"')
      expect(decisionPage.body).toContain(`href="${meetingBase(later)}"`)
    })

    it('refuses an objection to a decision that was not reached by consensus', async () => {
      const deferred = await recordDecision(
        database.db,
        changeAt(world.partnership.id, world.accounts.businessTeam.userId, NOW),
        held.id,
        {
          agendaItemId: strategy.id,
          text: 'Wait',
          outcome: 'deferred',
          implementationOn: null,
          deferredToMeetingId: later.id,
        },
      )
      const client = await signedIn(world.accounts.businessTeam)
      const url = `/p/${slug()}/decisions/${deferred.id}/objections/new`
      const page = await client.get(url)
      expect(page.body).toContain('data-testid="objection-closed"')
      const posted = await client.submit(url, url, {
        agencyId: world.agencies.police.id,
        ...dateFields('receivedOn', '2026-03-01'),
        reasons: 'No',
      })
      expect(posted.statusCode).toBe(409)
      expect(posted.body).toContain('Only a decision reached by consensus can be objected to')
      expect(
        await database.db
          .select()
          .from(decisionObjections)
          .where(eq(decisionObjections.decisionId, deferred.id)),
      ).toEqual([])
    })

    it('withdraws a decision with a reason after a confirm page', async () => {
      const client = await signedIn(world.accounts.businessTeam)
      const d = await direct('Entered twice by mistake')
      const url = `/p/${slug()}/decisions/${d.id}/withdraw`
      const confirm = await client.get(url)
      expect(confirm.body).toContain('Withdraw this decision')
      const empty = await client.submit(url, url, { reason: '' })
      expect(empty.statusCode).toBe(400)
      expect(empty.body).toContain('Enter why the decision is withdrawn')
      const ok = await client.submit(url, url, { reason: 'Duplicate of another decision' })
      expect(ok.statusCode).toBe(303)
      const page = await client.get(ok.headers.location as string)
      expect(page.body).toContain('Decision withdrawn')
      expect(page.body).toContain('Duplicate of another decision')
      expect(page.body).not.toContain('data-testid="withdraw-decision"')
    })

    it('keeps the decision to those who may see its meeting and its changes to the business team', async () => {
      const chair = await signedIn(world.accounts.chair)
      const page = await chair.get(base())
      expect(page.statusCode).toBe(200)
      expect(page.body).not.toContain('data-testid="record-objection"')
      expect((await chair.get(`${base()}/objections/new`)).statusCode).toBe(403)
      expect((await chair.get(`${base()}/reconsideration`)).statusCode).toBe(403)
      expect((await chair.get(`${base()}/withdraw`)).statusCode).toBe(403)
      const olu = await signedIn(world.accounts.otherMember)
      expect((await olu.get(base())).statusCode).toBe(403)
      const outsider = await signedIn(other.accounts.businessTeam)
      expect((await outsider.get(base())).statusCode).toBe(404)
      expect((await outsider.get(`/p/${other.partnership.slug}/decisions/${decision.id}`)).statusCode).toBe(
        404,
      )
      expect((await chair.get(`/p/${slug()}/decisions/not-a-decision`)).statusCode).toBe(404)
    })
  })

  describe('the register', () => {
    it('lists, filters and sorts the decisions, with exports of the filtered rows', async () => {
      clock = LATER
      const client = await signedIn(world.accounts.businessTeam)
      const all = await client.get(`/p/${slug()}/decisions`)
      expect(all.statusCode).toBe(200)
      expect(all.body).toContain('data-testid="decision-register"')
      expect(all.body).toContain('data-testid="sort-reference"')
      const rows = (html: string) => html.match(/data-testid="register-row"/g)?.length ?? 0
      const total = await database.db
        .select()
        .from(decisions)
        .where(eq(decisions.partnershipId, world.partnership.id))
      expect(rows(all.body)).toBe(total.length)

      const suspended = await client.get(`/p/${slug()}/decisions?state=reconsideration`)
      expect(rows(suspended.body)).toBe(1)
      expect(suspended.body).toContain('Selected filters')
      expect(suspended.body).toContain(`decisions.csv?state=reconsideration`)
      const none = await client.get(`/p/${slug()}/decisions?q=nothing-like-this`)
      expect(none.body).toContain('data-testid="no-matches"')
      const badDate = await client.get(`/p/${slug()}/decisions?from=31/2/2026`)
      expect(badDate.statusCode).toBe(200)
      expect(badDate.body).toContain('Enter a real date, like 17/5/2026')
      const sorted = await client.get(`/p/${slug()}/decisions?sort=reference`)
      expect(sorted.body).toMatch(/aria-sort="ascending"[^>]*>\s*<a[^>]*data-testid="sort-reference"/)

      const csv = await client.get(`/p/${slug()}/decisions.csv?state=reconsideration`)
      expect(csv.statusCode).toBe(200)
      expect(csv.headers['content-type']).toContain('text/csv')
      expect(csv.headers['content-disposition']).toContain('.csv')
      expect(csv.body.split('\r\n').filter(Boolean)).toHaveLength(2)
      expect(csv.body).toContain('Close the duty desk on Fridays')

      const xlsx = await client.app.inject({
        method: 'GET',
        url: `/p/${slug()}/decisions.xlsx?state=reconsideration`,
        headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      })
      expect(xlsx.statusCode).toBe(200)
      const workbook = new ExcelJS.Workbook()
      await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer)
      const sheet = workbook.getWorksheet('Decisions')!
      expect(sheet.rowCount).toBe(2)
      expect(sheet.getRow(2).getCell(5).value).toBe('Close the duty desk on Fridays')
    })

    it('shows a member of another group an empty register and empty exports', async () => {
      const olu = await signedIn(world.accounts.otherMember)
      const page = await olu.get(`/p/${slug()}/decisions`)
      expect(page.statusCode).toBe(200)
      expect(page.body).toContain('data-testid="no-decisions"')
      const csv = await olu.get(`/p/${slug()}/decisions.csv`)
      expect(csv.body.split('\r\n').filter(Boolean)).toHaveLength(1)
      const outsider = await signedIn(other.accounts.businessTeam)
      expect((await outsider.get(`/p/${slug()}/decisions`)).statusCode).toBe(404)
      expect((await outsider.get(`/p/${slug()}/decisions.csv`)).statusCode).toBe(404)
    })
  })
})
