import { randomUUID } from 'node:crypto'
import PizZip from 'pizzip'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../../platform/db/client.ts'
import { docxWithLines } from '../../platform/documents/documents.fixtures.ts'
import { uploadTemplate, useBuiltInTemplate } from '../../platform/documents/templates.service.ts'
import { attendance } from './attendance.table.ts'
import { decisions } from './decisions.table.ts'
import { buildMeetingWorld, insertMeeting, type MeetingWorld, NOW } from './meetings.fixtures.ts'
import type { Meeting } from './meetings.table.ts'
import { minutesDocumentData, minutesDocx, minutesPdf } from './minutes.document.ts'
import { insertAgendaItem } from './minutes.fixtures.ts'
import { minutesOf, saveMinutesDraft } from './minutes.service.ts'

describe('minutes as Word and PDF documents', () => {
  let database: Database
  let world: MeetingWorld
  let meeting: Meeting

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
    meeting = await insertMeeting(database.db, {
      partnershipId: world.partnership.id,
      groupId: world.group.id,
      heldOn: '2026-02-10',
    })
    const budget = await insertAgendaItem(database.db, meeting, { position: 2, title: 'Budget & spending' })
    const welcome = await insertAgendaItem(database.db, meeting, {
      position: 1,
      title: 'Welcome',
      presenter: 'Chair',
    })
    await insertAgendaItem(database.db, meeting, { position: 3, title: 'Withdrawn item', withdrawnAt: NOW })
    await saveMinutesDraft(
      database.db,
      { partnershipId: world.partnership.id, actorId: world.accounts.businessTeam.userId, now: NOW },
      {
        meeting,
        summary: 'The budget was agreed.',
        notes: {
          [welcome.id]: 'Apologies noted.',
          [budget.id]: 'The budget <2026/27> was agreed.\nNext year too.',
        },
      },
    )
    const seat = (
      membershipId: string,
      personId: string,
      fields: Partial<typeof attendance.$inferInsert>,
    ) => ({
      id: randomUUID(),
      partnershipId: world.partnership.id,
      meetingId: meeting.id,
      membershipId,
      personId,
      ...fields,
    })
    await database.db.insert(attendance).values([
      seat(world.seats.chair.id, world.people.chair.id, { outcome: 'present' }),
      seat(world.seats.police.id, world.people.police.id, {
        outcome: 'deputy',
        deputyId: world.people.deputy.id,
      }),
      seat(world.seats.health.id, world.people.health.id, { outcome: 'apologies' }),
      seat(world.seats.head.id, world.people.head.id, { outcome: 'absent' }),
    ])
    await database.db.insert(decisions).values({
      id: randomUUID(),
      partnershipId: world.partnership.id,
      meetingId: meeting.id,
      agendaItemId: budget.id,
      reference: 'SG-2026-01',
      text: 'The budget for 2026/27 is agreed.',
      outcome: 'consensus',
      implementationOn: '2026-04-01',
    })
  })
  afterAll(() => database.close())

  const data = async () =>
    minutesDocumentData(database.db, {
      partnershipName: world.partnership.name,
      meeting,
      group: world.group,
      minutes: await minutesOf(database.db, meeting.id),
    })

  it('gathers attendance, items in agenda order with their notes, and decisions', async () => {
    const d = await data()
    expect(d.items.map((i) => [i.number, i.title, i.notes])).toEqual([
      [1, 'Welcome', 'Apologies noted.'],
      [2, 'Budget & spending', 'The budget <2026/27> was agreed.\nNext year too.'],
    ])
    expect(d.items[1]?.decisions).toEqual([
      {
        reference: 'SG-2026-01',
        text: 'The budget for 2026/27 is agreed.',
        implementationOn: '1 April 2026',
      },
    ])
    expect(d.present).toEqual([{ name: 'Chris Chair', agency: 'Testshire Council', role: 'Chair' }])
    expect(d.deputies).toEqual([{ name: 'Dev Deputy', agency: 'Testshire Police', forName: 'Pat Police' }])
    expect(d.apologies.map((p) => p.name)).toEqual(['Harriet Health'])
    expect(d.absent.map((p) => p.name)).toEqual(['Hana Head'])
    expect(d.hasNotRecorded).toBe(false)
    expect(d.meetingDate).toBe('10 February 2026')
    expect(d.status).toBe('Drafting')
  })

  it('writes a Word document whose document.xml holds the items and their notes', async () => {
    const docx = await minutesDocx(database.db, world.partnership.id, await data())
    const xml = new PizZip(docx).file('word/document.xml')!.asText()
    expect(xml).toContain('1. Welcome')
    expect(xml).toContain('Apologies noted.')
    expect(xml).toContain('2. Budget &amp; spending')
    expect(xml).toContain('The budget &lt;2026/27&gt; was agreed.')
    expect(xml).toContain('Next year too.')
    expect(xml).toContain('SG-2026-01')
    expect(xml).toContain('Implementation date: 1 April 2026')
    expect(xml).toContain('Dev Deputy, Testshire Police, for Pat Police')
    expect(xml).toContain(world.partnership.name)
    expect(xml).not.toContain('Withdrawn item')
  })

  it('uses the partnership’s own minutes template once uploaded', async () => {
    const change = {
      partnershipId: world.partnership.id,
      actorId: world.accounts.administrator.userId,
      now: NOW,
    }
    const own = await docxWithLines([
      'HOUSE STYLE: {meetingTitle}',
      '{#items}',
      '{title} — {notes}',
      '{/items}',
    ])
    await uploadTemplate(database.db, change, { kind: 'minutes', filename: 'house.docx', content: own })
    const xml = new PizZip(await minutesDocx(database.db, world.partnership.id, await data()))
      .file('word/document.xml')!
      .asText()
    expect(xml).toContain('HOUSE STYLE: ')
    expect(xml).toContain('Welcome — Apologies noted.')
    expect(xml).not.toContain('Attendance')
    await useBuiltInTemplate(database.db, change, 'minutes')
  })

  it('draws the same minutes as a PDF', async () => {
    const pdf = await minutesPdf(await data())
    expect(pdf.subarray(0, 4).toString('latin1')).toBe('%PDF')
    expect(pdf.length).toBeGreaterThan(1000)
  })
})
