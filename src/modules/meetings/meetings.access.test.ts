import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../../platform/db/client.ts'
import { canSeeMeeting, meetingAccess, visibleMeetings } from './meetings.access.ts'
import {
  buildMeetingWorld,
  insertGroup,
  insertMeeting,
  type MeetingWorld,
  TODAY,
} from './meetings.fixtures.ts'
import { meetings } from './meetings.table.ts'

describe('who sees a meeting', () => {
  let database: Database
  let world: MeetingWorld
  let open: string
  let confidential: string

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
    const { partnership, group } = world
    open = (
      await insertMeeting(database.db, {
        partnershipId: partnership.id,
        groupId: group.id,
        heldOn: '2026-03-10',
      })
    ).id
    const secret = await insertGroup(database.db, partnership.id, { confidential: true })
    confidential = (
      await insertMeeting(database.db, {
        partnershipId: partnership.id,
        groupId: secret.id,
        heldOn: '2026-03-11',
      })
    ).id
  })
  afterAll(() => database.close())

  const access = (
    meetingId: string,
    role: 'administrator' | 'business_team' | 'partner' | 'member' | 'scrutineer',
    userId: string,
  ) => meetingAccess(database.db, world.partnership.id, meetingId, { role, userId }, TODAY)

  it('lets a member of the group see its meetings and marks the chair', async () => {
    const chair = await access(open, 'member', world.accounts.chair.userId)
    expect(chair?.viewer.isMember).toBe(true)
    expect(chair?.viewer.isChair).toBe(true)
    expect(chair?.canSeeRestricted).toBe(true)
    expect(chair?.canEdit).toBe(false)
    const head = await access(open, 'member', world.accounts.head.userId)
    expect(head?.viewer.isChair).toBe(false)
  })

  it('keeps the member role to its own groups and confidential groups to their members', async () => {
    const other = await access(open, 'member', world.accounts.otherMember.userId)
    expect(other && canSeeMeeting(other.viewer, other.group, other.viewer.isMember)).toBe(false)
    const partner = await access(open, 'partner', world.accounts.partner.userId)
    expect(partner && canSeeMeeting(partner.viewer, partner.group, partner.viewer.isMember)).toBe(true)
    expect(partner?.canSeeRestricted).toBe(false)
    const secret = await access(confidential, 'partner', world.accounts.partner.userId)
    expect(secret && canSeeMeeting(secret.viewer, secret.group, secret.viewer.isMember)).toBe(false)
    const team = await access(confidential, 'business_team', world.accounts.businessTeam.userId)
    expect(team?.canEdit).toBe(true)
  })

  it('lists only what the viewer may open', async () => {
    const list = (role: 'partner' | 'member', userId: string) =>
      database.db
        .select({ id: meetings.id })
        .from(meetings)
        .where(
          and(eq(meetings.partnershipId, world.partnership.id), visibleMeetings({ role, userId }, TODAY)),
        )
    expect((await list('partner', world.accounts.partner.userId)).map((r) => r.id)).toEqual([open])
    expect((await list('member', world.accounts.head.userId)).map((r) => r.id)).toEqual([open])
    expect(await list('member', world.accounts.otherMember.userId)).toEqual([])
  })

  it('answers null for another partnership’s meeting or a malformed id', async () => {
    expect(
      await meetingAccess(
        database.db,
        world.partnership.id,
        'nope',
        { role: 'administrator', userId: null },
        TODAY,
      ),
    ).toBeNull()
  })
})
