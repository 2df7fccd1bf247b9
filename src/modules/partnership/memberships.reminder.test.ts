import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership, buildUser } from '../../../test/factories.ts'
import type { Database } from '../../platform/db/client.ts'
import { createOutbox } from '../../platform/notify/notify.service.ts'
import { outbox } from '../../platform/notify/notify.table.ts'
import { addGroup, addPerson } from './groups.fixtures.ts'
import { chairTenureReminderJob, sendChairTenureReminders } from './memberships.reminder.ts'
import type { Partnership } from './partnership.table.ts'
import { memberships } from './structure.table.ts'

describe('chair tenure reminder', () => {
  let database: Database
  let partnership: Partnership
  let admin: { email: string }

  const seat = async (
    groupId: string,
    role: 'chair' | 'member',
    endsOn: string,
    endedReason: string | null = null,
  ) => {
    const person = await addPerson(database.db, partnership.id, { name: `Chair ending ${endsOn}` })
    await database.db.insert(memberships).values({
      id: randomUUID(),
      groupId,
      partnershipId: partnership.id,
      personId: person.id,
      role,
      startsOn: '2025-04-01',
      endsOn,
      endedReason,
    })
  }
  const messages = () => database.db.select().from(outbox).where(eq(outbox.partnershipId, partnership.id))

  beforeAll(async () => {
    database = await createTestDatabase()
    partnership = await buildPartnership(database.db, { slug: `tenure-${randomUUID().slice(0, 8)}` })
    admin = await buildUser(database.db, {
      partnershipId: partnership.id,
      role: 'administrator',
      name: 'Alex Admin',
    })
    await buildUser(database.db, { partnershipId: partnership.id, role: 'member' })
  })
  afterAll(async () => {
    await database.close()
  })

  it('e-mails the administrators once for each chair whose tenure ends within 30 days', async () => {
    const group = await addGroup(database.db, partnership.id, { name: 'Audit Group' })
    const other = await addGroup(database.db, partnership.id, { name: 'LPR Group' })
    const third = await addGroup(database.db, partnership.id, { name: 'MACE' })
    await seat(group.id, 'chair', '2026-03-31')
    await seat(other.id, 'chair', '2026-04-02') // 31 days away: not yet
    await seat(third.id, 'member', '2026-03-10') // not a chair
    await seat(third.id, 'chair', '2026-03-20', 'Stood down') // ended on purpose
    const deps = {
      outbox: createOutbox({ db: database.db, now: () => new Date() }),
      publicUrl: 'https://masa.example/',
    }
    const now = new Date('2026-03-02T07:10:00Z')

    expect(await sendChairTenureReminders(database.db, deps, now)).toBe(1)
    const sent = await messages()
    expect(sent).toHaveLength(1)
    expect(sent[0]?.toAddress).toBe(admin.email)
    expect(sent[0]?.subject).toBe('Chair’s tenure ends 31 March 2026: Audit Group')
    expect(sent[0]?.textBody).toContain(
      'Chair ending 2026-03-31’s tenure as chair of the Audit Group ends on 31 March 2026, in 29 days.',
    )
    expect(sent[0]?.textBody).toContain(`https://masa.example/p/${partnership.slug}/groups/audit-group`)

    // The next day nothing new for the same seat; the other chair comes into the window.
    expect(await sendChairTenureReminders(database.db, deps, new Date('2026-03-03T07:10:00Z'))).toBe(1)
    expect(await sendChairTenureReminders(database.db, deps, new Date('2026-03-03T07:10:00Z'))).toBe(0)
    expect((await messages()).map((m) => m.subject).sort()).toEqual([
      'Chair’s tenure ends 2 April 2026: LPR Group',
      'Chair’s tenure ends 31 March 2026: Audit Group',
    ])
  })

  it('is a daily job called chair-tenure-reminder', () => {
    const job = chairTenureReminderJob({
      outbox: { enqueue: async () => ({}) as never },
      publicUrl: 'http://x',
    })
    expect(job.name).toBe('chair-tenure-reminder')
    expect(job.schedule).toBe('10 7 * * *')
  })
})
