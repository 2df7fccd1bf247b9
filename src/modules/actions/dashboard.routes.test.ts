import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp, titleOf } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../../platform/db/client.ts'
import { type Account, buildMeetingWorld, type MeetingWorld, NOW } from '../meetings/meetings.fixtures.ts'
import { buildDashboardWorld, type DashboardWorld } from './dashboard.fixtures.ts'

/** The HTML of one section of the page, by its test id. */
function section(html: string, name: string): string {
  const start = html.indexOf(`data-testid="section-${name}"`)
  if (start < 0) throw new Error(`No section ${name}`)
  return html.slice(start, html.indexOf('</section>', start))
}

describe('compliance dashboard page', () => {
  let database: Database
  let world: DashboardWorld
  let empty: MeetingWorld
  let t: TestApp

  const as = async (account: Account) => {
    const client = t.client()
    await client.signIn(account.email, account.password)
    return client
  }
  const url = (query = '', w: MeetingWorld = world) => `/p/${w.partnership.slug}/dashboard${query}`

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildDashboardWorld(database.db)
    empty = await buildMeetingWorld(database.db)
    t = await buildTestApp(database, { now: () => NOW })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('shows each section as a chart with its data table beside it', async () => {
    const client = await as(world.accounts.businessTeam)
    const page = await client.get(url())
    expect(page.statusCode).toBe(200)
    expect(titleOf(page.body)).toContain('Compliance dashboard')
    expect(page.body).toContain('3 March 2025 to 2 March 2026')
    for (const name of ['overdue', 'responses', 'papers', 'minutes', 'attendance']) {
      const html = section(page.body, name)
      const svg = html.indexOf('<svg ')
      expect(svg, name).toBeGreaterThan(0)
      expect(html.slice(svg)).toMatch(/^<svg [^>]*role="img"[^>]*>\s*<title id="[a-z]+-title">/)
      // The table with the same figures follows the chart, with a caption.
      expect(html.indexOf('<table', svg), name).toBeGreaterThan(svg)
      expect(html).toContain('<caption class="govuk-table__caption')
    }
    expect(section(page.body, 'overdue').match(/data-testid="overdue-row"/g)).toHaveLength(2)
    expect(page.body).toMatch(/data-testid="overdue-total">3 overdue actions</)
    expect(page.body).toMatch(/data-testid="flags-total">1 open flag</)
    expect(page.body).toMatch(/data-testid="letters-total">2 letters</)
    // Nothing the page draws is blocked by the Content-Security-Policy.
    expect(page.body).not.toMatch(/<svg[\s\S]*?<style/)
  })

  it('links every figure to the records behind it, with the filters', async () => {
    const client = await as(world.accounts.administrator)
    const { police } = world.agencies
    const slug = world.partnership.slug
    const page = await client.get(
      url(`?group=${world.group.slug}&agency=${police.id}&from=1/1/2026&to=2026-03-02`),
    )
    expect(page.statusCode).toBe(200)
    const period = 'from=2026-01-01&amp;to=2026-03-02'
    expect(page.body).toContain(
      `href="/p/${slug}/actions?agency=${police.id}&amp;rag=overdue&amp;group=${world.group.slug}&amp;${period}"`,
    )
    expect(page.body).toContain(`href="/p/${slug}/agencies/${police.id}/compliance?${period}"`)
    expect(page.body).toContain(
      `href="/p/${slug}/attendance-rates?group=${world.group.slug}&amp;agency=${police.id}&amp;${period}"`,
    )
    expect(page.body).toContain(
      `href="/p/${slug}/attendance-flags?group=${world.group.slug}&amp;agency=${police.id}"`,
    )
    expect(page.body).toContain(`href="/p/${slug}/compliance?agency=${police.id}&amp;${period}"`)
    expect(page.body).toContain(`href="/p/${slug}/compliance/letters/${world.letters.draft}"`)
    expect(page.body).toContain(`href="/p/${slug}/meetings/${world.meetings.m2.id}/papers"`)
    expect(page.body).toContain(`href="/p/${slug}/meetings/${world.meetings.m2.id}/minutes"`)
    // The form keeps what was chosen and typed.
    expect(page.body).toMatch(new RegExp(`<option value="${world.group.slug}" selected>`))
    expect(page.body).toMatch(new RegExp(`<option value="${police.id}" selected>`))
    expect(page.body).toContain('value="1/1/2026"')
    expect(page.body).toContain('the agency filter does not apply here')
  })

  it('reports a bad date and shows the default period instead', async () => {
    const client = await as(world.accounts.administrator)
    const page = await client.get(url('?from=30/2/2026'))
    expect(page.statusCode).toBe(200)
    expect(titleOf(page.body)).toMatch(/^Error: Compliance dashboard/)
    expect(page.body).toContain('govuk-error-summary')
    expect(page.body).toContain('href="#from"')
    expect(page.body).toContain('value="30/2/2026"')
    expect(page.body).toContain('3 March 2025 to 2 March 2026')
  })

  it('says so when there is nothing to show', async () => {
    const client = await as(empty.accounts.administrator)
    const page = await client.get(url('', empty))
    expect(page.statusCode).toBe(200)
    for (const name of ['overdue', 'responses', 'papers', 'minutes', 'attendance', 'flags', 'letters']) {
      expect(page.body).toContain(`data-testid="${name}-empty"`)
    }
    expect(page.body).not.toContain('class="masa-chart"')
  })

  it('is for the business team, partners and scrutineers; partners do not see confidential groups', async () => {
    for (const account of [world.accounts.scrutineer, world.accounts.partner, world.accounts.police]) {
      const page = await (await as(account)).get(url())
      expect(page.statusCode).toBe(200)
      expect(page.body).not.toContain(world.secret.name)
    }
    const admin = await (await as(world.accounts.administrator)).get(url())
    expect(admin.body).toContain(world.secret.name)
  })

  it('refuses members (403) and another partnership’s people (404)', async () => {
    for (const account of [world.accounts.head, world.accounts.otherMember, world.accounts.chair]) {
      const page = await (await as(account)).get(url())
      expect(page.statusCode).toBe(403)
    }
    const outsider = await as(empty.accounts.administrator)
    expect((await outsider.get(url())).statusCode).toBe(404)
    const anonymous = await t.client().get(url())
    expect(anonymous.statusCode).not.toBe(200)
  })
})
