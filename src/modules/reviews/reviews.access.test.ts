import { randomUUID } from 'node:crypto'
import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp, type TestClient } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import type { Database } from '../../platform/db/client.ts'
import { people } from '../partnership/structure.table.ts'
import { buildReviewWorld, insertCase, insertPanelMember, NOW, type ReviewWorld } from './reviews.fixtures.ts'
import type { ReviewCase } from './reviews.table.ts'

// The confidentiality rule end to end: a case's record is for the business team, the partners
// and its own panel. Head sits on this case's panel; the chair sits on the Individual Practice
// Review Group but not on this panel; otherMember and the scrutineer are outside.

const REFERENCE = 'Child Quokka'
const SUMMARY = 'Confidential summary: bruising noticed at nursery'

type Who = keyof ReviewWorld['accounts']

describe('who may open a review', () => {
  let database: Database
  let world: ReviewWorld
  let other: ReviewWorld
  let t: TestApp
  let secret: ReviewCase
  let published: ReviewCase
  let elsewhere: ReviewCase
  const clients = new Map<Who, TestClient>()

  const casePath = (id: string, slug = world.partnership.slug) => `/p/${slug}/reviews/${id}`
  const entriesFor = (caseId: string, actorId: string, action: string) =>
    database.db
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.entityType, 'review_case'),
          eq(auditLog.entityId, caseId),
          eq(auditLog.actorId, actorId),
          eq(auditLog.action, action),
        ),
      )

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildReviewWorld(database.db)
    other = await buildReviewWorld(database.db)
    const p = world.partnership.id
    secret = await insertCase(database.db, p, {
      reference: REFERENCE,
      summary: SUMMARY,
      becameAwareOn: '2026-02-24',
      groupId: world.lpr.id,
    })
    await insertPanelMember(database.db, p, secret.id, world.people.head.id, world.agencies.school.id)
    published = await insertCase(database.db, p, {
      reference: 'Child Wombat',
      procedure: 'scr2015',
      summary: 'Another confidential summary',
      publishedOn: '2026-01-12',
      publishedTitle: 'What we learnt from Child W',
      publicationUrl: 'https://example.org/child-w',
    })
    elsewhere = await insertCase(database.db, other.partnership.id, { reference: 'Child Elsewhere' })
    t = await buildTestApp(database, { now: () => NOW })
    for (const who of Object.keys(world.accounts) as Who[]) {
      const client = t.client()
      await client.signIn(world.accounts[who].email, world.accounts[who].password)
      clients.set(who, client)
    }
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('opens the record for the business team, the partners and its panel, audited as viewed', async () => {
    for (const who of ['administrator', 'businessTeam', 'police', 'partner', 'head'] as const) {
      const before = (await entriesFor(secret.id, world.accounts[who].userId, 'review.viewed')).length
      const page = await clients.get(who)!.get(casePath(secret.id))
      expect({ who, status: page.statusCode }).toEqual({ who, status: 200 })
      expect(page.body).toContain(REFERENCE)
      expect(page.body).toContain(SUMMARY)
      const after = await entriesFor(secret.id, world.accounts[who].userId, 'review.viewed')
      expect({ who, written: after.length - before }).toEqual({ who, written: 1 })
      expect(after.at(-1)!.after).toEqual({ path: casePath(secret.id) })
      expect(after.at(-1)!.partnershipId).toBe(world.partnership.id)
    }
  })

  it('refuses everyone else with a 403 that says nothing of the case, audited as refused', async () => {
    for (const who of ['otherMember', 'scrutineer', 'chair'] as const) {
      const page = await clients.get(who)!.get(casePath(secret.id))
      expect({ who, status: page.statusCode }).toEqual({ who, status: 403 })
      expect(page.body).not.toContain(REFERENCE)
      expect(page.body).not.toContain(SUMMARY)
      const refused = await entriesFor(secret.id, world.accounts[who].userId, 'review.view_refused')
      expect({ who, written: refused.length }).toEqual({ who, written: 1 })
      expect(await entriesFor(secret.id, world.accounts[who].userId, 'review.viewed')).toEqual([])
    }
  })

  it('takes the record away from a panel member who has left the partnership', async () => {
    const head = world.people.head.id
    // Left yesterday (the database's today: leaving is a real-world date, not the test clock's).
    await database.db.update(people).set({ leftOn: sql`current_date - 1` }).where(eq(people.id, head))
    try {
      const page = await clients.get('head')!.get(casePath(secret.id))
      expect(page.statusCode).toBe(403)
      expect(page.body).not.toContain(SUMMARY)
    } finally {
      await database.db.update(people).set({ leftOn: null }).where(eq(people.id, head))
    }
    expect((await clients.get('head')!.get(casePath(secret.id))).statusCode).toBe(200)
  })

  it('answers 404 for a case of another partnership and for an id that is not one', async () => {
    for (const who of ['administrator', 'partner', 'otherMember'] as const) {
      expect((await clients.get(who)!.get(casePath(elsewhere.id))).statusCode).toBe(404)
      expect((await clients.get(who)!.get(casePath('not-a-case'))).statusCode).toBe(404)
      expect((await clients.get(who)!.get(casePath(randomUUID()))).statusCode).toBe(404)
    }
    const theirs = await clients.get('administrator')!.get(casePath(elsewhere.id, other.partnership.slug))
    expect(theirs.statusCode).toBe(404)
  })

  it('lists only published reviews, in outline, for those outside', async () => {
    for (const who of ['otherMember', 'scrutineer', 'chair'] as const) {
      const page = await clients.get(who)!.get(`/p/${world.partnership.slug}/reviews`)
      expect(page.statusCode).toBe(200)
      expect(page.body).not.toContain(REFERENCE)
      expect(page.body).not.toContain(SUMMARY)
      expect(page.body).not.toContain(secret.id)
      expect(page.body).not.toContain(published.id)
      expect(page.body).not.toContain('Another confidential summary')
      expect(page.body).toContain('What we learnt from Child W')
      expect(page.body).toContain('href="https://example.org/child-w"')
    }
  })

  it('refuses otherMember and the scrutineer on every page of a case, whoever built it', async () => {
    const routes = t.app.routeTable.filter(
      (r) => r.method.split(',').includes('GET') && r.url.startsWith('/p/:slug/reviews/:review'),
    )
    const unique = [...new Set(routes.map((r) => r.url))]
    // Pages for the business team only are refused by their permission before the case is read:
    // only the pages anyone may ask for open the case, and so audit the refusal.
    const viewPages = new Set(routes.filter((r) => r.permission === 'reviews:view').map((r) => r.url))
    // The overview and its edit form at least; the tabs of the other pages as they are added.
    expect(unique).toEqual(
      expect.arrayContaining(['/p/:slug/reviews/:review', '/p/:slug/reviews/:review/edit']),
    )
    const results: { url: string; who: Who; status: number; leaks: boolean; audited: boolean }[] = []
    for (const pattern of unique) {
      const extraParams = (pattern.match(/:\w+/g) ?? []).filter((p) => p !== ':slug' && p !== ':review')
      const url = pattern
        .replace(':slug', world.partnership.slug)
        .replace(':review', secret.id)
        .replace(/:\w+/g, () => randomUUID())
      for (const who of ['otherMember', 'scrutineer'] as const) {
        const userId = world.accounts[who].userId
        const before = (await entriesFor(secret.id, userId, 'review.view_refused')).length
        const page = await clients.get(who)!.get(url)
        const after = (await entriesFor(secret.id, userId, 'review.view_refused')).length
        results.push({
          url: pattern,
          who,
          // A page about a sub-record (its id made up here) may answer 404 for it; never 200.
          status: page.statusCode === 404 && extraParams.length > 0 ? 403 : page.statusCode,
          leaks: page.body.includes(REFERENCE) || page.body.includes(SUMMARY),
          audited: extraParams.length > 0 || !viewPages.has(pattern) || after === before + 1,
        })
      }
    }
    expect(results).toEqual(
      results.map((r) => ({ url: r.url, who: r.who, status: 403, leaks: false, audited: true })),
    )
  })
})
