import { randomUUID } from 'node:crypto'
import { eq, like } from 'drizzle-orm'
import PizZip from 'pizzip'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp, type TestClient, titleOf } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import type { Database } from '../../platform/db/client.ts'
import { outbox } from '../../platform/notify/notify.table.ts'
import {
  type Account,
  buildMeetingWorld,
  insertGroup,
  type MeetingWorld,
  NOW,
} from '../meetings/meetings.fixtures.ts'
import type { Meeting } from '../meetings/meetings.table.ts'
import { agencies } from '../partnership/structure.table.ts'
import type { Action } from './actions.table.ts'
import { complianceMeeting, insertFailure } from './compliance.fixtures.ts'
import { attendanceFlags, complianceFailures, escalationLetters } from './compliance.table.ts'

// NOW is Monday 2 March 2026: failures due since 2 March 2025 count, two call for a letter.

describe('compliance pages', () => {
  let database: Database
  let t: TestApp
  let world: MeetingWorld
  let other: MeetingWorld
  let meeting: Meeting
  let late: Action
  let unanswered: Action
  let secret: Action
  const slug = () => world.partnership.slug
  const signedIn = async (account: Account): Promise<TestClient> => {
    const client = t.client()
    await client.signIn(account.email, account.password)
    return client
  }
  const police = () => world.agencies.police.id
  const newLetter = () => `/p/${slug()}/compliance/letters/new?agency=${police()}`
  const letterFields = {
    addresseeName: 'Jo Bloggs',
    addresseeTitle: 'Chief Constable',
    subject: 'Responses to actions',
    body: 'First paragraph.\n\nSecond paragraph.',
    senderName: 'Bea Business',
    senderTitle: 'Business Manager',
  }
  const letters = () =>
    database.db.select().from(escalationLetters).where(eq(escalationLetters.agencyId, police()))
  const sentMail = () =>
    database.db.select().from(outbox).where(like(outbox.subject, 'Escalation letter sent%'))

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
    other = await buildMeetingWorld(database.db)
    meeting = await complianceMeeting(database.db, world, '2025-09-01')
    await insertFailure(database.db, world, meeting, { dueOn: '2024-11-04', respondedOn: '2024-11-08' })
    late = (
      await insertFailure(database.db, world, meeting, {
        dueOn: '2025-10-06',
        respondedOn: '2025-10-10',
        description: 'Review the neglect strategy',
      })
    ).action
    unanswered = (
      await insertFailure(database.db, world, meeting, { dueOn: '2026-01-12', description: 'Audit returns' })
    ).action
    const confidential = await insertGroup(database.db, world.partnership.id, { confidential: true })
    const secretMeeting = await complianceMeeting(
      database.db,
      { ...world, group: confidential },
      '2025-12-01',
    )
    secret = (
      await insertFailure(database.db, { ...world, group: confidential }, secretMeeting, {
        dueOn: '2025-12-15',
        agencyId: world.agencies.health.id,
        description: 'Secret matter',
      })
    ).action
    const flagMeeting = await complianceMeeting(database.db, world, '2026-02-09')
    await database.db.insert(attendanceFlags).values({
      id: randomUUID(),
      partnershipId: world.partnership.id,
      groupId: world.group.id,
      membershipId: world.seats.police.id,
      personId: world.people.police.id,
      meetingId: flagMeeting.id,
      raisedOn: '2026-02-10',
    })
    t = await buildTestApp(database, { now: () => NOW })
  })

  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('shows the business team the agencies a letter is due to, recent failures and letters', async () => {
    const client = await signedIn(world.accounts.businessTeam)
    const page = await client.get(`/p/${slug()}/compliance`)
    expect(page.statusCode).toBe(200)
    expect(titleOf(page.body)).toContain('Compliance')
    expect(page.body).toContain(
      'Testshire Police has not responded on time twice since 6 October 2025: issue an escalation letter',
    )
    expect(page.body).toContain(`href="${newLetter()}"`)
    expect(page.body).toContain(`href="/p/${slug()}/actions/${late.id}"`)
    expect(page.body).toContain('data-testid="no-letters"')
    // The health board has one failure: no letter due.
    expect(page.body).not.toContain('Testshire Integrated Care Board has')
  })

  it('lets partners and scrutineers read it, not act on it; members and other partnerships get nothing', async () => {
    const partner = await signedIn(world.accounts.partner)
    const page = await partner.get(`/p/${slug()}/compliance`)
    expect(page.statusCode).toBe(200)
    expect(page.body).not.toContain('data-testid="draft-letter"')
    expect((await partner.get(newLetter())).statusCode).toBe(403)
    expect(
      (await (await signedIn(world.accounts.scrutineer)).get(`/p/${slug()}/compliance`)).statusCode,
    ).toBe(200)
    const member = await signedIn(world.accounts.head)
    expect((await member.get(`/p/${slug()}/compliance`)).statusCode).toBe(403)
    expect((await member.get(`/p/${slug()}/agencies/${police()}/compliance`)).statusCode).toBe(403)
    const outsider = await signedIn(other.accounts.businessTeam)
    expect((await outsider.get(`/p/${slug()}/compliance`)).statusCode).toBe(404)
    expect((await outsider.get(newLetter())).statusCode).toBe(404)
  })

  it('shows an agency’s failures with their actions, its letters and its attendance flags', async () => {
    const client = await signedIn(world.accounts.businessTeam)
    const page = await client.get(`/p/${slug()}/agencies/${police()}/compliance`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('data-testid="failures-in-window"')
    expect(page.body).toContain(`href="/p/${slug()}/actions/${unanswered.id}"`)
    expect(page.body).toContain('12 January 2026')
    expect(page.body).toContain('Not answered')
    expect(page.body).toContain('10 October 2025')
    expect(page.body).toContain('data-testid="failures-earlier"')
    expect(page.body).toContain('data-testid="letter-due-prompt"')
    expect(page.body).toContain('data-testid="attendance-flags"')
    expect(page.body).toContain('Pat Police')
    // Another partnership's agency, or no agency at all.
    expect(
      (await client.get(`/p/${slug()}/agencies/${other.agencies.police.id}/compliance`)).statusCode,
    ).toBe(404)
    expect((await client.get(`/p/${slug()}/agencies/not-an-id/compliance`)).statusCode).toBe(404)
  })

  it('hides a confidential group’s action from a partner outside it', async () => {
    const url = `/p/${slug()}/agencies/${world.agencies.health.id}/compliance`
    const partner = await (await signedIn(world.accounts.partner)).get(url)
    expect(partner.body).toContain(secret.reference)
    expect(partner.body).not.toContain('Secret matter')
    expect(partner.body).toContain('Not shown: an action of a confidential group')
    const team = await (await signedIn(world.accounts.businessTeam)).get(url)
    expect(team.body).toContain('Secret matter')
  })

  it('prefills the letter, or asks for the addressee when the agency has no executive member', async () => {
    const client = await signedIn(world.accounts.businessTeam)
    const blank = await client.get(newLetter())
    expect(blank.statusCode).toBe(200)
    expect(blank.body).toContain('data-testid="no-executive"')
    expect(blank.body).toContain(`href="/p/${slug()}/agencies/${police()}/edit"`)
    await database.db
      .update(agencies)
      .set({
        executiveName: 'Jo Bloggs',
        executiveTitle: 'Chief Constable',
        executiveEmail: 'jo@police.example',
      })
      .where(eq(agencies.id, police()))
    const page = await client.get(newLetter())
    expect(page.body).not.toContain('data-testid="no-executive"')
    expect(page.body).toContain('value="Jo Bloggs"')
    expect(page.body).toContain('value="Bea Business"')
    expect(page.body).toContain(
      `${late.reference}: Review the neglect strategy. Due 6 October 2025; answered 10 October 2025.`,
    )
    expect(page.body).toContain(`${unanswered.reference}: Audit returns. Due 12 January 2026; not answered.`)
    expect((await client.get(`/p/${slug()}/compliance/letters/new`)).statusCode).toBe(404)
    expect(
      (await client.get(`/p/${slug()}/compliance/letters/new?agency=${other.agencies.police.id}`)).statusCode,
    ).toBe(404)
  })

  it('refuses a letter with missing fields, keeping what was typed', async () => {
    const client = await signedIn(world.accounts.businessTeam)
    const page = await client.get(newLetter())
    const failureIds = page.body.match(/name="failureIds" value="([^"]*)"/)![1]!
    const response = await client.submit(newLetter(), newLetter(), {
      ...letterFields,
      subject: ' ',
      senderName: '',
      failureIds,
    })
    expect(response.statusCode).toBe(400)
    expect(titleOf(response.body)).toMatch(/^Error: /)
    expect(response.body).toContain('Enter the subject of the letter')
    expect(response.body).toContain('Enter the name of the person signing the letter')
    expect(response.body).toContain('value="Jo Bloggs"')
    expect(await letters()).toEqual([])
  })

  let letterId: string
  it('saves the letter with its failures, then downloads it as Word and PDF', async () => {
    const client = await signedIn(world.accounts.businessTeam)
    const page = await client.get(newLetter())
    const failureIds = page.body.match(/name="failureIds" value="([^"]*)"/)![1]!
    const response = await client.submit(newLetter(), newLetter(), { ...letterFields, failureIds })
    expect(response.statusCode).toBe(303)
    const [letter] = await letters()
    letterId = letter!.id
    expect(response.headers.location).toBe(`/p/${slug()}/compliance/letters/${letterId}?drafted=1`)
    expect(letter).toMatchObject({
      ...letterFields,
      createdById: world.accounts.businessTeam.userId,
      sentOn: null,
    })
    const listed = await database.db
      .select()
      .from(complianceFailures)
      .where(eq(complianceFailures.letterId, letterId))
    expect(listed.map((f) => f.actionId).sort()).toEqual([late.id, unanswered.id].sort())
    expect(await database.db.select().from(auditLog).where(eq(auditLog.entityId, letterId))).toHaveLength(1)

    const view = await client.get(`/p/${slug()}/compliance/letters/${letterId}?drafted=1`)
    expect(view.statusCode).toBe(200)
    expect(view.body).toContain('Letter saved')
    expect(view.body).toContain('Second paragraph.')
    expect(view.body).toContain('data-testid="record-sent"')

    const docx = await client.get(`/p/${slug()}/compliance/letters/${letterId}/letter.docx`)
    expect(docx.statusCode).toBe(200)
    expect(docx.headers['content-disposition']).toContain(
      'escalation-letter-testshire-police-2026-03-02.docx',
    )
    const xml = new PizZip(docx.rawPayload).file('word/document.xml')!.asText()
    expect(xml).toContain('Second paragraph.')
    expect(xml).toContain('Jo Bloggs')
    const pdf = await client.get(`/p/${slug()}/compliance/letters/${letterId}/letter.pdf`)
    expect(pdf.headers['content-type']).toBe('application/pdf')
    expect(pdf.rawPayload.subarray(0, 4).toString('latin1')).toBe('%PDF')

    // The partner reads it but cannot record it sent.
    const partner = await signedIn(world.accounts.partner)
    const seen = await partner.get(`/p/${slug()}/compliance/letters/${letterId}`)
    expect(seen.statusCode).toBe(200)
    expect(seen.body).not.toContain('data-testid="record-sent"')
    expect((await partner.get(`/p/${slug()}/compliance/letters/${letterId}/sent`)).statusCode).toBe(403)
    const outsider = await signedIn(other.accounts.businessTeam)
    expect((await outsider.get(`/p/${slug()}/compliance/letters/${letterId}`)).statusCode).toBe(404)
    expect((await client.get(`/p/${slug()}/compliance/letters/${randomUUID()}`)).statusCode).toBe(404)
  })

  it('records the day it was sent once, not in the future, and tells the strategic partners', async () => {
    const client = await signedIn(world.accounts.businessTeam)
    const url = `/p/${slug()}/compliance/letters/${letterId}/sent`
    const future = await client.submit(url, url, {
      'sentOn-day': '3',
      'sentOn-month': '3',
      'sentOn-year': '2026',
    })
    expect(future.statusCode).toBe(400)
    expect(future.body).toContain('The date the letter was sent must be today or in the past')
    const missing = await client.submit(url, url, {
      'sentOn-day': '',
      'sentOn-month': '3',
      'sentOn-year': '2026',
    })
    expect(missing.statusCode).toBe(400)
    expect(missing.body).toContain('The date the letter was sent must include a day')
    const early = await client.submit(url, url, {
      'sentOn-day': '1',
      'sentOn-month': '3',
      'sentOn-year': '2026',
    })
    expect(early.statusCode).toBe(400)
    expect(early.body).toContain('must be on or after 2 March 2026, when it was drafted')
    expect(await sentMail()).toEqual([])

    const done = await client.submit(url, url, {
      'sentOn-day': '2',
      'sentOn-month': '3',
      'sentOn-year': '2026',
    })
    expect(done.statusCode).toBe(303)
    expect(done.headers.location).toBe(`/p/${slug()}/compliance/letters/${letterId}?sent=1&notified=3`)
    // Pat Police and Priya Partner (partners of the police and the health board) and the police's
    // executive; not the chair (a member of the council), nor the school.
    expect((await sentMail()).map((m) => m.toAddress).sort()).toEqual(
      [world.accounts.police.email, world.accounts.partner.email, 'jo@police.example'].sort(),
    )
    const [letter] = await letters()
    expect(letter).toMatchObject({ sentOn: '2026-03-02', sentById: world.accounts.businessTeam.userId })

    const again = await client.get(url)
    expect(again.statusCode).toBe(303)
    // Sent a second time (a form left open in another tab): recorded once, nobody told twice.
    const letterPage = `/p/${slug()}/compliance/letters/${letterId}`
    const twice = await client.submit(letterPage, url, {
      'sentOn-day': '1',
      'sentOn-month': '3',
      'sentOn-year': '2026',
    })
    expect(twice.statusCode).toBe(303)
    expect(twice.headers.location).toBe(`${letterPage}?already=1`)
    expect(await sentMail()).toHaveLength(3)
    const view = await client.get(done.headers.location as string)
    expect(view.body).toContain('Letter recorded as sent')
    expect(view.body).not.toContain('data-testid="record-sent"')
    // The prompt is gone now the letter is sent.
    const overview = await client.get(`/p/${slug()}/compliance`)
    expect(overview.body).toContain('data-testid="no-letters-due"')
  })
})
