import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import { createApiToken } from '../../platform/auth/api-tokens.service.ts'
import type { Database } from '../../platform/db/client.ts'
import { buildMeetingWorld, insertGroup, type MeetingWorld, NOW } from '../meetings/meetings.fixtures.ts'
import { complianceMeeting, insertFailure } from './compliance.fixtures.ts'
import { attendanceFlags } from './compliance.table.ts'

describe('compliance API', () => {
  let database: Database
  let t: TestApp
  let world: MeetingWorld
  let other: MeetingWorld
  let token: string
  let otherToken: string
  const get = (url: string, bearer: string | null = token) =>
    t.app.inject({ method: 'GET', url, headers: bearer ? { authorization: `Bearer ${bearer}` } : {} })
  const url = (agencyId: string, slug = world.partnership.slug) =>
    `/api/v1/partnerships/${slug}/agencies/${agencyId}/compliance`

  beforeAll(async () => {
    database = await createTestDatabase()
    const db = database.db
    world = await buildMeetingWorld(db)
    other = await buildMeetingWorld(db)
    const tokenFor = async (partnershipId: string) =>
      (
        await createApiToken(db, {
          partnershipId,
          name: 'Reporting',
          scope: 'read',
          createdBy: null,
          expiresAt: null,
          now: NOW,
        })
      ).token
    token = await tokenFor(world.partnership.id)
    otherToken = await tokenFor(other.partnership.id)
    const meeting = await complianceMeeting(db, world, '2025-09-01')
    await insertFailure(db, world, meeting, { dueOn: '2024-11-04', respondedOn: '2024-11-08' })
    await insertFailure(db, world, meeting, {
      dueOn: '2025-10-06',
      respondedOn: '2025-10-10',
      description: 'Review',
    })
    await insertFailure(db, world, meeting, { dueOn: '2026-01-12', description: 'Audit' })
    const confidential = await insertGroup(db, world.partnership.id, { confidential: true })
    const secretWorld = { ...world, group: confidential }
    await insertFailure(db, secretWorld, await complianceMeeting(db, secretWorld, '2025-12-01'), {
      dueOn: '2025-12-15',
      description: 'Secret matter',
    })
    const flag = (meetingId: string, closed: boolean) => ({
      id: randomUUID(),
      partnershipId: world.partnership.id,
      groupId: world.group.id,
      membershipId: world.seats.police.id,
      personId: world.people.police.id,
      meetingId,
      raisedOn: '2026-02-10',
      ...(closed ? { closedAt: NOW, closedReason: 'Deputy named' } : {}),
    })
    await db
      .insert(attendanceFlags)
      .values([
        flag((await complianceMeeting(db, world, '2026-02-09')).id, false),
        flag((await complianceMeeting(db, world, '2025-11-10')).id, true),
      ])
    t = await buildTestApp(database, { now: () => NOW })
  })

  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('gives an agency’s failures, letters and open attendance flags', async () => {
    const response = await get(url(world.agencies.police.id))
    expect(response.statusCode).toBe(200)
    const body = response.json()
    expect(body).toMatchObject({
      agency: { id: world.agencies.police.id, name: 'Testshire Police' },
      threshold: 2,
      windowMonths: 12,
      windowStart: '2025-03-02',
      letterDue: true,
      letters: [],
    })
    expect(body.failures.map((f: { dueOn: string }) => f.dueOn)).toEqual([
      '2026-01-12',
      '2025-12-15',
      '2025-10-06',
      '2024-11-04',
    ])
    expect(body.failures[0]).toMatchObject({
      kind: 'unanswered',
      respondedOn: null,
      description: 'Audit',
      pending: true,
    })
    expect(body.failures[2]).toMatchObject({ kind: 'late', respondedOn: '2025-10-10', inWindow: true })
    expect(body.failures[3]).toMatchObject({ inWindow: false, pending: false })
    // A token does not see what a confidential group's action asks.
    expect(body.failures[1]).toMatchObject({ description: null })
    expect(body.attendanceFlags).toEqual([
      expect.objectContaining({
        personName: 'Pat Police',
        meetingOn: '2026-02-09',
        groupName: world.group.name,
      }),
    ])
  })

  it('asks for a token of the partnership and an agency of it', async () => {
    expect((await get(url(world.agencies.police.id), null)).statusCode).toBe(401)
    expect((await get(url(world.agencies.police.id), 'not-a-token')).statusCode).toBe(401)
    expect((await get(url(world.agencies.police.id), otherToken)).statusCode).toBe(404)
    expect((await get(url(other.agencies.police.id))).statusCode).toBe(404)
    expect((await get(url('nope'))).statusCode).toBe(404)
    expect((await get(url(world.agencies.police.id, 'no-such-partnership'))).statusCode).toBe(404)
  })

  it('is described in the OpenAPI document under its tag', async () => {
    const document = (await get('/api/v1/openapi.json', null)).json()
    const path = document.paths['/api/v1/partnerships/{slug}/agencies/{agency}/compliance']
    expect(path.get.tags).toEqual(['compliance'])
    expect(path.get.security).toEqual([{ bearer: [] }])
  })
})
