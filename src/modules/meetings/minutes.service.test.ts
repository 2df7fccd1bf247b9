import { and, count, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { ChangeContext } from '../../platform/audit/audit.service.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import type { Database } from '../../platform/db/client.ts'
import { AppError } from '../../platform/http/errors.ts'
import { createOutbox, type Outbox } from '../../platform/notify/notify.service.ts'
import { outbox } from '../../platform/notify/notify.table.ts'
import { meetingAccess } from './meetings.access.ts'
import {
  buildMeetingWorld,
  insertGroup,
  insertMeeting,
  type MeetingWorld,
  NOW,
  TODAY,
} from './meetings.fixtures.ts'
import type { Meeting } from './meetings.table.ts'
import { insertAgendaItem, samplePdf } from './minutes.fixtures.ts'
import {
  agreementChoices,
  canReadMinutes,
  minutesHistory,
  minutesOf,
  minutesSummary,
  saveMinutesDraft,
  uploadMinutesFile,
} from './minutes.service.ts'
import {
  approveMinutes,
  circulateMinutes,
  recordAgreement,
  returnMinutes,
  sendMinutesToChair,
} from './minutes.workflow.ts'
import { circulations } from './papers.table.ts'

describe('minutes and their workflow', () => {
  let database: Database
  let world: MeetingWorld
  let mail: Outbox
  const url = 'https://masa.example/p/x/meetings/y/minutes'

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db)
    mail = createOutbox({ db: database.db, now: () => NOW })
  })
  afterAll(() => database.close())

  const as = (account: keyof MeetingWorld['accounts']): ChangeContext => ({
    partnershipId: world.partnership.id,
    actorId: world.accounts[account].userId,
    now: NOW,
  })
  const meetingOn = (heldOn: string, overrides: Partial<Meeting> = {}) =>
    insertMeeting(database.db, {
      partnershipId: world.partnership.id,
      groupId: world.group.id,
      heldOn,
      ...overrides,
    })
  const auditCount = async () =>
    (
      await database.db
        .select({ n: count() })
        .from(auditLog)
        .where(eq(auditLog.partnershipId, world.partnership.id))
    )[0]!.n
  const mailTo = async (email: string) =>
    database.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.partnershipId, world.partnership.id), eq(outbox.toAddress, email)))
  const rejection = async (promise: Promise<unknown>) => {
    try {
      await promise
    } catch (error) {
      if (error instanceof AppError) return { status: error.status, message: error.message }
      throw error
    }
    throw new Error('expected a refusal')
  }
  const isChair = async (account: keyof MeetingWorld['accounts'], meeting: Meeting) =>
    (await meetingAccess(
      database.db,
      world.partnership.id,
      meeting.id,
      { role: null, userId: world.accounts[account].userId },
      TODAY,
    ))!.viewer.isChair

  /** A past meeting with two items and a draft written, ready to send. */
  async function draftedMeeting(heldOn = '2026-02-10') {
    const meeting = await meetingOn(heldOn)
    const first = await insertAgendaItem(database.db, meeting, { position: 1, title: 'Welcome' })
    await saveMinutesDraft(database.db, as('businessTeam'), {
      meeting,
      summary: 'A good meeting.',
      notes: { [first.id]: 'Everyone was welcomed.' },
    })
    return meeting
  }

  it('counts the draft deadline past the 19 September 2022 bank holiday and the agreement at the next meeting', async () => {
    const meeting = await meetingOn('2022-09-12')
    await meetingOn('2022-10-10', { cancelledAt: NOW, cancelledReason: 'No business' })
    await meetingOn('2022-11-14')
    const summary = await minutesSummary(database.db, meeting, '2022-09-20')
    expect(summary.status).toBe('none')
    expect(summary.statusText).toBe('Not started')
    const [toChair, circulation, agreement] = summary.deadlines
    expect(toChair?.due).toBe('2022-09-27')
    expect(toChair?.explanation).toContain('19 September 2022')
    expect(toChair?.timeliness).toBe('due')
    expect(circulation?.timeliness).toBe('waiting')
    expect(agreement?.due).toBe('2022-11-14')
  })

  it('saves the draft by agenda item and changes nothing when the same draft is saved again', async () => {
    const meeting = await meetingOn('2026-02-03')
    const second = await insertAgendaItem(database.db, meeting, { position: 2, title: 'Budget' })
    const first = await insertAgendaItem(database.db, meeting, { position: 1, title: 'Welcome' })
    const gone = await insertAgendaItem(database.db, meeting, {
      position: 3,
      title: 'Gone',
      withdrawnAt: NOW,
    })
    const input = {
      meeting,
      summary: '  Summary  ',
      notes: { [first.id]: 'Welcomed.', [second.id]: ' Agreed the budget. ', [gone.id]: 'ignored' },
    }
    expect(await saveMinutesDraft(database.db, as('businessTeam'), input)).toEqual({ changed: true })
    const row = await minutesOf(database.db, meeting.id)
    expect(row?.status).toBe('drafting')
    expect(row?.summary).toBe('Summary')
    expect(row?.itemNotes).toEqual({ [first.id]: 'Welcomed.', [second.id]: 'Agreed the budget.' })
    const audits = await auditCount()
    expect(await saveMinutesDraft(database.db, as('businessTeam'), input)).toEqual({ changed: false })
    expect(await auditCount()).toBe(audits)
  })

  it('takes an uploaded file by its content, not its name', async () => {
    const meeting = await meetingOn('2026-02-04')
    const saved = await uploadMinutesFile(database.db, as('businessTeam'), {
      meeting,
      filename: 'minutes.pdf',
      content: samplePdf,
    })
    expect(saved.changed).toBe(true)
    const row = await minutesOf(database.db, meeting.id)
    expect(row?.uploadContentType).toBe('application/pdf')
    expect(
      await uploadMinutesFile(database.db, as('businessTeam'), {
        meeting,
        filename: 'minutes.pdf',
        content: samplePdf,
      }),
    ).toEqual({ changed: false })
    const refused = await rejection(
      uploadMinutesFile(database.db, as('businessTeam'), {
        meeting,
        filename: 'minutes.pdf',
        content: Buffer.from('just text, not a PDF'),
      }),
    )
    expect(refused).toEqual({ status: 400, message: 'The file must be a PDF or a Word document' })
  })

  it('refuses to send minutes to the chair before the meeting or while they are empty', async () => {
    const future = await meetingOn('2026-03-20')
    await saveMinutesDraft(database.db, as('businessTeam'), { meeting: future, summary: 'Early', notes: {} })
    const early = await rejection(
      sendMinutesToChair(database.db, mail, as('businessTeam'), {
        meeting: future,
        title: 'T',
        minutesUrl: url,
      }),
    )
    expect(early.message).toBe('The minutes can be sent to the chair once the meeting has been held')
    const empty = await meetingOn('2026-02-05')
    const refused = await rejection(
      sendMinutesToChair(database.db, mail, as('businessTeam'), {
        meeting: empty,
        title: 'T',
        minutesUrl: url,
      }),
    )
    expect(refused).toEqual({
      status: 400,
      message: 'Write the minutes or upload them before sending them to the chair',
    })
    expect((await minutesOf(database.db, future.id))?.status).toBe('drafting')
  })

  it('sends the draft to the chair once: a second submission changes nothing', async () => {
    const meeting = await draftedMeeting()
    const before = (await mailTo(world.people.chair.email!)).length
    const sent = await sendMinutesToChair(database.db, mail, as('businessTeam'), {
      meeting,
      title: 'Group, 10 February 2026',
      minutesUrl: url,
    })
    expect(sent.notified).toEqual(['Chris Chair'])
    const row = await minutesOf(database.db, meeting.id)
    expect(row?.status).toBe('with_chair')
    expect(row?.sentToChairAt).toEqual(NOW)
    const messages = await mailTo(world.people.chair.email!)
    expect(messages).toHaveLength(before + 1)
    expect(messages.at(-1)?.textBody).toContain(url)
    expect(messages.at(-1)?.subject).toBe('Draft minutes to approve: Group, 10 February 2026')

    const audits = await auditCount()
    const again = await rejection(
      sendMinutesToChair(database.db, mail, as('businessTeam'), { meeting, title: 'T', minutesUrl: url }),
    )
    expect(again).toEqual({ status: 409, message: 'These minutes have already been sent to the chair' })
    expect(await mailTo(world.people.chair.email!)).toHaveLength(before + 1)
    expect(await auditCount()).toBe(audits)
    const edit = await rejection(
      saveMinutesDraft(database.db, as('businessTeam'), { meeting, summary: 'Changed', notes: {} }),
    )
    expect(edit.message).toBe('These minutes have already been sent to the chair')
  })

  it('lets only the chair approve, once', async () => {
    const meeting = await draftedMeeting()
    await sendMinutesToChair(database.db, mail, as('businessTeam'), { meeting, title: 'T', minutesUrl: url })
    expect(await isChair('head', meeting)).toBe(false)
    const head = await rejection(
      approveMinutes(database.db, as('head'), { meeting, isChair: await isChair('head', meeting) }),
    )
    expect(head.status).toBe(403)
    expect((await minutesOf(database.db, meeting.id))?.status).toBe('with_chair')

    expect(await isChair('chair', meeting)).toBe(true)
    const approved = await approveMinutes(database.db, as('chair'), { meeting, isChair: true })
    expect(approved.status).toBe('approved')
    expect(approved.approvedAt).toEqual(NOW)
    expect(approved.approvedById).toBe(world.accounts.chair.userId)
    const twice = await rejection(approveMinutes(database.db, as('chair'), { meeting, isChair: true }))
    expect(twice).toEqual({ status: 409, message: 'These minutes have already been approved by the chair' })
  })

  it('returns the draft to the business team with the chair’s reason, and keeps when it first reached the chair', async () => {
    const meeting = await draftedMeeting()
    await sendMinutesToChair(database.db, mail, as('businessTeam'), { meeting, title: 'T', minutesUrl: url })
    const notChair = await rejection(
      returnMinutes(database.db, mail, as('head'), {
        meeting,
        isChair: false,
        reason: 'No',
        title: 'T',
        minutesUrl: url,
      }),
    )
    expect(notChair.status).toBe(403)
    const before = (await mailTo(world.accounts.businessTeam.email)).length
    const returned = await returnMinutes(database.db, mail, as('chair'), {
      meeting,
      isChair: true,
      reason: 'Item 1 needs the actions agreed.',
      title: 'T',
      minutesUrl: url,
    })
    expect(returned.status).toBe('drafting')
    expect(returned.returnedReason).toBe('Item 1 needs the actions agreed.')
    const told = await mailTo(world.accounts.businessTeam.email)
    expect(told).toHaveLength(before + 1)
    expect(told.at(-1)?.textBody).toContain('Item 1 needs the actions agreed.')

    const later = { ...as('businessTeam'), now: new Date(NOW.getTime() + 86_400_000) }
    await sendMinutesToChair(database.db, mail, later, { meeting, title: 'T', minutesUrl: url })
    const resent = await minutesOf(database.db, meeting.id)
    expect(resent?.returnedReason).toBeNull()
    expect(resent?.sentToChairAt).toEqual(NOW)
    const history = await minutesHistory(database.db, world.partnership.id, resent!.id)
    expect(history.map((h) => h.action)).toEqual(['send_to_chair', 'return', 'send_to_chair', 'create'])
  })

  it('circulates approved minutes to the meeting’s invitees, once', async () => {
    const meeting = await draftedMeeting()
    await sendMinutesToChair(database.db, mail, as('businessTeam'), { meeting, title: 'T', minutesUrl: url })
    const early = await rejection(
      circulateMinutes(database.db, mail, as('businessTeam'), { meeting, title: 'T', minutesUrl: url }),
    )
    expect(early).toEqual({ status: 409, message: 'These minutes have already been sent to the chair' })
    await approveMinutes(database.db, as('chair'), { meeting, isChair: true })
    const counts = async () =>
      Promise.all(
        [world.people.police, world.people.health, world.people.head, world.people.deputy].map(
          async (p) => (await mailTo(p.email!)).length,
        ),
      )
    const before = await counts()
    const result = await circulateMinutes(database.db, mail, as('businessTeam'), {
      meeting,
      title: 'Group, 10 February 2026',
      minutesUrl: url,
    })
    expect(result.delivery).toEqual({ sent: 4, failed: [] })
    const after = await counts()
    // The members get the letter; the designated deputy is not an invitee.
    expect(after).toEqual([before[0]! + 1, before[1]! + 1, before[2]! + 1, before[3]!])
    const [letter] = (await mailTo(world.people.health.email!)).slice(-1)
    expect(letter?.subject).toBe('Approved minutes: Group, 10 February 2026')
    expect(letter?.textBody).toContain(url)
    const [circulation] = await database.db
      .select()
      .from(circulations)
      .where(eq(circulations.id, result.circulationId))
    expect(circulation?.kind).toBe('minutes')
    const row = await minutesOf(database.db, meeting.id)
    expect(row?.status).toBe('circulated')
    expect(row?.circulatedAt).toEqual(NOW)

    const again = await rejection(
      circulateMinutes(database.db, mail, as('businessTeam'), { meeting, title: 'T', minutesUrl: url }),
    )
    expect(again).toEqual({ status: 409, message: 'These minutes have already been circulated' })
    expect(await counts()).toEqual(after)
  })

  it('records agreement at a later meeting of the group, by default the one whose agenda points at them', async () => {
    const meeting = await draftedMeeting('2026-01-06')
    const next = await meetingOn('2026-01-20')
    const pointing = await meetingOn('2026-02-17')
    await insertAgendaItem(database.db, pointing, {
      position: 1,
      title: 'Minutes of the last meeting',
      kind: 'previous_minutes',
      previousMeetingId: meeting.id,
    })
    await meetingOn('2026-03-17')
    const choices = await agreementChoices(database.db, meeting, TODAY)
    expect(choices.meetings.map((m) => m.heldOn)).toContain('2026-01-20')
    expect(choices.meetings.map((m) => m.heldOn)).not.toContain('2026-03-17')
    expect(choices.defaultId).toBe(pointing.id)

    await sendMinutesToChair(database.db, mail, as('businessTeam'), { meeting, title: 'T', minutesUrl: url })
    const tooEarly = await rejection(
      recordAgreement(database.db, as('businessTeam'), {
        meeting,
        agreedAtMeetingId: next.id,
        corrections: '',
        today: TODAY,
      }),
    )
    expect(tooEarly.message).toBe('These minutes have already been sent to the chair')
    await approveMinutes(database.db, as('chair'), { meeting, isChair: true })
    await circulateMinutes(database.db, mail, as('businessTeam'), { meeting, title: 'T', minutesUrl: url })

    const otherGroup = await insertGroup(database.db, world.partnership.id)
    const elsewhere = await insertMeeting(database.db, {
      partnershipId: world.partnership.id,
      groupId: otherGroup.id,
      heldOn: '2026-01-27',
    })
    for (const wrong of [elsewhere.id, meeting.id, 'not-an-id']) {
      const refused = await rejection(
        recordAgreement(database.db, as('businessTeam'), {
          meeting,
          agreedAtMeetingId: wrong,
          corrections: '',
          today: TODAY,
        }),
      )
      expect(refused.status).toBe(400)
    }
    const agreed = await recordAgreement(database.db, as('businessTeam'), {
      meeting,
      agreedAtMeetingId: next.id,
      corrections: 'Item 1: the date of the next audit is 3 March.',
      today: TODAY,
    })
    expect(agreed.status).toBe('agreed')
    expect(agreed.agreedAtMeetingId).toBe(next.id)
    expect(agreed.agreedAt).toEqual(NOW)
    expect(agreed.corrections).toBe('Item 1: the date of the next audit is 3 March.')
    const twice = await rejection(
      recordAgreement(database.db, as('businessTeam'), {
        meeting,
        agreedAtMeetingId: next.id,
        corrections: '',
        today: TODAY,
      }),
    )
    expect(twice).toEqual({ status: 409, message: 'These minutes have already been agreed' })
    const summary = await minutesSummary(database.db, meeting, TODAY)
    expect(summary.status).toBe('agreed')
    expect(summary.deadlines.map((d) => d.timeliness)).toEqual(['late', 'on_time', 'late'])
  })

  it('shows drafts to the business team and the chair only, approved minutes to members, circulated ones to all', () => {
    const viewer = (over: Partial<{ isMember: boolean; isChair: boolean }>) => ({
      role: 'partner' as const,
      userId: null,
      isMember: false,
      isChair: false,
      ...over,
    })
    const partner = { canEdit: false, viewer: viewer({}) }
    const member = { canEdit: false, viewer: viewer({ isMember: true }) }
    const chair = { canEdit: false, viewer: viewer({ isMember: true, isChair: true }) }
    const team = { canEdit: true, viewer: viewer({}) }
    const table = (['drafting', 'with_chair', 'approved', 'circulated'] as const).map((status) =>
      [partner, member, chair, team].map((who) => canReadMinutes(who, status)),
    )
    expect(table).toEqual([
      [false, false, true, true],
      [false, false, true, true],
      [false, true, true, true],
      [true, true, true, true],
    ])
  })
})
