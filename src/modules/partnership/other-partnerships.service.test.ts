import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership, buildUser } from '../../../test/factories.ts'
import { verifyAuditLog } from '../../platform/audit/audit.service.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import type { Database } from '../../platform/db/client.ts'
import {
  createOtherPartnership,
  listOtherPartnerships,
  type OtherPartnershipFields,
  protocolReview,
  updateOtherPartnership,
} from './other-partnerships.service.ts'

const now = new Date('2026-03-02T10:00:00Z')
const fields = (overrides: Partial<OtherPartnershipFields> = {}): OtherPartnershipFields => ({
  name: 'Thurrock Health and Wellbeing Board',
  kind: 'health_and_wellbeing_board',
  protocol: 'The LSCP reports to the board once a year.',
  protocolReviewDue: '2026-03-31',
  ...overrides,
})

describe('other partnerships', () => {
  let database: Database
  let actorId: string

  beforeAll(async () => {
    database = await createTestDatabase()
    const setup = await buildPartnership(database.db)
    actorId = (await buildUser(database.db, { partnershipId: setup.id, role: 'business_team' })).id
  })
  afterAll(async () => {
    await database.close()
  })

  it('adds, lists and edits a partnership and its protocol, auditing each change', async () => {
    const partnership = await buildPartnership(database.db)
    const change = { partnershipId: partnership.id, actorId, now }
    const board = await createOtherPartnership(database.db, { ...change, fields: fields() })
    await createOtherPartnership(database.db, {
      ...change,
      fields: fields({
        name: 'Community Safety Partnership',
        kind: 'community_safety_partnership',
        protocolReviewDue: null,
      }),
    })
    expect((await listOtherPartnerships(database.db, partnership.id)).map((r) => r.name)).toEqual([
      'Community Safety Partnership',
      'Thurrock Health and Wellbeing Board',
    ])
    expect(protocolReview(board, '2026-03-02')).toMatchObject({ status: 'due_soon', daysLeft: 29 })
    const { row, changed } = await updateOtherPartnership(database.db, {
      ...change,
      id: board.id,
      fields: fields({ protocol: 'Reports twice a year.', protocolReviewDue: '2027-03-31' }),
    })
    expect(changed).toEqual(['protocol', 'protocolReviewDue'])
    expect(row.protocol).toBe('Reports twice a year.')
    const entries = await database.db.select().from(auditLog).where(eq(auditLog.entityId, board.id))
    expect(entries.map((e) => [e.entityType, e.action])).toEqual([
      ['other_partnership', 'create'],
      ['other_partnership', 'update'],
    ])
    expect(entries[1]?.before).toEqual({
      protocol: 'The LSCP reports to the board once a year.',
      protocolReviewDue: '2026-03-31',
    })
    expect((await verifyAuditLog(database.db)).ok).toBe(true)
  })

  it('refuses a name the partnership already uses, in any case', async () => {
    const partnership = await buildPartnership(database.db)
    const change = { partnershipId: partnership.id, actorId, now }
    await createOtherPartnership(database.db, {
      ...change,
      fields: fields({ name: 'MAPPA board', kind: 'mappa' }),
    })
    const other = await createOtherPartnership(database.db, {
      ...change,
      fields: fields({ name: 'Channel panel', kind: 'channel_panel' }),
    })
    await expect(
      createOtherPartnership(database.db, {
        ...change,
        fields: fields({ name: 'Mappa Board', kind: 'mappa' }),
      }),
    ).rejects.toMatchObject({ fields: { name: 'A partnership called Mappa Board already exists' } })
    await expect(
      updateOtherPartnership(database.db, {
        ...change,
        id: other.id,
        fields: fields({ name: 'MAPPA BOARD' }),
      }),
    ).rejects.toMatchObject({ fields: { name: 'A partnership called MAPPA BOARD already exists' } })
    expect(await listOtherPartnerships(database.db, partnership.id)).toHaveLength(2)
  })
})
