import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp, type TestClient } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../../platform/db/client.ts'
import { buildMeetingWorld, insertMeeting, type MeetingWorld, NOW } from './meetings.fixtures.ts'
import { clientsFor, type Who, walk } from './permission-walk.ts'

// Who gets what on every page of the meetings module: 200 allowed, 403 refused, 404 outside the
// partnership, 303 sent to sign in. The meeting's group is not confidential; `head` sits on it,
// `otherMember` (member role) does not.

const view = {
  anonymous: 303,
  administrator: 200,
  businessTeam: 200,
  chair: 200,
  head: 200,
  partner: 200,
  otherMember: 403,
  scrutineer: 200,
  outsider: 404,
}
const open = { ...view, otherMember: 200 }
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
const admin = { ...edit, businessTeam: 403 }

describe('meetings pages: who may open what', () => {
  let database: Database
  let t: TestApp
  let world: MeetingWorld
  let outsider: { email: string; password: string }
  let clients: Map<Who, TestClient>

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
    outsider = (await buildMeetingWorld(database.db)).accounts.administrator
    t = await buildTestApp(database, { now: () => NOW })
    clients = await clientsFor(t, world, outsider)
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('answers each person as the policy says, on every page', async () => {
    const meeting = await insertMeeting(database.db, {
      partnershipId: world.partnership.id,
      groupId: world.group.id,
      heldOn: '2026-02-23',
    })
    const p = `/p/${world.partnership.slug}`
    const m = `${p}/meetings/${meeting.id}`
    const pages: [string, Record<Who, number>][] = [
      [`${p}/meetings`, open],
      [`${p}/my-meetings`, open],
      [`${p}/decisions`, open],
      [`${p}/extraordinary-requests`, open],
      [`${p}/meetings/new`, edit],
      [`${p}/meetings/generate`, edit],
      [`${p}/templates`, admin],
      [m, view],
      [`${m}/agenda`, view],
      [`${m}/papers`, view],
      [`${m}/attendance`, view],
      [`${m}/minutes`, view],
      [`${m}/decisions`, view],
      [`${m}/edit`, edit],
      [`${m}/cancel`, edit],
      [`${m}/agenda/new`, edit],
      [`${m}/papers/new`, edit],
      [`${m}/papers/circulate`, edit],
      [`${m}/attendance/record`, edit],
      [`${m}/minutes/edit`, edit],
      [`${m}/decisions/new`, edit],
    ]
    const { got, want } = await walk(clients, pages)
    expect(got).toEqual(want)
  })
})
