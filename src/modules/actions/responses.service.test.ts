import { randomUUID } from 'node:crypto'
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
import { minimalPdf } from '../meetings/papers.fixtures.ts'
import { insertAction, insertIssue } from './actions.fixtures.ts'
import { type Action, actionLinks, actionResponseFiles, actionResponses } from './actions.table.ts'
import { complianceFailures } from './compliance.table.ts'
import { createActionLink } from './links.service.ts'
import {
  answerAction,
  answererOf,
  answerThroughLink,
  closedMessage,
  linkPage,
  notIssuedMessage,
  responsesOf,
} from './responses.service.ts'

const ON_TIME = new Date('2026-03-16T16:00:00Z') // the deadline's own day
const LATE = new Date('2026-03-17T09:00:00Z')
const context = { publicUrl: 'https://masa.test' }

describe('answering actions', () => {
  let database: Database
  let mail: Outbox
  let world: MeetingWorld
  let meeting: Meeting
  let issueId: string
  let clock = ON_TIME
  const pid = () => world.partnership.id
  const change = (actorId: string | null = world.accounts.police.userId): ChangeContext => ({
    partnershipId: pid(),
    actorId,
    now: clock,
  })
  const issued = async (agency: 'police' | 'health' | 'school', fields: Partial<Action> = {}) => {
    const action = await insertAction(database.db, {
      partnershipId: pid(),
      groupId: world.group.id,
      meetingId: meeting.id,
      ownerAgencyId: world.agencies[agency].id,
      ...fields,
    })
    await insertIssue(database.db, {
      partnershipId: pid(),
      meetingId: meeting.id,
      issuedOn: '2026-03-02',
      dueOn: '2026-03-16',
      actionIds: [action.id],
    })
    return { ...action, issuedOn: '2026-03-02', dueOn: '2026-03-16' }
  }
  const answer = (action: Action, text = 'We have updated the referral pathway.') =>
    answerAction(database.db, mail, change(), {
      answer: { actionId: action.id, text, file: null },
      personId: world.people.police.id,
      slug: world.partnership.slug,
      context,
    })
  const failuresOf = (actionId: string) =>
    database.db.select().from(complianceFailures).where(eq(complianceFailures.actionId, actionId))

  beforeAll(async () => {
    database = await createTestDatabase()
    mail = createOutbox({ db: database.db, now: () => clock })
    world = await buildMeetingWorld(database.db)
    meeting = await insertMeeting(database.db, {
      partnershipId: pid(),
      groupId: world.group.id,
      heldOn: '2026-02-23',
    })
    issueId = await insertIssue(database.db, {
      partnershipId: pid(),
      meetingId: meeting.id,
      issuedOn: '2026-03-02',
      dueOn: '2026-03-16',
    })
  })
  afterAll(async () => {
    await database.close()
  })

  describe('signed in', () => {
    it('lets the owner, their agency and the business team answer, and nobody else', async () => {
      const action = await issued('police', { ownerPersonId: world.people.police.id })
      const viewer = (userId: string, role: 'member' | 'partner' | 'business_team' | 'scrutineer') => ({
        userId,
        role,
      })
      expect(
        await answererOf(database.db, pid(), action, viewer(world.accounts.police.userId, 'partner')),
      ).toEqual({
        allowed: true,
        personId: world.people.police.id,
      })
      const unowned = await issued('police')
      expect(
        (await answererOf(database.db, pid(), unowned, viewer(world.accounts.police.userId, 'partner')))
          .allowed,
      ).toBe(true)
      expect(
        (
          await answererOf(
            database.db,
            pid(),
            action,
            viewer(world.accounts.businessTeam.userId, 'business_team'),
          )
        ).allowed,
      ).toBe(true)
      expect(
        (await answererOf(database.db, pid(), action, viewer(world.accounts.head.userId, 'member'))).allowed,
      ).toBe(false)
      expect(
        (await answererOf(database.db, pid(), action, viewer(world.accounts.scrutineer.userId, 'scrutineer')))
          .allowed,
      ).toBe(false)
    })

    it('records an answer on the deadline’s day as on time: no failure, the business team told, audited', async () => {
      clock = ON_TIME
      const action = await issued('police')
      const result = await answer(action)
      expect(result).toMatchObject({ late: false, respondedOn: '2026-03-16', dueOn: '2026-03-16' })
      const [row] = await database.db
        .select()
        .from(actionResponses)
        .where(eq(actionResponses.actionId, action.id))
      expect(row).toMatchObject({
        respondedOn: '2026-03-16',
        dueOn: '2026-03-16',
        byUserId: world.accounts.police.userId,
        byPersonId: world.people.police.id,
        linkId: null,
      })
      expect(await failuresOf(action.id)).toEqual([])
      const notices = await database.db
        .select()
        .from(outbox)
        .where(eq(outbox.toAddress, world.accounts.businessTeam.email))
      const notice = notices.find((n) => n.textBody.includes(action.reference))!
      expect(notice.subject).toBe(`Response from Testshire Police to action ${action.reference}`)
      expect(notice.textBody).toContain('Answered on time')
      expect(notice.textBody).toContain(`https://masa.test/p/${world.partnership.slug}/actions/${action.id}`)
      const audit = await database.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.entityType, 'action_response'), eq(auditLog.entityId, row!.id)))
      expect(audit).toHaveLength(1)
    })

    it('records a late answer as late and writes the agency’s failure at once, or marks the sweep’s one late', async () => {
      clock = LATE
      const action = await issued('police')
      expect((await answer(action)).late).toBe(true)
      const [failure] = await failuresOf(action.id)
      expect(failure).toMatchObject({
        agencyId: world.agencies.police.id,
        dueOn: '2026-03-16',
        kind: 'late',
        respondedOn: '2026-03-17',
      })
      // The nightly sweep already wrote it as unanswered: the answer turns it late, still one row.
      const swept = await issued('police')
      await database.db.insert(complianceFailures).values({
        id: randomUUID(),
        partnershipId: pid(),
        agencyId: world.agencies.police.id,
        actionId: swept.id,
        dueOn: '2026-03-16',
        kind: 'unanswered',
      })
      await answer(swept)
      const rows = await failuresOf(swept.id)
      expect(rows).toHaveLength(1)
      expect(rows[0]).toMatchObject({ kind: 'late', respondedOn: '2026-03-17' })
      // A second late answer to the same deadline keeps one failure.
      await answer(swept, 'More detail')
      expect(await failuresOf(swept.id)).toHaveLength(1)
    })

    it('keeps an attachment with the response', async () => {
      clock = ON_TIME
      const action = await issued('police')
      const pdf = minimalPdf('Evidence')
      await answerAction(database.db, mail, change(), {
        answer: {
          actionId: action.id,
          text: 'See the attached audit.',
          file: { filename: 'audit.pdf', contentType: 'application/pdf', content: pdf },
        },
        personId: null,
        slug: world.partnership.slug,
        context,
      })
      const [listed] = await responsesOf(database.db, action.id)
      expect(listed).toMatchObject({
        text: 'See the attached audit.',
        filename: 'audit.pdf',
        size: pdf.length,
      })
      const [file] = await database.db
        .select()
        .from(actionResponseFiles)
        .where(eq(actionResponseFiles.id, listed!.fileId!))
      expect(Buffer.from(file!.content).equals(pdf)).toBe(true)
    })

    it('refuses a closed action and one not yet issued, writing nothing', async () => {
      const closed = await issued('police', { closedAt: ON_TIME, closedReason: 'Completed' })
      await expect(answer(closed)).rejects.toMatchObject({ status: 409, message: closedMessage })
      const draft = await insertAction(database.db, {
        partnershipId: pid(),
        groupId: world.group.id,
        ownerAgencyId: world.agencies.police.id,
      })
      await expect(answer(draft)).rejects.toMatchObject({ status: 409, message: notIssuedMessage })
      expect(await responsesOf(database.db, closed.id)).toEqual([])
      expect(await responsesOf(database.db, draft.id)).toEqual([])
    })
  })

  describe('through a single-use link', () => {
    let police1: Action
    let police2: Action
    let policeClosed: Action
    let health1: Action
    const link = async (agencyId = world.agencies.police.id, expiresAt = new Date('2026-04-15T23:00:00Z')) =>
      createActionLink(database.db, {
        partnershipId: pid(),
        issueId,
        agencyId,
        personId: world.people.deputy.id,
        email: world.people.deputy.email!,
        expiresAt,
        now: ON_TIME,
      })
    const inIssue = async (agency: 'police' | 'health', fields: Partial<Action> = {}) =>
      insertAction(database.db, {
        partnershipId: pid(),
        groupId: world.group.id,
        meetingId: meeting.id,
        ownerAgencyId: world.agencies[agency].id,
        issueId,
        issuedOn: '2026-03-02',
        dueOn: '2026-03-16',
        ...fields,
      })
    const submit = (token: string, answers: { actionId: string; text: string }[]) =>
      answerThroughLink(database.db, mail, {
        token,
        answers: answers.map((a) => ({ ...a, file: null })),
        now: clock,
        context,
      })

    beforeAll(async () => {
      police1 = await inIssue('police', { reference: `L-${Date.now()}-1` })
      police2 = await inIssue('police', { reference: `L-${Date.now()}-2` })
      policeClosed = await inIssue('police', { closedAt: ON_TIME, closedReason: 'Done' })
      health1 = await inIssue('health')
    })

    it('shows only the agency’s open actions from the issue', async () => {
      const { id } = await link()
      const [row] = await database.db.select().from(actionLinks).where(eq(actionLinks.id, id))
      const page = await linkPage(database.db, row!)
      const shown = page.actions.map((a) => a.id)
      expect(shown).toEqual(expect.arrayContaining([police1.id, police2.id]))
      expect(shown).not.toContain(policeClosed.id)
      expect(shown).not.toContain(health1.id)
      expect(page).toMatchObject({ agencyName: 'Testshire Police', dueOn: '2026-03-16' })
    })

    it('answers several actions at once and is then used: a second submission changes nothing', async () => {
      clock = ON_TIME
      const { id, token } = await link()
      const result = await submit(token, [
        { actionId: police1.id, text: 'Done: training delivered.' },
        { actionId: police2.id, text: 'In progress.' },
      ])
      expect(result).toEqual({
        status: 'ok',
        answered: [
          { actionId: police1.id, late: false },
          { actionId: police2.id, late: false },
        ],
      })
      const [used] = await database.db.select().from(actionLinks).where(eq(actionLinks.id, id))
      expect(used!.usedAt?.getTime()).toBe(ON_TIME.getTime())
      const [response] = await responsesOf(database.db, police1.id)
      expect(response).toMatchObject({
        text: 'Done: training delivered.',
        throughLink: true,
        byName: 'Dev Deputy',
      })
      const again = await submit(token, [{ actionId: police1.id, text: 'Again' }])
      expect(again).toEqual({ status: 'used' })
      expect(await responsesOf(database.db, police1.id)).toHaveLength(1)
    })

    it('takes one of two submissions of the same link made together', async () => {
      clock = ON_TIME
      const action = await inIssue('police')
      const { token } = await link()
      const results = await Promise.all([
        submit(token, [{ actionId: action.id, text: 'First' }]),
        submit(token, [{ actionId: action.id, text: 'Second' }]),
      ])
      expect(results.map((r) => r.status).sort()).toEqual(['ok', 'used'])
      expect(await responsesOf(database.db, action.id)).toHaveLength(1)
    })

    it('refuses an expired or unknown link, changing nothing', async () => {
      const { token } = await link(world.agencies.police.id, new Date('2026-03-10T00:00:00Z'))
      expect(await submit(token, [{ actionId: police2.id, text: 'Too late' }])).toEqual({ status: 'expired' })
      expect(await submit('made-up-token', [{ actionId: police2.id, text: 'Who?' }])).toEqual({
        status: 'unknown',
      })
      expect(await responsesOf(database.db, police2.id)).toHaveLength(1)
    })

    it('refuses another agency’s action (and a closed one): nothing written, the link still usable', async () => {
      const { id, token } = await link()
      await expect(
        submit(token, [
          { actionId: police1.id, text: 'Fine' },
          { actionId: health1.id, text: 'Not ours' },
        ]),
      ).rejects.toMatchObject({ status: 403 })
      await expect(submit(token, [{ actionId: policeClosed.id, text: 'Closed' }])).rejects.toMatchObject({
        status: 409,
        message: closedMessage,
      })
      const elsewhere = await issued('police')
      await expect(submit(token, [{ actionId: elsewhere.id, text: 'Other issue' }])).rejects.toMatchObject({
        status: 403,
      })
      expect(await responsesOf(database.db, health1.id)).toEqual([])
      expect(await responsesOf(database.db, police1.id)).toHaveLength(1)
      const [row] = await database.db.select().from(actionLinks).where(eq(actionLinks.id, id))
      expect(row!.usedAt).toBeNull()
    })

    it('records a late answer through a link as a failure too', async () => {
      clock = LATE
      const late = await inIssue('police')
      const { token } = await link()
      const result = await submit(token, [{ actionId: late.id, text: 'Sorry for the delay' }])
      expect(result).toMatchObject({ status: 'ok', answered: [{ actionId: late.id, late: true }] })
      expect(await failuresOf(late.id)).toEqual([
        expect.objectContaining({ kind: 'late', respondedOn: '2026-03-17', dueOn: '2026-03-16' }),
      ])
    })
  })
})
