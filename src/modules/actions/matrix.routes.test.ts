import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, csrfTokenIn, type TestApp, type TestClient } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../../platform/db/client.ts'
import { outbox } from '../../platform/notify/notify.table.ts'
import {
  type Account,
  buildMeetingWorld,
  insertMeeting,
  type MeetingWorld,
} from '../meetings/meetings.fixtures.ts'
import type { Meeting } from '../meetings/meetings.table.ts'
import { insertAction } from './actions.fixtures.ts'
import { actionLinks, actionMatrixIssues, type actions } from './actions.table.ts'

const NOW = new Date('2026-03-02T10:00:00Z')

describe('the action matrix pages', () => {
  let database: Database
  let t: TestApp
  let world: MeetingWorld
  let other: MeetingWorld
  let meeting: Meeting
  const issueUrl = () => `/p/${world.partnership.slug}/meetings/${meeting.id}/actions/issue`
  const signedIn = async (account: Account): Promise<TestClient> => {
    const client = t.client()
    await client.signIn(account.email, account.password)
    return client
  }
  const outboxCount = async () => (await database.db.select().from(outbox)).length

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
    other = await buildMeetingWorld(database.db)
    const pid = world.partnership.id
    meeting = await insertMeeting(database.db, {
      partnershipId: pid,
      groupId: world.group.id,
      heldOn: '2026-02-23',
    })
    const action = (fields: Partial<typeof actions.$inferInsert> & { ownerAgencyId: string }) =>
      insertAction(database.db, {
        partnershipId: pid,
        groupId: world.group.id,
        meetingId: meeting.id,
        ...fields,
      })
    await action({
      ownerAgencyId: world.agencies.police.id,
      reference: 'M-P1',
      description: 'Review the referral pathway',
    })
    await action({
      ownerAgencyId: world.agencies.health.id,
      ownerPersonId: world.people.health.id,
      reference: 'M-H1',
      description: 'Audit health visitor caseloads',
    })
    await action({
      ownerAgencyId: world.agencies.school.id,
      reference: 'M-S1',
      description: 'Brief designated leads',
    })
    t = await buildTestApp(database, { now: () => NOW })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('refuses members and partners (403) and other partnerships (404)', async () => {
    expect((await (await signedIn(world.accounts.otherMember)).get(issueUrl())).statusCode).toBe(403)
    expect((await (await signedIn(world.accounts.chair)).get(issueUrl())).statusCode).toBe(403)
    expect((await (await signedIn(world.accounts.police)).get(issueUrl())).statusCode).toBe(403)
    expect((await (await signedIn(other.accounts.businessTeam)).get(issueUrl())).statusCode).toBe(404)
    const wrongMeeting = `/p/${world.partnership.slug}/meetings/${randomUUID()}/actions/issue`
    expect((await (await signedIn(world.accounts.businessTeam)).get(wrongMeeting)).statusCode).toBe(404)
    expect((await t.client().get(issueUrl())).statusCode).toBe(303)
  })

  it('shows the check page: actions by agency, recipients and the deadline with its explanation', async () => {
    const page = await (await signedIn(world.accounts.businessTeam)).get(issueUrl())
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Check the action matrix before you issue it')
    expect(page.body).toContain('Review the referral pathway')
    expect(page.body).toContain('16 March 2026: action matrix received on 2 March 2026 + 10 working days')
    expect(page.body).toMatch(/Harriet Health \([^)]+\): gets a single-use link/)
    expect(page.body).toMatch(/Pat Police \([^)]+\): answers signed in/)
    expect(page.body).toContain('data-testid="issue-matrix"')
    expect(page.body).not.toContain('data-testid="problems"')
  })

  it('issues on confirmation, then says everything was issued and sends nothing on a second submit', async () => {
    const client = await signedIn(world.accounts.businessTeam)
    const form = await client.get(issueUrl())
    const token = csrfTokenIn(form.body)
    expect((await client.post(issueUrl(), {})).statusCode).toBe(403)
    const before = await outboxCount()
    const issued = await client.post(issueUrl(), { _csrf: token })
    expect(issued.statusCode).toBe(303)
    expect(issued.headers.location).toBe(`${issueUrl()}?issued=3&emails=4`)
    expect(await outboxCount()).toBe(before + 4)
    const [issue] = await database.db
      .select()
      .from(actionMatrixIssues)
      .where(eq(actionMatrixIssues.meetingId, meeting.id))
    expect(issue).toMatchObject({ issuedOn: '2026-03-02', dueOn: '2026-03-16' })

    // The same form sent again (a double click): nothing more goes.
    const again = await client.post(issueUrl(), { _csrf: token })
    expect(again.statusCode).toBe(303)
    expect(again.headers.location).toBe(issueUrl())
    expect(await outboxCount()).toBe(before + 4)
    const page = await client.get(`${issueUrl()}?issued=3&emails=4`)
    expect(page.body).toContain('The action matrix was issued: 3 actions, 4 e-mails sent')
    expect(page.body).toContain('All of this meeting’s actions have already been issued')
    expect(page.body).not.toContain('data-testid="issue-matrix"')
    expect(page.body).toContain(`data-testid="issue-${issue!.id}"`)
    expect(page.body).toContain(`data-testid="new-link-${world.agencies.health.id}"`)
  })

  it('sends a fresh link for an agency, and refuses bad input', async () => {
    const client = await signedIn(world.accounts.businessTeam)
    const [issue] = await database.db
      .select()
      .from(actionMatrixIssues)
      .where(eq(actionMatrixIssues.meetingId, meeting.id))
    const send = (fields: Record<string, string>) => client.submit(issueUrl(), `${issueUrl()}/links`, fields)
    const sent = await send({ issueId: issue!.id, agencyId: world.agencies.health.id })
    expect(sent.statusCode).toBe(303)
    expect(sent.headers.location).toBe(`${issueUrl()}?links=1#issues`)
    const links = await database.db.select().from(actionLinks).where(eq(actionLinks.issueId, issue!.id))
    const health = links.filter((l) => l.agencyId === world.agencies.health.id)
    expect(health).toHaveLength(2)
    expect(health.filter((l) => l.expiresAt.getTime() <= NOW.getTime())).toHaveLength(1)
    expect((await send({ issueId: 'nope', agencyId: world.agencies.health.id })).statusCode).toBe(404)
    expect((await send({ issueId: randomUUID(), agencyId: world.agencies.health.id })).statusCode).toBe(404)
    // The school's people all have accounts: nobody needs a link.
    const none = await send({ issueId: issue!.id, agencyId: world.agencies.school.id })
    expect(none.statusCode).toBe(409)
    expect(none.body).toContain('needs a link')
    const member = await signedIn(world.accounts.head)
    expect(
      (await member.post(`${issueUrl()}/links`, { issueId: issue!.id, agencyId: world.agencies.health.id }))
        .statusCode,
    ).toBe(403)
  })
})
