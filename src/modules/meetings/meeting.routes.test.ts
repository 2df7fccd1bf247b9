import { createHash, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp, TestClient } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../../platform/db/client.ts'
import { attendance } from './attendance.table.ts'
import { decisionObjections, decisions } from './decisions.table.ts'
import { buildMeetingWorld, insertMeeting, type MeetingWorld, NOW } from './meetings.fixtures.ts'
import { agendaItems } from './meetings.table.ts'
import { papers, paperVersions } from './papers.table.ts'

describe('a meeting’s overview page', () => {
  let database: Database
  let t: TestApp
  let world: MeetingWorld
  let path: string

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db, { quorum: 3 })
    const { db } = database
    const partnershipId = world.partnership.id
    // Held last week, so attendance is recorded and the minutes are due.
    const meeting = await insertMeeting(db, { partnershipId, groupId: world.group.id, heldOn: '2026-02-23' })
    path = `/p/${world.partnership.slug}/meetings/${meeting.id}`
    const [item] = await db
      .insert(agendaItems)
      .values([
        {
          id: randomUUID(),
          partnershipId,
          meetingId: meeting.id,
          position: 1,
          title: 'Neglect strategy',
          presenter: 'Chris Chair',
          durationMinutes: 30,
          decisionNeeded: true,
        },
        {
          id: randomUUID(),
          partnershipId,
          meetingId: meeting.id,
          position: 2,
          title: 'Any other business',
          durationMinutes: 10,
        },
      ])
      .returning()
    const paper = (title: string, restricted: boolean) => ({
      id: randomUUID(),
      partnershipId,
      meetingId: meeting.id,
      agendaItemId: item!.id,
      title,
      restricted,
      firstCirculatedAt: new Date('2026-02-20T09:00:00Z'),
    })
    const rows = [paper('Neglect strategy draft', false), paper('Case audit findings', true)]
    await db.insert(papers).values(rows)
    await db.insert(paperVersions).values(
      rows.map((p) => ({
        id: randomUUID(),
        partnershipId,
        paperId: p.id,
        version: 1,
        filename: `${p.title}.pdf`,
        contentType: 'application/pdf',
        size: 4,
        sha256: createHash('sha256').update('%PDF').digest('hex'),
        content: Buffer.from('%PDF'),
      })),
    )
    await db.insert(attendance).values([
      {
        id: randomUUID(),
        partnershipId,
        meetingId: meeting.id,
        membershipId: world.seats.chair.id,
        personId: world.people.chair.id,
        outcome: 'present',
      },
      {
        id: randomUUID(),
        partnershipId,
        meetingId: meeting.id,
        membershipId: world.seats.police.id,
        personId: world.people.police.id,
        intent: 'deputy',
        intentDeputyId: world.people.deputy.id,
        outcome: 'deputy',
        deputyId: world.people.deputy.id,
      },
      {
        id: randomUUID(),
        partnershipId,
        meetingId: meeting.id,
        membershipId: world.seats.health.id,
        personId: world.people.health.id,
        intent: 'apologies',
        outcome: 'apologies',
      },
    ])
    const decisionId = randomUUID()
    await db.insert(decisions).values({
      id: decisionId,
      partnershipId,
      meetingId: meeting.id,
      agendaItemId: item!.id,
      reference: 'D2026-001',
      text: 'Adopt the neglect strategy',
      outcome: 'consensus',
      implementationOn: '2026-03-20',
    })
    // Its objection must be counted for this decision (not matched by the objection's own id).
    await db.insert(decisionObjections).values({
      id: randomUUID(),
      partnershipId,
      decisionId,
      agencyId: world.agencies.police.id,
      receivedOn: '2026-02-27',
      reasons: 'Police need to consult their force lead',
    })
    t = await buildTestApp(database, { now: () => NOW })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  const as = async (account: { email: string; password: string }) => {
    const client = new TestClient(t.app)
    await client.signIn(account.email, account.password)
    return client
  }

  it('shows the agenda with times, papers and decisions, the seats, the quorum and the deadlines', async () => {
    const response = await (await as(world.accounts.chair)).get(path)
    expect(response.statusCode).toBe(200)
    const html = response.body
    expect(html).toContain('Neglect strategy')
    expect(html).toContain('14:00 (30 minutes)')
    expect(html).toContain('14:30 (10 minutes)')
    expect(html).toContain('Case audit findings')
    expect(html).toContain('D2026-001')
    expect(html).toContain('Suspended: objection received')
    expect(html).toContain('Deputy attended: Dev Deputy')
    expect(html).toContain('Quorum: 3 needed, 2 seats filled')
    expect(html).toContain('Not quorate')
    // Meeting on Monday 23 February + 10 working days.
    expect(html).toContain('9 March 2026: meeting on 23 February 2026 + 10 working days')
    expect(html).toContain('16 February 2026: meeting on 23 February 2026 − 7 days')
  })

  it('hides restricted papers from a partner who does not sit on the group', async () => {
    const response = await (await as(world.accounts.partner)).get(path)
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain('Neglect strategy draft')
    expect(response.body).not.toContain('Case audit findings')
  })

  it('refuses a member of another group and hides other partnerships’ meetings', async () => {
    expect((await (await as(world.accounts.otherMember)).get(path)).statusCode).toBe(403)
    const other = await buildMeetingWorld(database.db)
    const outsider = await as(other.accounts.administrator)
    expect(
      (await outsider.get(path.replace(world.partnership.slug, other.partnership.slug))).statusCode,
    ).toBe(404)
    expect((await outsider.get(`/p/${other.partnership.slug}/meetings/not-a-uuid`)).statusCode).toBe(404)
  })
})
