import { randomUUID } from 'node:crypto'
import { and, eq, inArray } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { ChangeContext } from '../../platform/audit/audit.service.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import type { Database } from '../../platform/db/client.ts'
import { createOutbox, type Outbox } from '../../platform/notify/notify.service.ts'
import { outbox } from '../../platform/notify/notify.table.ts'
import { buildMeetingWorld, insertMeeting, type MeetingWorld } from '../meetings/meetings.fixtures.ts'
import type { Meeting } from '../meetings/meetings.table.ts'
import { agencies } from '../partnership/structure.table.ts'
import { insertAction, insertIssue } from './actions.fixtures.ts'
import { actionLinks, actionMatrixIssues, actions } from './actions.table.ts'
import { checkActionLink, hashLinkToken } from './links.service.ts'
import {
  issueMatrix,
  matrixIssues,
  matrixToIssue,
  responseDeadline,
  sendFreshLinks,
} from './matrix.service.ts'

const ISSUE_DAY = new Date('2026-03-02T10:00:00Z') // Monday 2 March 2026
const context = (slug: string) => ({
  slug,
  publicUrl: 'https://masa.test',
  meetingTitle: 'Test Group, 2 March 2026',
})

describe('issuing the action matrix', () => {
  let database: Database
  let mail: Outbox
  let world: MeetingWorld
  let meeting: Meeting
  let clock = ISSUE_DAY
  const change = (): ChangeContext => ({
    partnershipId: world.partnership.id,
    actorId: world.accounts.businessTeam.userId,
    now: clock,
  })
  const messagesTo = async (to: string) =>
    (await database.db.select().from(outbox).where(eq(outbox.toAddress, to))).filter(
      (m) => m.subject.startsWith('Actions for') || m.subject.startsWith('New link'),
    )
  let ids: Record<
    'policeOwned' | 'policeUnowned' | 'health' | 'school' | 'probation' | 'closed' | 'earlier' | 'elsewhere',
    string
  >
  let probationId: string

  beforeAll(async () => {
    database = await createTestDatabase()
    mail = createOutbox({ db: database.db, now: () => clock })
    world = await buildMeetingWorld(database.db)
    const pid = world.partnership.id
    meeting = await insertMeeting(database.db, {
      partnershipId: pid,
      groupId: world.group.id,
      heldOn: '2026-02-23',
    })
    const other = await insertMeeting(database.db, {
      partnershipId: pid,
      groupId: world.group.id,
      heldOn: '2026-01-19',
    })
    probationId = randomUUID()
    await database.db.insert(agencies).values({
      id: probationId,
      partnershipId: pid,
      name: 'Testshire Probation',
      kind: 'relevant_agency',
      sector: 'probation',
    })
    const action = (fields: Partial<typeof actions.$inferInsert> & { ownerAgencyId: string }) =>
      insertAction(database.db, {
        partnershipId: pid,
        groupId: world.group.id,
        meetingId: meeting.id,
        ...fields,
      })
    const { police, health, school } = world.agencies
    ids = {
      policeOwned: (
        await action({ ownerAgencyId: police.id, ownerPersonId: world.people.police.id, reference: 'P-1' })
      ).id,
      policeUnowned: (await action({ ownerAgencyId: police.id, reference: 'P-2' })).id,
      health: (
        await action({ ownerAgencyId: health.id, ownerPersonId: world.people.health.id, reference: 'H-1' })
      ).id,
      school: (await action({ ownerAgencyId: school.id, reference: 'S-1' })).id,
      probation: (await action({ ownerAgencyId: probationId, reference: 'PR-1' })).id,
      closed: (
        await action({
          ownerAgencyId: police.id,
          reference: 'P-3',
          closedAt: ISSUE_DAY,
          closedReason: 'Done',
        })
      ).id,
      earlier: (await action({ ownerAgencyId: police.id, reference: 'P-4' })).id,
      elsewhere: (
        await insertAction(database.db, {
          partnershipId: pid,
          groupId: world.group.id,
          meetingId: other.id,
          ownerAgencyId: police.id,
          reference: 'X-1',
        })
      ).id,
    }
    await insertIssue(database.db, {
      partnershipId: pid,
      meetingId: meeting.id,
      issuedOn: '2026-02-24',
      dueOn: '2026-03-10',
      actionIds: [ids.earlier],
    })
  })
  afterAll(async () => {
    await database.close()
  })

  it('lists the open actions not yet issued by agency, with who each agency’s e-mail goes to', async () => {
    const matrix = await matrixToIssue(database.db, meeting.id, '2026-03-02')
    const byName = new Map(matrix.map((a) => [a.agencyName, a]))
    expect([...byName.keys()]).toEqual([
      'Testshire Academy',
      'Testshire Integrated Care Board',
      'Testshire Police',
      'Testshire Probation',
    ])
    const police = byName.get('Testshire Police')!
    expect(police.actions.map((a) => a.reference)).toEqual(['P-1', 'P-2'])
    // P-1's owner, then for the unowned P-2 the police people on the group (the member and the deputy).
    expect(police.recipients.map((r) => r.name).sort()).toEqual(['Dev Deputy', 'Pat Police'])
    expect(byName.get('Testshire Integrated Care Board')!.recipients.map((r) => r.name)).toEqual([
      'Harriet Health',
    ])
    expect(byName.get('Testshire Academy')!.recipients.map((r) => r.name)).toEqual(['Hana Head'])
    expect(byName.get('Testshire Probation')!.recipients).toEqual([])
  })

  it('issues once: stamps each action, sends one e-mail per agency and recipient with the deadline and a way to answer', async () => {
    const result = await issueMatrix(database.db, mail, change(), {
      meetingId: meeting.id,
      context: context(world.partnership.slug),
    })
    expect(result).not.toBeNull()
    expect(result!.deadline.date).toBe('2026-03-16')
    expect(result!.actions).toBe(5)
    expect(result!.notices).toBe(4)
    expect(result!.unsent).toEqual(['Testshire Probation'])

    const stamped = await database.db
      .select()
      .from(actions)
      .where(inArray(actions.id, [ids.policeOwned, ids.policeUnowned, ids.health, ids.school, ids.probation]))
    for (const a of stamped) {
      expect(a).toMatchObject({ issueId: result!.issueId, issuedOn: '2026-03-02', dueOn: '2026-03-16' })
    }
    const untouched = await database.db
      .select()
      .from(actions)
      .where(inArray(actions.id, [ids.closed, ids.earlier, ids.elsewhere]))
    expect(untouched.map((a) => a.issueId === result!.issueId)).toEqual([false, false, false])
    const [issue] = await database.db
      .select()
      .from(actionMatrixIssues)
      .where(eq(actionMatrixIssues.id, result!.issueId))
    expect(issue).toMatchObject({ issuedOn: '2026-03-02', dueOn: '2026-03-16', meetingId: meeting.id })

    // Pat has an account: one e-mail for both police actions, each with its respond page.
    const [pat] = await messagesTo(world.accounts.police.email)
    expect(pat!.subject).toBe(
      'Actions for Testshire Police from Test Group, 2 March 2026: respond by 16 March 2026',
    )
    expect(pat!.textBody).toContain(
      `https://masa.test/p/${world.partnership.slug}/actions/${ids.policeOwned}/respond`,
    )
    expect(pat!.textBody).toContain(
      `https://masa.test/p/${world.partnership.slug}/actions/${ids.policeUnowned}/respond`,
    )
    expect(pat!.textBody).toContain('16 March 2026: action matrix received on 2 March 2026 + 10 working days')
    expect(pat!.textBody).not.toContain('/respond/')
    // The deputy has no account: a single-use link, only its hash kept.
    const [dev] = await messagesTo(world.people.deputy.email!)
    const token = dev!.textBody.match(/https:\/\/masa\.test\/respond\/([\w-]+)/)?.[1]
    expect(token).toHaveLength(43)
    expect(dev!.textBody).toContain('P-1')
    expect(dev!.textBody).toContain('P-2')
    expect(dev!.textBody).not.toContain('H-1')
    const links = await database.db.select().from(actionLinks).where(eq(actionLinks.issueId, result!.issueId))
    expect(links).toHaveLength(2)
    const devLink = links.find((l) => l.personId === world.people.deputy.id)!
    expect(devLink.tokenHash).toBe(hashLinkToken(token!))
    expect(devLink.tokenHash).not.toContain(token!)
    expect(devLink.agencyId).toBe(world.agencies.police.id)
    // 20 working days after 16 March 2026, skipping Good Friday and Easter Monday: the end of 15 April.
    expect(devLink.expiresAt.toISOString()).toBe('2026-04-15T23:00:00.000Z')
    expect(dev!.textBody).toContain('until 15 April 2026')
    const [harriet] = await messagesTo(world.people.health.email!)
    expect(harriet!.textBody).toMatch(/\/respond\/[\w-]{43}/)
    expect(harriet!.textBody).not.toContain('P-1')
    expect(await messagesTo(world.accounts.head.email)).toHaveLength(1)

    const audit = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityType, 'action_matrix_issue'), eq(auditLog.entityId, result!.issueId)))
    expect(audit).toHaveLength(1)
  })

  it('sends nothing the second time: everything was issued', async () => {
    const before = (await database.db.select().from(outbox)).length
    const again = await issueMatrix(database.db, mail, change(), {
      meetingId: meeting.id,
      context: context(world.partnership.slug),
    })
    expect(again).toBeNull()
    expect((await database.db.select().from(outbox)).length).toBe(before)
    expect(await matrixToIssue(database.db, meeting.id, '2026-03-02')).toEqual([])
  })

  it('issues once when two submissions arrive together', async () => {
    const pid = world.partnership.id
    const second = await insertMeeting(database.db, {
      partnershipId: pid,
      groupId: world.group.id,
      heldOn: '2026-02-26',
    })
    const action = await insertAction(database.db, {
      partnershipId: pid,
      groupId: world.group.id,
      meetingId: second.id,
      ownerAgencyId: world.agencies.police.id,
      ownerPersonId: world.people.police.id,
    })
    const submit = () =>
      issueMatrix(database.db, mail, change(), {
        meetingId: second.id,
        context: context(world.partnership.slug),
      })
    const results = await Promise.all([submit(), submit()])
    const done = results.filter((r) => r !== null)
    expect(done).toHaveLength(1)
    const issues = await database.db
      .select()
      .from(actionMatrixIssues)
      .where(eq(actionMatrixIssues.meetingId, second.id))
    expect(issues).toHaveLength(1)
    const [stamped] = await database.db.select().from(actions).where(eq(actions.id, action.id))
    expect(stamped!.issueId).toBe(done[0]!.issueId)
  })

  it('lists the issues with each agency’s live links, and sends a fresh link that ends the old one', async () => {
    clock = new Date('2026-03-05T10:00:00Z')
    const [latest] = await matrixIssues(database.db, meeting.id, clock)
    const police = latest!.agencies.find((a) => a.agencyId === world.agencies.police.id)!
    expect(police).toMatchObject({ actions: 2, open: 2, liveLinks: 1 })
    const [oldLink] = await database.db
      .select()
      .from(actionLinks)
      .where(and(eq(actionLinks.issueId, latest!.id), eq(actionLinks.agencyId, world.agencies.police.id)))
    const sent = await sendFreshLinks(database.db, mail, change(), {
      meetingId: meeting.id,
      issueId: latest!.id,
      agencyId: world.agencies.police.id,
      context: context(world.partnership.slug),
    })
    expect(sent).toEqual({ sent: 1, expired: 1 })
    const [ended] = await database.db.select().from(actionLinks).where(eq(actionLinks.id, oldLink!.id))
    expect(ended!.expiresAt.getTime()).toBe(clock.getTime())
    const fresh = (await messagesTo(world.people.deputy.email!)).find((m) =>
      m.subject.startsWith('New link'),
    )!
    const token = fresh.textBody.match(/\/respond\/([\w-]+)/)![1]!
    const check = await checkActionLink(database.db, token, clock)
    expect(check.status).toBe('ok')
    const [after] = await matrixIssues(database.db, meeting.id, clock)
    expect(after!.agencies.find((a) => a.agencyId === world.agencies.police.id)!.liveLinks).toBe(1)
  })

  it('refuses a fresh link where nobody needs one, or for an issue of another meeting', async () => {
    const [latest] = await matrixIssues(database.db, meeting.id, clock)
    await expect(
      sendFreshLinks(database.db, mail, change(), {
        meetingId: meeting.id,
        issueId: latest!.id,
        agencyId: world.agencies.school.id,
        context: context(world.partnership.slug),
      }),
    ).rejects.toMatchObject({ status: 409, code: 'no_link_needed' })
    await expect(
      sendFreshLinks(database.db, mail, change(), {
        meetingId: randomUUID(),
        issueId: latest!.id,
        agencyId: world.agencies.police.id,
        context: context(world.partnership.slug),
      }),
    ).rejects.toMatchObject({ status: 404 })
  })
})

describe('the response deadline around a bank holiday', () => {
  let database: Database
  let world: MeetingWorld

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
  })
  afterAll(async () => {
    await database.close()
  })

  it('issued on Monday 12 September 2022 is due on 27 September, skipping the Queen’s funeral', async () => {
    const pid = world.partnership.id
    const meeting = await insertMeeting(database.db, {
      partnershipId: pid,
      groupId: world.group.id,
      heldOn: '2022-09-08',
    })
    const action = await insertAction(database.db, {
      partnershipId: pid,
      groupId: world.group.id,
      meetingId: meeting.id,
      ownerAgencyId: world.agencies.police.id,
      ownerPersonId: world.people.police.id,
    })
    const { deadline } = await responseDeadline(database.db, pid, '2022-09-12')
    expect(deadline.date).toBe('2022-09-27')
    expect(deadline.explanation).toMatch(
      /^27 September 2022: action matrix received on 12 September 2022 \+ 10 working days, skipping 4 weekend days and Queen Elizabeth's Funeral Day \(19 September 2022\)$/,
    )
    const now = new Date('2022-09-12T08:30:00Z')
    const result = await issueMatrix(
      database.db,
      createOutbox({ db: database.db, now: () => now }),
      {
        partnershipId: pid,
        actorId: world.accounts.businessTeam.userId,
        now,
      },
      { meetingId: meeting.id, context: context(world.partnership.slug) },
    )
    expect(result!.deadline.date).toBe('2022-09-27')
    const [stamped] = await database.db.select().from(actions).where(eq(actions.id, action.id))
    expect(stamped).toMatchObject({ issuedOn: '2022-09-12', dueOn: '2022-09-27' })
    const [mailed] = await database.db
      .select()
      .from(outbox)
      .where(eq(outbox.toAddress, world.accounts.police.email))
    expect(mailed!.subject).toContain('respond by 27 September 2022')
    expect(mailed!.textBody).toContain(
      'How this date was worked out: 27 September 2022: action matrix received on 12 September 2022',
    )
  })
})
