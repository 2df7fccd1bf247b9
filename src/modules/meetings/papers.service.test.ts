import { createHash } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { ChangeContext } from '../../platform/audit/audit.service.ts'
import { createCalendarRepository } from '../../platform/calendar/calendar.repository.ts'
import type { Database } from '../../platform/db/client.ts'
import { computeDeadline, getRuleSet } from '../../platform/rules/rules.service.ts'
import { addAgendaItem } from './agenda.service.ts'
import { buildMeetingWorld, insertMeeting, type MeetingWorld, NOW } from './meetings.fixtures.ts'
import { detectPaperType, type PaperFileType } from './papers.filetype.ts'
import { docxFile, minimalPdf } from './papers.fixtures.ts'
import {
  addPaper,
  addPaperVersion,
  fileSizeText,
  findPaper,
  paperFile,
  papersForMeeting,
  versionsForMeeting,
  withdrawPaper,
} from './papers.service.ts'
import { papers } from './papers.table.ts'

describe('a meeting’s papers', () => {
  let database: Database
  let world: MeetingWorld
  let change: ChangeContext
  let pdf: { filename: string; content: Buffer; type: PaperFileType }

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
    change = { partnershipId: world.partnership.id, actorId: world.accounts.businessTeam.userId, now: NOW }
    const content = minimalPdf()
    pdf = { filename: 'report.pdf', content, type: (await detectPaperType(content))! }
  })
  afterAll(() => database.close())

  const meeting = (heldOn: string) =>
    insertMeeting(database.db, { partnershipId: world.partnership.id, groupId: world.group.id, heldOn })
  const paper = (meetingId: string, title: string, restricted = false, agendaItemId: string | null = null) =>
    addPaper(database.db, change, { meetingId, title, agendaItemId, restricted, file: pdf })
  const all = { canSeeRestricted: true, deadline: null, today: '2026-03-02' }

  it('numbers versions 1, 2, 3 and lists the latest without reading any content', async () => {
    const m = await meeting('2026-03-20')
    const { paperId } = await paper(m.id, 'Budget report')
    const docx = await docxFile()
    const word = { filename: 'budget.docx', content: docx, type: (await detectPaperType(docx))! }
    expect(
      await addPaperVersion(database.db, change, { meetingId: m.id, paperId, file: word }),
    ).toMatchObject({
      version: 2,
    })
    expect(
      (await addPaperVersion(database.db, change, { meetingId: m.id, paperId, file: pdf })).version,
    ).toBe(3)
    const { papers: list, count } = await papersForMeeting(database.db, m.id, all)
    expect(count).toBe(1)
    expect(list[0]).toMatchObject({ title: 'Budget report', versions: 3, toCirculate: true })
    expect(list[0]!.latest).toMatchObject({ version: 3, filename: 'report.pdf', uploadedBy: 'Bea Business' })
    expect(list[0]!.latest).not.toHaveProperty('content')
    const versions = (await versionsForMeeting(database.db, m.id)).get(paperId)!
    expect(versions.map((v) => v.version)).toEqual([3, 2, 1])
    expect(versions[1]).toMatchObject({
      filename: 'budget.docx',
      contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      size: docx.length,
    })
    const second = await paperFile(database.db, paperId, 2)
    expect(second?.content.equals(docx)).toBe(true)
    expect((await paperFile(database.db, paperId, 'latest'))?.version).toBe(3)
    expect(await paperFile(database.db, paperId, 9)).toBeNull()
  })

  it('keeps the hash and the type read from the content', async () => {
    const m = await meeting('2026-03-21')
    const { versionId } = await paper(m.id, 'Hashed')
    const [row] = await database.db.query.paperVersions.findMany({
      where: (v, { eq }) => eq(v.id, versionId),
    })
    expect(row?.sha256).toBe(createHash('sha256').update(pdf.content).digest('hex'))
    expect(row?.contentType).toBe('application/pdf')
  })

  it('hides restricted papers, not even counting them, from a viewer who may not see them', async () => {
    const m = await meeting('2026-03-22')
    await paper(m.id, 'Open paper')
    await paper(m.id, 'Case review (restricted)', true)
    const member = await papersForMeeting(database.db, m.id, all)
    expect(member.papers.map((p) => p.title)).toEqual(['Case review (restricted)', 'Open paper'])
    const outsider = await papersForMeeting(database.db, m.id, { ...all, canSeeRestricted: false })
    expect(outsider.papers.map((p) => p.title)).toEqual(['Open paper'])
    expect(outsider.count).toBe(1)
  })

  it('orders papers by agenda item and keeps a withdrawn paper on record, off the list', async () => {
    const m = await meeting('2026-03-23')
    const item = await addAgendaItem(database.db, change, {
      meetingId: m.id,
      fields: { title: 'Finance', description: '', presenter: '', durationMinutes: 10, decisionNeeded: true },
    })
    const loose = await paper(m.id, 'Loose paper')
    await paper(m.id, 'Finance paper', false, item)
    await withdrawPaper(database.db, change, {
      meetingId: m.id,
      paperId: loose.paperId,
      reason: 'Superseded',
    })
    const standing = await papersForMeeting(database.db, m.id, all)
    expect(standing.papers.map((p) => [p.title, p.agendaItemTitle])).toEqual([['Finance paper', 'Finance']])
    const withWithdrawn = await papersForMeeting(database.db, m.id, { ...all, includeWithdrawn: true })
    expect(withWithdrawn.papers.map((p) => p.title)).toEqual(['Finance paper', 'Loose paper'])
    expect(withWithdrawn.count).toBe(1)
    expect((await findPaper(database.db, m.id, loose.paperId))?.withdrawnReason).toBe('Superseded')
    await expect(
      addPaperVersion(database.db, change, { meetingId: m.id, paperId: loose.paperId, file: pdf }),
    ).rejects.toThrow(/withdrawn/)
  })

  it('refuses an agenda item of another meeting', async () => {
    const m = await meeting('2026-03-24')
    const other = await meeting('2026-03-25')
    const item = await addAgendaItem(database.db, change, {
      meetingId: other.id,
      fields: {
        title: 'Elsewhere',
        description: '',
        presenter: '',
        durationMinutes: null,
        decisionNeeded: false,
      },
    })
    await expect(paper(m.id, 'Misfiled', false, item)).rejects.toThrow(/agenda item/)
  })

  it('counts a paper late from the day after the deadline, which a bank holiday moves earlier', async () => {
    // Meeting on Monday 26 September 2022: 7 days before is Monday 19 September, the Queen's
    // funeral bank holiday, so papers are due on Friday 16 September.
    const m = await meeting('2022-09-26')
    const rules = await getRuleSet(database.db, world.partnership.id)
    const calendar = await createCalendarRepository(database.db).calendarFor(world.partnership.id)
    const deadline = computeDeadline(rules, 'papersBeforeMeeting', m.heldOn, calendar)
    expect(deadline.date).toBe('2022-09-16')
    expect(deadline.explanation).toContain('19 September 2022')
    const onTime = await paper(m.id, 'On time')
    const late = await paper(m.id, 'Circulated late')
    await paper(m.id, 'Never circulated')
    const circulated = (id: string, at: string) =>
      database.db
        .update(papers)
        .set({ firstCirculatedAt: new Date(at) })
        .where(eq(papers.id, id))
    // 23:30 BST on the deadline is 22:30 UTC; 00:30 BST the next day is 23:30 UTC on the 16th.
    await circulated(onTime.paperId, '2022-09-16T22:30:00Z')
    await circulated(late.paperId, '2022-09-16T23:30:00Z')
    const onDeadline = await papersForMeeting(database.db, m.id, {
      ...all,
      deadline: deadline.date,
      today: '2022-09-16',
    })
    const lateness = (list: { title: string; late: boolean }[]) =>
      Object.fromEntries(list.map((p) => [p.title, p.late]))
    expect(lateness(onDeadline.papers)).toEqual({
      'On time': false,
      'Circulated late': true,
      'Never circulated': false,
    })
    const after = await papersForMeeting(database.db, m.id, {
      ...all,
      deadline: deadline.date,
      today: '2022-09-17',
    })
    expect(lateness(after.papers)).toEqual({
      'On time': false,
      'Circulated late': true,
      'Never circulated': true,
    })
    expect(after.lateCount).toBe(2)
  })

  it('writes sizes people read', () => {
    expect(fileSizeText(512)).toBe('512 bytes')
    expect(fileSizeText(34 * 1024)).toBe('34 KB')
    expect(fileSizeText(1.25 * 1024 * 1024)).toBe('1.3 MB')
  })
})
