import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership } from '../../../test/factories.ts'
import { createApiToken } from '../../platform/auth/api-tokens.service.ts'
import type { Database } from '../../platform/db/client.ts'
import {
  buildMeetingWorld,
  insertGroup,
  insertMeeting,
  type MeetingWorld,
  NOW,
} from '../meetings/meetings.fixtures.ts'
import { insertAction, insertIssue } from './actions.fixtures.ts'
import { type Action, actionExtensions, actionResponses, actions } from './actions.table.ts'

// Today is Monday 2 March 2026. The matrix of the meeting of Monday 16 February was issued that
// day: due Monday 2 March (due soon today). An older one, issued 2 February, was due 16 February.

describe('actions API', () => {
  let database: Database
  let t: TestApp
  let world: MeetingWorld
  let token: string
  let otherToken: string
  let otherSlug: string
  let confidentialSlug: string
  const made: Record<string, Action> = {}

  const get = (url: string, bearer: string | null = token) =>
    t.app.inject({ method: 'GET', url, headers: bearer ? { authorization: `Bearer ${bearer}` } : {} })
  const base = () => `/api/v1/partnerships/${world.partnership.slug}`

  beforeAll(async () => {
    database = await createTestDatabase()
    const db = database.db
    world = await buildMeetingWorld(db)
    const pid = world.partnership.id
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
    token = await tokenFor(pid)
    const other = await buildPartnership(db)
    otherSlug = other.slug
    otherToken = await tokenFor(other.id)

    const held = await insertMeeting(db, {
      partnershipId: pid,
      groupId: world.group.id,
      heldOn: '2026-02-16',
    })
    const earlier = await insertMeeting(db, {
      partnershipId: pid,
      groupId: world.group.id,
      heldOn: '2026-02-02',
    })
    const action = async (key: string, reference: string, fields: Partial<Action> = {}) => {
      made[key] = await insertAction(db, {
        partnershipId: pid,
        groupId: world.group.id,
        ownerAgencyId: world.agencies.police.id,
        meetingId: held.id,
        reference,
        description: `Action ${key}`,
        ...fields,
      })
    }
    await action('dueSoon', 'A2026-0001', { ownerPersonId: world.people.police.id })
    await action('overdue', 'A2026-0002', { ownerAgencyId: world.agencies.council.id, meetingId: earlier.id })
    await action('extended', 'A2026-0003', { meetingId: earlier.id })
    await action('notIssued', 'A2026-0004', { meetingId: null })
    await insertIssue(db, {
      partnershipId: pid,
      meetingId: held.id,
      issuedOn: '2026-02-16',
      dueOn: '2026-03-02',
      actionIds: [made.dueSoon!.id],
    })
    await insertIssue(db, {
      partnershipId: pid,
      meetingId: earlier.id,
      issuedOn: '2026-02-02',
      dueOn: '2026-02-16',
      actionIds: [made.overdue!.id, made.extended!.id],
    })
    // An extension moved the third to 20 March; a response came for the first deadline.
    await db.update(actions).set({ dueOn: '2026-03-20' }).where(eq(actions.id, made.extended!.id))
    await db.insert(actionExtensions).values({
      id: randomUUID(),
      partnershipId: pid,
      actionId: made.extended!.id,
      requestedOn: '2026-02-12',
      proposedDueOn: '2026-03-20',
      reason: 'Waiting for data',
      decision: 'approved',
      newDueOn: '2026-03-20',
      decidedAt: new Date('2026-02-13T10:00:00Z'),
    })
    await db.insert(actionResponses).values({
      id: randomUUID(),
      partnershipId: pid,
      actionId: made.dueSoon!.id,
      text: 'Started',
      respondedOn: '2026-02-20',
      respondedAt: new Date('2026-02-20T10:00:00Z'),
      dueOn: '2026-02-27',
    })
    const confidential = await insertGroup(db, pid, { name: 'Practice Review Panel', confidential: true })
    confidentialSlug = confidential.slug
    await action('secret', 'A2026-0005', { groupId: confidential.id, meetingId: null })
    t = await buildTestApp(database, { now: () => NOW })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('lists the actions of groups that are not confidential, with deadline, explanation and status', async () => {
    const response = await get(`${base()}/actions`)
    expect(response.statusCode).toBe(200)
    const body = response.json()
    expect(body).toMatchObject({ total: 4, limit: 50, offset: 0 })
    expect(body.items.map((a: { reference: string }) => a.reference)).toEqual([
      'A2026-0001',
      'A2026-0002',
      'A2026-0003',
      'A2026-0004',
    ])
    expect(response.body).not.toContain('Action secret')
    const [dueSoon, overdue, extended, notIssued] = body.items
    expect(dueSoon).toMatchObject({
      id: made.dueSoon!.id,
      description: 'Action dueSoon',
      group: { id: world.group.id, slug: world.group.slug, name: world.group.name },
      meeting: { heldOn: '2026-02-16', title: `${world.group.name}, 16 February 2026` },
      ownerAgency: { id: world.agencies.police.id, name: 'Testshire Police' },
      ownerPerson: 'Pat Police',
      issuedOn: '2026-02-16',
      deadline: {
        due: '2026-03-02',
        explanation:
          '2 March 2026: action matrix received on 16 February 2026 + 10 working days, skipping 4 weekend days',
      },
      // The response answered an earlier deadline, not the one in force.
      rag: 'due_soon',
      responses: 1,
      lastResponseOn: '2026-02-20',
      closedOn: null,
    })
    expect(dueSoon.url).toMatch(new RegExp(`/p/${world.partnership.slug}/actions/${made.dueSoon!.id}$`))
    expect(overdue).toMatchObject({ rag: 'overdue', deadline: { due: '2026-02-16' }, responses: 0 })
    expect(extended).toMatchObject({
      rag: 'open',
      deadline: {
        due: '2026-03-20',
        explanation:
          '20 March 2026: extended on 13 February 2026 (the action matrix was issued on 2 February 2026)',
      },
    })
    expect(notIssued).toMatchObject({ rag: 'not_issued', deadline: null, issuedOn: null, meeting: null })
  })

  it('filters by agency, group, status and due date, a page at a time', async () => {
    const refs = async (query: string) =>
      ((await get(`${base()}/actions?${query}`)).json().items as { reference: string }[]).map(
        (a) => a.reference,
      )
    expect(await refs(`agency=${world.agencies.council.id}`)).toEqual(['A2026-0002'])
    expect(await refs('rag=overdue')).toEqual(['A2026-0002'])
    expect(await refs('rag=not_issued')).toEqual(['A2026-0004'])
    expect(await refs('from=2026-03-01&to=2026-03-31')).toEqual(['A2026-0001', 'A2026-0003'])
    expect(await refs(`group=${world.group.slug}&limit=2&offset=1`)).toEqual(['A2026-0002', 'A2026-0003'])
    const hidden = (await get(`${base()}/actions?group=${confidentialSlug}`)).json()
    expect(hidden).toMatchObject({ total: 0, items: [] })
  })

  it('answers bad query parameters with 400 problem details', async () => {
    for (const query of [
      'rag=red',
      'agency=nope',
      'group=Not%20A%20Slug',
      'from=yesterday',
      'to=2026-02-30',
      'limit=0',
      'limit=101',
      'offset=-1',
      'from=2026-04-01&to=2026-03-01',
    ]) {
      const response = await get(`${base()}/actions?${query}`)
      expect(response.statusCode, query).toBe(400)
      expect(response.headers['content-type']).toContain('application/problem+json')
    }
  })

  it('is for a token of the partnership only', async () => {
    expect((await get(`${base()}/actions`, null)).statusCode).toBe(401)
    expect((await get(`${base()}/actions`, 'not-a-token')).statusCode).toBe(401)
    expect((await get(`${base()}/actions`, otherToken)).statusCode).toBe(404)
    expect((await get(`/api/v1/partnerships/${otherSlug}/actions`, otherToken)).json()).toMatchObject({
      total: 0,
      items: [],
    })
  })

  it('is described in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as {
      paths: Record<
        string,
        { get?: { tags?: string[]; security?: unknown; parameters?: { name: string }[] } }
      >
    }
    const list = doc.paths['/api/v1/partnerships/{slug}/actions']?.get
    expect(list?.tags).toEqual(['actions'])
    expect(list?.security).toEqual([{ bearer: [] }])
    expect(list?.parameters?.map((p) => p.name)).toEqual(
      expect.arrayContaining(['agency', 'group', 'rag', 'from', 'to', 'limit', 'offset', 'slug']),
    )
  })
})
