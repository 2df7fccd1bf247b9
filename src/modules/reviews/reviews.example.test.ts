import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import { loadExample } from '../../example.ts'
import { type Database, queryRows } from '../../platform/db/client.ts'
import type { ReviewsExampleRows } from './reviews.example.ts'
import { type CaseSummary, caseSummaries, summaryContext } from './reviews.queries.ts'

// Times the reviews' part of the example as `loadExample` calls it.
const loaded = vi.hoisted(() => ({ ms: Number.NaN, rows: null as ReviewsExampleRows | null }))
vi.mock('./reviews.example.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('./reviews.example.ts')>()
  return {
    ...real,
    loadReviewsExample: async (...args: Parameters<typeof real.loadReviewsExample>) => {
      const started = performance.now()
      const rows = await real.loadReviewsExample(...args)
      loaded.ms = performance.now() - started
      loaded.rows = rows
      return rows
    },
  }
})

const NOW = new Date('2026-06-15T08:00:00Z')
const TODAY = '2026-06-15'

describe('the Thurrock example’s practice reviews', () => {
  let database: Database
  let partnershipId = ''
  let summaries: CaseSummary[] = []
  const dir = mkdtempSync(join(tmpdir(), 'masa-reviews-example-'))
  const rows = <T>(query: ReturnType<typeof sql>) => queryRows<T>(database.db, query)
  const byRef = (reference: string) => summaries.find((s) => s.review.reference === reference)!
  const step = (reference: string, key: string) => byRef(reference).deadlines.find((d) => d.key === key)

  beforeAll(async () => {
    database = await createTestDatabase()
    await loadExample(database.db, { dataDir: dir, now: NOW })
    const [p] = await rows<{ id: string }>(sql`select id from partnerships where slug = 'thurrock'`)
    partnershipId = p!.id
    const context = await summaryContext(database.db, partnershipId, TODAY)
    summaries = await caseSummaries(database.db, partnershipId, null, context)
  }, 60_000)
  afterAll(async () => {
    await database.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('loads quickly, after the meetings and actions', () => {
    // 40 to 90 ms on an idle machine; the target is 300 ms, with room for a busy test machine.
    expect(loaded.ms).toBeLessThan(500)
    expect(loaded.rows).toEqual({ cases: 5, actions: 3 })
  })

  it('has a case at each stage the brief asks for', () => {
    expect(summaries.map((s) => [s.review.reference, s.review.procedure, s.stage])).toEqual([
      ['Child L', 'scr2015', 'closed'],
      ['Child M', 'scr2015', 'review'],
      ['Child P', 'wt2023', 'closed'],
      ['Child Q', 'wt2023', 'rapid_review'],
      ['Child R', 'wt2023', 'review'],
    ])
    expect(byRef('Child P').review.decision).toBe('local_review')
    expect(byRef('Child R').review.decision).toBe('local_review')
    for (const s of summaries) {
      for (const d of s.deadlines)
        if (d.doneOn) expect(d.doneOn <= TODAY, `${s.review.reference} ${d.label}`).toBe(true)
    }
  })

  it('sent the published reports within the rule, and published Child P within six months', () => {
    for (const reference of ['Child L', 'Child P']) {
      expect(step(reference, 'send_national_panel')?.timeliness).toBe('on_time')
      expect(step(reference, 'send_foundations')?.timeliness).toBe('on_time')
    }
    expect(step('Child P', 'publication')?.timeliness).toBe('on_time')
    expect(step('Child P', 'notification')?.timeliness).toBe('on_time')
    expect(step('Child P', 'rapid_review')?.timeliness).toBe('on_time')
  })

  it('has Child Q notified on time, its rapid review due, and one of three agencies’ information overdue', () => {
    expect(step('Child Q', 'notification')?.timeliness).toBe('on_time')
    expect(step('Child Q', 'rapid_review')?.timeliness).toBe('due')
    const information = byRef('Child Q').deadlines.filter((d) => d.key.startsWith('information_'))
    expect(information).toHaveLength(3)
    expect(information.map((d) => d.timeliness).sort()).toEqual(['on_time', 'on_time', 'overdue'])
    expect(byRef('Child Q').next?.timeliness).toBe('overdue')
  })

  it('gives Child R a panel from agencies not involved, one member with an override, milestones and a draft', async () => {
    const panel = await rows<{ involved: boolean; override_reason: string | null }>(sql`
      select exists (select 1 from review_agencies a where a.case_id = m.case_id and a.agency_id = m.agency_id) as involved,
        m.override_reason
      from review_panel_members m join review_cases c on c.id = m.case_id
      where c.partnership_id = ${partnershipId} and c.reference = 'Child R' and m.removed_at is null`)
    expect(panel).toHaveLength(4)
    expect(panel.filter((m) => m.involved)).toHaveLength(1)
    expect(panel.every((m) => m.involved === Boolean(m.override_reason))).toBe(true)
    const milestones = byRef('Child R').deadlines.filter((d) => d.key.startsWith('milestone_'))
    expect(milestones.length).toBeGreaterThanOrEqual(3)
    const [drafts] = await rows<{ n: number }>(sql`select count(*)::int as n from review_drafts d
      join review_cases c on c.id = d.case_id where c.partnership_id = ${partnershipId} and c.reference = 'Child R'`)
    expect(drafts!.n).toBe(1)
    // Every panel member holds a seat on the Individual Practice Review Group, and so does the
    // council's lead, whom the independence rule would refuse for Child R.
    const seats = await rows<{ name: string; on_panel: boolean }>(sql`
      select p.name, exists (select 1 from review_panel_members m join review_cases c on c.id = m.case_id
        where m.person_id = p.id and c.reference = 'Child R') as on_panel
      from memberships s join groups g on g.id = s.group_id join people p on p.id = s.person_id
      where g.partnership_id = ${partnershipId} and g.kind = 'review_panel' order by p.name`)
    expect(seats.map((s) => s.name)).toEqual([
      'Daniel Okafor',
      'Mark Ellis',
      'Priya Shah',
      'Ruth Adeyemi',
      'Tom Fairweather',
    ])
    expect(seats.filter((s) => s.on_panel)).toHaveLength(4)
  })

  it('turns Child P’s recommendations into actions, with a learning briefing and a national review logged', async () => {
    const linked = await rows<{
      reference: string
      closed: boolean
      group_name: string
      description: string
    }>(sql`
      select a.reference, a.closed_at is not null as closed, g.name as group_name, a.description
      from review_recommendation_actions l join actions a on a.id = l.action_id join groups g on g.id = a.group_id
      where l.partnership_id = ${partnershipId} order by a.reference`)
    expect(linked).toHaveLength(3)
    expect(linked.every((a) => /^A\d{4}-\d{4}$/.test(a.reference))).toBe(true)
    expect(linked.every((a) => a.group_name === 'Learning and Practice Review Group')).toBe(true)
    expect(linked.filter((a) => a.closed)).toHaveLength(1)
    // The action register is seen beyond the case's record: no action names the case it came from.
    for (const a of linked) expect(a.description).not.toMatch(/child p\b/i)
    const [counts] = await rows<{ briefings: number; external: number }>(sql`select
      (select count(*)::int from learning_briefings where partnership_id = ${partnershipId} and published_on <= ${TODAY}::date) as briefings,
      (select count(*)::int from external_reviews where partnership_id = ${partnershipId} and source = 'national' and local_learning <> '') as external`)
    expect(counts).toEqual({ briefings: 1, external: 1 })
  })

  it('never names a child', async () => {
    const texts = await rows<{ text: string }>(sql`
      select concat_ws(' ', summary, rapid_review_conclusions, decision_rationale, terms_of_reference,
        family_involvement, published_title) as text from review_cases where partnership_id = ${partnershipId}
      union all select text from review_recommendations where partnership_id = ${partnershipId}
      union all select title || ' ' || summary from learning_briefings where partnership_id = ${partnershipId}`)
    expect(texts.length).toBeGreaterThan(5)
    for (const { text } of texts) expect(text).not.toMatch(/\bChild [A-Z][a-z]+/)
  })

  it('loads once: a second run adds nothing', async () => {
    const { loadReviewsExample } =
      await vi.importActual<typeof import('./reviews.example.ts')>('./reviews.example.ts')
    expect(await loadReviewsExample(database.db, { partnershipId, now: NOW })).toEqual({
      cases: 0,
      actions: 0,
    })
    const [n] = await rows<{ n: number }>(
      sql`select count(*)::int as n from review_cases where partnership_id = ${partnershipId}`,
    )
    expect(n!.n).toBe(5)
  })
})
