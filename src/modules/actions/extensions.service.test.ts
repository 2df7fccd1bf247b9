import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { ChangeContext } from '../../platform/audit/audit.service.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import type { Database } from '../../platform/db/client.ts'
import { createOutbox, type Outbox } from '../../platform/notify/notify.service.ts'
import { outbox } from '../../platform/notify/notify.table.ts'
import { buildMeetingWorld, insertMeeting, type MeetingWorld } from '../meetings/meetings.fixtures.ts'
import type { Meeting } from '../meetings/meetings.table.ts'
import { insertAction, insertIssue } from './actions.fixtures.ts'
import { type Action, actionExtensions, actions } from './actions.table.ts'
import {
  decideExtension,
  extensionLimit,
  extensionMessages,
  newDeadlineProblem,
  requestExtension,
} from './extensions.service.ts'

const NOW = new Date('2026-03-10T10:00:00Z')
const context = { publicUrl: 'https://masa.test' }

describe('extensions', () => {
  let database: Database
  let mail: Outbox
  let world: MeetingWorld
  let meeting: Meeting
  const pid = () => world.partnership.id
  const as = (actorId: string): ChangeContext => ({ partnershipId: pid(), actorId, now: NOW })
  const owner = () => as(world.accounts.police.userId)
  const team = () => as(world.accounts.businessTeam.userId)
  const issued = async (fields: Partial<Action> = {}) => {
    const action = await insertAction(database.db, {
      partnershipId: pid(),
      groupId: world.group.id,
      meetingId: meeting.id,
      ownerAgencyId: world.agencies.police.id,
      ownerPersonId: world.people.police.id,
      ...fields,
    })
    await insertIssue(database.db, {
      partnershipId: pid(),
      meetingId: meeting.id,
      issuedOn: '2026-03-02',
      dueOn: '2026-03-16',
      actionIds: [action.id],
    })
    return action
  }
  const ask = (action: Action, proposedDueOn: string, reason = 'The audit needs another month') =>
    requestExtension(database.db, mail, owner(), {
      actionId: action.id,
      proposedDueOn,
      reason,
      slug: world.partnership.slug,
      context,
    })
  const dueOf = async (id: string) =>
    (await database.db.select({ dueOn: actions.dueOn }).from(actions).where(eq(actions.id, id)))[0]!.dueOn

  beforeAll(async () => {
    database = await createTestDatabase()
    mail = createOutbox({ db: database.db, now: () => NOW })
    world = await buildMeetingWorld(database.db)
    meeting = await insertMeeting(database.db, {
      partnershipId: pid(),
      groupId: world.group.id,
      heldOn: '2026-02-23',
    })
  })
  afterAll(async () => {
    await database.close()
  })

  it('allows a date after the current deadline up to a year after the original one', () => {
    expect(extensionLimit('2026-03-16')).toBe('2027-03-16')
    expect(extensionLimit('2024-02-29')).toBe('2025-02-28')
    expect(newDeadlineProblem('2026-03-16', '2026-03-16', '2026-03-16')).toBe(
      'The new deadline must be after the current deadline, 16 March 2026',
    )
    expect(newDeadlineProblem('2026-03-17', '2026-03-16', '2026-03-16')).toBeNull()
    expect(newDeadlineProblem('2027-03-16', '2026-03-16', '2026-03-16')).toBeNull()
    expect(newDeadlineProblem('2027-03-17', '2026-03-16', '2026-03-16')).toBe(
      'An extension cannot go beyond 16 March 2027, a year after the original deadline',
    )
  })

  it('refuses a request outside the limits, writing nothing', async () => {
    const action = await issued()
    await expect(ask(action, '2026-03-16')).rejects.toMatchObject({
      fields: { proposedDueOn: 'The new deadline must be after the current deadline, 16 March 2026' },
    })
    await expect(ask(action, '2027-03-17')).rejects.toMatchObject({
      fields: {
        proposedDueOn: 'An extension cannot go beyond 16 March 2027, a year after the original deadline',
      },
    })
    const written = await database.db
      .select()
      .from(actionExtensions)
      .where(eq(actionExtensions.actionId, action.id))
    expect(written).toEqual([])
  })

  it('refuses a closed action, one not issued, and a second request while one waits', async () => {
    const closed = await issued({ closedAt: NOW, closedReason: 'Done' })
    await expect(ask(closed, '2026-04-01')).rejects.toMatchObject({
      status: 409,
      message: extensionMessages.closed,
    })
    const draft = await insertAction(database.db, {
      partnershipId: pid(),
      groupId: world.group.id,
      ownerAgencyId: world.agencies.police.id,
    })
    await expect(ask(draft, '2026-04-01')).rejects.toMatchObject({
      status: 409,
      message: extensionMessages.notIssued,
    })
    const action = await issued()
    await ask(action, '2026-04-01')
    await expect(ask(action, '2026-04-02')).rejects.toMatchObject({
      status: 409,
      message: extensionMessages.pending,
    })
  })

  it('records a request and tells the business team', async () => {
    const action = await issued()
    const extension = await ask(action, '2026-04-10')
    expect(extension).toMatchObject({
      actionId: action.id,
      requestedOn: '2026-03-10',
      requestedById: world.accounts.police.userId,
      proposedDueOn: '2026-04-10',
      decision: null,
    })
    const [notice] = (
      await database.db.select().from(outbox).where(eq(outbox.toAddress, world.accounts.businessTeam.email))
    ).filter((m) => m.subject === `More time asked for action ${action.reference}`)
    expect(notice!.textBody).toContain('Proposed deadline: 10 April 2026')
    expect(notice!.textBody).toContain(
      `https://masa.test/p/${world.partnership.slug}/actions/${action.id}/extensions/${extension.id}`,
    )
  })

  it('approves once with a new date: the deadline moves, the requester is told, a second decision is refused', async () => {
    const action = await issued()
    const extension = await ask(action, '2026-04-10')
    const decide = (newDueOn: string) =>
      decideExtension(database.db, mail, team(), {
        actionId: action.id,
        extensionId: extension.id,
        slug: world.partnership.slug,
        context,
        decision: 'approved',
        newDueOn,
        reason: 'Agreed: the audit is large',
      })
    await expect(decide('2027-04-01')).rejects.toMatchObject({
      fields: { newDueOn: 'An extension cannot go beyond 16 March 2027, a year after the original deadline' },
    })
    const decided = await decide('2026-04-17')
    expect(decided).toMatchObject({
      decision: 'approved',
      newDueOn: '2026-04-17',
      decidedById: world.accounts.businessTeam.userId,
    })
    expect(await dueOf(action.id)).toBe('2026-04-17')
    const [told] = (
      await database.db.select().from(outbox).where(eq(outbox.toAddress, world.accounts.police.email))
    ).filter((m) => m.subject === `More time for action ${action.reference}: approved`)
    expect(told!.textBody).toContain('approved: the new deadline is 17 April 2026')
    expect(told!.textBody).toContain('Reason: Agreed: the audit is large')
    await expect(decide('2026-04-20')).rejects.toMatchObject({
      status: 409,
      message: extensionMessages.decided,
    })
    expect(await dueOf(action.id)).toBe('2026-04-17')
    const audit = await database.db
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.entityType, 'action'),
          eq(auditLog.entityId, action.id),
          eq(auditLog.action, 'extend'),
        ),
      )
    expect(audit).toHaveLength(1)

    // A later request counts from the moved deadline, but its limit is still the original’s year.
    await expect(ask(action, '2026-04-17')).rejects.toMatchObject({
      fields: { proposedDueOn: 'The new deadline must be after the current deadline, 17 April 2026' },
    })
    expect((await ask(action, '2027-03-16')).proposedDueOn).toBe('2027-03-16')
  })

  it('refuses with a reason: the deadline stays and the requester is told', async () => {
    const action = await issued()
    const extension = await ask(action, '2026-04-10')
    const decided = await decideExtension(database.db, mail, team(), {
      actionId: action.id,
      extensionId: extension.id,
      slug: world.partnership.slug,
      context,
      decision: 'refused',
      reason: 'The panel needs it this month',
    })
    expect(decided).toMatchObject({
      decision: 'refused',
      newDueOn: null,
      decisionReason: 'The panel needs it this month',
    })
    expect(await dueOf(action.id)).toBe('2026-03-16')
    const [told] = (
      await database.db.select().from(outbox).where(eq(outbox.toAddress, world.accounts.police.email))
    ).filter((m) => m.subject === `More time for action ${action.reference}: refused`)
    expect(told!.textBody).toContain('refused: the deadline stays 16 March 2026')
  })
})
