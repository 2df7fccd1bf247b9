import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp, titleOf } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../../platform/db/client.ts'
import { outbox } from '../../platform/notify/notify.table.ts'
import {
  type Account,
  buildMeetingWorld,
  insertGroup,
  insertMeeting,
  type MeetingWorld,
  NOW,
} from './meetings.fixtures.ts'
import { extraordinaryRequests, meetings } from './meetings.table.ts'

describe('the meetings calendar pages', () => {
  let database: Database
  let t: TestApp
  let world: MeetingWorld
  let other: MeetingWorld
  const base = () => `/p/${world.partnership.slug}/meetings`
  const signedIn = async (account: Account) => {
    const client = t.client()
    await client.signIn(account.email, account.password)
    return client
  }
  const meetingsOf = (groupId: string) =>
    database.db.select().from(meetings).where(eq(meetings.groupId, groupId))
  const newMeeting = (overrides: Record<string, string> = {}) => ({
    groupId: world.group.id,
    kind: 'ordinary',
    reason: '',
    'heldOn-day': '14',
    'heldOn-month': '4',
    'heldOn-year': '2026',
    startTime: '2pm',
    endTime: '16:30',
    location: 'Committee Room 1, Civic Offices',
    onlineUrl: 'https://teams.example.org/meet/1',
    ...overrides,
  })

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
    other = await buildMeetingWorld(database.db)
    t = await buildTestApp(database, { now: () => NOW })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  describe('the list', () => {
    it('shows an empty calendar with the business team’s buttons', async () => {
      const client = await signedIn(other.accounts.businessTeam)
      const page = await client.get(`/p/${other.partnership.slug}/meetings`)
      expect(page.statusCode).toBe(200)
      expect(page.body).toContain('data-testid="no-meetings"')
      expect(page.body).toContain('data-testid="schedule-meeting"')
      expect(page.body).toContain('data-testid="generate-meetings"')
      const member = await signedIn(other.accounts.head)
      const theirs = await member.get(`/p/${other.partnership.slug}/meetings`)
      expect(theirs.body).toContain('data-testid="no-meetings"')
      expect(theirs.body).not.toContain('data-testid="schedule-meeting"')
    })

    it('lists upcoming meetings soonest first, past ones apart, with tags, only those the viewer may open', async () => {
      const { partnership } = other
      const base = { partnershipId: partnership.id, groupId: other.group.id }
      const hidden = await insertGroup(database.db, partnership.id, {
        name: 'Hidden Panel',
        confidential: true,
      })
      await insertMeeting(database.db, { ...base, heldOn: '2026-05-12' })
      await insertMeeting(database.db, {
        ...base,
        heldOn: '2026-03-10',
        kind: 'extraordinary',
        reason: 'Incident',
      })
      await insertMeeting(database.db, {
        ...base,
        heldOn: '2026-04-14',
        cancelledAt: NOW,
        cancelledReason: 'Snow',
      })
      await insertMeeting(database.db, { ...base, heldOn: '2026-01-13' })
      await insertMeeting(database.db, { ...base, groupId: hidden.id, heldOn: '2026-03-20' })

      const team = await signedIn(other.accounts.businessTeam)
      const upcoming = await team.get(`/p/${partnership.slug}/meetings`)
      const rows = upcoming.body.split('data-testid="meeting-row"').slice(1)
      expect(rows).toHaveLength(4)
      expect(rows[0]).toContain('Tuesday 10 March 2026')
      expect(rows[0]).toContain('data-testid="tag-extraordinary"')
      expect(rows[1]).toContain('Hidden Panel')
      expect(rows[2]).toContain('data-testid="tag-cancelled"')
      expect(rows[3]).toContain('14:00 to 16:00')
      expect(rows[3]).toContain('Civic Offices, Grays')
      expect(upcoming.body).not.toContain('13 January 2026')

      const past = await team.get(`/p/${partnership.slug}/meetings?period=past`)
      expect(titleOf(past.body)).toContain('Past meetings')
      expect(past.body).toContain('Tuesday 13 January 2026')
      expect(past.body.match(/data-testid="meeting-row"/g)).toHaveLength(1)

      // A member sees the group they sit on, not the confidential panel; another member sees nothing.
      const head = await signedIn(other.accounts.head)
      const theirs = await head.get(`/p/${partnership.slug}/meetings`)
      expect(theirs.body.match(/data-testid="meeting-row"/g)).toHaveLength(3)
      expect(theirs.body).not.toContain('Hidden Panel</td>')
      const bystander = await signedIn(other.accounts.otherMember)
      expect((await bystander.get(`/p/${partnership.slug}/meetings`)).body).toContain(
        'data-testid="no-meetings"',
      )

      const filtered = await team.get(`/p/${partnership.slug}/meetings?group=${hidden.slug}`)
      expect(filtered.body.match(/data-testid="meeting-row"/g)).toHaveLength(1)
      expect(filtered.body).toContain(`Upcoming meetings of Hidden Panel`)
    })
  })

  describe('scheduling a meeting', () => {
    it('refuses a member with 403', async () => {
      const member = await signedIn(world.accounts.head)
      expect((await member.get(`${base()}/new`)).statusCode).toBe(403)
      expect((await member.get(`${base()}/generate`)).statusCode).toBe(403)
    })

    it('schedules it, sends invitations and says so', async () => {
      const client = await signedIn(world.accounts.businessTeam)
      const form = await client.get(`${base()}/new`)
      expect(form.statusCode).toBe(200)
      expect(form.body).toContain(world.group.name)
      const response = await client.submit(`${base()}/new`, `${base()}/new`, newMeeting())
      expect(response.statusCode).toBe(303)
      const [meeting] = await meetingsOf(world.group.id)
      expect(meeting).toMatchObject({
        heldOn: '2026-04-14',
        location: 'Committee Room 1, Civic Offices',
        onlineUrl: 'https://teams.example.org/meet/1',
      })
      expect(meeting?.startsAt.toISOString()).toBe('2026-04-14T13:00:00.000Z')
      expect(meeting?.endsAt.toISOString()).toBe('2026-04-14T15:30:00.000Z')
      expect(response.headers.location).toBe(`${base()}?scheduled=${meeting!.id}&sent=4`)
      const list = await client.get(response.headers.location as string)
      expect(list.body).toContain('Meeting scheduled')
      expect(list.body).toContain('Invitations were sent to 4 members.')
      expect(list.body).toContain(`href="${base()}/${meeting!.id}"`)
      const sent = await database.db
        .select()
        .from(outbox)
        .where(
          and(
            eq(outbox.partnershipId, world.partnership.id),
            eq(outbox.subject, `Invitation: ${world.group.name}, 14 April 2026`),
          ),
        )
      expect(sent).toHaveLength(4)
      expect(sent[0]?.attachments[0]?.contentType).toBe('text/calendar; method=REQUEST')
    })

    it('shows each problem beside its field, keeps what was typed and saves nothing', async () => {
      const client = await signedIn(world.accounts.businessTeam)
      const group = await insertGroup(database.db, world.partnership.id, { name: 'Typing Group' })
      const typed = newMeeting({
        groupId: group.id,
        kind: 'extraordinary',
        reason: '',
        'heldOn-day': '31',
        'heldOn-month': '2',
        startTime: 'after lunch',
        onlineUrl: 'http://insecure.example.org/x',
        location: 'Room <B>',
      })
      const response = await client.submit(`${base()}/new`, `${base()}/new`, typed)
      expect(response.statusCode).toBe(400)
      expect(titleOf(response.body)).toMatch(/^Error: Schedule a meeting/)
      expect(response.body).toContain('Enter why the extraordinary meeting is called')
      expect(response.body).toContain('The date of the meeting must be a real date')
      expect(response.body).toContain('Enter the start time as a time of day, like 14:00 or 2pm')
      expect(response.body).toContain('Enter the online meeting link as a web address starting with https://')
      expect(response.body).toContain('href="#heldOn-day"')
      expect(response.body).toContain('value="after lunch"')
      expect(response.body).toContain('value="Room &lt;B&gt;"')
      expect(response.body).toContain('value="http://insecure.example.org/x"')
      expect(await meetingsOf(group.id)).toEqual([])
    })

    it('refuses a date in the past, an end before the start and a second meeting that day', async () => {
      const client = await signedIn(world.accounts.businessTeam)
      const group = await insertGroup(database.db, world.partnership.id, { name: 'Rules Group' })
      const past = await client.submit(
        `${base()}/new`,
        `${base()}/new`,
        newMeeting({ groupId: group.id, 'heldOn-day': '27', 'heldOn-month': '2' }),
      )
      expect(past.statusCode).toBe(400)
      expect(past.body).toContain('The date of the meeting must be today or in the future')
      const backwards = await client.submit(
        `${base()}/new`,
        `${base()}/new`,
        newMeeting({ groupId: group.id, startTime: '15:00', endTime: '14:00' }),
      )
      expect(backwards.body).toContain('The end time must be after the start time')
      expect(await meetingsOf(group.id)).toEqual([])
      const first = await client.submit(`${base()}/new`, `${base()}/new`, newMeeting({ groupId: group.id }))
      expect(first.statusCode).toBe(303)
      const again = await client.submit(`${base()}/new`, `${base()}/new`, newMeeting({ groupId: group.id }))
      expect(again.statusCode).toBe(400)
      expect(again.body).toContain('Rules Group already has a meeting on 14 April 2026')
      expect(await meetingsOf(group.id)).toHaveLength(1)
    })

    it('refuses a closed group', async () => {
      const client = await signedIn(world.accounts.businessTeam)
      const closed = await insertGroup(database.db, world.partnership.id, {
        name: 'Closed Board',
        closedOn: '2026-02-01',
        closedReason: 'Merged',
      })
      const form = await client.get(`${base()}/new`)
      expect(form.body).not.toContain('Closed Board')
      const response = await client.submit(
        `${base()}/new`,
        `${base()}/new`,
        newMeeting({ groupId: closed.id }),
      )
      expect(response.statusCode).toBe(400)
      expect(response.body).toContain('Closed Board is closed (it closed on 1 February 2026)')
    })

    it('fills in the form from an extraordinary request, with the date it is due by', async () => {
      const client = await signedIn(world.accounts.businessTeam)
      const group = await insertGroup(database.db, world.partnership.id, { name: 'Executive Board' })
      const requestId = randomUUID()
      await database.db.insert(extraordinaryRequests).values({
        id: requestId,
        partnershipId: world.partnership.id,
        groupId: group.id,
        requestedById: world.people.police.id,
        reasons: 'A serious incident needs a joint decision',
        receivedOn: '2026-03-02',
      })
      const form = await client.get(`${base()}/new?request=${requestId}`)
      expect(form.statusCode).toBe(200)
      expect(form.body).toContain('A serious incident needs a joint decision</textarea>')
      expect(form.body).toMatch(/value="extraordinary" checked/)
      expect(form.body).toContain(`name="extraordinaryRequestId" value="${requestId}"`)
      expect(form.body).toContain('It must be held by 23 March 2026')
      const response = await client.submit(`${base()}/new?request=${requestId}`, `${base()}/new`, {
        ...newMeeting({
          groupId: group.id,
          kind: 'extraordinary',
          reason: 'A serious incident needs a joint decision',
        }),
        extraordinaryRequestId: requestId,
      })
      expect(response.statusCode).toBe(303)
      const [meeting] = await meetingsOf(group.id)
      expect(meeting).toMatchObject({ kind: 'extraordinary', extraordinaryRequestId: requestId })
      expect((await client.get(`${base()}/new?request=${randomUUID()}`)).statusCode).toBe(404)
      expect((await client.get(`${base()}/new?request=nonsense`)).statusCode).toBe(404)
    })
  })

  describe('generating a year', () => {
    const year = (groupId: string, overrides: Record<string, string> = {}) => ({
      groupId,
      'firstOn-day': '6',
      'firstOn-month': '4',
      'firstOn-year': '2026',
      startTime: '10:00',
      durationMinutes: '',
      location: 'Civic Offices',
      onlineUrl: '',
      ...overrides,
    })

    it('previews the dates, says why one moved, and creates them all on confirmation', async () => {
      const client = await signedIn(world.accounts.businessTeam)
      const group = await insertGroup(database.db, world.partnership.id, {
        name: 'Performance Group',
        meetingsPerYear: 4,
      })
      const check = await client.submit(`${base()}/generate`, `${base()}/generate`, year(group.id))
      expect(check.statusCode).toBe(200)
      expect(check.body.match(/data-testid="proposed-meeting"/g)).toHaveLength(4)
      expect(check.body).toContain('Tuesday 7 April 2026')
      expect(check.body).toContain('6 April 2026 is not a working day (Easter Monday)')
      expect(check.body).toContain('4 meetings a year')
      expect(await meetingsOf(group.id)).toEqual([])
      const confirm = await client.post(`${base()}/generate`, {
        ...year(group.id),
        confirm: 'yes',
        _csrf: check.body.match(/name="_csrf" value="([^"]+)"/)![1]!,
      })
      expect(confirm.statusCode).toBe(303)
      expect(confirm.headers.location).toBe(`${base()}?generated=4&sent=0`)
      const created = await meetingsOf(group.id)
      expect(created.map((m) => m.heldOn).sort()).toEqual([
        '2026-04-07',
        '2026-07-06',
        '2026-10-06',
        '2027-01-06',
      ])
      const list = await client.get(confirm.headers.location as string)
      expect(list.body).toContain('4 meetings scheduled')
    })

    it('keeps the answers when a change link brings them back', async () => {
      const client = await signedIn(world.accounts.businessTeam)
      const group = await insertGroup(database.db, world.partnership.id, { meetingsPerYear: 2 })
      const check = await client.submit(
        `${base()}/generate`,
        `${base()}/generate`,
        year(group.id, { location: 'Hall & Annexe' }),
      )
      const change = check.body.match(/href="([^"]+generate\?[^"#]+)#groupId"/)![1]!.replaceAll('&amp;', '&')
      const form = await client.get(change)
      expect(form.statusCode).toBe(200)
      expect(form.body).toContain('value="Hall &amp; Annexe"')
      expect(form.body).toMatch(new RegExp(`value="${group.id}" selected`))
    })

    it('refuses a first date in the past, and shows the dates the group already meets on', async () => {
      const client = await signedIn(world.accounts.businessTeam)
      const group = await insertGroup(database.db, world.partnership.id, {
        name: 'Busy Group',
        meetingsPerYear: 2,
      })
      const past = await client.submit(
        `${base()}/generate`,
        `${base()}/generate`,
        year(group.id, { 'firstOn-month': '1' }),
      )
      expect(past.statusCode).toBe(400)
      expect(past.body).toContain('The date of the first meeting must be today or in the future')
      expect(past.body).toContain('value="Civic Offices"')
      await insertMeeting(database.db, {
        partnershipId: world.partnership.id,
        groupId: group.id,
        heldOn: '2026-10-06',
      })
      const check = await client.submit(`${base()}/generate`, `${base()}/generate`, year(group.id))
      expect(check.body).toContain('data-testid="tag-conflict"')
      expect(check.body).toContain('Busy Group already has a meeting on 6 October 2026')
      expect(check.body).not.toContain('data-testid="confirm-meetings"')
      const forced = await client.post(`${base()}/generate`, {
        ...year(group.id),
        confirm: 'yes',
        _csrf: check.body.match(/name="_csrf" value="([^"]+)"/)![1]!,
      })
      expect(forced.statusCode).toBe(400)
      expect(forced.body).toContain('Busy Group already has a meeting on 6 October 2026')
      expect(await meetingsOf(group.id)).toHaveLength(1)
    })
  })

  describe('changing and cancelling a meeting', () => {
    it('changes the place, raises the sequence and tells members', async () => {
      const client = await signedIn(world.accounts.businessTeam)
      const meeting = await insertMeeting(database.db, {
        partnershipId: world.partnership.id,
        groupId: world.group.id,
        heldOn: '2026-06-09',
      })
      const url = `${base()}/${meeting.id}/edit`
      const form = await client.get(url)
      expect(form.statusCode).toBe(200)
      expect(form.body).toContain('value="14:00"')
      expect(form.body).toContain('name="heldOn-day" type="text" value="9"')
      const fields = {
        'heldOn-day': '9',
        'heldOn-month': '6',
        'heldOn-year': '2026',
        startTime: '14:00',
        endTime: '16:00',
        location: 'Thameside Complex',
        onlineUrl: '',
      }
      const bad = await client.submit(url, url, { ...fields, endTime: '13:00' })
      expect(bad.statusCode).toBe(400)
      expect(bad.body).toContain('The end time must be after the start time')
      expect(bad.body).toContain('value="Thameside Complex"')
      const saved = await client.submit(url, url, fields)
      expect(saved.statusCode).toBe(303)
      expect(saved.headers.location).toBe(`${base()}?updated=${meeting.id}&sent=4`)
      const [row] = await database.db.select().from(meetings).where(eq(meetings.id, meeting.id))
      expect(row).toMatchObject({ location: 'Thameside Complex', sequence: 1 })
      const same = await client.submit(url, url, fields)
      expect(same.headers.location).toBe(`${base()}?unchanged=${meeting.id}`)
    })

    it('cancels a meeting with a reason, keeps it shown as cancelled, and refuses to change it after', async () => {
      const client = await signedIn(world.accounts.businessTeam)
      const meeting = await insertMeeting(database.db, {
        partnershipId: world.partnership.id,
        groupId: world.group.id,
        heldOn: '2026-07-14',
      })
      const url = `${base()}/${meeting.id}/cancel`
      const page = await client.get(url)
      expect(page.statusCode).toBe(200)
      expect(page.body).toContain('Tuesday 14 July 2026')
      const bad = await client.submit(url, url, { cancelledReason: '  ' })
      expect(bad.statusCode).toBe(400)
      expect(bad.body).toContain('Enter why the meeting is cancelled')
      const [untouched] = await database.db.select().from(meetings).where(eq(meetings.id, meeting.id))
      expect(untouched?.cancelledAt).toBeNull()
      const done = await client.submit(url, url, { cancelledReason: 'The chair is unwell' })
      expect(done.statusCode).toBe(303)
      expect(done.headers.location).toBe(`${base()}?cancelled=${meeting.id}&sent=4`)
      const list = await client.get(done.headers.location as string)
      expect(list.body).toContain('Meeting cancelled')
      const row = list.body.split('data-testid="meeting-row"').find((r) => r.includes('14 July 2026'))
      expect(row).toContain('data-testid="tag-cancelled"')
      expect((await client.get(`${base()}/${meeting.id}/edit`)).statusCode).toBe(409)
      const token = page.body.match(/name="_csrf" value="([^"]+)"/)![1]!
      const post = await client.post(`${base()}/${meeting.id}/edit`, {
        _csrf: token,
        'heldOn-day': '15',
        'heldOn-month': '7',
        'heldOn-year': '2026',
        startTime: '14:00',
      })
      expect(post.statusCode).toBe(409)
      const [kept] = await database.db.select().from(meetings).where(eq(meetings.id, meeting.id))
      expect(kept).toMatchObject({
        heldOn: '2026-07-14',
        cancelledReason: 'The chair is unwell',
        sequence: 1,
      })
    })

    it('gives 403 to a member and 404 for another partnership’s meeting', async () => {
      const meeting = await insertMeeting(database.db, {
        partnershipId: world.partnership.id,
        groupId: world.group.id,
        heldOn: '2026-08-11',
      })
      const member = await signedIn(world.accounts.chair)
      expect((await member.get(`${base()}/${meeting.id}/edit`)).statusCode).toBe(403)
      expect((await member.get(`${base()}/${meeting.id}/cancel`)).statusCode).toBe(403)
      const theirs = await insertMeeting(database.db, {
        partnershipId: other.partnership.id,
        groupId: other.group.id,
        heldOn: '2026-08-11',
      })
      const team = await signedIn(world.accounts.businessTeam)
      expect((await team.get(`${base()}/${theirs.id}/edit`)).statusCode).toBe(404)
      expect((await team.get(`${base()}/${theirs.id}/cancel`)).statusCode).toBe(404)
      expect((await team.get(`${base()}/not-a-meeting/edit`)).statusCode).toBe(404)
    })
  })
})
