import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../../platform/db/client.ts'
import { createOutbox } from '../../platform/notify/notify.service.ts'
import { digestItems, notificationPreferences, outbox } from '../../platform/notify/notify.table.ts'
import { circulationStatus, deliverCirculation, startCirculation } from './circulation.service.ts'
import { buildMeetingWorld, insertMeeting, type MeetingWorld, NOW } from './meetings.fixtures.ts'

describe('circulating to a meeting’s members', () => {
  let database: Database
  let world: MeetingWorld
  let meetingId: string

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
    meetingId = (
      await insertMeeting(database.db, {
        partnershipId: world.partnership.id,
        groupId: world.group.id,
        heldOn: '2026-03-10',
      })
    ).id
  })
  afterAll(() => database.close())

  const start = (recipients: { personId: string; email: string }[]) =>
    database.db.transaction((tx) =>
      startCirculation(
        tx,
        { partnershipId: world.partnership.id, actorId: world.accounts.businessTeam.userId, now: NOW },
        { meetingId, kind: 'papers', subject: 'Papers', recipients },
      ),
    )

  it('finishes an interrupted circulation by sending only to those not yet sent', async () => {
    const { chair, police, health } = world.people
    const id = await start([chair, police, health].map((p) => ({ personId: p.id, email: p.email! })))
    const outboxService = createOutbox({ db: database.db, now: () => NOW })
    let calls = 0
    const first = await deliverCirculation(database.db, outboxService, {
      circulationId: id,
      now: NOW,
      letterFor: (r) => {
        calls++
        if (r.personId === police.id) throw new Error('template failed')
        return { subject: 'Papers', text: `Dear ${r.name}` }
      },
    })
    expect(first.sent).toBe(2)
    expect(first.failed.map((f) => f.personId)).toEqual([police.id])
    const second = await deliverCirculation(database.db, outboxService, {
      circulationId: id,
      now: NOW,
      letterFor: (r) => ({ subject: 'Papers', text: `Dear ${r.name}` }),
    })
    expect(second).toEqual({ sent: 1, failed: [] })
    expect(calls).toBe(3)
    const status = await circulationStatus(database.db, id)
    expect(status.every((s) => s.sentAt !== null && s.delivery === 'pending')).toBe(true)
    const messages = await database.db
      .select()
      .from(outbox)
      .where(eq(outbox.partnershipId, world.partnership.id))
    expect(messages.map((m) => m.toAddress).sort()).toEqual([chair.email, police.email, health.email].sort())
  })

  it('puts the notice in the daily digest of a person who chose one', async () => {
    const { head } = world.people
    await database.db
      .insert(notificationPreferences)
      .values({ userId: world.accounts.head.userId, dailyDigest: true })
    const id = await start([{ personId: head.id, email: head.email! }])
    const result = await deliverCirculation(database.db, createOutbox({ db: database.db, now: () => NOW }), {
      circulationId: id,
      now: NOW,
      letterFor: () => ({ subject: 'Papers', text: 'Read them' }),
    })
    expect(result.sent).toBe(1)
    const [status] = await circulationStatus(database.db, id)
    expect(status?.digested).toBe(true)
    const held = await database.db
      .select()
      .from(digestItems)
      .where(eq(digestItems.userId, world.accounts.head.userId))
    expect(held).toHaveLength(1)
  })
})
