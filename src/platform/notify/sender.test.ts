import type { AddressInfo } from 'node:net'
import { eq } from 'drizzle-orm'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../db/client.ts'
import { createSmtpTransport, type SmtpTransport } from './mailer.ts'
import { createOutbox } from './notify.service.ts'
import { outbox as outboxTable } from './notify.table.ts'
import { createSender, messageIdFor } from './sender.ts'

interface Received {
  from: string
  to: string[]
  raw: string
}

/** A header's value from a raw message, unfolded. */
function header(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? ''
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ')
  const line = unfolded.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
  return line?.slice(name.length + 1).trim()
}

describe('sender', () => {
  let database: Database
  let server: SMTPServer
  let transport: SmtpTransport
  const received: Received[] = []
  let current = new Date('2026-03-02T09:00:00Z')
  const now = () => current

  beforeAll(async () => {
    database = await createTestDatabase()
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      // A recipient at bounce.test is refused, as a real server refuses an unknown mailbox.
      onRcptTo(address, _session, callback) {
        if (address.address.endsWith('@bounce.test')) {
          callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }))
          return
        }
        callback()
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = []
        stream.on('data', (chunk: Buffer) => chunks.push(chunk))
        stream.on('end', () => {
          const mailFrom = session.envelope.mailFrom
          received.push({
            from: mailFrom ? mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          })
          callback()
        })
      },
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.server.address() as AddressInfo
    transport = createSmtpTransport(`smtp://127.0.0.1:${port}`)
  })

  afterAll(async () => {
    transport.close()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await database.close()
  })

  beforeEach(async () => {
    await database.db.delete(outboxTable)
    received.length = 0
    current = new Date('2026-03-02T09:00:00Z')
  })

  function build(maxAttempts?: number) {
    const outbox = createOutbox({ db: database.db, now })
    const sender = createSender({
      db: database.db,
      transport,
      from: 'MASA <no-reply@masa.test>',
      now,
      ...(maxAttempts ? { maxAttempts } : {}),
    })
    return { outbox, sender }
  }

  it('delivers each due message over SMTP exactly once', async () => {
    const { outbox, sender } = build()
    const a = await outbox.enqueue(database.db, {
      to: 'chair@example.org',
      subject: 'Rapid review due',
      text: 'The rapid review is due on Friday.',
    })
    const b = await outbox.enqueue(database.db, {
      to: 'manager@example.org',
      subject: 'Action overdue',
      text: 'An action is overdue.',
      html: '<p>An action is <strong>overdue</strong>.</p>',
    })

    current = new Date('2026-03-02T09:00:30Z')
    expect(await sender.deliverDue()).toEqual({ sent: 2, retried: 0, failed: 0 })

    expect(received).toHaveLength(2)
    const byTo = new Map(received.map((r) => [r.to.join(','), r]))
    const first = byTo.get('chair@example.org')
    const second = byTo.get('manager@example.org')
    expect(first?.from).toBe('no-reply@masa.test')
    expect(header(first?.raw ?? '', 'Subject')).toBe('Rapid review due')
    expect(header(first?.raw ?? '', 'To')).toBe('chair@example.org')
    expect(header(first?.raw ?? '', 'Message-ID')).toBe(messageIdFor(a.id))
    expect(first?.raw).toContain('The rapid review is due on Friday.')
    expect(header(second?.raw ?? '', 'Subject')).toBe('Action overdue')
    expect(header(second?.raw ?? '', 'Message-ID')).toBe(`<${b.id}@masa>`)
    expect(second?.raw).toContain('An action is overdue.')
    expect(second?.raw).toContain('<strong>overdue</strong>')

    for (const id of [a.id, b.id]) {
      expect(await outbox.get(id)).toMatchObject({
        status: 'sent',
        attempts: 1,
        sentAt: current,
        lastError: null,
      })
    }

    current = new Date('2026-03-02T10:00:00Z')
    expect(await sender.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0 })
    expect(received).toHaveLength(2)
  })

  it('does not send a message before its time', async () => {
    const { outbox, sender } = build()
    const message = await outbox.enqueue(database.db, { to: 'later@example.org', subject: 'S', text: 'T' })
    await database.db
      .update(outboxTable)
      .set({ nextAttemptAt: new Date('2026-03-02T09:05:00Z') })
      .where(eq(outboxTable.id, message.id))
    expect(await sender.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0 })
    current = new Date('2026-03-02T09:05:00Z')
    expect(await sender.deliverDue()).toEqual({ sent: 1, retried: 0, failed: 0 })
    expect(received.map((r) => r.to)).toEqual([['later@example.org']])
  })

  it('retries a refused message with backoff, then marks it failed', async () => {
    const { outbox, sender } = build(3)
    const message = await outbox.enqueue(database.db, { to: 'nobody@bounce.test', subject: 'S', text: 'T' })

    expect(await sender.deliverDue()).toEqual({ sent: 0, retried: 1, failed: 0 })
    const afterFirst = await outbox.get(message.id)
    expect(afterFirst).toMatchObject({ status: 'pending', attempts: 1 })
    expect(afterFirst?.lastError).toContain('Mailbox unavailable')
    expect(afterFirst?.nextAttemptAt).toEqual(new Date('2026-03-02T09:01:00Z'))

    // Not due yet: nothing is tried.
    current = new Date('2026-03-02T09:00:59Z')
    expect(await sender.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0 })

    current = new Date('2026-03-02T09:01:00Z')
    expect(await sender.deliverDue()).toEqual({ sent: 0, retried: 1, failed: 0 })
    expect(await outbox.get(message.id)).toMatchObject({
      status: 'pending',
      attempts: 2,
      nextAttemptAt: new Date('2026-03-02T09:06:00Z'),
    })

    current = new Date('2026-03-02T09:06:00Z')
    expect(await sender.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 1 })
    const last = await outbox.get(message.id)
    expect(last).toMatchObject({ status: 'failed', attempts: 3, sentAt: null })
    expect(last?.lastError).toContain('Mailbox unavailable')

    current = new Date('2026-03-03T09:00:00Z')
    expect(await sender.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0 })
    expect(received).toHaveLength(0)
  })

  it('never picks up a message left in sending', async () => {
    const { outbox, sender } = build()
    const stuck = await outbox.enqueue(database.db, { to: 'stuck@example.org', subject: 'S', text: 'T' })
    await outbox.enqueue(database.db, { to: 'fine@example.org', subject: 'S', text: 'T' })
    await database.db
      .update(outboxTable)
      .set({ status: 'sending', attempts: 1 })
      .where(eq(outboxTable.id, stuck.id))

    current = new Date('2026-03-05T09:00:00Z')
    expect(await sender.deliverDue()).toEqual({ sent: 1, retried: 0, failed: 0 })
    expect(received.map((r) => r.to)).toEqual([['fine@example.org']])
    expect(await outbox.get(stuck.id)).toMatchObject({ status: 'sending', attempts: 1 })
  })

  it('two senders working at once send each message once', async () => {
    const { outbox } = build()
    const ids = new Set<string>()
    for (let i = 0; i < 12; i += 1) {
      const message = await outbox.enqueue(database.db, {
        to: `p${i}@example.org`,
        subject: `M${i}`,
        text: 'T',
      })
      ids.add(message.id)
    }
    const one = build().sender
    const two = build().sender
    const results = await Promise.all([
      one.deliverDue(5),
      two.deliverDue(5),
      one.deliverDue(5),
      two.deliverDue(5),
    ])
    expect(results.reduce((n, r) => n + r.sent, 0)).toBe(12)
    const messageIds = received.map((r) => header(r.raw, 'Message-ID'))
    expect(new Set(messageIds).size).toBe(12)
    expect(messageIds.sort()).toEqual([...ids].map(messageIdFor).sort())
  })

  it('a batch only claims up to its limit', async () => {
    const { outbox, sender } = build()
    for (let i = 0; i < 3; i += 1) {
      await outbox.enqueue(database.db, { to: `p${i}@example.org`, subject: `M${i}`, text: 'T' })
    }
    expect(await sender.deliverDue(2)).toEqual({ sent: 2, retried: 0, failed: 0 })
    expect(await outbox.counts()).toEqual({ pending: 1, sending: 0, sent: 2, failed: 0 })
  })
})
