import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp, type TestClient } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../../platform/db/client.ts'
import { buildMeetingWorld, insertMeeting, type MeetingWorld, NOW } from '../meetings/meetings.fixtures.ts'
import { clientsFor, type Who, walk } from '../meetings/permission-walk.ts'
import { insertAction } from './actions.fixtures.ts'

// Who gets what on every page of the actions module: 200 allowed, 403 refused, 404 outside the
// partnership, 303 sent to sign in. `head` sits on the group, `otherMember` (member role) does not.

const open = {
  anonymous: 303,
  administrator: 200,
  businessTeam: 200,
  chair: 200,
  head: 200,
  partner: 200,
  otherMember: 200,
  scrutineer: 200,
  outsider: 404,
}
const groupOnly = { ...open, otherMember: 403 }
const edit = {
  anonymous: 303,
  administrator: 200,
  businessTeam: 200,
  chair: 403,
  head: 403,
  partner: 403,
  otherMember: 403,
  scrutineer: 403,
  outsider: 404,
}
const oversight = { ...open, chair: 403, head: 403, otherMember: 403 }

describe('actions pages: who may open what', () => {
  let database: Database
  let t: TestApp
  let world: MeetingWorld
  let clients: Map<Who, TestClient>

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
    const outsider = (await buildMeetingWorld(database.db)).accounts.administrator
    t = await buildTestApp(database, { now: () => NOW })
    clients = await clientsFor(t, world, outsider)
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('answers each person as the policy says, on every page', async () => {
    const { partnership, group, agencies } = world
    const meeting = await insertMeeting(database.db, {
      partnershipId: partnership.id,
      groupId: group.id,
      heldOn: '2026-02-23',
    })
    const action = await insertAction(database.db, {
      partnershipId: partnership.id,
      groupId: group.id,
      meetingId: meeting.id,
      ownerAgencyId: agencies.police.id,
    })
    const p = `/p/${partnership.slug}`
    const pages: [string, Record<Who, number>][] = [
      [`${p}/actions`, open],
      [`${p}/actions/new`, edit],
      [`${p}/actions/${action.id}`, groupOnly],
      [`${p}/actions/${action.id}/close`, edit],
      [`${p}/meetings/${meeting.id}/actions`, groupOnly],
      [`${p}/meetings/${meeting.id}/actions/issue`, edit],
      [`${p}/agencies/${agencies.police.id}/actions`, open],
      [`${p}/agencies/${agencies.police.id}/compliance`, oversight],
      [`${p}/compliance`, oversight],
      [`${p}/dashboard`, oversight],
      [`${p}/attendance-flags`, oversight],
      [`${p}/attendance-rates`, oversight],
    ]
    const { got, want } = await walk(clients, pages)
    expect(got).toEqual(want)
  })
})
