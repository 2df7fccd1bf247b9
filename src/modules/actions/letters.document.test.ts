import PizZip from 'pizzip'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../../platform/db/client.ts'
import { buildMeetingWorld, type MeetingWorld, NOW, TODAY } from '../meetings/meetings.fixtures.ts'
import { complianceMeeting, insertFailure } from './compliance.fixtures.ts'
import type { EscalationLetter } from './compliance.table.ts'
import { letterDocumentData, letterDocx, letterFilename, letterPdf } from './letters.document.ts'
import { agencyOf, letterDraft, saveLetter } from './letters.service.ts'

const documentXml = (file: Buffer) => new PizZip(file).file('word/document.xml')!.asText()

describe('an escalation letter as Word and PDF documents', () => {
  let database: Database
  let world: MeetingWorld
  let letter: EscalationLetter
  let references: string[]

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
    const meeting = await complianceMeeting(database.db, world, '2025-09-01')
    const one = await insertFailure(database.db, world, meeting, {
      dueOn: '2025-10-06',
      respondedOn: '2025-10-10',
      description: 'Review the neglect strategy & report',
    })
    const two = await insertFailure(database.db, world, meeting, {
      dueOn: '2026-01-12',
      description: 'Audit returns',
    })
    references = [one.action.reference, two.action.reference]
    const draft = await letterDraft(database.db, {
      partnershipId: world.partnership.id,
      partnershipName: world.partnership.name,
      agency: (await agencyOf(database.db, world.partnership.id, world.agencies.police.id))!,
      today: TODAY,
      sender: { name: 'Bea Business', title: 'Business Manager' },
    })
    letter = await saveLetter(
      database.db,
      { partnershipId: world.partnership.id, actorId: world.accounts.businessTeam.userId, now: NOW },
      {
        agencyId: world.agencies.police.id,
        fields: { ...draft.values, addresseeName: 'Jo Bloggs', addresseeTitle: 'Chief Constable' },
        failureIds: draft.failures.map((f) => f.id),
      },
    )
  })

  afterAll(async () => {
    await database.close()
  })

  it('fills the letter template with the addressee, the sender and every failure', async () => {
    const data = letterDocumentData(world.partnership.name, letter, 'Testshire Police')
    expect(data).toMatchObject({
      date: '2 March 2026',
      addresseeName: 'Jo Bloggs',
      addresseeTitle: 'Chief Constable',
      addresseeAgency: 'Testshire Police',
      senderName: 'Bea Business',
    })
    const xml = documentXml(await letterDocx(database.db, world.partnership.id, data))
    expect(xml).toContain('Dear Jo Bloggs,')
    expect(xml).toContain('Chief Constable')
    expect(xml).toContain(world.partnership.name)
    expect(xml).toContain(
      `${references[0]}: Review the neglect strategy &amp; report. Due 6 October 2025; answered 10 October 2025.`,
    )
    expect(xml).toContain(`${references[1]}: Audit returns. Due 12 January 2026; not answered.`)
    expect(xml).toContain('Bea Business')
  })

  it('draws the same letter as a PDF', async () => {
    const pdf = await letterPdf(letterDocumentData(world.partnership.name, letter, 'Testshire Police'))
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-')
  })

  it('names the files after the agency and the date', () => {
    expect(letterFilename('Testshire Police', letter, 'docx')).toBe(
      'escalation-letter-testshire-police-2026-03-02.docx',
    )
    expect(letterFilename('Testshire Police', { ...letter, sentOn: '2026-03-05' }, 'pdf')).toBe(
      'escalation-letter-testshire-police-2026-03-05.pdf',
    )
  })
})
