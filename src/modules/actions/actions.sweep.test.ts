import { randomUUID } from 'node:crypto'
import { count, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testConfig } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import { allJobs } from '../../background.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import type { Database } from '../../platform/db/client.ts'
import type { JobLog } from '../../platform/jobs/jobs.ts'
import { createOutbox, type Outbox } from '../../platform/notify/notify.service.ts'
import { outbox, sentReminders } from '../../platform/notify/notify.table.ts'
import { attendance } from '../meetings/attendance.table.ts'
import {
  buildMeetingWorld,
  insertGroup,
  insertMeeting,
  type MeetingWorld,
} from '../meetings/meetings.fixtures.ts'
import { agendaItems } from '../meetings/meetings.table.ts'
import { memberships } from '../partnership/structure.table.ts'
import { insertAction, insertIssue } from './actions.fixtures.ts'
import { actionsSweepJob } from './actions.sweep.ts'
import { attendanceFlags, complianceFailures } from './compliance.table.ts'

// Actions issued on Monday 12 September 2022 are due on Tuesday 27 September (the Queen's funeral
// on the 19th is skipped). The head teacher missed the group's July and August meetings; the
// Strategic Group meets on 10 October.

const at = (day: string) => new Date(`${day}T05:15:00Z`) // 06:15 in London

describe('the actions sweep job', () => {
  let database: Database
  let world: MeetingWorld
  const publicUrl = 'https://masa.example.org'
  const errors: object[] = []
  const log: JobLog = { info: () => {}, warn: () => {}, error: (o) => errors.push(o) }

  const runJob = (day: string, box?: Outbox) => {
    const now = at(day)
    const job = actionsSweepJob({
      outbox: box ?? createOutbox({ db: database.db, now: () => now }),
      publicUrl,
    })
    return job.run({ db: database.db, now: () => now, log })
  }
  const p = () => world.partnership.id
  const counts = async () => {
    const n = async (query: Promise<{ n: number }[]>) => Number((await query)[0]?.n ?? 0)
    return {
      outbox: await n(database.db.select({ n: count() }).from(outbox).where(eq(outbox.partnershipId, p()))),
      reminders: await n(
        database.db.select({ n: count() }).from(sentReminders).where(eq(sentReminders.partnershipId, p())),
      ),
      failures: await n(
        database.db
          .select({ n: count() })
          .from(complianceFailures)
          .where(eq(complianceFailures.partnershipId, p())),
      ),
      flags: await n(
        database.db
          .select({ n: count() })
          .from(attendanceFlags)
          .where(eq(attendanceFlags.partnershipId, p())),
      ),
      items: await n(
        database.db.select({ n: count() }).from(agendaItems).where(eq(agendaItems.partnershipId, p())),
      ),
      audit: await n(
        database.db.select({ n: count() }).from(auditLog).where(eq(auditLog.partnershipId, p())),
      ),
    }
  }

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
    await database.db
      .update(memberships)
      .set({ startsOn: '2022-01-01' })
      .where(eq(memberships.groupId, world.group.id))
    const meeting = (groupId: string, heldOn: string) =>
      insertMeeting(database.db, { partnershipId: p(), groupId, heldOn })
    const matrix = await meeting(world.group.id, '2022-09-12')
    const action = (ownerAgencyId: string, ownerPersonId: string) =>
      insertAction(database.db, {
        partnershipId: p(),
        groupId: world.group.id,
        meetingId: matrix.id,
        ownerAgencyId,
        ownerPersonId,
      })
    const ids = [
      (await action(world.agencies.health.id, world.people.health.id)).id,
      (await action(world.agencies.police.id, world.people.police.id)).id,
      (await action(world.agencies.police.id, world.people.police.id)).id,
    ]
    await insertIssue(database.db, {
      partnershipId: p(),
      meetingId: matrix.id,
      issuedOn: '2022-09-12',
      dueOn: '2022-09-27',
      actionIds: ids,
    })
    for (const heldOn of ['2022-07-04', '2022-08-01']) {
      const held = await meeting(world.group.id, heldOn)
      await database.db.insert(attendance).values({
        id: randomUUID(),
        partnershipId: p(),
        meetingId: held.id,
        membershipId: world.seats.head.id,
        personId: world.people.head.id,
        outcome: 'absent',
      })
    }
    const strategic = await insertGroup(database.db, p(), { kind: 'strategic', name: 'Strategic Group' })
    await meeting(strategic.id, '2022-10-10')
  })
  afterAll(async () => {
    await database.close()
  })

  it('is one of the scheduled jobs, every morning', () => {
    const job = allJobs({ config: testConfig(), database }).find((j) => j.name === 'actions-sweep')
    expect(job?.schedule).toBe('15 6 * * *')
  })

  it('runs every step even when one fails, and the next run finishes the failed one', async () => {
    const broken = {
      ...createOutbox({ db: database.db, now: () => at('2022-09-27') }),
      enqueue: async () => {
        throw new Error('SMTP queue unavailable')
      },
    } as Outbox
    await expect(runJob('2022-09-27', broken)).rejects.toThrow('The actions sweep failed at: reminders')
    expect(errors).toHaveLength(1)
    const afterFailure = await counts()
    // Flags raised and put on the Strategic Group's agenda; no reminder sent or recorded.
    expect(afterFailure).toMatchObject({ outbox: 0, reminders: 0, failures: 0, flags: 1, items: 1 })

    await runJob('2022-09-27')
    const subjects = (await database.db.select().from(outbox).where(eq(outbox.partnershipId, p()))).map(
      (m) => m.subject,
    )
    expect(subjects).toHaveLength(3)
    expect(subjects.every((s) => s.endsWith(': response due today'))).toBe(true)
    expect(await counts()).toMatchObject({ outbox: 3, reminders: 3, failures: 0, flags: 1, items: 1 })
  })

  it('records failures, tells the business team of a letter due and chases owners, and run twice changes nothing', async () => {
    await runJob('2022-09-28')
    const once = await counts()
    expect(once).toMatchObject({ failures: 3, flags: 1, items: 1, reminders: 7 })
    const mail = await database.db.select().from(outbox).where(eq(outbox.partnershipId, p()))
    expect(mail.filter((m) => m.subject.endsWith(': response overdue'))).toHaveLength(3)
    expect(mail.filter((m) => m.subject === 'Escalation letter due: Testshire Police')).toHaveLength(1)

    await runJob('2022-09-28')
    await runJob('2022-09-29')
    expect(await counts()).toEqual(once)
    expect(errors).toHaveLength(1)
  })
})
