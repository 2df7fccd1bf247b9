import { eq, inArray } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership, buildUser } from '../../../test/factories.ts'
import type { Database } from '../db/client.ts'
import { digestJob, sendDigests } from './digest.service.ts'
import { sendNotices } from './notices.ts'
import { createOutbox, type Outbox } from './notify.service.ts'
import { digestItems, notificationPreferences, outbox } from './notify.table.ts'

describe('daily digest', () => {
  let database: Database
  let partnershipId: string
  let outboxService: Outbox
  const now = new Date('2026-03-02T07:00:00Z')
  const publicUrl = 'https://masa.example.org'

  beforeAll(async () => {
    database = await createTestDatabase()
    partnershipId = (await buildPartnership(database.db)).id
    outboxService = createOutbox({ db: database.db, now: () => now })
  })
  afterAll(() => database.close())

  const personWantingDigest = async (name: string) => {
    const person = await buildUser(database.db, { partnershipId, role: 'member', name })
    await database.db.insert(notificationPreferences).values({ userId: person.id, dailyDigest: true })
    return person
  }
  let sentAt = new Date('2026-03-01T08:00:00Z')
  const notify = (person: { id: string; email: string }, subject: string, text: string) => {
    sentAt = new Date(sentAt.getTime() + 60_000)
    return database.db.transaction((tx) =>
      sendNotices(
        tx,
        outboxService,
        [{ partnershipId, to: person.email, userId: person.id, subject, text }],
        sentAt,
      ),
    )
  }
  const messagesTo = (email: string) => database.db.select().from(outbox).where(eq(outbox.toAddress, email))
  const itemsOf = (userId: string) =>
    database.db.select().from(digestItems).where(eq(digestItems.userId, userId))

  it('sends two notices for one person as one e-mail, and a second run sends nothing', async () => {
    const person = await personWantingDigest('Dana Digest')
    await notify(person, 'Papers for the Strategic Group', 'The papers are ready to read.')
    await notify(person, 'Reminder: apologies', 'Tell us if you cannot come.')
    expect(await messagesTo(person.email)).toHaveLength(0)

    const first = await sendDigests(database.db, { outbox: outboxService, publicUrl }, now)
    expect(first).toMatchObject({ failed: 0 })
    const messages = await messagesTo(person.email)
    expect(messages).toHaveLength(1)
    const [message] = messages
    expect(message!.subject).toBe('Your daily summary: 2 notices')
    expect(message!.partnershipId).toBe(partnershipId)
    expect(message!.textBody).toContain('Dear Dana Digest,')
    expect(message!.textBody).toContain('1. Papers for the Strategic Group')
    expect(message!.textBody).toContain('The papers are ready to read.')
    expect(message!.textBody).toContain('2. Reminder: apologies')
    expect(message!.textBody).toContain('Tell us if you cannot come.')
    expect(message!.textBody).toContain(`${publicUrl}/account/notifications`)
    const items = await itemsOf(person.id)
    expect(items.every((i) => i.outboxId === message!.id && i.digestedAt?.getTime() === now.getTime())).toBe(
      true,
    )

    const second = await sendDigests(database.db, { outbox: outboxService, publicUrl }, now)
    expect(second).toEqual({ sent: 0, items: 0, failed: 0 })
    expect(await messagesTo(person.email)).toHaveLength(1)
  })

  it('leaves one person’s notices waiting when their digest fails, and sends the others', async () => {
    const failing = await personWantingDigest('Fay Failing')
    const fine = await personWantingDigest('Finn Fine')
    await notify(failing, 'One', 'First notice')
    await notify(fine, 'Two', 'Second notice')
    const broken: Pick<Outbox, 'enqueue'> = {
      enqueue: (tx, message) => {
        if (message.to === failing.email) return Promise.reject(new Error('mail store unavailable'))
        return outboxService.enqueue(tx, message)
      },
    }
    const errors: unknown[] = []
    const log = { info() {}, warn() {}, error: (obj: object) => errors.push(obj) }
    const result = await sendDigests(database.db, { outbox: broken, publicUrl }, now, log)
    expect(result).toEqual({ sent: 1, items: 1, failed: 1 })
    expect(errors).toHaveLength(1)
    expect(await messagesTo(fine.email)).toHaveLength(1)
    expect(await messagesTo(failing.email)).toHaveLength(0)
    expect((await itemsOf(failing.id))[0]).toMatchObject({ digestedAt: null, outboxId: null })

    const retried = await sendDigests(database.db, { outbox: outboxService, publicUrl }, now)
    expect(retried).toEqual({ sent: 1, items: 1, failed: 0 })
    const [message] = await messagesTo(failing.email)
    expect(message!.subject).toBe('Your daily summary: 1 notice')
    expect(await messagesTo(fine.email)).toHaveLength(1)
  })

  it('runs daily at 07:00 as send-digests', async () => {
    const job = digestJob({ outbox: outboxService, publicUrl })
    expect(job.name).toBe('send-digests')
    expect(job.schedule).toBe('0 7 * * *')
    const person = await personWantingDigest('Jo Job')
    await notify(person, 'Through the job', 'Text')
    await job.run({ db: database.db, now: () => now, log: { info() {}, warn() {}, error() {} } })
    const pending = await database.db
      .select()
      .from(digestItems)
      .where(inArray(digestItems.userId, [person.id]))
    expect(pending.every((i) => i.digestedAt !== null)).toBe(true)
  })
})
