import { and, asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp, type TestClient, titleOf } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import type { ChangeContext } from '../../platform/audit/audit.service.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import type { Database } from '../../platform/db/client.ts'
import { seedAgenda } from './agenda.seed.ts'
import { addAgendaItem } from './agenda.service.ts'
import {
  type Account,
  buildMeetingWorld,
  insertMeeting,
  type MeetingWorld,
  NOW,
} from './meetings.fixtures.ts'
import { agendaItems, type Meeting, meetings } from './meetings.table.ts'
import { detectPaperType } from './papers.filetype.ts'
import { minimalPdf } from './papers.fixtures.ts'
import { addPaper } from './papers.service.ts'

describe('agenda pages', () => {
  let database: Database
  let t: TestApp
  let world: MeetingWorld
  let previous: Meeting
  let meeting: Meeting
  let change: ChangeContext
  const signedIn = async (account: Account): Promise<TestClient> => {
    const client = t.client()
    await client.signIn(account.email, account.password)
    return client
  }
  const agendaUrl = (m: Meeting = meeting) => `/p/${world.partnership.slug}/meetings/${m.id}/agenda`
  const items = (meetingId: string) =>
    database.db
      .select()
      .from(agendaItems)
      .where(eq(agendaItems.meetingId, meetingId))
      .orderBy(asc(agendaItems.position))
  const titlesIn = (html: string) => [...html.matchAll(/data-testid="item-title">([^<]*)</g)].map((m) => m[1])

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
    change = { partnershipId: world.partnership.id, actorId: world.accounts.businessTeam.userId, now: NOW }
    const at = (heldOn: string) =>
      insertMeeting(database.db, { partnershipId: world.partnership.id, groupId: world.group.id, heldOn })
    previous = await at('2026-01-20')
    meeting = await at('2026-03-20')
    await seedAgenda(database.db, meeting, [{ title: 'Finance report' }])
    const budget = await addAgendaItem(database.db, change, {
      meetingId: meeting.id,
      fields: {
        title: 'Budget 2026/27',
        description: 'To agree the partner contributions.\n\nSee the paper.',
        presenter: 'Bea Business',
        durationMinutes: 20,
        decisionNeeded: true,
      },
    })
    const content = minimalPdf()
    const file = { filename: 'budget.pdf', content, type: (await detectPaperType(content))! }
    await addPaper(database.db, change, {
      meetingId: meeting.id,
      title: 'Budget paper',
      agendaItemId: budget,
      restricted: false,
      file,
    })
    await addPaper(database.db, change, {
      meetingId: meeting.id,
      title: 'Case review Child Q',
      agendaItemId: budget,
      restricted: true,
      file,
    })
    t = await buildTestApp(database, { now: () => NOW })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('shows the items in order with their times, papers and the previous minutes, restricted papers to members only', async () => {
    const [first] = await items(meeting.id)
    expect(first?.previousMeetingId).toBe(previous.id)
    await database.db
      .update(agendaItems)
      .set({ durationMinutes: 10 })
      .where(eq(agendaItems.meetingId, meeting.id))
    const partner = await signedIn(world.accounts.partner)
    const page = await partner.get(agendaUrl())
    expect(page.statusCode).toBe(200)
    expect(titleOf(page.body)).toContain('Agenda:')
    expect(titlesIn(page.body)).toEqual([
      'Minutes of the last meeting',
      'Action log',
      'Finance report',
      'Budget 2026/27',
    ])
    // 20 March 2026 is still GMT: 14:00, then 10 minutes an item.
    expect([...page.body.matchAll(/data-testid="item-slot">([^<]*)</g)].map((m) => m[1])).toEqual([
      '14:00 to 14:10',
      '14:10 to 14:20',
      '14:20 to 14:30',
      '14:30 to 14:40',
    ])
    expect(page.body).toContain(`href="/p/${world.partnership.slug}/meetings/${previous.id}/minutes"`)
    expect(page.body).toContain('data-testid="decision-needed"')
    expect(page.body).toContain('Presented by Bea Business')
    expect(page.body).toContain('Budget paper')
    expect(page.body).not.toContain('Case review Child Q')
    expect(page.body).toContain('Not agreed yet')
    expect(page.body).not.toContain('data-testid="add-item"')
    const chair = await signedIn(world.accounts.chair)
    expect((await chair.get(agendaUrl())).body).toContain('Case review Child Q')
  })

  it('lets the business team add an item, keeping what was typed when it is wrong', async () => {
    const client = await signedIn(world.accounts.businessTeam)
    const before = (await items(meeting.id)).length
    const bad = await client.submit(`${agendaUrl()}/new`, `${agendaUrl()}/new`, {
      title: '',
      presenter: 'Dr Who',
      durationMinutes: 'ten',
      decisionNeeded: 'yes',
    })
    expect(bad.statusCode).toBe(400)
    expect(titleOf(bad.body)).toMatch(/^Error: /)
    expect(bad.body).toContain('Enter the title of the item')
    expect(bad.body).toContain('Minutes for the item must be a whole number from 1 to 480')
    expect(bad.body).toContain('value="Dr Who"')
    expect(bad.body).toMatch(/name="decisionNeeded" type="checkbox" value="yes" checked/)
    expect(await items(meeting.id)).toHaveLength(before)

    const added = await client.submit(`${agendaUrl()}/new`, `${agendaUrl()}/new`, {
      title: 'Any other business',
      description: '',
      presenter: '',
      durationMinutes: '5',
    })
    expect(added.statusCode).toBe(303)
    const page = await client.get(added.headers.location as string)
    expect(page.body).toContain('Item added to the agenda')
    expect(titlesIn(page.body).at(-1)).toBe('Any other business')
    const [audit] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityType, 'agenda_item'), eq(auditLog.action, 'add')))
    expect(audit).toBeDefined()
  })

  it('moves an item up and renumbers, and withdraws one after confirming', async () => {
    const client = await signedIn(world.accounts.businessTeam)
    const list = await items(meeting.id)
    const budget = list.find((i) => i.title === 'Budget 2026/27')!
    const moved = await client.submit(agendaUrl(), `${agendaUrl()}/${budget.id}/move`, { direction: 'up' })
    expect(moved.statusCode).toBe(303)
    const after = await items(meeting.id)
    expect(after.map((i) => i.position)).toEqual(after.map((_, i) => i + 1))
    expect(after.findIndex((i) => i.id === budget.id)).toBe(list.findIndex((i) => i.id === budget.id) - 1)

    const edit = await client.get(`${agendaUrl()}/${budget.id}/edit`)
    expect(edit.statusCode).toBe(200)
    expect(edit.body).toContain('value="Budget 2026/27"')
    expect(edit.body).toContain('To agree the partner contributions.')
    const unchanged = await client.submit(
      `${agendaUrl()}/${budget.id}/edit`,
      `${agendaUrl()}/${budget.id}/edit`,
      {
        title: 'Budget 2026/27',
        description: 'To agree the partner contributions.\n\nSee the paper.',
        presenter: 'Bea Business',
        durationMinutes: '10',
        decisionNeeded: 'yes',
      },
    )
    expect(unchanged.headers.location).toContain('unchanged=1')

    const finance = after.find((i) => i.title === 'Finance report')!
    const confirm = await client.get(`${agendaUrl()}/${finance.id}/withdraw`)
    expect(confirm.body).toContain('Withdraw “Finance report”')
    const withdrawn = await client.submit(
      `${agendaUrl()}/${finance.id}/withdraw`,
      `${agendaUrl()}/${finance.id}/withdraw`,
      {},
    )
    expect(withdrawn.statusCode).toBe(303)
    expect((await items(meeting.id)).find((i) => i.id === finance.id)?.withdrawnAt).toEqual(NOW)
    const ownPage = await client.get(agendaUrl())
    expect(ownPage.body).toContain('<s>Finance report</s>')
    const partner = await signedIn(world.accounts.partner)
    expect((await partner.get(agendaUrl())).body).not.toContain('Finance report')
  })

  it('records who agreed the agenda, suggesting the chair and refusing a date in the future', async () => {
    const client = await signedIn(world.accounts.businessTeam)
    const form = await client.get(`${agendaUrl()}/agree`)
    expect(form.body).toContain('value="Chris Chair"')
    const future = await client.submit(`${agendaUrl()}/agree`, `${agendaUrl()}/agree`, {
      agreedBy: 'Chris Chair',
      'agreedOn-day': '3',
      'agreedOn-month': '3',
      'agreedOn-year': '2026',
    })
    expect(future.statusCode).toBe(400)
    expect(future.body).toContain(
      'The date the agenda was agreed must be today (2 March 2026) or in the past',
    )
    const saved = await client.submit(`${agendaUrl()}/agree`, `${agendaUrl()}/agree`, {
      agreedBy: 'Chris Chair',
      'agreedOn-day': '27',
      'agreedOn-month': '2',
      'agreedOn-year': '2026',
    })
    expect(saved.statusCode).toBe(303)
    const page = await client.get(agendaUrl())
    expect(page.body).toContain('Agreed by Chris Chair on 27 February 2026')
  })

  it('refuses changes from a member, to a cancelled meeting, and hides other partnerships’ meetings', async () => {
    const head = await signedIn(world.accounts.head)
    expect((await head.get(agendaUrl())).statusCode).toBe(200)
    expect((await head.get(`${agendaUrl()}/new`)).statusCode).toBe(403)

    const cancelled = await insertMeeting(database.db, {
      partnershipId: world.partnership.id,
      groupId: world.group.id,
      heldOn: '2026-04-20',
    })
    await database.db
      .update(meetings)
      .set({ cancelledAt: NOW, cancelledReason: 'No business' })
      .where(eq(meetings.id, cancelled.id))
    const business = await signedIn(world.accounts.businessTeam)
    const refused = await business.get(`${agendaUrl(cancelled)}/new`)
    expect(refused.statusCode).toBe(409)
    expect(refused.body).toContain('cancelled')

    const other = await buildMeetingWorld(database.db)
    const stranger = await signedIn(other.accounts.businessTeam)
    expect((await stranger.get(agendaUrl())).statusCode).toBe(404)
    expect(
      (await stranger.get(`/p/${other.partnership.slug}/meetings/${meeting.id}/agenda`)).statusCode,
    ).toBe(404)
  })
})
