import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import { recordAudit } from '../../platform/audit/audit.service.ts'
import type { Database } from '../../platform/db/client.ts'
import type { MeetingViewer } from '../meetings/meetings.access.ts'
import { TODAY } from '../meetings/meetings.fixtures.ts'
import { actions } from './actions.table.ts'
import { insertResponse } from './compliance.fixtures.ts'
import { cachedDashboardPage, clearDashboardCache } from './dashboard.cache.ts'
import { buildDashboardWorld, type DashboardWorld } from './dashboard.fixtures.ts'

// The dashboard is computed again exactly when its answer could differ: another version of the
// partnership's records (an audited change), another day, viewer or filter, or after a minute.

describe('the dashboard cache', () => {
  let database: Database
  let world: DashboardWorld
  let other: DashboardWorld
  const T0 = 1_000_000

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildDashboardWorld(database.db)
    other = await buildDashboardWorld(database.db)
  })
  afterAll(async () => {
    await database.close()
  })
  beforeEach(() => clearDashboardCache())

  const admin = () => ({ role: 'administrator' as const, userId: world.accounts.administrator.userId })
  const businessTeam = () => ({ role: 'business_team' as const, userId: world.accounts.businessTeam.userId })
  const partner = () => ({ role: 'partner' as const, userId: world.accounts.partner.userId })
  const page = (
    options: {
      query?: Record<string, string>
      viewer?: MeetingViewer
      today?: string
      at?: number
      of?: DashboardWorld
    } = {},
  ) => {
    const w = options.of ?? world
    return cachedDashboardPage(
      database.db,
      {
        partnershipId: w.partnership.id,
        slug: w.partnership.slug,
        viewer: options.viewer ?? admin(),
        today: options.today ?? TODAY,
        query: options.query ?? {},
      },
      options.at ?? T0,
    )
  }
  const audited = (partnershipId: string) =>
    recordAudit(database.db, { partnershipId, entityType: 'test', entityId: partnershipId, action: 'change' })

  it('answers the same question from the cache while nothing has changed', async () => {
    const first = await page()
    expect(await page({ at: T0 + 59_000 })).toBe(first)
    // The business team's view is the administrator's: both see every group.
    expect(await page({ viewer: businessTeam() })).toBe(first)
    // Parameters the dashboard does not read make no difference.
    expect(await page({ query: { page: '2' } })).toBe(first)
  })

  it('computes again for another day, viewer, filter, partnership, or after a minute', async () => {
    const first = await page()
    expect(await page({ today: '2026-03-03' })).not.toBe(first)
    expect(await page({ viewer: partner() })).not.toBe(first)
    expect(await page({ query: { from: '2025-06-01' } })).not.toBe(first)
    expect((await page({ of: other })).filter).toBeDefined()
    expect(await page({ of: other })).not.toBe(first)
    expect(await page({ at: T0 + 61_000 })).not.toBe(first)
  })

  it('computes again after an audited change to the partnership, and only that partnership', async () => {
    const first = await page()
    const elsewhere = await page({ of: other })
    await audited(other.partnership.id)
    expect(await page()).toBe(first)
    expect(await page({ of: other })).not.toBe(elsewhere)
    await audited(world.partnership.id)
    expect(await page()).not.toBe(first)
  })

  it('keeps its answer when the audit log records only reads (a confidential record viewed, an export)', async () => {
    const first = await page()
    for (const action of ['review.viewed', 'review.view_refused', 'reviews.report.exported']) {
      await recordAudit(database.db, {
        partnershipId: world.partnership.id,
        entityType: 'review_case',
        entityId: world.partnership.id,
        action,
      })
    }
    expect(await page()).toBe(first)
  })

  it('shows a change of the records once it is audited, as every change is', async () => {
    const before = await page()
    const [open] = await database.db
      .select()
      .from(actions)
      .where(eq(actions.partnershipId, world.partnership.id))
      .limit(1)
    expect(open).toBeDefined()
    await insertResponse(database.db, open!, TODAY)
    await audited(world.partnership.id)
    const after = await page()
    expect(after).not.toBe(before)
    expect(after.responses.total).toBeGreaterThanOrEqual(before.responses.total)
  })
})
