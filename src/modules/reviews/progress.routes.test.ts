import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, csrfTokenIn, type TestApp, type TestClient, titleOf } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import type { Database } from '../../platform/db/client.ts'
import type { Account } from '../meetings/meetings.fixtures.ts'
import { exeFile, minimalPdf } from '../meetings/papers.fixtures.ts'
import { draftTypeMessage } from './progress.service.ts'
import { buildReviewWorld, insertCase, NOW, type ReviewWorld } from './reviews.fixtures.ts'
import { type ReviewCase, reviewCases, reviewDrafts, reviewMilestones } from './reviews.table.ts'

// Child R: the partners decided on a local review on Tuesday 4 November 2025; the clock is
// 2 March 2026, so the first draft (due 4 March) is due and the terms of reference are overdue.

describe('review progress pages', () => {
  let database: Database
  let world: ReviewWorld
  let t: TestApp
  let review: ReviewCase

  const as = async (account: Account): Promise<TestClient> => {
    const client = t.client()
    await client.signIn(account.email, account.password)
    return client
  }
  const url = () => `/p/${world.partnership.slug}/reviews/${review.id}/review`
  const milestones = () =>
    database.db.select().from(reviewMilestones).where(eq(reviewMilestones.caseId, review.id))
  const drafts = () => database.db.select().from(reviewDrafts).where(eq(reviewDrafts.caseId, review.id))
  const caseRow = async () =>
    (await database.db.select().from(reviewCases).where(eq(reviewCases.id, review.id)))[0]!
  const date = (name: string, iso: string) => ({
    [`${name}-day`]: String(Number(iso.slice(8, 10))),
    [`${name}-month`]: String(Number(iso.slice(5, 7))),
    [`${name}-year`]: iso.slice(0, 4),
  })
  async function upload(
    client: TestClient,
    fields: Record<string, string>,
    file: { name: string; content: Buffer },
  ) {
    const token = csrfTokenIn((await client.get(`${url()}/drafts/new`)).body)
    return client.upload(
      `${url()}/drafts/new`,
      { _csrf: token, ...fields },
      { field: 'file', name: file.name, type: 'application/octet-stream', content: file.content },
    )
  }

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildReviewWorld(database.db)
    review = await insertCase(database.db, world.partnership.id, {
      reference: 'Child R',
      becameAwareOn: '2025-08-26',
      notifiedOn: '2025-08-28',
      rapidReviewCompletedOn: '2025-09-15',
      decision: 'local_review',
      decisionRationale: 'Learning for several agencies.',
      decidedOn: '2025-11-04',
    })
    t = await buildTestApp(database, { now: () => NOW })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('shows the tab with the header and empty states', async () => {
    const team = await as(world.accounts.businessTeam)
    const page = await team.get(url())
    expect(page.statusCode).toBe(200)
    expect(titleOf(page.body)).toMatch(/^Review: Child R/)
    expect(page.body).toContain('data-testid="review-title"')
    expect(page.body).toContain('No milestones yet.')
    expect(page.body).toContain('No drafts received yet.')
    expect(page.body).toContain('Not received yet')
    expect(page.body).toContain('data-testid="add-standard"')
  })

  it('saves the details, and refuses a reviewer name that is too long without changing anything', async () => {
    const team = await as(world.accounts.businessTeam)
    const form = `${url()}/details`
    const fields = {
      termsOfReference: 'How agencies shared information.',
      reviewerName: 'x'.repeat(201),
      reviewerOrganisation: 'Independent Reviews Ltd',
      familyInvolvement: 'The mother met the reviewer twice.',
    }
    const bad = await team.submit(form, form, fields)
    expect(bad.statusCode).toBe(400)
    expect(titleOf(bad.body)).toMatch(/^Error: /)
    expect(bad.body).toContain('The reviewer’s name must be 200 characters or fewer')
    expect(bad.body).toContain('How agencies shared information.')
    expect(bad.body).toContain('Do not enter a child’s or family member’s name')
    expect((await caseRow()).termsOfReference).toBeNull()
    const good = await team.submit(form, form, { ...fields, reviewerName: 'Dr Ada Reviewer' })
    expect(good.statusCode).toBe(303)
    const page = await team.get(good.headers.location as string)
    expect(page.body).toContain('The review’s details were saved')
    expect(page.body).toContain('Dr Ada Reviewer, Independent Reviews Ltd')
    expect(page.body).toContain('The mother met the reviewer twice.')
    // The panel tab shows the reviewer at the top.
    const panel = await team.get(`/p/${world.partnership.slug}/reviews/${review.id}/panel`)
    expect(panel.body).toContain('Dr Ada Reviewer')
  })

  it('adds the standard milestones once, with their tags and the publication target', async () => {
    const team = await as(world.accounts.businessTeam)
    const page = await team.get(url())
    const response = await team.post(`${url()}/milestones/standard`, { _csrf: csrfTokenIn(page.body) })
    expect(response.statusCode).toBe(303)
    const again = await team.post(`${url()}/milestones/standard`, { _csrf: csrfTokenIn(page.body) })
    expect(again.statusCode).toBe(303)
    expect(again.headers.location).toBe(url())
    expect(await milestones()).toHaveLength(5)
    const shown = await team.get(response.headers.location as string)
    expect(shown.body).toContain('The standard milestones were added')
    expect(shown.body).toContain('Terms of reference agreed')
    // Due 4 December 2025, not done on 2 March 2026: overdue.
    expect(shown.body).toMatch(/Overdue by \d+ working days/)
    expect(shown.body).toContain('Due 4 March 2026')
    expect(shown.body).toContain('4 May 2026: ')
    expect(shown.body).not.toContain('data-testid="add-standard"')
  })

  it('counts the standard "Publication" milestone met when the report is published', async () => {
    const team = await as(world.accounts.businessTeam)
    expect((await team.get(url())).body).toContain('Due 4 May 2026')
    await database.db
      .update(reviewCases)
      .set({ publishedOn: '2026-02-27' })
      .where(eq(reviewCases.id, review.id))
    const page = await team.get(url())
    expect(page.body).not.toContain('Due 4 May 2026')
    expect(page.body).toContain('27 February 2026')
    await database.db.update(reviewCases).set({ publishedOn: null }).where(eq(reviewCases.id, review.id))
  })

  it('adds a milestone and marks one done, refusing bad input', async () => {
    const team = await as(world.accounts.businessTeam)
    const form = `${url()}/milestones/new`
    const bad = await team.submit(form, form, { title: '', ...date('dueOn', '2026-02-30') })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Enter the milestone')
    expect(bad.body).toContain('The due date must be a real date')
    expect(await milestones()).toHaveLength(5)
    const good = await team.submit(form, form, {
      title: 'Practitioners’ event held',
      ...date('dueOn', '2026-02-20'),
    })
    expect(good.statusCode).toBe(303)
    const added = (await milestones()).find((m) => m.title === 'Practitioners’ event held')!
    expect(added).toMatchObject({ dueOn: '2026-02-20', position: 6 })

    const done = `${url()}/milestones/${added.id}/done`
    const future = await team.submit(done, done, date('doneOn', '2026-03-03'))
    expect(future.statusCode).toBe(400)
    expect(future.body).toContain('The date it was done must be today (2 March 2026) or earlier')
    expect((await milestones()).find((m) => m.id === added.id)?.doneOn).toBeNull()
    const ok = await team.submit(done, done, date('doneOn', '2026-02-24'))
    expect(ok.statusCode).toBe(303)
    const page = await team.get(url())
    expect(page.body).toContain('Late by 2 working days')
    expect((await milestones()).find((m) => m.id === added.id)?.doneOn).toBe('2026-02-24')
  })

  it('records drafts with a file, refuses a bad file and a future date, and downloads the file (audited)', async () => {
    const team = await as(world.accounts.businessTeam)
    const exe = await upload(team, date('receivedOn', '2026-02-05'), {
      name: 'draft.pdf',
      content: exeFile(),
    })
    expect(exe.statusCode).toBe(400)
    expect(exe.body).toContain(draftTypeMessage)
    const future = await upload(team, date('receivedOn', '2026-03-05'), {
      name: 'draft.pdf',
      content: minimalPdf(),
    })
    expect(future.statusCode).toBe(400)
    expect(future.body).toContain('The date it was received must be today (2 March 2026) or earlier')
    expect(await drafts()).toHaveLength(0)

    const first = await upload(
      team,
      { ...date('receivedOn', '2026-02-05'), note: 'First draft' },
      {
        name: 'Child R draft.pdf',
        content: minimalPdf('Draft'),
      },
    )
    expect(first.statusCode).toBe(303)
    // A draft without a file, sent as an ordinary form.
    const second = await team.submit(
      `${url()}/drafts/new`,
      `${url()}/drafts/new`,
      date('receivedOn', '2026-02-20'),
    )
    expect(second.statusCode).toBe(303)
    const rows = await drafts()
    expect(rows.map((d) => d.version).sort()).toEqual([1, 2])
    const v1 = rows.find((d) => d.version === 1)!
    expect(v1).toMatchObject({ filename: 'Child R draft.pdf', contentType: 'application/pdf' })

    const page = await team.get(first.headers.location as string)
    expect(page.body).toContain('The draft was recorded')
    expect(page.body).toContain(`${url()}/drafts/${v1.id}/download`)
    const download = await team.get(`${url()}/drafts/${v1.id}/download`)
    expect(download.statusCode).toBe(200)
    expect(download.headers['content-type']).toBe('application/pdf')
    expect(download.headers['content-disposition']).toContain('attachment;')
    expect(download.rawPayload.subarray(0, 5).toString()).toBe('%PDF-')
    const viewed = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, review.id), eq(auditLog.action, 'review.viewed')))
    expect(viewed.some((a) => (a.after as { path?: string }).path?.endsWith('/download'))).toBe(true)
  })

  it('refuses a circulation before the draft came and a final report before the first draft', async () => {
    const team = await as(world.accounts.businessTeam)
    const v1 = (await drafts()).find((d) => d.version === 1)!
    const circulate = `${url()}/drafts/${v1.id}/circulate`
    const early = await team.submit(circulate, circulate, {
      ...date('circulatedOn', '2026-02-04'),
      circulatedTo: 'Panel members and agencies’ leads',
    })
    expect(early.statusCode).toBe(400)
    expect(early.body).toContain('The draft cannot be circulated before it was received (5 February 2026)')
    expect(early.body).toContain('Panel members and agencies’ leads')
    expect((await drafts()).find((d) => d.id === v1.id)?.circulatedOn).toBeNull()
    const ok = await team.submit(circulate, circulate, {
      ...date('circulatedOn', '2026-02-09'),
      circulatedTo: 'Panel members and agencies’ leads',
    })
    expect(ok.statusCode).toBe(303)
    expect((await team.get(url())).body).toContain('9 February 2026 to Panel members and agencies’ leads')

    const final = `${url()}/final-report`
    const before = await team.submit(final, final, date('finalReportOn', '2026-02-01'))
    expect(before.statusCode).toBe(400)
    expect(before.body).toContain(
      'The final report cannot be received before the first draft (5 February 2026)',
    )
    expect((await caseRow()).finalReportOn).toBeNull()
    const saved = await team.submit(final, final, date('finalReportOn', '2026-02-27'))
    expect(saved.statusCode).toBe(303)
    expect((await team.get(url())).body).toContain('Received 27 February 2026')
  })

  it('adds a milestone and records a draft once when a form is sent twice, saying so', async () => {
    const team = await as(world.accounts.businessTeam)
    const form = `${url()}/milestones/new`
    const milestone = { title: 'Practitioners’ event held', ...date('dueOn', '2026-02-20') }
    const [milestonesBefore, draftsBefore] = [(await milestones()).length, (await drafts()).length]
    // The same milestone as the earlier test's, sent again within the minute (the clock is fixed).
    const twice = await team.submit(form, form, milestone)
    expect(twice.statusCode).toBe(400)
    expect(titleOf(twice.body)).toMatch(/^Error: /)
    expect(twice.body).toContain('This milestone has already been added')
    expect(await milestones()).toHaveLength(milestonesBefore)

    const pdf = { name: 'Second draft.pdf', content: minimalPdf('Second draft') }
    const fields = date('receivedOn', '2026-02-25')
    expect((await upload(team, fields, pdf)).statusCode).toBe(303)
    const again = await upload(team, fields, pdf)
    expect(again.statusCode).toBe(400)
    expect(again.body).toContain(`This draft has already been recorded (draft ${draftsBefore + 1})`)
    expect(await drafts()).toHaveLength(draftsBefore + 1)
  })

  it('refuses a final report received after the review was published', async () => {
    const team = await as(world.accounts.businessTeam)
    await database.db
      .update(reviewCases)
      .set({ publishedOn: '2026-02-27' })
      .where(eq(reviewCases.id, review.id))
    const final = `${url()}/final-report`
    const late = await team.submit(final, final, date('finalReportOn', '2026-03-01'))
    expect(late.statusCode).toBe(400)
    expect(late.body).toContain(
      'The final report cannot be received after the review was published (27 February 2026)',
    )
    expect((await caseRow()).finalReportOn).toBe('2026-02-27')
    await database.db.update(reviewCases).set({ publishedOn: null }).where(eq(reviewCases.id, review.id))
  })

  it('lets a partner read without changing, and keeps out members outside the panel', async () => {
    const partner = await as(world.accounts.partner)
    const page = await partner.get(url())
    expect(page.statusCode).toBe(200)
    expect(page.body).not.toContain('data-testid="add-draft"')
    expect(page.body).not.toContain('/details"')
    const post = await partner.post(`${url()}/milestones/new`, {
      _csrf: csrfTokenIn(page.body),
      title: 'Partner milestone',
      ...date('dueOn', '2026-04-01'),
    })
    expect(post.statusCode).toBe(403)
    expect((await milestones()).some((m) => m.title === 'Partner milestone')).toBe(false)
    expect((await partner.get(`${url()}/details`)).statusCode).toBe(403)

    const v1 = (await drafts()).find((d) => d.version === 1)!
    for (const account of [world.accounts.head, world.accounts.otherMember, world.accounts.scrutineer]) {
      const client = await as(account)
      expect((await client.get(url())).statusCode).toBe(403)
      expect((await client.get(`${url()}/drafts/${v1.id}/download`)).statusCode).toBe(403)
    }
  })
})
