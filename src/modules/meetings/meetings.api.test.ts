import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.ts'
import { createTestDatabase } from '../../../test/db.ts'
import { buildPartnership } from '../../../test/factories.ts'
import { createApiToken } from '../../platform/auth/api-tokens.service.ts'
import type { Database } from '../../platform/db/client.ts'
import { attendance } from './attendance.table.ts'
import { decisionObjections, decisions } from './decisions.table.ts'
import { buildMeetingWorld, insertGroup, insertMeeting, type MeetingWorld, NOW } from './meetings.fixtures.ts'
import { agendaItems, type Meeting } from './meetings.table.ts'
import { minutes } from './minutes.table.ts'
import { papers, paperVersions } from './papers.table.ts'

// TODAY is Monday 2 March 2026. The meeting of Monday 16 February 2026 has happened: papers were
// due Monday 9 February, draft minutes Monday 2 March (10 working days).

describe('meetings and decisions API', () => {
  let database: Database
  let t: TestApp
  let world: MeetingWorld
  let token: string
  let otherToken: string
  let otherSlug: string
  let held: Meeting
  let next: Meeting
  let later: Meeting
  let secret: Meeting
  let confidentialSlug: string

  const get = (url: string, bearer: string | null = token) =>
    t.app.inject({ method: 'GET', url, headers: bearer ? { authorization: `Bearer ${bearer}` } : {} })
  const base = () => `/api/v1/partnerships/${world.partnership.slug}`

  beforeAll(async () => {
    database = await createTestDatabase()
    const db = database.db
    world = await buildMeetingWorld(db, { quorum: 2 })
    const p = world.partnership.id
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
    token = await tokenFor(p)
    const other = await buildPartnership(db)
    otherSlug = other.slug
    otherToken = await tokenFor(other.id)

    const meeting = (groupId: string, heldOn: string) =>
      insertMeeting(db, { partnershipId: p, groupId, heldOn })
    later = await meeting(world.group.id, '2026-04-01')
    held = await meeting(world.group.id, '2026-02-16')
    next = await meeting(world.group.id, '2026-03-10')
    const confidential = await insertGroup(db, p, { name: 'Practice Review Panel', confidential: true })
    confidentialSlug = confidential.slug
    secret = await meeting(confidential.id, '2026-02-20')

    const item = async (
      position: number,
      title: string,
      extra: Partial<typeof agendaItems.$inferInsert> = {},
    ) => {
      const [row] = await db
        .insert(agendaItems)
        .values({ id: randomUUID(), partnershipId: p, meetingId: held.id, position, title, ...extra })
        .returning()
      return row!
    }
    const second = await item(2, 'Budget', { decisionNeeded: true })
    await item(1, 'Welcome and apologies')
    await item(3, 'Withdrawn item', { withdrawnAt: NOW })

    const paper = async (title: string, circulatedOn: string | null, restricted = false) => {
      const id = randomUUID()
      await db.insert(papers).values({
        id,
        partnershipId: p,
        meetingId: held.id,
        agendaItemId: second.id,
        title,
        restricted,
        firstCirculatedAt: circulatedOn ? new Date(`${circulatedOn}T10:00:00Z`) : null,
      })
      return id
    }
    const onTime = await paper('Budget report', '2026-02-05')
    await paper('Late report', '2026-02-12')
    await paper('Restricted case summary', '2026-02-12', true)
    for (const version of [1, 2]) {
      await db.insert(paperVersions).values({
        id: randomUUID(),
        partnershipId: p,
        paperId: onTime,
        version,
        filename: `budget-v${version}.pdf`,
        contentType: 'application/pdf',
        size: 4,
        sha256: 'x'.repeat(64),
        content: new Uint8Array([37, 80, 68, 70]),
      })
    }

    const seat = (key: 'chair' | 'police' | 'health', values: Partial<typeof attendance.$inferInsert>) =>
      db.insert(attendance).values({
        id: randomUUID(),
        partnershipId: p,
        meetingId: held.id,
        membershipId: world.seats[key].id,
        personId: world.people[key].id,
        ...values,
      })
    await seat('chair', { outcome: 'present' })
    await seat('police', { intent: 'deputy', outcome: 'deputy', deputyId: world.people.deputy.id })
    await seat('health', { intent: 'apologies', outcome: 'apologies' })

    await db.insert(minutes).values({
      id: randomUUID(),
      partnershipId: p,
      meetingId: held.id,
      status: 'approved',
      sentToChairAt: new Date('2026-02-25T10:00:00Z'),
      approvedAt: new Date('2026-02-26T10:00:00Z'),
      uploadContent: new Uint8Array([1, 2, 3]),
    })

    const decision = async (reference: string, values: Partial<typeof decisions.$inferInsert>) => {
      const id = randomUUID()
      await db.insert(decisions).values({
        id,
        partnershipId: p,
        meetingId: held.id,
        agendaItemId: second.id,
        reference,
        text: `Decision ${reference}`,
        outcome: 'consensus',
        ...values,
      })
      return id
    }
    await decision('D1', { implementationOn: '2026-02-20' })
    const objected = await decision('D2', { implementationOn: '2026-04-01' })
    await decision('D3', { outcome: 'deferred', deferredToMeetingId: next.id })
    await db.insert(decisionObjections).values({
      id: randomUUID(),
      partnershipId: p,
      decisionId: objected,
      agencyId: world.agencies.health.id,
      receivedOn: '2026-02-25',
      reasons: 'Not affordable',
    })
    const [secretItem] = await db
      .insert(agendaItems)
      .values({ id: randomUUID(), partnershipId: p, meetingId: secret.id, position: 1, title: 'Case' })
      .returning()
    await db.insert(decisions).values({
      id: randomUUID(),
      partnershipId: p,
      meetingId: secret.id,
      agendaItemId: secretItem!.id,
      reference: 'S1',
      text: 'Confidential decision',
      outcome: 'referred',
    })

    t = await buildTestApp(database, { now: () => NOW })
  })
  afterAll(async () => {
    await t.app.close()
    await database.close()
  })

  it('lists the meetings of groups that are not confidential, oldest first, a page at a time', async () => {
    const response = await get(`${base()}/meetings`)
    expect(response.statusCode).toBe(200)
    const body = response.json()
    expect(body.total).toBe(3)
    expect(body.items.map((m: { id: string }) => m.id)).toEqual([held.id, next.id, later.id])
    expect(body.items[0]).toMatchObject({
      title: `${world.group.name}, 16 February 2026`,
      kind: 'ordinary',
      heldOn: '2026-02-16',
      startsAt: '2026-02-16T14:00:00.000Z',
      location: 'Civic Offices, Grays',
      cancelled: false,
      group: { id: world.group.id, slug: world.group.slug, name: world.group.name },
    })
    expect(body.items[0].url).toMatch(new RegExp(`/p/${world.partnership.slug}/meetings/${held.id}$`))

    const page = (await get(`${base()}/meetings?limit=1&offset=1`)).json()
    expect(page).toMatchObject({ total: 3, limit: 1, offset: 1 })
    expect(page.items.map((m: { id: string }) => m.id)).toEqual([next.id])
    const ranged = (await get(`${base()}/meetings?from=2026-03-01&to=2026-03-31`)).json()
    expect(ranged.items.map((m: { id: string }) => m.id)).toEqual([next.id])
    const byGroup = (await get(`${base()}/meetings?group=${world.group.slug}`)).json()
    expect(byGroup.total).toBe(3)
    const hidden = (await get(`${base()}/meetings?group=${confidentialSlug}`)).json()
    expect(hidden).toMatchObject({ total: 0, items: [] })
  })

  it('answers bad query parameters with 400 problem details', async () => {
    for (const query of [
      'from=yesterday',
      'to=2026-02-30',
      'limit=0',
      'limit=101',
      'offset=-1',
      'group=Not%20A%20Slug',
      'from=2026-04-01&to=2026-03-01',
    ]) {
      const response = await get(`${base()}/meetings?${query}`)
      expect(response.statusCode, query).toBe(400)
      expect(response.headers['content-type']).toContain('application/problem+json')
    }
    const state = await get(`${base()}/decisions?state=forgotten`)
    expect(state.statusCode).toBe(400)
    expect(state.json()).toMatchObject({ status: 400 })
  })

  it('gives one meeting with its agenda, papers, attendance, quorum, minutes deadlines and decisions', async () => {
    const response = await get(`${base()}/meetings/${held.id}`)
    expect(response.statusCode).toBe(200)
    const body = response.json()
    expect(body.agenda.map((a: { title: string }) => a.title)).toEqual(['Welcome and apologies', 'Budget'])
    // Papers: not restricted, metadata only.
    expect(body.papers.map((p: { title: string; late: boolean }) => [p.title, p.late])).toEqual([
      ['Budget report', false],
      ['Late report', true],
    ])
    expect(body.papers[0].latestVersion).toMatchObject({ version: 2, filename: 'budget-v2.pdf', size: 4 })
    expect(response.body).not.toContain('Restricted case summary')
    expect(response.body).not.toContain('content"')
    expect(body.papersDeadline).toEqual({
      due: '2026-02-09',
      explanation: '9 February 2026: meeting on 16 February 2026 − 7 days',
      latePapers: 2,
    })
    expect(body.attendance.counts).toEqual({
      seats: 4,
      present: 1,
      deputy: 1,
      apologies: 1,
      absent: 0,
      notRecorded: 1,
    })
    const police = body.attendance.seats.find(
      (s: { membershipId: string }) => s.membershipId === world.seats.police.id,
    )
    expect(police).toMatchObject({
      personName: 'Pat Police',
      intent: 'deputy',
      outcome: 'deputy',
      deputyName: 'Dev Deputy',
    })
    expect(police).not.toHaveProperty('email')
    expect(body.quorum).toEqual({ required: 2, attending: 2, met: true })
    expect(body.minutes.status).toBe('approved')
    expect(body.minutes.statusText).toBe('Approved by the chair')
    const [toChair, circulation, agreement] = body.minutes.deadlines
    expect(toChair).toMatchObject({ key: 'toChair', due: '2026-03-02', timeliness: 'on_time' })
    expect(toChair.explanation).toContain('meeting on 16 February 2026 + 10 working days')
    expect(circulation).toMatchObject({ key: 'circulation', due: '2026-03-05', timeliness: 'due', lateBy: 0 })
    expect(agreement).toMatchObject({ key: 'agreement', due: '2026-03-10' })
    expect(body.decisions.map((d: { reference: string; state: string }) => [d.reference, d.state])).toEqual([
      ['D1', 'implemented'],
      ['D2', 'suspended'],
      ['D3', 'deferred'],
    ])
    expect(body.decisions[1].objections).toBe(1)
  })

  it('does not find a confidential group’s meeting, a meeting that is not there, or another partnership’s', async () => {
    for (const id of [secret.id, randomUUID(), 'not-a-uuid']) {
      const response = await get(`${base()}/meetings/${id}`)
      expect(response.statusCode, id).toBe(404)
      expect(response.headers['content-type']).toContain('application/problem+json')
    }
    const theirs = await get(`${base()}/meetings/${held.id}`, otherToken)
    expect(theirs.statusCode).toBe(404)
    expect((await get(`/api/v1/partnerships/${otherSlug}/meetings/${held.id}`, otherToken)).statusCode).toBe(
      404,
    )
    expect((await get(`${base()}/meetings`, otherToken)).statusCode).toBe(404)
    expect((await get(`${base()}/decisions`, otherToken)).statusCode).toBe(404)
    expect((await get(`${base()}/meetings`, null)).statusCode).toBe(401)
  })

  it('lists decisions with their state, filtered by state and group', async () => {
    const all = (await get(`${base()}/decisions`)).json()
    expect(all.total).toBe(3)
    expect(all.items.map((d: { reference: string }) => d.reference)).toEqual(['D1', 'D2', 'D3'])
    expect(all.items[0]).toMatchObject({
      text: 'Decision D1',
      outcome: 'consensus',
      state: 'implemented',
      implementationOn: '2026-02-20',
      objections: 0,
      meeting: { id: held.id, heldOn: '2026-02-16', group: { slug: world.group.slug } },
    })
    const suspended = (await get(`${base()}/decisions?state=suspended`)).json()
    expect(suspended.items.map((d: { reference: string }) => d.reference)).toEqual(['D2'])
    const referred = (await get(`${base()}/decisions?state=referred`)).json()
    expect(referred).toMatchObject({ total: 0, items: [] })
    const byGroup = (await get(`${base()}/decisions?group=${world.group.slug}&limit=2`)).json()
    expect(byGroup).toMatchObject({ total: 3, limit: 2, offset: 0 })
    expect(byGroup.items).toHaveLength(2)
  })

  it('is described in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as {
      paths: Record<
        string,
        { get?: { tags?: string[]; security?: unknown; parameters?: { name: string }[] } }
      >
    }
    const list = doc.paths['/api/v1/partnerships/{slug}/meetings']?.get
    expect(list?.tags).toEqual(['meetings'])
    expect(list?.security).toEqual([{ bearer: [] }])
    expect(list?.parameters?.map((p) => p.name)).toEqual(
      expect.arrayContaining(['from', 'to', 'group', 'limit', 'offset', 'slug']),
    )
    expect(doc.paths['/api/v1/partnerships/{slug}/meetings/{meeting}']?.get?.tags).toEqual(['meetings'])
    expect(doc.paths['/api/v1/partnerships/{slug}/decisions']?.get?.tags).toEqual(['decisions'])
  })
})
