import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import { createCalendar } from '../../platform/calendar/calendar.ts'
import type { Database } from '../../platform/db/client.ts'
import { buildMeetingWorld, insertMeeting, type MeetingWorld } from '../meetings/meetings.fixtures.ts'
import { insertIssue } from './actions.fixtures.ts'
import { actionLinks } from './actions.table.ts'
import {
  checkActionLink,
  createActionLink,
  expireLinks,
  hashLinkToken,
  linkExpiry,
  useActionLink,
} from './links.service.ts'

const NOW = new Date('2026-03-02T10:00:00Z')

describe('response links', () => {
  let database: Database
  let world: MeetingWorld
  let issueId: string
  const newLink = (fields: { expiresAt?: Date; agencyId?: string } = {}) =>
    createActionLink(database.db, {
      partnershipId: world.partnership.id,
      issueId,
      agencyId: fields.agencyId ?? world.agencies.police.id,
      personId: world.people.deputy.id,
      email: world.people.deputy.email!,
      expiresAt: fields.expiresAt ?? new Date('2026-04-15T23:00:00Z'),
      now: NOW,
    })

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
    const meeting = await insertMeeting(database.db, {
      partnershipId: world.partnership.id,
      groupId: world.group.id,
      heldOn: '2026-02-23',
    })
    issueId = await insertIssue(database.db, {
      partnershipId: world.partnership.id,
      meetingId: meeting.id,
      issuedOn: '2026-03-02',
      dueOn: '2026-03-16',
    })
  })
  afterAll(async () => {
    await database.close()
  })

  it('keeps only the SHA-256 of a 32-byte token', async () => {
    const { id, token } = await newLink()
    expect(Buffer.from(token, 'base64url')).toHaveLength(32)
    const [row] = await database.db.select().from(actionLinks).where(eq(actionLinks.id, id))
    expect(row!.tokenHash).toBe(hashLinkToken(token))
    expect(row!.tokenHash).toMatch(/^[0-9a-f]{64}$/)
    expect(JSON.stringify(row)).not.toContain(token)
  })

  it('is good once: used, it stays used, and a second use fails', async () => {
    const { id, token } = await newLink()
    expect((await checkActionLink(database.db, token, NOW)).status).toBe('ok')
    expect(await useActionLink(database.db, id, NOW)).toBe(true)
    expect(await useActionLink(database.db, id, NOW)).toBe(false)
    expect((await checkActionLink(database.db, token, NOW)).status).toBe('used')
  })

  it('expires at its time, and an unknown token is unknown', async () => {
    const expiresAt = new Date('2026-03-03T00:00:00Z')
    const { id, token } = await newLink({ expiresAt })
    expect((await checkActionLink(database.db, token, new Date(expiresAt.getTime() - 1))).status).toBe('ok')
    expect((await checkActionLink(database.db, token, expiresAt)).status).toBe('expired')
    expect(await useActionLink(database.db, id, expiresAt)).toBe(false)
    expect((await checkActionLink(database.db, 'not-a-token', NOW)).status).toBe('unknown')
    expect((await checkActionLink(database.db, '', NOW)).status).toBe('unknown')
  })

  it('ends the unused links of one issue and agency only', async () => {
    const police = await newLink()
    const health = await newLink({ agencyId: world.agencies.health.id })
    const ended = await expireLinks(database.db, { issueId, agencyId: world.agencies.police.id, now: NOW })
    expect(ended).toBeGreaterThanOrEqual(1)
    expect((await checkActionLink(database.db, police.token, NOW)).status).toBe('expired')
    expect((await checkActionLink(database.db, health.token, NOW)).status).toBe('ok')
  })

  it('lasts until the end of the 20th working day after the deadline, London time', () => {
    const calendar = createCalendar()
    // 16 March 2026 + 20 working days skips Good Friday and Easter Monday: 15 April (BST).
    expect(linkExpiry(calendar, '2026-03-16').toISOString()).toBe('2026-04-15T23:00:00.000Z')
    // 27 September 2022 + 20 working days: 25 October 2022, still BST.
    expect(linkExpiry(calendar, '2022-09-27').toISOString()).toBe('2022-10-25T23:00:00.000Z')
    // In winter London is on GMT: 1 December 2025 + 20 working days, skipping Christmas, is 31 December.
    expect(linkExpiry(calendar, '2025-12-01').toISOString()).toBe('2026-01-01T00:00:00.000Z')
  })
})
