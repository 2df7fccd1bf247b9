import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { ChangeContext } from '../../platform/audit/audit.service.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import { createCalendarRepository } from '../../platform/calendar/calendar.repository.ts'
import type { WorkingCalendar } from '../../platform/calendar/calendar.ts'
import type { Database } from '../../platform/db/client.ts'
import type { RuleSet } from '../../platform/rules/rules.definitions.ts'
import { getRuleSet } from '../../platform/rules/rules.service.ts'
import { docxFile, exeFile, minimalPdf, xlsxFile } from '../meetings/papers.fixtures.ts'
import { FieldProblems } from '../partnership/agencies.problems.ts'
import {
  addMilestone,
  addStandardMilestones,
  checkDraftFile,
  circulateDraft,
  draftFile,
  draftsOf,
  draftTypeMessage,
  markMilestoneDone,
  milestonesOf,
  progressMessages,
  recordDraft,
  recordFinalReport,
  standardAnchor,
  standardMilestones,
  updateReviewDetails,
} from './progress.service.ts'
import { buildReviewWorld, insertCase, NOW, type ReviewWorld, TODAY } from './reviews.fixtures.ts'
import { dayTimeliness } from './reviews.rules.ts'
import { reviewCases } from './reviews.table.ts'

describe('review progress', () => {
  let database: Database
  let world: ReviewWorld
  let change: ChangeContext
  let rules: RuleSet
  let calendar: WorkingCalendar

  const problemOf = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(FieldProblems)
    return (error as FieldProblems).fields
  }
  const auditOf = (type: string, id: string) =>
    database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityType, type), eq(auditLog.entityId, id)))

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildReviewWorld(database.db)
    change = { partnershipId: world.partnership.id, actorId: world.accounts.businessTeam.userId, now: NOW }
    rules = await getRuleSet(database.db, world.partnership.id)
    calendar = await createCalendarRepository(database.db).calendarFor(world.partnership.id)
  })
  afterAll(async () => {
    await database.close()
  })

  it('saves the terms of reference, reviewer and family involvement, audited on the case', async () => {
    const review = await insertCase(database.db, world.partnership.id)
    const details = {
      termsOfReference: 'How agencies shared information in 2025.',
      reviewerName: 'Dr Ada Reviewer',
      reviewerOrganisation: 'Independent Reviews Ltd',
      familyInvolvement: '  ',
    }
    expect(await updateReviewDetails(database.db, change, review.id, details)).toBe(true)
    // The same again (a form sent twice) changes nothing.
    expect(await updateReviewDetails(database.db, change, review.id, details)).toBe(false)
    const [row] = await database.db.select().from(reviewCases).where(eq(reviewCases.id, review.id))
    expect(row).toMatchObject({ reviewerName: 'Dr Ada Reviewer', familyInvolvement: null })
    const audit = await auditOf('review_case', review.id)
    expect(audit).toHaveLength(1)
    expect(audit[0]?.after).toMatchObject({ reviewerName: 'Dr Ada Reviewer' })
  })

  it('sets the standard milestones from the decision, publication by the rule (a month count ignores bank holidays)', async () => {
    // Decided Tuesday 4 November 2025: publication within 6 months is Monday 4 May 2026, the
    // early May bank holiday, which a month count does not move. Five months lands on Easter
    // Saturday (4 April 2026): that practical date moves past Easter Monday to Tuesday 7 April.
    const set = standardMilestones('2025-11-04', rules, calendar)
    expect(set.map((m) => [m.title, m.dueOn])).toEqual([
      ['Terms of reference agreed', '2025-12-04'],
      ['Panel’s first meeting', '2025-12-16'],
      ['First draft received', '2026-03-04'],
      ['Final report received', '2026-04-07'],
      ['Publication', '2026-05-04'],
    ])
    expect(set[3]?.explanation).toContain('moved from 4 April 2026 to a working day')
    expect(set[4]?.explanation).toMatch(/^4 May 2026: /)

    const review = await insertCase(database.db, world.partnership.id, {
      notifiedOn: '2025-09-01',
      rapidReviewCompletedOn: '2025-09-20',
      decision: 'local_review',
      decisionRationale: 'Learning for several agencies.',
      decidedOn: '2025-11-04',
    })
    const add = () =>
      addStandardMilestones(database.db, change, { caseId: review.id, today: TODAY, rules, calendar })
    expect(await add()).toBe(5)
    expect(await add()).toBe(0)
    const rows = await milestonesOf(database.db, review.id)
    expect(rows.map((m) => [m.position, m.title, m.dueOn])).toEqual(
      set.map((m, i) => [i + 1, m.title, m.dueOn]),
    )
    expect(await auditOf('review_milestone', rows[0]!.id)).toHaveLength(1)
  })

  it('refuses the standard milestones before a decision, and counts a handed-over review from today', async () => {
    const undecided = await insertCase(database.db, world.partnership.id)
    const fields = await problemOf(
      addStandardMilestones(database.db, change, { caseId: undecided.id, today: TODAY, rules, calendar }),
    )
    expect(fields.milestones).toContain('Record the partners’ decision')
    const scr = await insertCase(database.db, world.partnership.id, { procedure: 'scr2015' })
    expect(standardAnchor(scr, TODAY)).toBe(TODAY)
    await addStandardMilestones(database.db, change, { caseId: scr.id, today: TODAY, rules, calendar })
    const rows = await milestonesOf(database.db, scr.id)
    expect(rows.at(-1)).toMatchObject({ title: 'Publication', dueOn: '2026-09-02' })
  })

  it('marks a milestone done late across Easter 2026, counting working days only', async () => {
    const review = await insertCase(database.db, world.partnership.id)
    const id = await addMilestone(database.db, change, {
      caseId: review.id,
      title: 'Chronologies merged',
      dueOn: '2026-04-02',
    })
    const refused = await problemOf(
      markMilestoneDone(database.db, change, {
        caseId: review.id,
        milestoneId: id,
        doneOn: '2026-04-11',
        today: '2026-04-10',
      }),
    )
    expect(refused.doneOn).toBe('The date it was done must be today (10 April 2026) or earlier')
    // Due Thursday 2 April; done Wednesday 8 April: Good Friday, the weekend and Easter Monday
    // are skipped, so it was late by 2 working days (7 and 8 April).
    expect(
      await markMilestoneDone(database.db, change, {
        caseId: review.id,
        milestoneId: id,
        doneOn: '2026-04-08',
        today: '2026-04-10',
      }),
    ).toBe(true)
    const [row] = await milestonesOf(database.db, review.id)
    expect(row?.doneOn).toBe('2026-04-08')
    expect(dayTimeliness(row!.dueOn, row!.doneOn, '2026-04-10', calendar)).toEqual({
      timeliness: 'late',
      lateBy: 2,
    })
    expect((await auditOf('review_milestone', id)).map((a) => a.action).sort()).toEqual(['add', 'done'])
  })

  it('numbers drafts, keeps their files and refuses a file that is not a PDF or Word document', async () => {
    const review = await insertCase(database.db, world.partnership.id)
    for (const bad of [await xlsxFile(), exeFile(), Buffer.from('plain text, not a report')]) {
      expect(await checkDraftFile(bad)).toEqual({ ok: false, error: draftTypeMessage })
    }
    const pdf = await checkDraftFile(minimalPdf('Draft 1'))
    const word = await checkDraftFile(await docxFile('Draft 2'))
    expect(pdf.ok && pdf.type.ext).toBe('pdf')
    expect(word.ok && word.type.ext).toBe('docx')

    const first = await recordDraft(database.db, change, {
      caseId: review.id,
      receivedOn: '2026-02-05',
      note: 'From the reviewer',
      file: pdf.ok ? { filename: 'draft.pdf', content: minimalPdf('Draft 1'), type: pdf.type } : null,
      today: TODAY,
    })
    const second = await recordDraft(database.db, change, {
      caseId: review.id,
      receivedOn: '2026-02-20',
      note: '',
      file: null,
      today: TODAY,
    })
    expect([first.version, second.version]).toEqual([1, 2])
    const drafts = await draftsOf(database.db, review.id)
    expect(drafts.map((d) => d.version)).toEqual([2, 1])
    const file = await draftFile(database.db, review.id, first.id)
    expect(file?.contentType).toBe('application/pdf')
    expect(Buffer.from(file!.content).subarray(0, 5).toString()).toBe('%PDF-')
    expect(await draftFile(database.db, review.id, second.id)).toBeNull()
    const audit = await auditOf('review_draft', first.id)
    expect(audit[0]?.after).toMatchObject({ version: 1, filename: 'draft.pdf' })
    expect(audit[0]?.after).not.toHaveProperty('content')

    const future = await problemOf(
      recordDraft(database.db, change, {
        caseId: review.id,
        receivedOn: '2026-03-03',
        note: '',
        file: null,
        today: TODAY,
      }),
    )
    expect(future.receivedOn).toBe('The date the draft was received must be today (2 March 2026) or earlier')
  })

  it('refuses a circulation before the draft was received, and a final report before the first draft', async () => {
    const review = await insertCase(database.db, world.partnership.id)
    const draft = await recordDraft(database.db, change, {
      caseId: review.id,
      receivedOn: '2026-02-05',
      note: '',
      file: null,
      today: TODAY,
    })
    const circulate = (circulatedOn: string, circulatedTo = 'Panel members and agencies’ leads') =>
      circulateDraft(database.db, change, {
        caseId: review.id,
        draftId: draft.id,
        circulatedOn,
        circulatedTo,
        today: TODAY,
      })
    expect((await problemOf(circulate('2026-02-04'))).circulatedOn).toBe(
      'The draft cannot be circulated before it was received (5 February 2026)',
    )
    expect((await problemOf(circulate('2026-03-03'))).circulatedOn).toContain('must be today')
    expect((await problemOf(circulate('2026-02-10', ' '))).circulatedTo).toBe(
      'Enter who the draft was circulated to',
    )
    expect((await draftsOf(database.db, review.id))[0]?.circulatedOn).toBeNull()
    expect(await circulate('2026-02-10')).toBe(true)
    expect(await circulate('2026-02-10')).toBe(false)
    expect((await draftsOf(database.db, review.id))[0]).toMatchObject({
      circulatedOn: '2026-02-10',
      circulatedTo: 'Panel members and agencies’ leads',
    })

    const early = await problemOf(
      recordFinalReport(database.db, change, {
        caseId: review.id,
        finalReportOn: '2026-02-01',
        today: TODAY,
      }),
    )
    expect(early.finalReportOn).toBe(
      'The final report cannot be received before the first draft (5 February 2026)',
    )
    expect(
      await recordFinalReport(database.db, change, {
        caseId: review.id,
        finalReportOn: '2026-02-27',
        today: TODAY,
      }),
    ).toBe(true)
    const [row] = await database.db.select().from(reviewCases).where(eq(reviewCases.id, review.id))
    expect(row?.finalReportOn).toBe('2026-02-27')
    expect((await auditOf('review_case', review.id)).map((a) => a.action)).toEqual(['final_report'])
  })

  it('refuses a final report received after the review was published', async () => {
    const review = await insertCase(database.db, world.partnership.id, { publishedOn: '2026-02-20' })
    const final = (finalReportOn: string) =>
      recordFinalReport(database.db, change, { caseId: review.id, finalReportOn, today: TODAY })
    expect((await problemOf(final('2026-02-23'))).finalReportOn).toBe(
      'The final report cannot be received after the review was published (20 February 2026)',
    )
    const [row] = await database.db.select().from(reviewCases).where(eq(reviewCases.id, review.id))
    expect(row?.finalReportOn).toBeNull()
    expect(await auditOf('review_case', review.id)).toHaveLength(0)
    expect(await final('2026-02-20')).toBe(true)
  })

  it('adds a milestone once when its form is sent twice within a minute', async () => {
    const review = await insertCase(database.db, world.partnership.id)
    const add = (title: string, dueOn: string, at = change) =>
      addMilestone(database.db, at, { caseId: review.id, title, dueOn })
    const id = await add('Chronologies merged', '2026-04-02')
    expect((await problemOf(add(' Chronologies merged ', '2026-04-02'))).title).toBe(
      progressMessages.milestoneTwin,
    )
    expect(await milestonesOf(database.db, review.id)).toHaveLength(1)
    expect(await auditOf('review_milestone', id)).toHaveLength(1)
    // Another due date is another milestone; the same one a minute later is a deliberate second.
    await add('Chronologies merged', '2026-04-09')
    await add('Chronologies merged', '2026-04-02', { ...change, now: new Date(NOW.getTime() + 61_000) })
    expect((await milestonesOf(database.db, review.id)).map((m) => m.position)).toEqual([1, 2, 3])
  })

  it('records a draft once when its form is sent twice within a minute, with or without a file', async () => {
    const review = await insertCase(database.db, world.partnership.id)
    const pdf = await checkDraftFile(minimalPdf('Draft 1'))
    if (!pdf.ok) throw new Error('the fixture is a PDF')
    const file = (text: string) => ({ filename: 'draft.pdf', content: minimalPdf(text), type: pdf.type })
    const record = (receivedOn: string, upload: ReturnType<typeof file> | null, at = change) =>
      recordDraft(database.db, at, { caseId: review.id, receivedOn, note: '', file: upload, today: TODAY })

    const first = await record('2026-02-05', file('Draft 1'))
    expect((await problemOf(record('2026-02-05', file('Draft 1')))).receivedOn).toBe(
      'This draft has already been recorded (draft 1)',
    )
    expect(await draftsOf(database.db, review.id)).toHaveLength(1)
    expect(await auditOf('review_draft', first.id)).toHaveLength(1)
    // Another file (its size differs), another date or no file at all: other drafts.
    expect((await record('2026-02-05', file('Draft 1, corrected'))).version).toBe(2)
    expect((await record('2026-02-06', file('Draft 1'))).version).toBe(3)
    expect((await record('2026-02-20', null)).version).toBe(4)
    expect((await problemOf(record('2026-02-20', null))).receivedOn).toBe(
      'This draft has already been recorded (draft 4)',
    )
    const later = { ...change, now: new Date(NOW.getTime() + 61_000) }
    expect((await record('2026-02-20', null, later)).version).toBe(5)
    expect(await draftsOf(database.db, review.id)).toHaveLength(5)
  })
})
