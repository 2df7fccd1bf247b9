import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp, titleOf } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import type { Database } from '../../platform/db/client.ts'
import type { Account } from '../meetings/meetings.fixtures.ts'
import { buildReviewWorld, insertCase, NOW, type ReviewWorld } from './reviews.fixtures.ts'
import {
  type ReviewCase,
  reviewCases,
  reviewInformationRequests,
  reviewPartnerNotices,
} from './reviews.table.ts'

// The clock is 2 March 2026. A case whose local authority became aware on Tuesday 13 September
// 2022: the Queen's funeral (Monday 19 September) moves its notification deadline to the 21st.

const date = (name: string, iso: string) => {
  const [y, m, d] = iso.split('-')
  return { [`${name}-day`]: String(Number(d)), [`${name}-month`]: String(Number(m)), [`${name}-year`]: y! }
}

describe('incident, rapid review and decision pages', () => {
  let database: Database
  let world: ReviewWorld
  let t: TestApp

  const as = async (account: Account) => {
    const client = t.client()
    await client.signIn(account.email, account.password)
    return client
  }
  const path = (review: ReviewCase, rest = '') => `/p/${world.partnership.slug}/reviews/${review.id}${rest}`
  const reload = async (id: string) =>
    (await database.db.select().from(reviewCases).where(eq(reviewCases.id, id)))[0]!
  const audits = (entityId: string, action: string) =>
    database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, entityId), eq(auditLog.action, action)))

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildReviewWorld(database.db)
    t = await buildTestApp(database, { now: () => NOW })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('shows an empty incident tab with the review header and the business team’s buttons', async () => {
    const review = await insertCase(database.db, world.partnership.id, { reference: 'Child E1' })
    const team = await as(world.accounts.businessTeam)
    const page = await team.get(path(review, '/incident'))
    expect(page.statusCode).toBe(200)
    expect(titleOf(page.body)).toMatch(/^Incident and rapid review: Child E1/)
    expect(page.body).toContain('data-testid="review-title"')
    expect(page.body).toContain('Serious incident notification</strong>')
    expect(page.body).toContain('No information requested yet')
    expect(page.body).toContain('Testshire Police')
    expect(page.body).not.toContain('Testshire Academy</td>')
    for (const testid of ['edit-notification', 'edit-partners', 'edit-rapid-review', 'new-request']) {
      expect(page.body).toContain(`data-testid="${testid}"`)
    }
  })

  it('records the notification dates, with the deadline moved by the bank holiday', async () => {
    const review = await insertCase(database.db, world.partnership.id)
    const team = await as(world.accounts.businessTeam)
    const form = path(review, '/incident/notification')
    expect((await team.get(form)).statusCode).toBe(200)
    const saved = await team.submit(form, form, {
      ...date('becameAwareOn', '2022-09-13'),
      ...date('notifiedOn', '2022-09-21'),
    })
    expect(saved.statusCode).toBe(303)
    expect(saved.headers.location).toBe(`${path(review, '/incident')}?saved=notified`)
    const page = await team.get(saved.headers.location!)
    expect(page.body).toContain('The notification dates were saved')
    expect(page.body).toContain('13 September 2022')
    expect(page.body).toMatch(/data-testid="notification-due">21 September 2022</)
    expect(page.body).toMatch(/data-testid="notification-due-tag">On time</)
    expect(page.body).toContain('(19 September 2022)')
    // The rapid review is now due, 15 working days after the notification.
    expect(page.body).toMatch(/data-testid="rapid-review-due">12 October 2022</)
    expect(page.body).toMatch(/data-testid="rapid-review-due-tag">Overdue by/)
    expect(await audits(review.id, 'review.notified')).toHaveLength(1)
  })

  it('refuses a notification before awareness, keeping what was typed and changing nothing', async () => {
    const review = await insertCase(database.db, world.partnership.id)
    const team = await as(world.accounts.businessTeam)
    const form = path(review, '/incident/notification')
    const bad = await team.submit(form, form, {
      ...date('becameAwareOn', '2022-09-13'),
      ...date('notifiedOn', '2022-09-12'),
    })
    expect(bad.statusCode).toBe(400)
    expect(titleOf(bad.body)).toMatch(/^Error: /)
    expect(bad.body).toContain(
      'The notification date must be on or after the date the local authority became aware (13 September 2022)',
    )
    expect(bad.body).toContain('href="#notifiedOn-day"')
    expect(bad.body).toMatch(/name="notifiedOn-day"[^>]*value="12"/)
    const future = await team.submit(form, form, { ...date('becameAwareOn', '2026-03-03') })
    expect(future.statusCode).toBe(400)
    expect(future.body).toContain(
      'The date the local authority became aware must be today (2 March 2026) or in the past',
    )
    const missing = await team.submit(form, form, { 'becameAwareOn-day': '13' })
    expect(missing.body).toContain('The date the local authority became aware must include a month and year')
    expect(await reload(review.id)).toMatchObject({ becameAwareOn: null, notifiedOn: null })
    expect(await audits(review.id, 'review.notified')).toHaveLength(0)
  })

  it('records partners told, and refuses a date before awareness', async () => {
    const review = await insertCase(database.db, world.partnership.id, { becameAwareOn: '2026-02-10' })
    const team = await as(world.accounts.businessTeam)
    const form = path(review, '/incident/partners')
    const page = await team.get(form)
    expect(page.body).toContain('Testshire Integrated Care Board')
    expect(page.body).not.toContain('Testshire Academy')
    const bad = await team.submit(form, form, {
      agencyIds: world.agencies.police.id,
      ...date('toldOn', '2026-02-09'),
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain(
      'The date the partners were told must be on or after the date the local authority became aware (10 February 2026)',
    )
    const none = await team.submit(form, form, { ...date('toldOn', '2026-02-11') })
    expect(none.body).toContain('Select the partners who were told')
    expect(
      await database.db.select().from(reviewPartnerNotices).where(eq(reviewPartnerNotices.caseId, review.id)),
    ).toHaveLength(0)
    const saved = await team.submit(form, form, {
      agencyIds: world.agencies.police.id,
      ...date('toldOn', '2026-02-11'),
    })
    expect(saved.statusCode).toBe(303)
    const tab = await team.get(saved.headers.location!)
    expect(tab.body).toContain('The partners told were saved')
    expect(tab.body).toContain('11 February 2026')
  })

  it('asks an agency for information with the default deadline, once, and marks it received', async () => {
    const review = await insertCase(database.db, world.partnership.id, {
      becameAwareOn: '2026-02-10',
      notifiedOn: '2026-02-12',
    })
    const team = await as(world.accounts.businessTeam)
    const form = path(review, '/incident/requests/new')
    const page = await team.get(form)
    // For a request today (Monday 2 March 2026), 5 working days later.
    expect(page.body).toContain('9 March 2026: request on 2 March 2026 + 5 working days')
    const early = await team.submit(form, form, {
      agencyId: world.agencies.school.id,
      ...date('requestedOn', '2026-02-20'),
      ...date('dueOn', '2026-02-19'),
    })
    expect(early.statusCode).toBe(400)
    expect(early.body).toContain(
      'The date the information is due must be on or after the date it was requested (20 February 2026)',
    )
    expect(early.body).toMatch(/<option value="[^"]+" selected>Testshire Academy/)
    const saved = await team.submit(form, form, {
      agencyId: world.agencies.school.id,
      ...date('requestedOn', '2026-02-20'),
    })
    expect(saved.statusCode).toBe(303)
    const tab = await team.get(saved.headers.location!)
    expect(tab.body).toContain('The request for information was saved')
    expect(tab.body).toContain('27 February 2026: request on 20 February 2026 + 5 working days')
    expect(tab.body).toMatch(/data-testid="request-tag">Overdue by 1 working day</)
    const twice = await team.submit(form, form, {
      agencyId: world.agencies.school.id,
      ...date('requestedOn', '2026-02-23'),
    })
    expect(twice.statusCode).toBe(400)
    expect(twice.body).toContain('Testshire Academy has already been asked for information for this case')

    const [request] = await database.db
      .select()
      .from(reviewInformationRequests)
      .where(eq(reviewInformationRequests.caseId, review.id))
    const received = path(review, `/incident/requests/${request!.id}/received`)
    const future = await team.submit(received, received, date('receivedOn', '2026-03-03'))
    expect(future.statusCode).toBe(400)
    expect(future.body).toContain(
      'The date the information was received must be today (2 March 2026) or in the past',
    )
    const done = await team.submit(received, received, date('receivedOn', '2026-02-26'))
    expect(done.statusCode).toBe(303)
    const after = await team.get(done.headers.location!)
    expect(after.body).toMatch(/data-testid="request-tag">On time</)
    expect(await audits(request!.id, 'review.information_received')).toHaveLength(1)
  })

  it('records the rapid review, then the decision with its publication target', async () => {
    const review = await insertCase(database.db, world.partnership.id, {
      becameAwareOn: '2025-12-10',
      notifiedOn: '2025-12-15',
    })
    const team = await as(world.accounts.businessTeam)
    const tab = await team.get(path(review, '/decision'))
    expect(tab.body).toContain('No decision recorded yet')
    expect(tab.body).toContain('Record the rapid review’s completion first')
    expect((await team.get(path(review, '/decision/edit'))).statusCode).toBe(409)

    const rapid = path(review, '/incident/rapid-review')
    const form = await team.get(rapid)
    expect(form.body).toContain('Do not enter a child’s or family member’s name')
    const early = await team.submit(rapid, rapid, {
      ...date('rapidReviewCompletedOn', '2025-12-12'),
      rapidReviewConclusions: 'Typed text',
    })
    expect(early.statusCode).toBe(400)
    expect(early.body).toContain(
      'The date the rapid review was completed must be on or after the notification date (15 December 2025)',
    )
    expect(early.body).toContain('Typed text</textarea>')
    const saved = await team.submit(rapid, rapid, {
      ...date('rapidReviewMeetingOn', '2026-01-06'),
      ...date('rapidReviewCompletedOn', '2026-01-08'),
      rapidReviewConclusions: 'Learning about information sharing.',
      panelResponse: 'The panel agrees.',
      ...date('panelResponseOn', '2026-02-02'),
    })
    expect(saved.statusCode).toBe(303)
    const incident = await team.get(saved.headers.location!)
    expect(incident.body).toMatch(/data-testid="rapid-review-due">8 January 2026</)
    expect(incident.body).toMatch(/data-testid="rapid-review-due-tag">On time</)
    expect(incident.body).toContain('(25 December 2025)')
    expect(incident.body).toContain('Learning about information sharing.')

    const edit = path(review, '/decision/edit')
    const decisionForm = await team.get(edit)
    expect(decisionForm.body).toContain('Local child safeguarding practice review')
    expect(decisionForm.body).toContain('The national panel is asked to review the case')
    const blank = await team.submit(edit, edit, {
      decision: 'local_review',
      decisionRationale: '  ',
      ...date('decidedOn', '2026-01-20'),
    })
    expect(blank.statusCode).toBe(400)
    expect(blank.body).toContain('Enter the reason for the decision')
    expect(blank.body).toMatch(/value="local_review" checked/)
    const before = await team.submit(edit, edit, {
      decision: 'local_review',
      decisionRationale: 'Significant learning.',
      ...date('decidedOn', '2026-01-07'),
    })
    expect(before.body).toContain(
      'The date of the decision must be on or after the rapid review’s completion (8 January 2026)',
    )
    expect((await reload(review.id)).decision).toBeNull()
    const decided = await team.submit(edit, edit, {
      decision: 'local_review',
      decisionRationale: 'Significant learning.',
      ...date('decidedOn', '2026-01-20'),
    })
    expect(decided.statusCode).toBe(303)
    const page = await team.get(decided.headers.location!)
    expect(page.body).toContain('The decision was saved')
    expect(page.body).toContain('Local child safeguarding practice review')
    expect(page.body).toMatch(/data-testid="publication-target">20 July 2026</)
    expect(page.body).toContain('20 July 2026: decision on 20 January 2026 + 6 months')
    expect(page.body).toContain('Change the decision')
    // The same form sent twice does no harm: nothing changes, nothing more is audited.
    const again = await team.submit(edit, edit, {
      decision: 'local_review',
      decisionRationale: 'Significant learning.',
      ...date('decidedOn', '2026-01-20'),
    })
    expect(again.statusCode).toBe(303)
    expect(await audits(review.id, 'review.decided')).toHaveLength(1)
  })

  it('refuses a rapid review meeting in the future, before the notification or after the completion', async () => {
    const review = await insertCase(database.db, world.partnership.id, {
      reference: 'Child M2',
      becameAwareOn: '2025-12-10',
      notifiedOn: '2025-12-15',
    })
    const team = await as(world.accounts.businessTeam)
    const rapid = path(review, '/incident/rapid-review')
    const refusals: [string, string | null, string][] = [
      [
        '2026-03-03',
        null,
        'The date of the rapid review meeting must be today (2 March 2026) or in the past',
      ],
      [
        '2025-12-12',
        '2026-01-08',
        'The date of the rapid review meeting must be on or after the notification date (15 December 2025)',
      ],
      [
        '2026-01-09',
        '2026-01-08',
        'The date of the rapid review meeting must be on or before the rapid review’s completion (8 January 2026)',
      ],
    ]
    for (const [meetingOn, completedOn, message] of refusals) {
      const refused = await team.submit(rapid, rapid, {
        ...date('rapidReviewMeetingOn', meetingOn),
        ...(completedOn ? date('rapidReviewCompletedOn', completedOn) : {}),
        rapidReviewConclusions: 'Typed text',
      })
      expect(refused.statusCode).toBe(400)
      expect(titleOf(refused.body)).toMatch(/^Error: /)
      expect(refused.body).toContain(message)
      expect(refused.body).toContain('href="#rapidReviewMeetingOn')
      expect(refused.body).toContain('Typed text</textarea>')
    }
    expect(await reload(review.id)).toMatchObject({
      rapidReviewMeetingOn: null,
      rapidReviewCompletedOn: null,
    })
    expect(await audits(review.id, 'review.rapid_review_recorded')).toHaveLength(0)
  })

  it('keeps a published review’s kind of decision, and refuses a decision date after the publication', async () => {
    const review = await insertCase(database.db, world.partnership.id, {
      reference: 'Child M3',
      becameAwareOn: '2025-12-10',
      notifiedOn: '2025-12-15',
      rapidReviewCompletedOn: '2026-01-08',
      decision: 'local_review',
      decisionRationale: 'Significant learning.',
      decidedOn: '2026-01-20',
      publishedOn: '2026-02-20',
    })
    const team = await as(world.accounts.businessTeam)
    const edit = path(review, '/decision/edit')
    const other = await team.submit(edit, edit, {
      decision: 'national_review',
      decisionRationale: 'Significant learning.',
      ...date('decidedOn', '2026-01-20'),
    })
    expect(other.statusCode).toBe(400)
    expect(other.body).toContain(
      'The review was published on 20 February 2026: its decision can no longer change',
    )
    expect(other.body).toMatch(/value="national_review" checked/)
    const late = await team.submit(edit, edit, {
      decision: 'local_review',
      decisionRationale: 'Significant learning.',
      ...date('decidedOn', '2026-02-23'),
    })
    expect(late.statusCode).toBe(400)
    expect(late.body).toContain(
      'The date of the decision must be on or before the publication (20 February 2026)',
    )
    expect(await reload(review.id)).toMatchObject({ decision: 'local_review', decidedOn: '2026-01-20' })
    expect(await audits(review.id, 'review.decided')).toHaveLength(0)
  })

  it('says the steps do not apply to a handed-over Serious Case Review', async () => {
    const review = await insertCase(database.db, world.partnership.id, { procedure: 'scr2015' })
    const team = await as(world.accounts.businessTeam)
    const page = await team.get(path(review, '/incident'))
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('data-testid="not-applicable"')
    expect(page.body).not.toContain('data-testid="edit-notification"')
    expect((await team.get(path(review, '/incident/notification'))).statusCode).toBe(409)
  })

  it('lets a partner read but not change; refuses members outside the panel', async () => {
    const review = await insertCase(database.db, world.partnership.id, {
      becameAwareOn: '2026-02-10',
      notifiedOn: '2026-02-12',
      rapidReviewCompletedOn: '2026-02-20',
    })
    const partner = await as(world.accounts.partner)
    for (const tab of ['/incident', '/decision']) {
      const page = await partner.get(path(review, tab))
      expect(page.statusCode).toBe(200)
      expect(page.body).not.toContain('data-testid="edit-')
      expect(page.body).not.toContain('data-testid="new-request"')
    }
    expect((await partner.get(path(review, '/incident/notification'))).statusCode).toBe(403)
    const post = await partner.submit(path(review, '/incident'), path(review, '/incident/notification'), {
      ...date('becameAwareOn', '2026-02-09'),
    })
    expect(post.statusCode).toBe(403)
    const decide = await partner.submit(path(review, '/decision'), path(review, '/decision/edit'), {
      decision: 'no_further_review',
      decisionRationale: 'No learning',
      ...date('decidedOn', '2026-02-25'),
    })
    expect(decide.statusCode).toBe(403)

    for (const account of [world.accounts.head, world.accounts.otherMember, world.accounts.scrutineer]) {
      const client = await as(account)
      for (const tab of ['/incident', '/decision']) {
        const page = await client.get(path(review, tab))
        expect(page.statusCode).toBe(403)
      }
      const refused = await client.submit('/account', path(review, '/incident/rapid-review'), {
        ...date('rapidReviewCompletedOn', '2026-02-21'),
      })
      expect(refused.statusCode).toBe(403)
    }
    expect(await reload(review.id)).toMatchObject({
      becameAwareOn: '2026-02-10',
      rapidReviewCompletedOn: '2026-02-20',
      decision: null,
    })
    expect(await audits(review.id, 'review.view_refused')).not.toHaveLength(0)
  })
})
