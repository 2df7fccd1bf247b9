import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../db/client.ts'
import { createOutbox } from './notify.service.ts'
import { outbox as outboxTable } from './notify.table.ts'

describe('outbox', () => {
  let database: Database
  let current = new Date('2026-03-02T09:00:00Z')
  const now = () => current

  beforeAll(async () => {
    database = await createTestDatabase()
  })
  afterAll(() => database.close())
  beforeEach(async () => {
    await database.db.delete(outboxTable)
  })

  it('enqueues a pending message that is due now', async () => {
    const outbox = createOutbox({ db: database.db, now })
    const partnershipId = randomUUID()
    const message = await outbox.enqueue(database.db, {
      partnershipId,
      to: ' chair@example.org ',
      subject: 'Review due',
      text: 'Plain',
      html: '<p>Rich</p>',
    })
    expect(await outbox.get(message.id)).toEqual({
      id: message.id,
      partnershipId,
      toAddress: 'chair@example.org',
      subject: 'Review due',
      textBody: 'Plain',
      htmlBody: '<p>Rich</p>',
      attachments: [],
      status: 'pending',
      attempts: 0,
      nextAttemptAt: current,
      lastError: null,
      createdAt: current,
      sentAt: null,
    })
    expect(await outbox.get(randomUUID())).toBeUndefined()
  })

  it("writes nothing when the caller's transaction rolls back", async () => {
    const outbox = createOutbox({ db: database.db, now })
    await expect(
      database.db.transaction(async (tx) => {
        await outbox.enqueue(tx, { to: 'a@example.org', subject: 'S', text: 'T' })
        throw new Error('the change failed')
      }),
    ).rejects.toThrow('the change failed')
    await database.db.transaction((tx) =>
      outbox.enqueue(tx, { to: 'b@example.org', subject: 'S', text: 'T' }),
    )
    const rows = await outbox.list({ limit: 10, offset: 0 })
    expect(rows.map((r) => r.toAddress)).toEqual(['b@example.org'])
  })

  it('refuses an empty or multi-line address', async () => {
    const outbox = createOutbox({ db: database.db, now })
    await expect(outbox.enqueue(database.db, { to: ' ', subject: 'S', text: 'T' })).rejects.toThrow()
    await expect(
      outbox.enqueue(database.db, { to: 'a@example.org\r\nBcc: x@example.org', subject: 'S', text: 'T' }),
    ).rejects.toThrow()
    expect(await outbox.counts()).toEqual({ pending: 0, sending: 0, sent: 0, failed: 0 })
  })

  it('lists newest first, filtered and paged, and counts by status', async () => {
    const outbox = createOutbox({ db: database.db, now })
    const first = randomUUID()
    const second = randomUUID()
    const ids: string[] = []
    for (let i = 0; i < 5; i += 1) {
      current = new Date(Date.UTC(2026, 2, 2, 9, i))
      const message = await outbox.enqueue(database.db, {
        partnershipId: i % 2 === 0 ? first : second,
        to: `person${i}@example.org`,
        subject: `Message ${i}`,
        text: 'T',
      })
      ids.push(message.id)
    }
    await database.db.update(outboxTable).set({ status: 'failed' }).where(eqId(ids[4]!))

    const all = await outbox.list({ limit: 10, offset: 0 })
    expect(all.map((r) => r.subject)).toEqual([
      'Message 4',
      'Message 3',
      'Message 2',
      'Message 1',
      'Message 0',
    ])
    const page = await outbox.list({ limit: 2, offset: 1 })
    expect(page.map((r) => r.subject)).toEqual(['Message 3', 'Message 2'])
    const firstOnly = await outbox.list({ partnershipId: first, limit: 10, offset: 0 })
    expect(firstOnly.map((r) => r.subject)).toEqual(['Message 4', 'Message 2', 'Message 0'])
    const pendingOfFirst = await outbox.list({
      partnershipId: first,
      status: 'pending',
      limit: 10,
      offset: 0,
    })
    expect(pendingOfFirst.map((r) => r.subject)).toEqual(['Message 2', 'Message 0'])

    expect(await outbox.counts()).toEqual({ pending: 4, sending: 0, sent: 0, failed: 1 })
    expect(await outbox.counts({ partnershipId: second })).toEqual({
      pending: 2,
      sending: 0,
      sent: 0,
      failed: 0,
    })
  })

  it('lets an administrator retry a failed or stuck message, and nothing else', async () => {
    const outbox = createOutbox({ db: database.db, now })
    const failed = await outbox.enqueue(database.db, { to: 'a@example.org', subject: 'S', text: 'T' })
    const stuck = await outbox.enqueue(database.db, { to: 'b@example.org', subject: 'S', text: 'T' })
    const sent = await outbox.enqueue(database.db, { to: 'c@example.org', subject: 'S', text: 'T' })
    await database.db.update(outboxTable).set({ status: 'failed', attempts: 5 }).where(eqId(failed.id))
    await database.db.update(outboxTable).set({ status: 'sending', attempts: 1 }).where(eqId(stuck.id))
    await database.db.update(outboxTable).set({ status: 'sent' }).where(eqId(sent.id))
    current = new Date('2026-03-03T10:00:00Z')

    expect(await outbox.retry(failed.id)).toBe(true)
    expect(await outbox.retry(stuck.id)).toBe(true)
    expect(await outbox.retry(sent.id)).toBe(false)
    expect(await outbox.get(failed.id)).toMatchObject({ status: 'pending', nextAttemptAt: current })
    expect(await outbox.get(stuck.id)).toMatchObject({ status: 'pending', nextAttemptAt: current })
    expect(await outbox.get(sent.id)).toMatchObject({ status: 'sent' })
  })
})

function eqId(id: string) {
  return eq(outboxTable.id, id)
}
