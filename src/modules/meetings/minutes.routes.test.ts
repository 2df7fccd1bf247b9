import { and, eq } from 'drizzle-orm'
import PizZip from 'pizzip'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, csrfTokenIn, type TestApp, type TestClient, titleOf } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../../platform/db/client.ts'
import { outbox } from '../../platform/notify/notify.table.ts'
import { buildMeetingWorld, insertMeeting, type MeetingWorld, NOW } from './meetings.fixtures.ts'
import type { AgendaItem, Meeting } from './meetings.table.ts'
import { insertAgendaItem, samplePdf } from './minutes.fixtures.ts'
import { minutesOf } from './minutes.service.ts'

describe('minutes pages', () => {
  let database: Database
  let t: TestApp
  let world: MeetingWorld
  let meeting: Meeting
  let next: Meeting
  let items: AgendaItem[]
  const clients = new Map<string, TestClient>()
  const base = () => `/p/${world.partnership.slug}/meetings/${meeting.id}/minutes`

  /** A signed-in client per account, kept for the whole file (signing in hashes a password). */
  async function as(account: keyof MeetingWorld['accounts']) {
    let client = clients.get(account)
    if (!client) {
      client = t.client()
      await client.signIn(world.accounts[account].email, world.accounts[account].password)
      clients.set(account, client)
    }
    return client
  }

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
    const at = (heldOn: string) =>
      insertMeeting(database.db, { partnershipId: world.partnership.id, groupId: world.group.id, heldOn })
    meeting = await at('2026-02-10')
    next = await at('2026-02-24')
    items = [
      await insertAgendaItem(database.db, meeting, { position: 1, title: 'Welcome and apologies' }),
      await insertAgendaItem(database.db, meeting, {
        position: 2,
        title: 'Neglect strategy',
        presenter: 'Pat Police',
      }),
    ]
    await insertAgendaItem(database.db, next, {
      position: 1,
      title: 'Minutes of the last meeting',
      kind: 'previous_minutes',
      previousMeetingId: meeting.id,
    })
    t = await buildTestApp(database, { now: () => NOW })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('drafts the minutes item by item, keeping what was typed when something is wrong', async () => {
    const team = await as('businessTeam')
    const page = await team.get(base())
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('data-testid="minutes-status">Not started')
    expect(page.body).toContain('data-testid="deadline-toChair"')
    expect(page.body).toContain('24 February 2026')

    const form = await team.get(`${base()}/edit`)
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('Do not enter children’s names')
    expect(form.body).toContain(`name="notes-${items[0]!.id}"`)

    const tooLong = await team.submit(`${base()}/edit`, `${base()}/edit`, {
      summary: 'x'.repeat(20_001),
      [`notes-${items[0]!.id}`]: 'Typed & kept',
    })
    expect(tooLong.statusCode).toBe(400)
    expect(titleOf(tooLong.body)).toMatch(/^Error: /)
    expect(tooLong.body).toContain('The summary must be 20,000 characters or fewer')
    expect(tooLong.body).toContain('Typed &amp; kept')
    expect(await minutesOf(database.db, meeting.id)).toBeNull()

    const fields = {
      summary: 'The strategy was agreed.',
      [`notes-${items[0]!.id}`]: 'Apologies from Harriet Health.',
      [`notes-${items[1]!.id}`]: 'The strategy was agreed.\nPublish in April.',
    }
    const saved = await team.submit(`${base()}/edit`, `${base()}/edit`, fields)
    expect(saved.statusCode).toBe(303)
    expect(saved.headers.location).toBe(`${base()}?saved=1`)
    const again = await team.submit(`${base()}/edit`, `${base()}/edit`, fields)
    expect(again.headers.location).toBe(`${base()}?unchanged=1`)
    const shown = await team.get(`${base()}?saved=1`)
    expect(shown.body).toContain('Draft minutes saved')
    expect(shown.body).toContain('Publish in April.')
    expect(shown.body).toContain('data-testid="minutes-step-create"')
  })

  it('keeps a draft from everyone but the business team and the chair', async () => {
    const partner = await as('partner')
    const page = await partner.get(base())
    expect(page.statusCode).toBe(200)
    expect(page.body).not.toContain('Publish in April.')
    expect(page.body).toContain('data-testid="minutes-not-yet"')
    expect((await partner.get(`${base()}.docx`)).statusCode).toBe(403)
    expect((await partner.get(`${base()}.pdf`)).statusCode).toBe(403)
    // A member of the group does not see a draft either.
    expect((await (await as('police')).get(`${base()}.docx`)).statusCode).toBe(403)
    expect((await (await as('chair')).get(base())).body).toContain('Publish in April.')
    expect((await (await as('head')).get(`${base()}/edit`)).statusCode).toBe(403)
    expect((await (await as('head')).get(`${base()}/send`)).statusCode).toBe(403)

    const other = await buildMeetingWorld(database.db)
    const theirs = await insertMeeting(database.db, {
      partnershipId: other.partnership.id,
      groupId: other.group.id,
      heldOn: '2026-02-10',
    })
    const team = await as('businessTeam')
    expect((await team.get(`/p/${world.partnership.slug}/meetings/${theirs.id}/minutes`)).statusCode).toBe(
      404,
    )
    expect(
      (await team.get(`/p/${world.partnership.slug}/meetings/${theirs.id}/minutes.docx`)).statusCode,
    ).toBe(404)
  })

  it('sends the draft to the chair, who alone approves or returns it', async () => {
    const team = await as('businessTeam')
    const confirm = await team.get(`${base()}/send`)
    expect(confirm.statusCode).toBe(200)
    expect(confirm.body).toContain('Chris Chair')
    const sent = await team.submit(`${base()}/send`, `${base()}/send`, {})
    expect(sent.headers.location).toBe(`${base()}?sent=1`)
    const [mail] = await database.db
      .select()
      .from(outbox)
      .where(
        and(eq(outbox.partnershipId, world.partnership.id), eq(outbox.toAddress, world.accounts.chair.email)),
      )
    expect(mail?.textBody).toContain(`/p/${world.partnership.slug}/meetings/${meeting.id}/minutes`)

    const twice = await team.submit(base(), `${base()}/send`, {})
    expect(twice.statusCode).toBe(409)
    expect(twice.body).toContain('These minutes have already been sent to the chair')
    const edit = await team.get(`${base()}/edit`)
    expect(edit.statusCode).toBe(409)

    const head = await as('head')
    expect((await head.submit(base(), `${base()}/approve`, {})).statusCode).toBe(403)
    expect((await team.submit(base(), `${base()}/approve`, {})).statusCode).toBe(403)
    expect((await head.get(`${base()}/return`)).statusCode).toBe(403)

    const chair = await as('chair')
    const page = await chair.get(base())
    expect(page.body).toContain('data-testid="approve-minutes"')
    const noReason = await chair.submit(`${base()}/return`, `${base()}/return`, { reason: '  ' })
    expect(noReason.statusCode).toBe(400)
    expect(noReason.body).toContain('Say why the minutes are returned')
    const returned = await chair.submit(`${base()}/return`, `${base()}/return`, {
      reason: 'Add the publication date.',
    })
    expect(returned.headers.location).toBe(`${base()}?returned=1`)
    expect((await team.get(base())).body).toContain('The chair returned the draft: Add the publication date.')

    await team.submit(`${base()}/send`, `${base()}/send`, {})
    const approved = await chair.submit(base(), `${base()}/approve`, {})
    expect(approved.headers.location).toBe(`${base()}?approved=1`)
    const again = await chair.submit(base(), `${base()}/approve`, {})
    expect(again.statusCode).toBe(409)
    expect(again.body).toContain('These minutes have already been approved by the chair')
    const row = await minutesOf(database.db, meeting.id)
    expect(row?.status).toBe('approved')
    expect(row?.approvedById).toBe(world.accounts.chair.userId)
    // Approved minutes are for the group's members, not yet for everyone.
    expect((await (await as('police')).get(`${base()}.docx`)).statusCode).toBe(200)
    expect((await (await as('partner')).get(`${base()}.docx`)).statusCode).toBe(403)
  })

  it('circulates the approved minutes, then everyone who sees the meeting can read and download them', async () => {
    const team = await as('businessTeam')
    const confirm = await team.get(`${base()}/circulate`)
    expect(confirm.statusCode).toBe(200)
    expect(confirm.body).toContain('Harriet Health')
    const circulated = await team.submit(`${base()}/circulate`, `${base()}/circulate`, {})
    expect(circulated.headers.location).toBe(`${base()}?circulated=1`)
    const [letter] = await database.db
      .select()
      .from(outbox)
      .where(
        and(eq(outbox.partnershipId, world.partnership.id), eq(outbox.toAddress, world.people.health.email!)),
      )
    expect(letter?.subject).toContain('Approved minutes')
    expect((await team.submit(base(), `${base()}/circulate`, {})).statusCode).toBe(409)

    const partner = await as('partner')
    const page = await partner.get(base())
    expect(page.body).toContain('Publish in April.')
    expect(page.body).toContain('data-testid="minutes-timeline"')
    const docx = await partner.get(`${base()}.docx`)
    expect(docx.statusCode).toBe(200)
    expect(docx.headers['content-disposition']).toMatch(/^attachment; filename="minutes-.*-2026-02-10\.docx"/)
    const xml = new PizZip(docx.rawPayload).file('word/document.xml')!.asText()
    expect(xml).toContain('Neglect strategy')
    expect(xml).toContain('Publish in April.')
    const pdf = await partner.get(`${base()}.pdf`)
    expect(pdf.headers['content-type']).toBe('application/pdf')
    expect(pdf.headers['content-disposition']).toMatch(/^attachment;/)
    expect(pdf.rawPayload.subarray(0, 4).toString('latin1')).toBe('%PDF')
  })

  it('records agreement at the next meeting, where its agenda points', async () => {
    const team = await as('businessTeam')
    expect((await (await as('head')).get(`${base()}/agree`)).statusCode).toBe(403)
    const form = await team.get(`${base()}/agree`)
    expect(form.statusCode).toBe(200)
    expect(form.body).toMatch(new RegExp(`value="${next.id}" checked`))
    const missing = await team.submit(`${base()}/agree`, `${base()}/agree`, { corrections: 'Typed' })
    expect(missing.statusCode).toBe(400)
    expect(missing.body).toContain('Typed')
    const agreed = await team.submit(`${base()}/agree`, `${base()}/agree`, {
      agreedAtMeetingId: next.id,
      corrections: 'Item 2: April, not May.',
    })
    expect(agreed.headers.location).toBe(`${base()}?agreed=1`)
    const page = await team.get(base())
    expect(page.body).toContain('data-testid="minutes-status">Agreed')
    expect(page.body).toContain('Agreed for accuracy at the meeting of 24 February 2026')
    expect(page.body).toContain('Item 2: April, not May.')
    for (const step of ['create', 'send_to_chair', 'return', 'approve', 'circulate', 'agree']) {
      expect(page.body).toContain(`data-testid="minutes-step-${step}"`)
    }
    const twice = await team.submit(base(), `${base()}/agree`, { agreedAtMeetingId: next.id })
    expect(twice.statusCode).toBe(409)
    expect(twice.body).toContain('These minutes have already been agreed')
  })

  it('takes the minutes as an uploaded PDF or Word file, read by its content', async () => {
    const other = await insertMeeting(database.db, {
      partnershipId: world.partnership.id,
      groupId: world.group.id,
      heldOn: '2026-01-13',
    })
    const url = `/p/${world.partnership.slug}/meetings/${other.id}/minutes`
    const team = await as('businessTeam')
    const form = await team.get(`${url}/upload`)
    const token = csrfTokenIn(form.body)
    const wrong = await team.upload(
      `${url}/upload`,
      { _csrf: token },
      { field: 'file', name: 'minutes.pdf', type: 'application/pdf', content: 'plain text pretending' },
    )
    expect(wrong.statusCode).toBe(400)
    expect(wrong.body).toContain('The file must be a PDF or a Word document')
    const none = await team.upload(
      `${url}/upload`,
      { _csrf: token },
      { field: 'file', name: '', type: 'application/octet-stream', content: '' },
    )
    expect(none.statusCode).toBe(400)
    const uploaded = await team.upload(
      `${url}/upload`,
      { _csrf: token },
      { field: 'file', name: 'January minutes.pdf', type: 'text/plain', content: samplePdf },
    )
    expect(uploaded.headers.location).toBe(`${url}?uploaded=1`)
    const page = await team.get(url)
    expect(page.body).toContain('January minutes.pdf')
    const file = await team.get(`${url}/file`)
    expect(file.headers['content-type']).toBe('application/pdf')
    expect(file.headers['content-disposition']).toContain('attachment;')
    expect(file.rawPayload.equals(samplePdf)).toBe(true)
    expect((await (await as('partner')).get(`${url}/file`)).statusCode).toBe(403)
    const sent = await team.submit(`${url}/send`, `${url}/send`, {})
    expect(sent.headers.location).toBe(`${url}?sent=1`)
  })

  it('refuses to send minutes to the chair before the meeting', async () => {
    const future = await insertMeeting(database.db, {
      partnershipId: world.partnership.id,
      groupId: world.group.id,
      heldOn: '2026-03-24',
    })
    const url = `/p/${world.partnership.slug}/meetings/${future.id}/minutes`
    const team = await as('businessTeam')
    await team.submit(`${url}/edit`, `${url}/edit`, { summary: 'Prepared early' })
    const confirm = await team.get(`${url}/send`)
    expect(confirm.body).toContain('The minutes can be sent to the chair once the meeting has been held')
    expect(confirm.body).not.toContain('data-testid="confirm-send"')
    const refused = await team.submit(url, `${url}/send`, {})
    expect(refused.statusCode).toBe(400)
    expect((await minutesOf(database.db, future.id))?.status).toBe('drafting')
  })
})
