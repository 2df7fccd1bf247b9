import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, csrfTokenIn, type TestApp, type TestClient, titleOf } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../../platform/db/client.ts'
import { outbox } from '../../platform/notify/notify.table.ts'
import {
  type Account,
  buildMeetingWorld,
  insertMeeting,
  insertPerson,
  insertSeat,
  type MeetingWorld,
  NOW,
} from './meetings.fixtures.ts'
import type { Meeting } from './meetings.table.ts'
import { MAX_PAPER_BYTES, paperSizeMessage, paperTypeMessage } from './papers.filetype.ts'
import { docxFile, exeFile, minimalPdf } from './papers.fixtures.ts'
import { circulationRecipients, circulations, papers, paperVersions } from './papers.table.ts'

describe('papers pages', () => {
  let database: Database
  let t: TestApp
  let world: MeetingWorld
  let meeting: Meeting
  let clock: Date
  const signedIn = async (account: Account): Promise<TestClient> => {
    const client = t.client()
    await client.signIn(account.email, account.password)
    return client
  }
  const papersUrl = () => `/p/${world.partnership.slug}/meetings/${meeting.id}/papers`
  const paperRows = () => database.db.select().from(papers).where(eq(papers.meetingId, meeting.id))
  const byTitle = async (title: string) => (await paperRows()).find((p) => p.title === title)!

  /** Uploads as a browser does: the form page first (for the CSRF token), then the multipart post. */
  async function upload(
    client: TestClient,
    formUrl: string,
    fields: Record<string, string>,
    file: { name: string; content: Buffer; type?: string },
    action = formUrl,
  ) {
    const page = await client.get(formUrl)
    const token = csrfTokenIn(page.body)
    return client.upload(
      action,
      { _csrf: token, ...fields },
      { field: 'file', name: file.name, type: file.type ?? 'application/pdf', content: file.content },
    )
  }

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
    meeting = await insertMeeting(database.db, {
      partnershipId: world.partnership.id,
      groupId: world.group.id,
      heldOn: '2026-03-20',
    })
    clock = NOW
    t = await buildTestApp(database, { now: () => clock })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('uploads a PDF and downloads it as an attachment of the type read from its content', async () => {
    const client = await signedIn(world.accounts.businessTeam)
    const content = minimalPdf('Budget')
    const response = await upload(
      client,
      `${papersUrl()}/new`,
      { title: 'Budget 2026/27', agendaItemId: '' },
      { name: 'Budget – final.pdf', content, type: 'application/octet-stream' },
    )
    expect(response.statusCode).toBe(303)
    const page = await client.get(response.headers.location as string)
    expect(page.body).toContain('Paper uploaded')
    expect(page.body).toContain('Budget 2026/27')
    const paper = await byTitle('Budget 2026/27')
    const download = await client.get(`${papersUrl()}/${paper.id}/download`)
    expect(download.statusCode).toBe(200)
    expect(download.headers['content-type']).toBe('application/pdf')
    expect(download.headers['x-content-type-options']).toBe('nosniff')
    expect(download.headers['content-disposition']).toBe(
      `attachment; filename="Budget _ final.pdf"; filename*=UTF-8''Budget%20%E2%80%93%20final.pdf`,
    )
    expect(download.rawPayload.equals(content)).toBe(true)
  })

  it('shows the circulation deadline with its explanation and the late count', async () => {
    const partner = await signedIn(world.accounts.partner)
    const page = await partner.get(papersUrl())
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('data-testid="papers-deadline">13 March 2026')
    expect(page.body).toMatch(
      /data-testid="papers-deadline-explanation">13 March 2026: meeting on 20 March 2026/,
    )
    expect(page.body).toMatch(/data-testid="late-count">0 of 1 paper late/)
    expect(page.body).not.toContain('data-testid="upload-paper"')
  })

  it('refuses a file that is not a document, whatever its name, and saves nothing', async () => {
    const client = await signedIn(world.accounts.businessTeam)
    const before = (await paperRows()).length
    const text = await upload(
      client,
      `${papersUrl()}/new`,
      { title: 'Not a PDF', agendaItemId: '' },
      { name: 'report.pdf', content: Buffer.from('Just some text pretending to be a PDF') },
    )
    expect(text.statusCode).toBe(400)
    expect(titleOf(text.body)).toMatch(/^Error: /)
    expect(text.body).toContain(paperTypeMessage)
    expect(text.body).toContain('value="Not a PDF"')
    const exe = await upload(
      client,
      `${papersUrl()}/new`,
      { title: 'Program', restricted: 'yes' },
      { name: 'minutes.docx', content: exeFile() },
    )
    expect(exe.statusCode).toBe(400)
    expect(exe.body).toContain(paperTypeMessage)
    const empty = await client.upload(
      `${papersUrl()}/new`,
      { _csrf: csrfTokenIn((await client.get(`${papersUrl()}/new`)).body), title: '' },
      { field: 'file', name: '', type: 'application/octet-stream', content: Buffer.alloc(0) },
    )
    expect(empty.statusCode).toBe(400)
    expect(empty.body).toContain('Enter the title of the paper')
    expect(empty.body).toContain('Select a file')
    expect(await paperRows()).toHaveLength(before)
  })

  it('says a file over 20 MB is too large, on the form rather than an error page', async () => {
    const client = await signedIn(world.accounts.businessTeam)
    const big = Buffer.alloc(MAX_PAPER_BYTES + 1024)
    minimalPdf().copy(big)
    const before = (await paperRows()).length
    const response = await upload(
      client,
      `${papersUrl()}/new`,
      { title: 'Huge annex' },
      { name: 'annex.pdf', content: big },
    )
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain(paperSizeMessage)
    expect(response.body).toContain('value="Huge annex"')
    expect(await paperRows()).toHaveLength(before)
  })

  it('keeps a restricted paper from a partner outside the group and gives it to a member', async () => {
    const client = await signedIn(world.accounts.businessTeam)
    const docx = await docxFile('Case review')
    const response = await upload(
      client,
      `${papersUrl()}/new`,
      { title: 'Case review Child Q', restricted: 'yes' },
      { name: 'case-review.docx', content: docx, type: 'application/pdf' },
    )
    expect(response.statusCode).toBe(303)
    const paper = await byTitle('Case review Child Q')
    expect(paper.restricted).toBe(true)
    const [version] = await database.db
      .select()
      .from(paperVersions)
      .where(eq(paperVersions.paperId, paper.id))
    // The browser's claim (application/pdf) is ignored.
    expect(version?.contentType).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    )

    const outsider = await signedIn(world.accounts.partner)
    const list = await outsider.get(papersUrl())
    expect(list.body).not.toContain('Case review Child Q')
    expect(list.body).toMatch(/data-testid="late-count">0 of 1 paper late/)
    expect((await outsider.get(`${papersUrl()}/${paper.id}/download`)).statusCode).toBe(403)
    expect((await outsider.get(`${papersUrl()}/${paper.id}/versions/1`)).statusCode).toBe(403)

    const member = await signedIn(world.accounts.police)
    expect((await member.get(papersUrl())).body).toContain('Case review Child Q')
    const download = await member.get(`${papersUrl()}/${paper.id}/download`)
    expect(download.statusCode).toBe(200)
    expect(download.headers['content-disposition']).toContain('filename="case-review.docx"')
    expect(download.rawPayload.equals(docx)).toBe(true)
  })

  it('adds a new version and keeps the earlier one downloadable', async () => {
    const client = await signedIn(world.accounts.businessTeam)
    const paper = await byTitle('Budget 2026/27')
    const second = minimalPdf('Budget v2')
    const url = `${papersUrl()}/${paper.id}/versions/new`
    const bad = await upload(client, url, {}, { name: 'v2.pdf', content: Buffer.from('nope') })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain(paperTypeMessage)
    const response = await upload(client, url, {}, { name: 'v2.pdf', content: second })
    expect(response.statusCode).toBe(303)
    const page = await client.get(papersUrl())
    expect(page.body).toContain('Version 2 of 2')
    expect((await client.get(`${papersUrl()}/${paper.id}/download`)).rawPayload.equals(second)).toBe(true)
    const first = await client.get(`${papersUrl()}/${paper.id}/versions/1`)
    expect(first.rawPayload.equals(minimalPdf('Budget'))).toBe(true)
    expect((await client.get(`${papersUrl()}/${paper.id}/versions/7`)).statusCode).toBe(404)
    expect((await client.get(`${papersUrl()}/${paper.id}/versions/abc`)).statusCode).toBe(404)
  })

  it('circulates after a check-answers page, and a second sending finds nothing to send', async () => {
    const client = await signedIn(world.accounts.businessTeam)
    const noEmail = await insertPerson(database.db, world.partnership.id, {
      name: 'Nell Noemail',
      email: null,
    })
    await insertSeat(database.db, {
      partnershipId: world.partnership.id,
      groupId: world.group.id,
      personId: noEmail.id,
    })
    const check = await client.get(`${papersUrl()}/circulate`)
    expect(check.statusCode).toBe(200)
    expect(check.body).toContain('Nell Noemail: cannot be e-mailed')
    expect(check.body).toContain('Budget 2026/27')
    expect(check.body).toContain('Case review Child Q')
    expect(check.body).toContain('Chris Chair')
    clock = new Date(NOW.getTime() + 5 * 60_000)
    const sent = await client.submit(`${papersUrl()}/circulate`, `${papersUrl()}/circulate`, {})
    expect(sent.statusCode).toBe(303)
    expect(sent.headers.location).toContain('circulated=4')
    const messages = await database.db
      .select()
      .from(outbox)
      .where(eq(outbox.partnershipId, world.partnership.id))
    expect(messages).toHaveLength(4)
    expect(messages[0]?.subject).toBe(`Papers for ${world.group.name}, 20 March 2026`)
    expect(messages[0]?.textBody).toContain(`/p/${world.partnership.slug}/meetings/${meeting.id}/papers`)
    const page = await client.get(sent.headers.location as string)
    expect(page.body).toContain('Papers circulated to 4 members')
    expect(page.body.match(/data-testid="recipient-status">Sent to the outbox/g)).toHaveLength(4)
    expect(page.body).toMatch(/data-testid="paper-circulated">\s*2 March 2026/)

    // A recipient the sending did not reach gets it with "Send to those not yet sent".
    await database.db
      .update(circulationRecipients)
      .set({ sentAt: null, outboxId: null })
      .where(eq(circulationRecipients.personId, world.people.head.id))
    const waiting = await client.get(papersUrl())
    expect(waiting.body).toContain('data-testid="recipient-status">Not sent yet')
    const resent = await client.post(
      `${papersUrl()}/circulations/${(await database.db.select().from(circulations))[0]!.id}/resend`,
      { _csrf: csrfTokenIn(waiting.body) },
    )
    expect(resent.headers.location).toContain('resent=1')
    expect(
      await database.db.select().from(outbox).where(eq(outbox.partnershipId, world.partnership.id)),
    ).toHaveLength(5)

    const again = await client.get(`${papersUrl()}/circulate`)
    expect(again.body).toContain('All papers have already been circulated')
    const token = csrfTokenIn(check.body)
    const twice = await client.post(`${papersUrl()}/circulate`, { _csrf: token })
    expect(twice.headers.location).toContain('nothing=1')
    expect(
      await database.db.select().from(outbox).where(eq(outbox.partnershipId, world.partnership.id)),
    ).toHaveLength(5)
  })

  it('opens each of the business team’s forms', async () => {
    const client = await signedIn(world.accounts.businessTeam)
    const paper = await byTitle('Budget 2026/27')
    const form = await client.get(`${papersUrl()}/new`)
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('enctype="multipart/form-data"')
    expect(form.body).toContain('Not under an agenda item')
    const version = await client.get(`${papersUrl()}/${paper.id}/versions/new`)
    expect(version.statusCode).toBe(200)
    expect(version.body).toContain('Upload a new version of “Budget 2026/27”')
    const withdraw = await client.get(`${papersUrl()}/${paper.id}/withdraw`)
    expect(withdraw.statusCode).toBe(200)
    expect(withdraw.body).toContain('id="reason"')
  })

  it('withdraws a paper with a reason', async () => {
    const client = await signedIn(world.accounts.businessTeam)
    const paper = await byTitle('Budget 2026/27')
    const url = `${papersUrl()}/${paper.id}/withdraw`
    const bad = await client.submit(url, url, { reason: ' ' })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Enter why the paper is withdrawn')
    const done = await client.submit(url, url, { reason: 'Replaced by the March paper' })
    expect(done.statusCode).toBe(303)
    expect((await byTitle('Budget 2026/27')).withdrawnReason).toBe('Replaced by the March paper')
    const outsider = await signedIn(world.accounts.partner)
    expect((await outsider.get(papersUrl())).body).not.toContain('Budget 2026/27')
    expect((await outsider.get(`${papersUrl()}/${paper.id}/download`)).statusCode).toBe(404)
  })

  it('refuses uploads from a member and hides the meeting from another partnership', async () => {
    const head = await signedIn(world.accounts.head)
    expect((await head.get(`${papersUrl()}/new`)).statusCode).toBe(403)
    const response = await upload(
      head,
      papersUrl(),
      { title: 'From a member' },
      { name: 'x.pdf', content: minimalPdf() },
      `${papersUrl()}/new`,
    )
    expect(response.statusCode).toBe(403)
    expect(await paperRows()).not.toContainEqual(expect.objectContaining({ title: 'From a member' }))

    const other = await buildMeetingWorld(database.db)
    const stranger = await signedIn(other.accounts.businessTeam)
    expect((await stranger.get(papersUrl())).statusCode).toBe(404)
    const paper = await byTitle('Case review Child Q')
    const ownSlug = `/p/${other.partnership.slug}/meetings/${meeting.id}/papers`
    expect((await stranger.get(ownSlug)).statusCode).toBe(404)
    expect((await stranger.get(`${ownSlug}/${paper.id}/download`)).statusCode).toBe(404)
  })
})
