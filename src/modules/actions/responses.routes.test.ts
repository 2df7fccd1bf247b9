import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, csrfTokenIn, type TestApp, type TestClient, titleOf } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../../platform/db/client.ts'
import {
  type Account,
  buildMeetingWorld,
  insertMeeting,
  type MeetingWorld,
} from '../meetings/meetings.fixtures.ts'
import type { Meeting } from '../meetings/meetings.table.ts'
import { minimalPdf } from '../meetings/papers.fixtures.ts'
import { insertAction, insertIssue } from './actions.fixtures.ts'
import { type Action, actionExtensions, actionLinks, actionResponses, actions } from './actions.table.ts'
import { complianceFailures } from './compliance.table.ts'
import { createActionLink } from './links.service.ts'

const ON_TIME = new Date('2026-03-10T10:00:00Z')
const LATE = new Date('2026-03-17T10:00:00Z')

describe('answering actions: pages', () => {
  let database: Database
  let t: TestApp
  let world: MeetingWorld
  let other: MeetingWorld
  let meeting: Meeting
  let issueId: string
  let clock = ON_TIME
  const slug = () => world.partnership.slug
  const actionUrl = (a: { id: string }) => `/p/${slug()}/actions/${a.id}`
  const signedIn = async (account: Account): Promise<TestClient> => {
    const client = t.client()
    await client.signIn(account.email, account.password)
    return client
  }
  const responsesTo = (actionId: string) =>
    database.db.select().from(actionResponses).where(eq(actionResponses.actionId, actionId))
  const issuedAction = (agency: 'police' | 'health' | 'school', fields: Partial<Action> = {}) =>
    insertAction(database.db, {
      partnershipId: world.partnership.id,
      groupId: world.group.id,
      meetingId: meeting.id,
      ownerAgencyId: world.agencies[agency].id,
      issueId,
      issuedOn: '2026-03-02',
      dueOn: '2026-03-16',
      ...fields,
    })

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
    other = await buildMeetingWorld(database.db)
    meeting = await insertMeeting(database.db, {
      partnershipId: world.partnership.id,
      groupId: world.group.id,
      heldOn: '2026-02-23',
    })
    issueId = await insertIssue(database.db, {
      partnershipId: world.partnership.id,
      meetingId: meeting.id,
      issuedOn: '2026-03-02',
      dueOn: '2026-03-16',
    })
    t = await buildTestApp(database, { now: () => clock })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  describe('signed in', () => {
    it('opens the form for the owner’s agency and the business team only', async () => {
      const action = await issuedAction('police', { description: 'Review the referral pathway' })
      const police = await signedIn(world.accounts.police)
      const page = await police.get(`${actionUrl(action)}/respond`)
      expect(page.statusCode).toBe(200)
      expect(page.body).toContain('Review the referral pathway')
      expect(page.body).toContain('16 March 2026')
      expect(page.body).toContain('Do not write the name of any child')
      expect(
        (await (await signedIn(world.accounts.businessTeam)).get(`${actionUrl(action)}/respond`)).statusCode,
      ).toBe(200)
      // A person of another agency (the school), even sitting on the group: 403.
      expect(
        (await (await signedIn(world.accounts.head)).get(`${actionUrl(action)}/respond`)).statusCode,
      ).toBe(403)
      expect(
        (await (await signedIn(world.accounts.scrutineer)).get(`${actionUrl(action)}/respond`)).statusCode,
      ).toBe(403)
      // Another partnership: 404, whether the person or the action is elsewhere.
      expect(
        (await (await signedIn(other.accounts.businessTeam)).get(`${actionUrl(action)}/respond`)).statusCode,
      ).toBe(404)
      expect(
        (
          await (
            await signedIn(other.accounts.businessTeam)
          ).get(`/p/${other.partnership.slug}/actions/${action.id}/respond`)
        ).statusCode,
      ).toBe(404)
      expect((await police.get(`/p/${slug()}/actions/${randomUUID()}/respond`)).statusCode).toBe(404)
      expect((await police.get(`/p/${slug()}/actions/not-an-id/respond`)).statusCode).toBe(404)
    })

    it('refuses a closed action and one not issued yet', async () => {
      const police = await signedIn(world.accounts.police)
      const closed = await issuedAction('police', { closedAt: ON_TIME, closedReason: 'Done' })
      const page = await police.get(`${actionUrl(closed)}/respond`)
      expect(page.statusCode).toBe(409)
      expect(page.body).toContain('This action is closed: it cannot be answered')
      const draft = await insertAction(database.db, {
        partnershipId: world.partnership.id,
        groupId: world.group.id,
        ownerAgencyId: world.agencies.police.id,
      })
      expect((await police.get(`${actionUrl(draft)}/respond`)).statusCode).toBe(409)
    })

    it('asks for a response and refuses a file that is not a document, changing nothing', async () => {
      const action = await issuedAction('police')
      const police = await signedIn(world.accounts.police)
      const url = `${actionUrl(action)}/respond`
      const empty = await police.submit(url, url, { text: '   ' })
      expect(empty.statusCode).toBe(400)
      expect(titleOf(empty.body)).toMatch(/^Error: /)
      expect(empty.body).toContain('Enter your response')
      const token = csrfTokenIn((await police.get(url)).body)
      const wrong = await police.upload(
        url,
        { _csrf: token, text: 'See attached' },
        { field: 'file', name: 'notes.pdf', type: 'application/pdf', content: 'just text' },
      )
      expect(wrong.statusCode).toBe(400)
      expect(wrong.body).toContain('The file must be a PDF, Word, Excel or PowerPoint document')
      expect(wrong.body).toContain('See attached')
      expect(await responsesTo(action.id)).toEqual([])
    })

    it('records an answer with an attachment that can be downloaded; a late one is a failure at once', async () => {
      clock = ON_TIME
      const action = await issuedAction('police')
      const police = await signedIn(world.accounts.police)
      const url = `${actionUrl(action)}/respond`
      const token = csrfTokenIn((await police.get(url)).body)
      const pdf = minimalPdf('Evidence')
      const sent = await police.upload(
        url,
        { _csrf: token, text: 'Pathway reviewed; see the report.' },
        { field: 'file', name: 'report.pdf', type: 'application/pdf', content: pdf },
      )
      expect(sent.statusCode).toBe(303)
      expect(sent.headers.location).toBe(`${url}?answered=1`)
      const [response] = await responsesTo(action.id)
      expect(response).toMatchObject({ respondedOn: '2026-03-10', dueOn: '2026-03-16' })
      const page = await police.get(sent.headers.location as string)
      expect(page.body).toContain('Your response was sent')
      expect(page.body).toContain('Pathway reviewed; see the report.')
      // The file is served from the action's page.
      expect(page.body).toContain(`${actionUrl(action)}/responses/${response!.id}/files/`)
      expect(page.body).toContain('report.pdf')

      clock = LATE
      // A week on, the session has lapsed: sign in again.
      const later = await signedIn(world.accounts.police)
      const late = await later.submit(url, url, { text: 'A further update' })
      expect(late.headers.location).toBe(`${url}?answered=1&late=1`)
      const failures = await database.db
        .select()
        .from(complianceFailures)
        .where(eq(complianceFailures.actionId, action.id))
      expect(failures).toEqual([expect.objectContaining({ kind: 'late', respondedOn: '2026-03-17' })])
      clock = ON_TIME
    })
  })

  describe('through a link', () => {
    const newLink = async (expiresAt = new Date('2026-04-15T23:00:00Z')) =>
      (
        await createActionLink(database.db, {
          partnershipId: world.partnership.id,
          issueId,
          agencyId: world.agencies.police.id,
          personId: world.people.deputy.id,
          email: world.people.deputy.email!,
          expiresAt,
          now: ON_TIME,
        })
      ).token

    it('shows the agency’s open actions only, answers one of them, then is used', async () => {
      const p1 = await issuedAction('police', { description: 'Police action one' })
      const p2 = await issuedAction('police', { description: 'Police action two' })
      const health = await issuedAction('health', { description: 'A health action' })
      const token = await newLink()
      const visitor = t.client()
      const url = `/respond/${token}`
      const page = await visitor.get(url)
      expect(page.statusCode).toBe(200)
      expect(page.body).toContain('Answer Testshire Police’s actions')
      expect(page.body).toContain('Police action one')
      expect(page.body).toContain('Police action two')
      expect(page.body).not.toContain('A health action')
      expect(page.body).toContain(world.partnership.name)

      // Nothing typed: the form comes back. No CSRF token: refused.
      const nothing = await visitor.submit(url, url, {})
      expect(nothing.statusCode).toBe(400)
      expect(nothing.body).toContain('Enter a response to at least one action')
      expect((await visitor.post(url, { [`response-${p1.id}`]: 'No token' })).statusCode).toBe(403)
      // Another agency’s action slipped into the form: refused, nothing written, the link still good.
      const junk = await visitor.submit(url, url, { 'response-not-an-id': 'Junk' })
      expect(junk.statusCode).toBe(400)
      const sneaky = await visitor.submit(url, url, { [`response-${health.id}`]: 'Not ours' })
      expect(sneaky.statusCode).toBe(403)
      expect(await responsesTo(health.id)).toEqual([])

      const pageToken = csrfTokenIn((await visitor.get(url)).body)
      const done = await visitor.upload(
        url,
        { _csrf: pageToken, [`response-${p1.id}`]: 'Training delivered', [`response-${p2.id}`]: '' },
        { field: `file-${p1.id}`, name: 'register.pdf', type: 'application/pdf', content: minimalPdf() },
      )
      expect(done.statusCode).toBe(200)
      expect(done.body).toContain('Your responses were sent')
      expect(done.body).toContain('data-testid="unanswered"')
      const [response] = await responsesTo(p1.id)
      expect(response).toMatchObject({ text: 'Training delivered', byPersonId: world.people.deputy.id })
      expect(await responsesTo(p2.id)).toEqual([])

      const used = await visitor.get(url)
      expect(used.statusCode).toBe(410)
      expect(used.body).toContain('This link has been used')
      const again = await visitor.post(url, { _csrf: pageToken, [`response-${p2.id}`]: 'Second go' })
      expect(again.statusCode).toBe(410)
      expect(await responsesTo(p2.id)).toEqual([])
    })

    it('says when a link has expired, and 404 for an unknown one', async () => {
      const action = await issuedAction('police')
      const token = await newLink(new Date('2026-03-09T00:00:00Z'))
      const visitor = t.client()
      const expired = await visitor.get(`/respond/${token}`)
      expect(expired.statusCode).toBe(410)
      expect(expired.body).toContain('This link has expired: ask the business team for a new one')
      const csrf = csrfTokenIn((await visitor.get('/sign-in')).body)
      const posted = await visitor.post(`/respond/${token}`, {
        _csrf: csrf,
        [`response-${action.id}`]: 'Late',
      })
      expect(posted.statusCode).toBe(410)
      expect(await responsesTo(action.id)).toEqual([])
      const [link] = await database.db
        .select()
        .from(actionLinks)
        .where(eq(actionLinks.expiresAt, new Date('2026-03-09T00:00:00Z')))
      expect(link!.usedAt).toBeNull()
      expect((await visitor.get('/respond/not-a-real-token')).statusCode).toBe(404)
    })
  })

  describe('more time', () => {
    it('lets the owner ask within the limits, and refuses others', async () => {
      const action = await issuedAction('police')
      const url = `${actionUrl(action)}/extensions/new`
      expect((await (await signedIn(world.accounts.head)).get(url)).statusCode).toBe(403)
      const police = await signedIn(world.accounts.police)
      const form = await police.get(url)
      expect(form.statusCode).toBe(200)
      expect(form.body).toContain('16 March 2027, a year after the original deadline')
      const date = (iso: string) => ({
        'proposedDueOn-day': String(Number(iso.slice(8, 10))),
        'proposedDueOn-month': String(Number(iso.slice(5, 7))),
        'proposedDueOn-year': iso.slice(0, 4),
      })
      const missing = await police.submit(url, url, { reason: '' })
      expect(missing.statusCode).toBe(400)
      expect(missing.body).toContain('Enter the new deadline you propose')
      expect(missing.body).toContain('Enter the reason')
      const beyond = await police.submit(url, url, { ...date('2027-03-17'), reason: 'Big audit' })
      expect(beyond.statusCode).toBe(400)
      expect(beyond.body).toContain(
        'An extension cannot go beyond 16 March 2027, a year after the original deadline',
      )
      expect(beyond.body).toContain('Big audit')
      const asked = await police.submit(url, url, { ...date('2026-04-10'), reason: 'Big audit' })
      expect(asked.statusCode).toBe(303)
      const [extension] = await database.db
        .select()
        .from(actionExtensions)
        .where(eq(actionExtensions.actionId, action.id))
      expect(extension).toMatchObject({ proposedDueOn: '2026-04-10', reason: 'Big audit', decision: null })
      const decideUrl = `${actionUrl(action)}/extensions/${extension!.id}`
      expect(asked.headers.location).toBe(`${decideUrl}?requested=1`)
      const waiting = await police.get(asked.headers.location as string)
      expect(waiting.statusCode).toBe(200)
      expect(waiting.body).toContain('Your request was sent to the business team')
      expect(waiting.body).toContain('data-testid="extension-waiting"')
      expect(waiting.body).not.toContain('data-testid="decision-form"')
      expect((await police.get(url)).statusCode).toBe(200)
      const second = await police.submit(url, url, { ...date('2026-04-11'), reason: 'Again' })
      expect(second.statusCode).toBe(409)

      // Deciding is for the business team; another agency does not even see the request.
      expect((await police.post(decideUrl, { decision: 'approved' })).statusCode).toBe(403)
      expect((await (await signedIn(world.accounts.head)).get(decideUrl)).statusCode).toBe(403)
      const team = await signedIn(world.accounts.businessTeam)
      const decidePage = await team.get(decideUrl)
      expect(decidePage.statusCode).toBe(200)
      expect(decidePage.body).toMatch(/name="newDueOn-day"[^>]*value="10"/)
      const undecided = await team.submit(decideUrl, decideUrl, { decisionReason: '' })
      expect(undecided.statusCode).toBe(400)
      expect(undecided.body).toContain('Choose whether to approve or refuse the request')
      const approved = await team.submit(decideUrl, decideUrl, {
        decision: 'approved',
        'newDueOn-day': '17',
        'newDueOn-month': '4',
        'newDueOn-year': '2026',
        decisionReason: 'Reasonable',
      })
      expect(approved.statusCode).toBe(303)
      const [moved] = await database.db.select().from(actions).where(eq(actions.id, action.id))
      expect(moved!.dueOn).toBe('2026-04-17')
      const shown = await team.get(approved.headers.location as string)
      expect(shown.body).toContain('The decision was recorded and the requester told')
      expect(shown.body).toContain('17 April 2026')
      const twice = await team.submit(decideUrl, decideUrl, {
        decision: 'refused',
        decisionReason: 'Changed mind',
      })
      expect(twice.statusCode).toBe(409)
      expect(twice.body).toContain('This request has already been decided')
      expect((await team.get(`${actionUrl(action)}/extensions/${randomUUID()}`)).statusCode).toBe(404)
    })
  })
})
