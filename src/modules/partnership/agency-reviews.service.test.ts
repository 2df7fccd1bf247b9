import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership, buildUser } from '../../../test/factories.ts'
import { verifyAuditLog } from '../../platform/audit/audit.service.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import type { Database } from '../../platform/db/client.ts'
import { createOutbox } from '../../platform/notify/notify.service.ts'
import { outbox } from '../../platform/notify/notify.table.ts'
import { FieldProblems } from './agencies.problems.ts'
import { createAgency } from './agencies.service.ts'
import {
  agencyReviewReminderJob,
  dueStatus,
  listAgencyReviews,
  recordAgencyReview,
  reviewDue,
  sendAgencyReviewReminders,
} from './agency-reviews.service.ts'
import { agencies } from './structure.table.ts'

describe('due status', () => {
  it('is on track until 30 days before, due soon up to the day, then overdue', () => {
    expect(dueStatus('2026-04-01', '2026-03-01')).toMatchObject({
      daysLeft: 31,
      status: 'on_track',
      overdue: false,
    })
    expect(dueStatus('2026-04-01', '2026-03-02')).toMatchObject({ daysLeft: 30, status: 'due_soon' })
    expect(dueStatus('2026-04-01', '2026-04-01')).toMatchObject({
      daysLeft: 0,
      status: 'due_soon',
      overdue: false,
    })
    expect(dueStatus('2026-04-01', '2026-04-02')).toMatchObject({
      daysLeft: -1,
      status: 'overdue',
      overdue: true,
    })
  })

  it('counts whole days across the clock change', () => {
    // The clocks go forward on 29 March 2026.
    expect(dueStatus('2026-03-30', '2026-03-28').daysLeft).toBe(2)
  })
})

describe('agency reviews', () => {
  let database: Database
  let actorId: string
  const now = new Date('2026-03-02T10:00:00Z')

  beforeAll(async () => {
    database = await createTestDatabase()
    const setup = await buildPartnership(database.db)
    actorId = (await buildUser(database.db, { partnershipId: setup.id, role: 'administrator' })).id
  })
  afterAll(async () => {
    await database.close()
  })

  async function partnershipWithAgencySince(createdAt: Date) {
    const partnership = await buildPartnership(database.db)
    const agency = await createAgency(database.db, {
      partnershipId: partnership.id,
      actorId,
      now: createdAt,
      fields: {
        name: 'Thurrock Council',
        kind: 'relevant_agency',
        sector: 'local_authority',
        statutoryRole: null,
        leadPartnerTitle: null,
        delegatedPartnerTitle: null,
        executiveName: null,
        executiveTitle: null,
        executiveEmail: null,
        activeFrom: null,
      },
    })
    return { partnership, agency }
  }

  it('has nothing due before the first agency, then the first review a year after it', async () => {
    const empty = await buildPartnership(database.db)
    expect(await reviewDue(database.db, empty.id, '2026-03-02')).toBeNull()
    // 23:30 UTC on 31 March 2025 is already 1 April in London (BST): the London date counts.
    const { partnership } = await partnershipWithAgencySince(new Date('2025-03-31T23:30:00Z'))
    const due = await reviewDue(database.db, partnership.id, '2026-03-02')
    expect(due).toMatchObject({ dueOn: '2026-04-01', daysLeft: 30, status: 'due_soon', first: true })
  })

  it('records a review, due again 12 months later, and lists the history newest first', async () => {
    const { partnership } = await partnershipWithAgencySince(new Date('2024-01-10T10:00:00Z'))
    expect(await reviewDue(database.db, partnership.id, '2026-03-02')).toMatchObject({
      dueOn: '2025-01-10',
      overdue: true,
      status: 'overdue',
      daysLeft: -416,
    })
    await recordAgencyReview(database.db, {
      partnershipId: partnership.id,
      reviewedOn: '2025-02-28',
      outcomes: [{ agency: 'Thurrock Council', decision: 'kept', reason: '' }],
      actorId,
      now,
    })
    const review = await recordAgencyReview(database.db, {
      partnershipId: partnership.id,
      reviewedOn: '2026-02-27',
      outcomes: [
        { agency: 'Thurrock Council', decision: 'changed', reason: 'Now leads for housing too' },
        { agency: 'Essex Fire and Rescue', decision: 'added', reason: 'Home fire safety visits' },
      ],
      actorId,
      now,
    })
    expect(review.nextDueOn).toBe('2027-02-27')
    expect(await reviewDue(database.db, partnership.id, '2026-03-02')).toMatchObject({
      dueOn: '2027-02-27',
      status: 'on_track',
      first: false,
    })
    const history = await listAgencyReviews(database.db, partnership.id)
    expect(history.map((r) => r.reviewedOn)).toEqual(['2026-02-27', '2025-02-28'])
    expect(history[0]?.outcomes).toHaveLength(2)
    expect(history[0]?.recordedByName).toMatch(/^Person /)
    const entries = await database.db.select().from(auditLog).where(eq(auditLog.entityId, review.id))
    expect(entries[0]).toMatchObject({ entityType: 'agency_review', action: 'create' })
    expect((await verifyAuditLog(database.db)).ok).toBe(true)
  })

  it('moves 29 February to the end of February a year later', async () => {
    const { partnership } = await partnershipWithAgencySince(new Date('2024-01-10T10:00:00Z'))
    const review = await recordAgencyReview(database.db, {
      partnershipId: partnership.id,
      reviewedOn: '2024-02-29',
      outcomes: [{ agency: 'Thurrock Council', decision: 'kept', reason: '' }],
      actorId,
      now,
    })
    expect(review.nextDueOn).toBe('2025-02-28')
  })

  it('needs a reason for every change, addition and removal, and a date not in the future', async () => {
    const { partnership } = await partnershipWithAgencySince(now)
    const record = (
      outcomes: Parameters<typeof recordAgencyReview>[1]['outcomes'],
      reviewedOn = '2026-03-01',
    ) =>
      recordAgencyReview(database.db, { partnershipId: partnership.id, reviewedOn, outcomes, actorId, now })
    for (const decision of ['changed', 'added', 'removed'] as const) {
      await expect(record([{ agency: 'Thurrock Council', decision, reason: ' ' }])).rejects.toBeInstanceOf(
        FieldProblems,
      )
    }
    await expect(record([])).rejects.toBeInstanceOf(FieldProblems)
    await expect(
      record([{ agency: 'Thurrock Council', decision: 'kept', reason: '' }], '2026-03-03'),
    ).rejects.toMatchObject({ fields: { reviewedOn: 'The date of the review must be today or in the past' } })
    expect(await listAgencyReviews(database.db, partnership.id)).toEqual([])
  })

  describe('the reminder job', () => {
    it('e-mails the active administrators once for a due date, even when it becomes overdue', async () => {
      // The first review falls due on 1 April 2026.
      const { partnership } = await partnershipWithAgencySince(new Date('2025-04-01T09:00:00Z'))
      const admin = await buildUser(database.db, { partnershipId: partnership.id, role: 'administrator' })
      const gone = await buildUser(database.db, { partnershipId: partnership.id, role: 'administrator' })
      await database.db.execute(
        sql`update partnership_roles set deactivated_at = now() where user_id = ${gone.id}`,
      )
      await buildUser(database.db, { partnershipId: partnership.id, role: 'business_team' })
      const deps = {
        outbox: createOutbox({ db: database.db, now: () => now }),
        publicUrl: 'https://masa.example.org/',
      }
      const messages = () => database.db.select().from(outbox).where(eq(outbox.partnershipId, partnership.id))

      // Early March: more than 30 days away, nothing is sent.
      await sendAgencyReviewReminders(database.db, deps, new Date('2026-03-01T07:00:00Z'))
      expect(await messages()).toHaveLength(0)

      const job = agencyReviewReminderJob(deps)
      expect(job).toMatchObject({ name: 'agency-review-reminder', schedule: '0 7 * * *' })
      const log = { info() {}, warn() {}, error() {} }
      await job.run({ db: database.db, now: () => new Date('2026-03-05T07:00:00Z'), log })
      await job.run({ db: database.db, now: () => new Date('2026-03-06T07:00:00Z'), log })
      await job.run({ db: database.db, now: () => new Date('2026-04-20T07:00:00Z'), log })
      const sent = await messages()
      expect(sent).toHaveLength(1)
      expect(sent[0]).toMatchObject({
        toAddress: admin.email,
        subject: 'Review of relevant agencies due 1 April 2026',
      })
      expect(sent[0]?.textBody).toContain('in 27 days')
      expect(sent[0]?.textBody).toContain(`https://masa.example.org/p/${partnership.slug}/agencies/reviews`)

      // Once a review is recorded, the next due date gets its own reminder in a year's time.
      await recordAgencyReview(database.db, {
        partnershipId: partnership.id,
        reviewedOn: '2026-04-21',
        outcomes: [{ agency: 'Thurrock Council', decision: 'kept', reason: '' }],
        actorId,
        now: new Date('2026-04-21T10:00:00Z'),
      })
      await sendAgencyReviewReminders(database.db, deps, new Date('2026-05-01T07:00:00Z'))
      expect(await messages()).toHaveLength(1)
      await sendAgencyReviewReminders(database.db, deps, new Date('2027-04-10T07:00:00Z'))
      const later = await messages()
      expect(later.map((m) => m.subject).sort()).toEqual([
        'Review of relevant agencies due 1 April 2026',
        'Review of relevant agencies due 21 April 2027',
      ])
      expect((await verifyAuditLog(database.db)).ok).toBe(true)
    })

    it('says the review is late when it first writes after the due date', async () => {
      const { partnership } = await partnershipWithAgencySince(new Date('2024-06-01T09:00:00Z'))
      await buildUser(database.db, { partnershipId: partnership.id, role: 'administrator' })
      const deps = {
        outbox: createOutbox({ db: database.db, now: () => now }),
        publicUrl: 'https://masa.example.org',
      }
      await sendAgencyReviewReminders(database.db, deps, new Date('2025-06-03T07:00:00Z'))
      const [message] = await database.db
        .select()
        .from(outbox)
        .where(eq(outbox.partnershipId, partnership.id))
      expect(message?.textBody).toContain('is overdue')
      expect(message?.textBody).toContain('It was due on 1 June 2025 and is 2 days late.')
    })

    it('sends nothing to a partnership without agencies', async () => {
      const partnership = await buildPartnership(database.db)
      await buildUser(database.db, { partnershipId: partnership.id, role: 'administrator' })
      const deps = {
        outbox: createOutbox({ db: database.db, now: () => now }),
        publicUrl: 'https://masa.example.org',
      }
      await sendAgencyReviewReminders(database.db, deps, new Date('2030-01-01T07:00:00Z'))
      const rows = await database.db.select().from(outbox).where(eq(outbox.partnershipId, partnership.id))
      expect(rows).toHaveLength(0)
      expect(
        await database.db.select().from(agencies).where(eq(agencies.partnershipId, partnership.id)),
      ).toEqual([])
    })
  })
})
