import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp, titleOf } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import { partnershipVersion } from '../../platform/audit/audit.version.ts'
import type { Database } from '../../platform/db/client.ts'
import type { Account } from '../meetings/meetings.fixtures.ts'
import { buildOverviewWorld, type OverviewWorld } from './overview.fixtures.ts'
import { NOW } from './reviews.fixtures.ts'

describe('the reviews board and report pages', () => {
  let database: Database
  let world: OverviewWorld
  let t: TestApp
  const base = () => `/p/${world.partnership.slug}/reviews`
  const as = async (account: Account) => {
    const client = t.client()
    await client.signIn(account.email, account.password)
    return client
  }

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildOverviewWorld(database.db)
    t = await buildTestApp(database, { now: () => NOW })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('shows the business team every case by stage, its next deadline, and the timeline with its table', async () => {
    const team = await as(world.accounts.businessTeam)
    const page = await team.get(`${base()}/board`)
    expect(page.statusCode).toBe(200)
    expect(titleOf(page.body)).toMatch(/^Reviews board/)
    const { a, b, c } = world.cases
    for (const review of [a, b, c]) {
      expect(page.body).toContain(`href="${base()}/${review.id}"`)
    }
    expect(page.body).toContain('data-testid="stage-rapid_review"')
    expect(page.body).toContain('Overdue by')
    expect(page.body).toContain('Due 2 March 2026')
    expect(page.body).toContain('Local child safeguarding practice review')
    expect(page.body).toMatch(/data-testid="timeline-chart"/)
    expect(page.body).toMatch(/<svg[^>]*role="img"/)
    expect(page.body.indexOf('data-testid="timeline-table"')).toBeGreaterThan(
      page.body.indexOf('data-testid="timeline-chart"'),
    )
    expect(page.body).toContain(`href="${base()}/board?stage=closed"`)

    const filtered = await team.get(`${base()}/board?stage=closed&year=2025`)
    expect(filtered.statusCode).toBe(200)
    expect(filtered.body).toContain('April 2025 to March 2026')
    expect(filtered.body).not.toContain('data-testid="stage-rapid_review"')
    expect(filtered.body).not.toContain(`href="${base()}/${world.cases.f.id}"`)

    const bad = await team.get(`${base()}/board?year=soon`)
    expect(bad.statusCode).toBe(200)
    expect(titleOf(bad.body)).toMatch(/^Error: /)
    expect(bad.body).toContain('Choose a reporting year')
  })

  it('shows the annual report’s figures, each linking to its list, and the year’s CSV', async () => {
    const partner = await as(world.accounts.partner)
    const page = await partner.get(`${base()}/report?year=2025`)
    expect(page.statusCode).toBe(200)
    expect(titleOf(page.body)).toMatch(/^Annual report figures, April 2025 to March 2026/)
    expect(page.body).toContain('covers a financial year, April to March')
    const figure = (id: string) =>
      page.body.match(
        new RegExp(`data-testid="figure-${id}"[^]*?<a class="govuk-link" href="([^"]+)">(\\d+)</a>`),
      )
    expect(figure('notified')?.slice(1)).toEqual(['#notified', '3'])
    expect(figure('notified-on-time')?.[2]).toBe('2')
    expect(figure('sends')?.[2]).toBe('2')
    expect(figure('sends-on-time')?.[2]).toBe('1')
    expect(figure('recommendation-actions-open')?.[2]).toBe('1')
    expect(figure('scrs')?.[2]).toBe('2')
    expect(page.body).toContain('id="notified"')
    expect(page.body).toContain(`href="${base()}/board?year=2025&amp;stage=closed"`)
    expect(page.body).toContain('National review of infants at risk')

    const byDefault = await partner.get(`${base()}/report`)
    expect(byDefault.body).toContain('April 2024 to March 2025')
    expect(byDefault.body).toContain('the last complete reporting year')

    const csv = await partner.get(`${base()}/report.csv?year=2025`)
    expect(csv.statusCode).toBe(200)
    expect(csv.headers['content-type']).toContain('text/csv')
    expect(csv.body.trimEnd().split('\r\n')).toHaveLength(7)
  })

  it('shows a panel member their own cases only', async () => {
    const head = await as(world.accounts.head)
    const page = await head.get(`${base()}/board`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain(`href="${base()}/${world.cases.b.id}"`)
    expect(page.body).not.toContain(`href="${base()}/${world.cases.a.id}"`)
    expect((await head.get(`${base()}/report`)).statusCode).toBe(200)
  })

  it('refuses other members and scrutineers with a link to the published reviews', async () => {
    for (const account of [world.accounts.otherMember, world.accounts.scrutineer]) {
      const client = await as(account)
      for (const path of ['/board', '/report', '/report.csv']) {
        const page = await client.get(`${base()}${path}`)
        expect(page.statusCode, path).toBe(403)
        expect(page.body).toContain(`href="${base()}" data-testid="published-list"`)
        expect(page.body).not.toContain(world.cases.b.reference)
      }
    }
  })
})

describe('the reviews board, report and CSV in the audit log', () => {
  let database: Database
  let world: OverviewWorld
  let t: TestApp

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildOverviewWorld(database.db)
    t = await buildTestApp(database, { now: () => NOW })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  const entries = (userId: string) =>
    database.db
      .select({ action: auditLog.action, entityId: auditLog.entityId, after: auditLog.after })
      .from(auditLog)
      .where(and(eq(auditLog.actorId, userId), eq(auditLog.entityType, 'reviews')))
      .orderBy(auditLog.seq)

  it('writes each opening, export and refusal, as reads that change nothing', async () => {
    const base = `/p/${world.partnership.slug}/reviews`
    const team = t.client()
    await team.signIn(world.accounts.businessTeam.email, world.accounts.businessTeam.password)
    for (const path of ['/board', '/report?year=2025', '/report.csv']) {
      expect((await team.get(`${base}${path}`)).statusCode).toBe(200)
    }
    const outsider = t.client()
    await outsider.signIn(world.accounts.scrutineer.email, world.accounts.scrutineer.password)
    expect((await outsider.get(`${base}/board`)).statusCode).toBe(403)

    expect((await entries(world.accounts.businessTeam.userId)).map((e) => [e.action, e.entityId])).toEqual([
      ['reviews.board.viewed', world.partnership.id],
      ['reviews.report.viewed', world.partnership.id],
      ['reviews.report.exported', world.partnership.id],
    ])
    expect((await entries(world.accounts.businessTeam.userId))[1]!.after).toEqual({
      path: `${base}/report`,
      query: { year: '2025' },
    })
    expect((await entries(world.accounts.scrutineer.userId)).map((e) => e.action)).toEqual([
      'reviews.view_refused',
    ])
    // Reads leave the partnership's version (what caches key on) where it was.
    const version = await partnershipVersion(database.db, world.partnership.id)
    await team.get(`${base}/board`)
    expect(await partnershipVersion(database.db, world.partnership.id)).toBe(version)
  })
})
