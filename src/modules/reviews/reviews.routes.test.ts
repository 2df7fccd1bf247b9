import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp, titleOf } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import type { Database } from '../../platform/db/client.ts'
import type { Account } from '../meetings/meetings.fixtures.ts'
import {
  buildReviewWorld,
  insertCase,
  insertInvolvedAgency,
  insertPanelMember,
  NOW,
  type ReviewWorld,
} from './reviews.fixtures.ts'
import { noNamesHint } from './reviews.labels.ts'
import { involvedAgencyIds, referenceTakenMessage } from './reviews.service.ts'
import { type ReviewCase, reviewCases, reviewMilestones } from './reviews.table.ts'

// The clock is Monday 2 March 2026.

const escaped = (text: string) => text.replace(/’/g, '&#8217;')
const html = (text: string) => text.replace(/&/g, '&amp;').replace(/'/g, '&#39;')

describe('practice reviews pages', () => {
  let database: Database
  let world: ReviewWorld
  let t: TestApp
  let incident: ReviewCase
  let published: ReviewCase
  let onPanel: ReviewCase

  const list = () => `/p/${world.partnership.slug}/reviews`
  const as = async (account: Account) => {
    const client = t.client()
    await client.signIn(account.email, account.password)
    return client
  }
  const hasText = (body: string, text: string) =>
    body.includes(text) || body.includes(escaped(text)) || body.includes(html(text))

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildReviewWorld(database.db)
    const p = world.partnership.id
    // Aware Tuesday 24 February: the notification is due Tuesday 3 March.
    incident = await insertCase(database.db, p, {
      reference: 'Child K',
      summary: 'An infant was injured.',
      becameAwareOn: '2026-02-24',
      groupId: world.lpr.id,
    })
    await insertInvolvedAgency(database.db, p, incident.id, world.agencies.police.id)
    published = await insertCase(database.db, p, {
      reference: 'Child L',
      procedure: 'scr2015',
      summary: 'Neglect.',
      publishedOn: '2026-02-16',
      publishedTitle: 'Learning from Child L',
      publicationUrl: 'https://example.org/child-l',
    })
    onPanel = await insertCase(database.db, p, {
      reference: 'Child M',
      procedure: 'scr2015',
      summary: 'A review in progress.',
    })
    await insertPanelMember(database.db, p, onPanel.id, world.people.head.id, world.agencies.school.id)
    await database.db.insert(reviewMilestones).values({
      id: randomUUID(),
      partnershipId: p,
      caseId: onPanel.id,
      title: 'First draft received',
      dueOn: '2026-02-20',
      position: 1,
    })
    t = await buildTestApp(database, { now: () => NOW })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('lists every case for the business team with its stage, procedure and next deadline', async () => {
    const team = await as(world.accounts.businessTeam)
    const page = await team.get(list())
    expect(page.statusCode).toBe(200)
    expect(titleOf(page.body)).toMatch(/^Practice reviews/)
    for (const c of [incident, published, onPanel]) {
      expect(page.body).toContain(`href="${list()}/${c.id}"`)
    }
    expect(page.body).toContain('Serious incident notification')
    expect(page.body).toContain('Serious Case Review (2015)')
    expect(page.body).toContain('3 March 2026')
    expect(page.body).toContain('Due 3 March 2026')
    expect(page.body).toMatch(/3 March 2026: .*24 February 2026 \+ 5 working days/)
    // The milestone of Child M, due 20 February, is overdue by 6 working days.
    expect(page.body).toContain('Overdue by 6 working days')
    expect(page.body).toContain('data-testid="add-case"')
    for (const path of ['board', 'report', 'briefings', 'external']) {
      expect(page.body).toContain(`href="${list()}/${path}"`)
    }
    // Published reviews, with their link.
    expect(page.body).toContain('href="https://example.org/child-l"')
    expect(page.body).toContain('Learning from Child L')
    expect(page.body).toContain('16 February 2026')

    const filtered = await team.get(`${list()}?stage=notification`)
    expect(filtered.body).toContain(`href="${list()}/${incident.id}"`)
    expect(filtered.body).not.toContain(`href="${list()}/${onPanel.id}"`)
    const none = await team.get(`${list()}?stage=decision`)
    expect(none.body).toContain('No cases at this stage')
  })

  it('shows a partner the records without the button, a panel member only their case, others published reviews only', async () => {
    const partner = await (await as(world.accounts.partner)).get(list())
    expect(partner.body).toContain(`href="${list()}/${incident.id}"`)
    expect(partner.body).not.toContain('data-testid="add-case"')

    const head = await (await as(world.accounts.head)).get(list())
    expect(head.body).toContain(`href="${list()}/${onPanel.id}"`)
    expect(head.body).not.toContain(`href="${list()}/${incident.id}"`)
    expect(head.body).not.toContain('Child K')

    const outsider = await (await as(world.accounts.scrutineer)).get(list())
    expect(outsider.statusCode).toBe(200)
    expect(outsider.body).toContain('Learning from Child L')
    expect(outsider.body).not.toContain('data-testid="cases"')
    for (const c of [incident, published, onPanel]) expect(outsider.body).not.toContain(c.id)
    expect(outsider.body).not.toContain('Child K')
    expect(outsider.body).not.toContain('An infant was injured')
    expect(outsider.body).not.toContain('Neglect.')
  })

  it('shows empty states', async () => {
    const empty = await buildReviewWorld(database.db)
    const client = t.client()
    await client.signIn(empty.accounts.businessTeam.email, empty.accounts.businessTeam.password)
    const page = await client.get(`/p/${empty.partnership.slug}/reviews`)
    expect(page.body).toContain('No cases yet.')
    expect(page.body).toContain('No reviews published yet.')
  })

  it('opens a new case from the form, keeping what was typed when it is refused', async () => {
    const team = await as(world.accounts.businessTeam)
    const form = await team.get(`${list()}/new`)
    expect(form.statusCode).toBe(200)
    expect(hasText(form.body, noNamesHint)).toBe(true)
    expect(form.body).toContain(`value="${world.lpr.id}" selected`)
    expect(form.body).toContain('Testshire Police')
    expect(form.body).toContain('data-aria-controls="conditional-procedure"')

    // Missing date, a future date, a reference taken, an overlong summary.
    const refused = await team.submit(`${list()}/new`, `${list()}/new`, {
      reference: 'child k',
      procedure: 'wt2023',
      summary: 'x'.repeat(2001),
      'becameAwareOn-day': '3',
      'becameAwareOn-month': '3',
      'becameAwareOn-year': '2026',
      agencyIds: world.agencies.health.id,
      groupId: world.ipr.id,
    })
    expect(refused.statusCode).toBe(400)
    expect(titleOf(refused.body)).toMatch(/^Error: Add a case/)
    expect(refused.body).toContain(referenceTakenMessage('child k'))
    expect(refused.body).toContain('must be today (2 March 2026) or in the past')
    expect(refused.body).toContain('The summary must be 2,000 characters or fewer')
    expect(refused.body).toContain('href="#reference"')
    expect(refused.body).toContain('href="#becameAwareOn-day"')
    expect(refused.body).toContain('value="child k"')
    expect(refused.body).toContain('name="becameAwareOn-year" type="text" value="2026"')
    expect(refused.body).toMatch(new RegExp(`value="${world.agencies.health.id}" checked`))
    expect(refused.body).toContain(`value="${world.ipr.id}" selected`)

    const incomplete = await team.submit(`${list()}/new`, `${list()}/new`, {
      reference: 'Child N',
      procedure: 'wt2023',
      'becameAwareOn-day': '24',
      'becameAwareOn-month': '',
      'becameAwareOn-year': '2026',
    })
    expect(incomplete.statusCode).toBe(400)
    expect(incomplete.body).toContain('must include a month')
    expect(incomplete.body).toContain('href="#becameAwareOn-month"')

    const noKind = await team.submit(`${list()}/new`, `${list()}/new`, { reference: 'Child N' })
    expect(noKind.body).toContain('Select whether this is a new serious incident or a handed-over review')
    expect(
      await database.db
        .select()
        .from(reviewCases)
        .where(
          and(eq(reviewCases.partnershipId, world.partnership.id), eq(reviewCases.reference, 'Child N')),
        ),
    ).toEqual([])

    const fields = {
      reference: 'Child N',
      procedure: 'wt2023',
      summary: 'A young person was seriously harmed.',
      'becameAwareOn-day': '26',
      'becameAwareOn-month': '2',
      'becameAwareOn-year': '2026',
      agencyIds: world.agencies.council.id,
      groupId: world.lpr.id,
    }
    const created = await team.submit(`${list()}/new`, `${list()}/new`, fields)
    expect(created.statusCode).toBe(303)
    const [row] = await database.db
      .select()
      .from(reviewCases)
      .where(and(eq(reviewCases.partnershipId, world.partnership.id), eq(reviewCases.reference, 'Child N')))
    expect(row).toMatchObject({ becameAwareOn: '2026-02-26', groupId: world.lpr.id, procedure: 'wt2023' })
    expect(created.headers.location).toBe(`${list()}/${row!.id}?created=1`)
    const overview = await team.get(String(created.headers.location))
    expect(overview.body).toContain('Case opened')
    expect(overview.body).toContain('Testshire Council')

    // Sent again (a double click): refused with the message, one case only.
    const again = await team.submit(`${list()}/new`, `${list()}/new`, fields)
    expect(again.statusCode).toBe(400)
    expect(again.body).toContain(referenceTakenMessage('Child N'))
    const rows = await database.db
      .select()
      .from(reviewCases)
      .where(and(eq(reviewCases.partnershipId, world.partnership.id), eq(reviewCases.reference, 'Child N')))
    expect(rows).toHaveLength(1)
  })

  it('opens a handed-over SCR without asking the awareness date', async () => {
    const team = await as(world.accounts.businessTeam)
    const created = await team.submit(`${list()}/new`, `${list()}/new`, {
      reference: 'Child O',
      procedure: 'scr2015',
      'becameAwareOn-day': 'nonsense',
    })
    expect(created.statusCode).toBe(303)
    const page = await team.get(String(created.headers.location))
    expect(page.body).toContain('Serious Case Review (2015 procedure, handed over)')
    expect(page.body).toContain('Review in progress')
    expect(page.body).toContain('No deadlines yet')
  })

  it('refuses the form to anyone outside the business team', async () => {
    const partner = await as(world.accounts.partner)
    expect((await partner.get(`${list()}/new`)).statusCode).toBe(403)
    expect((await partner.get(`${list()}/${incident.id}/edit`)).statusCode).toBe(403)
  })

  it('shows the overview: details, every deadline with the next highlighted, decision and publication', async () => {
    const decided = await insertCase(database.db, world.partnership.id, {
      reference: 'Child P',
      becameAwareOn: '2025-09-01',
      notifiedOn: '2025-09-02',
      rapidReviewCompletedOn: '2025-09-19',
      decision: 'local_review',
      decisionRationale: 'Learning for every agency.',
      decidedOn: '2025-10-01',
      groupId: world.lpr.id,
    })
    const team = await as(world.accounts.businessTeam)
    const page = await team.get(`${list()}/${decided.id}`)
    expect(page.statusCode).toBe(200)
    expect(titleOf(page.body)).toMatch(/^Child P/)
    expect(page.body).toContain('data-testid="review-title"')
    expect(page.body).toContain('Learning and Practice Review Group')
    expect(page.body).toContain('Working Together 2023')
    expect(page.body).toContain('1 September 2025')
    expect(page.body).toContain('data-testid="deadline-notification"')
    expect(page.body).toContain('data-testid="deadline-rapid_review"')
    expect(page.body).toContain('data-testid="deadline-publication"')
    expect(page.body).toMatch(/data-testid="next-deadline"[\s\S]*Local review published[\s\S]*1 April 2026/)
    expect(page.body).toContain('6 months')
    expect(page.body).toContain('Local child safeguarding practice review')
    expect(page.body).toContain('Learning for every agency.')
    expect(page.body).toContain('data-testid="edit-case"')
    for (const tab of ['incident', 'decision', 'review', 'panel', 'publication', 'learning']) {
      expect(page.body).toContain(`href="${list()}/${decided.id}/${tab}"`)
    }
    // The steps as a task list (each linking to its tab), and what has happened, newest first.
    expect(page.body).toContain('data-testid="review-steps"')
    expect(page.body).toMatch(/Record the partners’ decision[\s\S]*Completed/)
    expect(page.body).toMatch(/Publish the report[\s\S]*Due 1 April 2026/)
    expect(page.body).toMatch(
      /data-testid="review-history"[\s\S]*The partners decided[\s\S]*Rapid review completed[\s\S]*National panel notified[\s\S]*became aware/,
    )

    const pub = await team.get(`${list()}/${published.id}`)
    expect(pub.body).toContain('data-testid="publication"')
    expect(pub.body).toContain('href="https://example.org/child-l"')
    expect(pub.body).toContain('Report sent to the national panel')

    const head = await (await as(world.accounts.head)).get(`${list()}/${onPanel.id}`)
    expect(head.statusCode).toBe(200)
    expect(head.body).not.toContain('data-testid="edit-case"')
    expect(head.body).toContain('Overdue by 6 working days')
  })

  it('changes the case details, keeping what was typed when refused, audited', async () => {
    const team = await as(world.accounts.businessTeam)
    const editPage = `${list()}/${incident.id}/edit`
    const form = await team.get(editPage)
    expect(form.statusCode).toBe(200)
    expect(titleOf(form.body)).toMatch(/^Change case details: Child K/)
    expect(form.body).toContain('value="Child K"')
    expect(form.body).toMatch(new RegExp(`value="${world.agencies.police.id}" checked`))
    expect(form.body).toContain(`value="${world.lpr.id}" selected`)

    const refused = await team.submit(editPage, editPage, {
      reference: 'Child L',
      summary: 'Changed summary',
      agencyIds: world.agencies.health.id,
      groupId: world.ipr.id,
    })
    expect(refused.statusCode).toBe(400)
    expect(refused.body).toContain(referenceTakenMessage('Child L'))
    expect(refused.body).toContain('Changed summary')
    expect(refused.body).toMatch(new RegExp(`value="${world.agencies.health.id}" checked`))

    const saved = await team.submit(editPage, editPage, {
      reference: 'Child K2',
      summary: 'An infant was seriously injured.',
      agencyIds: world.agencies.health.id,
      groupId: world.ipr.id,
    })
    expect(saved.statusCode).toBe(303)
    expect(saved.headers.location).toBe(`${list()}/${incident.id}?changed=1`)
    const [row] = await database.db.select().from(reviewCases).where(eq(reviewCases.id, incident.id))
    expect(row).toMatchObject({
      reference: 'Child K2',
      summary: 'An infant was seriously injured.',
      groupId: world.ipr.id,
    })
    expect(await involvedAgencyIds(database.db, incident.id)).toEqual([world.agencies.health.id])
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.entityType, 'review_case'),
          eq(auditLog.entityId, incident.id),
          eq(auditLog.action, 'update'),
        ),
      )
    expect(entry!.after).toMatchObject({
      reference: 'Child K2',
      agenciesAdded: [world.agencies.health.id],
      agenciesRemoved: [world.agencies.police.id],
    })
    const page = await team.get(String(saved.headers.location))
    expect(page.body).toContain('Case details saved')
  })
})
