import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp, titleOf } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import type { Database } from '../../platform/db/client.ts'
import { type AttendanceOutcome, attendance } from '../meetings/attendance.table.ts'
import {
  type Account,
  buildMeetingWorld,
  insertGroup,
  insertMeeting,
  insertSeat,
  type MeetingWorld,
  NOW,
} from '../meetings/meetings.fixtures.ts'
import type { Meeting } from '../meetings/meetings.table.ts'
import { attendanceFlags } from './compliance.table.ts'
import { sweepFlags } from './flags.service.ts'

// Pat Police's seat was empty on 12 January and 9 February 2026; the Strategic Group meets on
// 16 March. A confidential panel has a flag too. The clock is 2 March 2026.

describe('attendance flag and rate pages', () => {
  let database: Database
  let world: MeetingWorld
  let other: MeetingWorld
  let t: TestApp
  let meetingsHeld: Meeting[]
  let strategic: Meeting
  let flagId: string
  let secretFlagId: string
  let secretSlug: string

  const flags = () => `/p/${world.partnership.slug}/attendance-flags`
  const rates = () => `/p/${world.partnership.slug}/attendance-rates`
  const as = async (account: Account) => {
    const client = t.client()
    await client.signIn(account.email, account.password)
    return client
  }
  const record = (meeting: Meeting, membershipId: string, personId: string, outcome: AttendanceOutcome) =>
    database.db.insert(attendance).values({
      id: randomUUID(),
      partnershipId: world.partnership.id,
      meetingId: meeting.id,
      membershipId,
      personId,
      outcome,
    })

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
    other = await buildMeetingWorld(database.db)
    const p = world.partnership.id
    meetingsHeld = [
      await insertMeeting(database.db, { partnershipId: p, groupId: world.group.id, heldOn: '2026-01-12' }),
      await insertMeeting(database.db, { partnershipId: p, groupId: world.group.id, heldOn: '2026-02-09' }),
    ]
    for (const meeting of meetingsHeld) {
      await record(meeting, world.seats.police.id, world.people.police.id, 'apologies')
      await record(meeting, world.seats.chair.id, world.people.chair.id, 'present')
    }
    const sg = await insertGroup(database.db, p, { kind: 'strategic', name: 'Strategic Group' })
    strategic = await insertMeeting(database.db, { partnershipId: p, groupId: sg.id, heldOn: '2026-03-16' })

    const secret = await insertGroup(database.db, p, { name: 'Secret Panel', confidential: true })
    secretSlug = secret.slug
    const seat = await insertSeat(database.db, {
      partnershipId: p,
      groupId: secret.id,
      personId: world.people.health.id,
      agencyId: world.agencies.health.id,
    })
    for (const heldOn of ['2026-01-05', '2026-02-02']) {
      const meeting = await insertMeeting(database.db, { partnershipId: p, groupId: secret.id, heldOn })
      await record(meeting, seat.id, world.people.health.id, 'absent')
    }
    await sweepFlags(database.db, { now: NOW })
    const raised = await database.db
      .select()
      .from(attendanceFlags)
      .where(eq(attendanceFlags.partnershipId, p))
    flagId = raised.find((f) => f.membershipId === world.seats.police.id)!.id
    secretFlagId = raised.find((f) => f.membershipId === seat.id)!.id
    t = await buildTestApp(database, { now: () => NOW })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('lists the open flags with the member, group, meetings missed and the Strategic Group meeting', async () => {
    const team = await as(world.accounts.businessTeam)
    const page = await team.get(flags())
    expect(page.statusCode).toBe(200)
    expect(titleOf(page.body)).toMatch(/^Attendance flags/)
    expect(page.body).toContain('2 open flags')
    expect(page.body).toContain('A seat empty (no member, no deputy) at 2 consecutive meetings is reported')
    expect(page.body).toContain('Pat Police')
    expect(page.body).toContain('Testshire Police')
    expect(page.body).toContain(world.group.name)
    for (const meeting of meetingsHeld) {
      expect(page.body).toContain(`href="/p/${world.partnership.slug}/meetings/${meeting.id}"`)
    }
    expect(page.body).toContain('12 January 2026')
    expect(page.body).toContain(`href="/p/${world.partnership.slug}/meetings/${strategic.id}/agenda"`)
    expect(page.body).toContain('Strategic Group, 16 March 2026')
    expect(page.body).toContain(`${flags()}/${flagId}/close`)
    expect(page.body).toContain('Secret Panel')

    // Filtered as the dashboard links: by group slug and by agency.
    const police = await team.get(`${flags()}?agency=${world.agencies.police.id}`)
    expect(police.body).toContain('1 open flag')
    expect(police.body).toContain('Pat Police')
    expect(police.body).not.toContain('Secret Panel</a>')
    const panel = await team.get(`${flags()}?group=${secretSlug}`)
    expect(panel.body).toContain('1 open flag')
    expect(panel.body).toContain('Harriet Health')
    expect(panel.body).toContain(`href="${rates()}?group=${secretSlug}"`)
  })

  it('shows partners and scrutineers the flags (not a confidential group’s), refuses members and other partnerships', async () => {
    const partner = await as(world.accounts.partner)
    const seen = await partner.get(flags())
    expect(seen.statusCode).toBe(200)
    expect(seen.body).toContain('Pat Police')
    expect(seen.body).not.toContain('Secret Panel')
    expect(seen.body).not.toContain('data-testid="close-flag"')
    expect((await partner.get(`${flags()}/${flagId}/close`)).statusCode).toBe(403)
    const scrutineer = await as(world.accounts.scrutineer)
    expect((await scrutineer.get(flags())).statusCode).toBe(200)
    expect((await scrutineer.get(rates())).statusCode).toBe(200)

    const member = await as(world.accounts.head)
    expect((await member.get(flags())).statusCode).toBe(403)
    expect((await member.get(rates())).statusCode).toBe(403)
    expect((await member.get(`${rates()}.csv`)).statusCode).toBe(403)

    const outsider = await as(other.accounts.businessTeam)
    expect((await outsider.get(flags())).statusCode).toBe(404)
    expect((await outsider.get(`${flags()}/${flagId}/close`)).statusCode).toBe(404)
    expect((await outsider.get(rates())).statusCode).toBe(404)
    // Their own partnership's page does not open this partnership's flag either.
    expect(
      (await outsider.get(`/p/${other.partnership.slug}/attendance-flags/${flagId}/close`)).statusCode,
    ).toBe(404)
    expect(
      (await outsider.get(`/p/${other.partnership.slug}/attendance-flags/not-a-flag/close`)).statusCode,
    ).toBe(404)
  })

  it('closes a flag with a reason, which it needs, and records who and why', async () => {
    const team = await as(world.accounts.businessTeam)
    const url = `${flags()}/${flagId}/close`
    const form = await team.get(url)
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('Close the flag for Pat Police')

    const bad = await team.submit(url, url, { reason: '   ' })
    expect(bad.statusCode).toBe(400)
    expect(titleOf(bad.body)).toMatch(/^Error: /)
    expect(bad.body).toContain('Enter why the flag is being closed')
    const [still] = await database.db.select().from(attendanceFlags).where(eq(attendanceFlags.id, flagId))
    expect(still!.closedAt).toBeNull()

    const done = await team.submit(url, url, { reason: 'The police have named a new member' })
    expect(done.statusCode).toBe(303)
    expect(done.headers.location).toBe(`${flags()}?closed=1`)
    const [closed] = await database.db.select().from(attendanceFlags).where(eq(attendanceFlags.id, flagId))
    expect(closed).toMatchObject({
      closedReason: 'The police have named a new member',
      closedById: world.accounts.businessTeam.userId,
    })
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityType, 'attendance_flag'), eq(auditLog.entityId, flagId)))
    expect(entry).toMatchObject({ action: 'close', actorId: world.accounts.businessTeam.userId })

    const page = await team.get(`${flags()}?closed=1`)
    expect(page.body).toContain('Flag closed')
    expect(page.body).toContain('1 open flag')
    expect(page.body).toContain('The police have named a new member')
    expect(page.body).toContain('by Bea Business')
    // A closed flag is not closed again.
    const again = await team.get(url)
    expect(again.statusCode).toBe(303)
    expect(secretFlagId).toBeTruthy()
  })

  it('shows attendance rates for a period, with filters and a CSV', async () => {
    const team = await as(world.accounts.businessTeam)
    const page = await team.get(rates())
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('3 March 2025 to 2 March 2026')
    // Pat Police: apologies twice; Chris Chair: present twice; the panel: absent twice.
    expect(page.body).toContain('2 of 6 seats filled: 33.3%')
    expect(page.body).toContain('Secret Panel')

    const filtered = await team.get(`${rates()}?group=${world.group.id}&from=1/1/2026&to=28/2/2026`)
    expect(filtered.body).toContain('1 January 2026 to 28 February 2026')
    expect(filtered.body).toContain('2 of 4 seats filled: 50%')
    expect(filtered.body).toContain(
      `href="${rates()}.csv?from=1%2F1%2F2026&amp;to=28%2F2%2F2026&amp;group=${world.group.slug}"`,
    )

    const csv = await team.get(`${rates()}.csv?from=1/1/2026&to=28/2/2026&agency=${world.agencies.police.id}`)
    expect(csv.statusCode).toBe(200)
    expect(csv.headers['content-type']).toContain('text/csv')
    expect(csv.headers['content-disposition']).toContain('attendance-rates-')
    expect(csv.body).toContain('Member,Pat Police,Testshire Police,2026-01-01,2026-02-28,2,0,0')

    const bad = await team.get(`${rates()}?from=31/2/2026`)
    expect(bad.statusCode).toBe(400)
    expect(titleOf(bad.body)).toMatch(/^Error: /)
    expect(bad.body).toContain('Enter a real date for the start of the period')
    expect((await team.get(`${rates()}.csv?to=yesterday`)).statusCode).toBe(400)

    const partner = await as(world.accounts.partner)
    const seen = await partner.get(rates())
    expect(seen.statusCode).toBe(200)
    expect(seen.body).not.toContain('Secret Panel')
    expect(seen.body).toContain('2 of 4 seats filled: 50%')
  })
})
