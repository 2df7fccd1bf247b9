import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import { buildUser } from '../../../test/factories.ts'
import type { Database } from '../../platform/db/client.ts'
import { insertPerson, insertSeat, type MeetingWorld, TODAY } from './meetings.fixtures.ts'
import { buildMyMeetingsWorld, type MyMeetingsWorld } from './my-meetings.fixtures.ts'
import { myMeetings } from './my-meetings.service.ts'

describe('my meetings', () => {
  let database: Database
  let world: MeetingWorld
  let built: MyMeetingsWorld

  beforeAll(async () => {
    database = await createTestDatabase()
    built = await buildMyMeetingsWorld(database.db)
    world = built.world
  })
  afterAll(() => database.close())

  const pageFor = (userId: string) =>
    myMeetings(database.db, { partnershipId: world.partnership.id, userId, today: TODAY })

  it('gives a member their meetings for 3 months, papers to read, apologies to send and requests', async () => {
    const page = await pageFor(world.accounts.head.userId)
    if (!page.linked) throw new Error('expected a linked person')
    const { soon, later, cancelled, extra } = built.meetings
    // Soonest first, the cancelled one included (it is marked), nothing past or beyond 3 months.
    expect(page.meetings.map((m) => m.meeting.id)).toEqual([soon.id, cancelled.id, extra.id, later.id])
    expect(page.meetings[0]?.roles).toEqual(['member'])
    // Apologies: within 14 days, not cancelled, nothing said yet.
    expect(page.apologies.map((m) => m.meeting.id)).toEqual([soon.id])
    // Papers: circulated and not withdrawn, restricted ones included, upcoming meetings only.
    expect(page.papers.map((p) => p.title)).toEqual(['Performance report', 'Case review summary'])
    expect(page.papers[1]?.restricted).toBe(true)
    expect(page.isChair).toBe(false)
    expect(page.minutes).toEqual([])
    expect(page.requests).toHaveLength(1)
    expect(page.requests[0]).toMatchObject({
      id: built.requests.waiting.id,
      supporters: 1,
      needed: 2,
      supportedByMe: false,
    })
  })

  it('leaves out meetings the person has already answered, and shows a chair the minutes to approve', async () => {
    const police = await pageFor(world.accounts.police.userId)
    if (!police.linked) throw new Error('expected a linked person')
    expect(police.apologies.map((m) => m.meeting.id)).not.toContain(built.meetings.soon.id)
    expect(police.requests[0]?.supportedByMe).toBe(true)
    const chair = await pageFor(world.accounts.chair.userId)
    if (!chair.linked) throw new Error('expected a linked person')
    expect(chair.isChair).toBe(true)
    expect(chair.minutes.map((m) => m.meetingId)).toEqual([built.meetings.past.id])
    expect(chair.meetings[0]?.roles).toEqual(['chair'])
  })

  it('shows a seat only on the days it covers, and a deputy no apologies to send', async () => {
    const user = await buildUser(database.db, { partnershipId: world.partnership.id, role: 'member' })
    const person = await insertPerson(database.db, world.partnership.id, {
      name: 'Lee Leaving',
      userId: user.id,
    })
    await insertSeat(database.db, {
      partnershipId: world.partnership.id,
      groupId: world.group.id,
      personId: person.id,
      role: 'deputy',
      deputyForId: world.seats.health.id,
      endsOn: '2026-03-11',
    })
    const page = await pageFor(user.id)
    if (!page.linked) throw new Error('expected a linked person')
    expect(page.meetings.map((m) => m.meeting.id)).toEqual([built.meetings.soon.id])
    expect(page.meetings[0]?.roles).toEqual(['deputy'])
    expect(page.apologies).toEqual([])
    expect(page.papers.map((p) => p.title)).toEqual(['Performance report'])
  })

  it('has empty sections for a person with no seats, and nothing for one not in the directory', async () => {
    const other = await pageFor(world.accounts.otherMember.userId)
    expect(other).toEqual({
      linked: true,
      meetings: [],
      apologies: [],
      papers: [],
      isChair: false,
      minutes: [],
      requests: [],
    })
    expect(await pageFor(world.accounts.businessTeam.userId)).toEqual({ linked: false })
  })
})
