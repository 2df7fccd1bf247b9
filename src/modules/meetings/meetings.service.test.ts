import { randomUUID } from 'node:crypto'
import { and, asc, eq } from 'drizzle-orm'
import ICAL from 'ical.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import { auditLog } from '../../platform/audit/audit.table.ts'
import { createCalendarRepository } from '../../platform/calendar/calendar.repository.ts'
import type { Database } from '../../platform/db/client.ts'
import { createOutbox } from '../../platform/notify/notify.service.ts'
import { outbox } from '../../platform/notify/notify.table.ts'
import {
  buildMeetingWorld,
  insertGroup,
  insertMeeting,
  type MeetingWorld,
  NOW,
  TODAY,
} from './meetings.fixtures.ts'
import {
  cancelMeeting,
  createMeeting,
  generateMeetings,
  type MeetingFields,
  previewMeetings,
  updateMeeting,
} from './meetings.service.ts'
import { agendaItems, extraordinaryRequests, meetings } from './meetings.table.ts'
import { circulationRecipients, circulations, papers } from './papers.table.ts'

describe('scheduling meetings', () => {
  let database: Database
  let world: MeetingWorld
  const change = () => ({
    partnershipId: world.partnership.id,
    actorId: world.accounts.businessTeam.userId,
    now: NOW,
  })
  const notify = () => ({
    outbox: createOutbox({ db: database.db, now: () => NOW }),
    publicUrl: 'https://masa.example.org',
    from: 'MASA <no-reply@masa.localhost>',
  })
  const fields = (overrides: Partial<MeetingFields> = {}): MeetingFields => ({
    groupId: world.group.id,
    kind: 'ordinary',
    reason: null,
    heldOn: '2026-03-18',
    startTime: '14:00',
    endTime: '16:00',
    location: 'Civic Offices, Grays',
    onlineUrl: null,
    extraordinaryRequestId: null,
    ...overrides,
  })
  const create = (overrides: Partial<MeetingFields> = {}) =>
    createMeeting(database.db, { change: change(), fields: fields(overrides), notify: notify() })
  const meetingsOf = (groupId: string) =>
    database.db.select().from(meetings).where(eq(meetings.groupId, groupId)).orderBy(asc(meetings.heldOn))
  const group = (overrides: Parameters<typeof insertGroup>[2] = {}) =>
    insertGroup(database.db, world.partnership.id, overrides)
  const messagesFor = (meetingId: string) =>
    database.db
      .select({
        to: outbox.toAddress,
        subject: outbox.subject,
        text: outbox.textBody,
        attachments: outbox.attachments,
      })
      .from(outbox)
      .innerJoin(circulationRecipients, eq(circulationRecipients.outboxId, outbox.id))
      .innerJoin(circulations, eq(circulations.id, circulationRecipients.circulationId))
      .where(eq(circulations.meetingId, meetingId))
  const parsed = (content: string) => {
    const calendar = new ICAL.Component(ICAL.parse(content))
    const vevent = calendar.getFirstSubcomponent('vevent')!
    return { calendar, vevent, event: new ICAL.Event(vevent) }
  }

  beforeAll(async () => {
    database = await createTestDatabase()
    world = await buildMeetingWorld(database.db, {
      standardItems: [{ title: 'Performance report' }, { title: 'Finance', months: [3, 10] }],
    })
  })
  afterAll(() => database.close())

  describe('a single meeting', () => {
    it('schedules a meeting, seeds its agenda and sends each member an invitation with an .ics', async () => {
      const { meeting, notice } = await create({ heldOn: '2026-06-10', startTime: '14:30', endTime: '16:30' })
      expect(meeting).toMatchObject({
        heldOn: '2026-06-10',
        kind: 'ordinary',
        sequence: 0,
        cancelledAt: null,
      })
      expect(meeting.startsAt.toISOString()).toBe('2026-06-10T13:30:00.000Z')
      // Four members; the designated deputy is not invited.
      expect(notice).toEqual({ sent: 4, failed: 0, withoutEmail: [] })
      const messages = await messagesFor(meeting.id)
      expect(messages.map((m) => m.to).sort()).toEqual(
        [world.people.chair, world.people.police, world.people.health, world.people.head]
          .map((p) => p.email)
          .sort(),
      )
      const [message] = messages
      expect(message?.subject).toBe(`Invitation: ${world.group.name}, 10 June 2026`)
      expect(message?.text).toContain('When: 10 June 2026, 14:30 to 16:30')
      expect(message?.text).toContain(
        `https://masa.example.org/p/${world.partnership.slug}/meetings/${meeting.id}`,
      )
      const [attachment] = message!.attachments
      expect(attachment?.contentType).toBe('text/calendar; method=REQUEST')
      const { calendar, event } = parsed(attachment!.content)
      expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST')
      expect(event.uid).toBe(`${meeting.id}@masa`)
      expect(event.startDate.toJSDate().toISOString()).toBe('2026-06-10T13:30:00.000Z')
      const [audit] = await database.db.select().from(auditLog).where(eq(auditLog.entityId, meeting.id))
      expect(audit).toMatchObject({
        entityType: 'meeting',
        action: 'create',
        actorId: world.accounts.businessTeam.userId,
      })
    })

    it('refuses a date in the past and saves nothing', async () => {
      const g = await group()
      await expect(create({ groupId: g.id, heldOn: '2026-03-01' })).rejects.toMatchObject({
        fields: { heldOn: 'The date of the meeting must be today or in the future' },
      })
      expect(await meetingsOf(g.id)).toEqual([])
      // Today is not in the past.
      await expect(
        create({ groupId: g.id, heldOn: TODAY, startTime: '15:00', endTime: null }),
      ).resolves.toBeTruthy()
    })

    it('refuses a closed group, and one that closes before the meeting', async () => {
      const closed = await group({ name: 'Old Panel', closedOn: '2026-01-31', closedReason: 'Merged' })
      await expect(create({ groupId: closed.id })).rejects.toMatchObject({
        fields: { groupId: 'Old Panel is closed (it closed on 31 January 2026): choose an open group' },
      })
      const closing = await group({ name: 'Task Group', endsOn: '2026-03-10' })
      await expect(create({ groupId: closing.id })).rejects.toMatchObject({
        fields: { groupId: 'Task Group ends on 10 March 2026, before this meeting' },
      })
      expect(await meetingsOf(closed.id)).toEqual([])
    })

    it('refuses a second meeting of the group on the same day (a form sent twice saves one)', async () => {
      const g = await group({ name: 'Audit Group' })
      const results = await Promise.allSettled([create({ groupId: g.id }), create({ groupId: g.id })])
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult
      expect(refused.reason.fields.heldOn).toBe(
        'Audit Group already has a meeting on 18 March 2026: change that meeting or choose another date',
      )
      expect(await meetingsOf(g.id)).toHaveLength(1)
    })

    it('lets a new meeting take the day of a cancelled one', async () => {
      const g = await group()
      await insertMeeting(database.db, {
        partnershipId: world.partnership.id,
        groupId: g.id,
        heldOn: '2026-03-18',
        cancelledAt: NOW,
        cancelledReason: 'Chair unwell',
      })
      await expect(create({ groupId: g.id })).resolves.toBeTruthy()
    })

    it('refuses an end before the start, and defaults the end to the group’s usual length', async () => {
      const g = await group({ meetingMinutes: 90 })
      await expect(create({ groupId: g.id, startTime: '14:00', endTime: '13:00' })).rejects.toMatchObject({
        fields: { endTime: 'The end time must be after the start time' },
      })
      const { meeting } = await create({ groupId: g.id, startTime: '14:00', endTime: null })
      expect(meeting.endsAt.getTime() - meeting.startsAt.getTime()).toBe(90 * 60_000)
      const h = await group({ meetingMinutes: null })
      const other = await create({ groupId: h.id, startTime: '10:00', endTime: null })
      expect(other.meeting.endsAt.getTime() - other.meeting.startsAt.getTime()).toBe(120 * 60_000)
    })

    it('asks why an extraordinary meeting is called', async () => {
      const g = await group()
      await expect(create({ groupId: g.id, kind: 'extraordinary', reason: ' ' })).rejects.toMatchObject({
        fields: { reason: 'Enter why the extraordinary meeting is called' },
      })
    })

    it('schedules the meeting an extraordinary request asked for, once', async () => {
      const g = await group()
      const requestId = randomUUID()
      await database.db.insert(extraordinaryRequests).values({
        id: requestId,
        partnershipId: world.partnership.id,
        groupId: g.id,
        requestedById: world.people.police.id,
        reasons: 'A serious incident',
        receivedOn: '2026-02-26',
      })
      const fromRequest = {
        groupId: g.id,
        kind: 'extraordinary' as const,
        reason: 'A serious incident',
        extraordinaryRequestId: requestId,
      }
      const { meeting } = await create({ ...fromRequest, heldOn: '2026-03-12' })
      expect(meeting).toMatchObject({
        kind: 'extraordinary',
        reason: 'A serious incident',
        extraordinaryRequestId: requestId,
      })
      await expect(create({ ...fromRequest, heldOn: '2026-03-13' })).rejects.toMatchObject({
        fields: { groupId: 'A meeting was already scheduled for this request, on 12 March 2026' },
      })
      const other = await group({ name: 'Other Group' })
      await expect(create({ ...fromRequest, groupId: other.id })).rejects.toMatchObject({
        fields: { groupId: `The request was for a meeting of ${g.name}` },
      })
    })
  })

  describe('its agenda', () => {
    it('starts with the last meeting’s minutes, the action log and the month’s standard items', async () => {
      const g = await group({
        standardItems: [
          { title: 'Performance report' },
          { title: 'Finance', months: [3, 10] },
          { title: 'Annual report', months: [6] },
        ],
      })
      const earlier = await insertMeeting(database.db, {
        partnershipId: world.partnership.id,
        groupId: g.id,
        heldOn: '2026-01-20',
      })
      await insertMeeting(database.db, {
        partnershipId: world.partnership.id,
        groupId: g.id,
        heldOn: '2026-02-17',
        cancelledAt: NOW,
        cancelledReason: 'Snow',
      })
      const { meeting } = await create({ groupId: g.id, heldOn: '2026-03-17' })
      const items = await database.db
        .select()
        .from(agendaItems)
        .where(eq(agendaItems.meetingId, meeting.id))
        .orderBy(asc(agendaItems.position))
      expect(items.map((i) => [i.position, i.kind, i.title, i.previousMeetingId])).toEqual([
        [1, 'previous_minutes', 'Minutes of the last meeting', earlier.id],
        [2, 'action_log', 'Action log', null],
        [3, 'standard', 'Performance report', null],
        [4, 'standard', 'Finance', null],
      ])
    })
  })

  describe('changing a meeting', () => {
    it('raises the sequence and sends an update when the place changes, with the same UID', async () => {
      const g = await group()
      const { meeting } = await create({ groupId: g.id, heldOn: '2026-04-14' })
      const {
        meeting: moved,
        changed,
        notice,
      } = await updateMeeting(database.db, {
        change: change(),
        meetingId: meeting.id,
        fields: {
          heldOn: '2026-04-15',
          startTime: '10:00',
          endTime: '12:00',
          location: 'Thameside',
          onlineUrl: null,
          reason: null,
        },
        notify: notify(),
      })
      expect(changed).toEqual(['heldOn', 'startsAt', 'endsAt', 'location'])
      expect(moved).toMatchObject({ sequence: 1, heldOn: '2026-04-15', location: 'Thameside' })
      // The group has no members: nobody to tell.
      expect(notice).toEqual({ sent: 0, failed: 0, withoutEmail: [] })
      const [audit] = await database.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.entityId, meeting.id), eq(auditLog.action, 'update')))
      expect(audit?.before).toMatchObject({
        heldOn: '2026-04-14',
        location: 'Civic Offices, Grays',
        sequence: 0,
      })
      expect(audit?.after).toMatchObject({ heldOn: '2026-04-15', location: 'Thameside', sequence: 1 })
    })

    it('sends members an update with the raised SEQUENCE', async () => {
      const { meeting } = await create({ heldOn: '2026-07-07' })
      await updateMeeting(database.db, {
        change: change(),
        meetingId: meeting.id,
        fields: {
          heldOn: '2026-07-07',
          startTime: '14:00',
          endTime: '16:00',
          location: 'Civic Offices, Grays',
          onlineUrl: 'https://teams.example.org/x',
          reason: null,
        },
        notify: notify(),
      })
      const updates = (await messagesFor(meeting.id)).filter((m) => m.subject.startsWith('Changed:'))
      expect(updates).toHaveLength(4)
      const { event } = parsed(updates[0]!.attachments[0]!.content)
      expect(event.uid).toBe(`${meeting.id}@masa`)
      expect(event.sequence).toBe(1)
    })

    it('changes nothing, and tells nobody, when nothing changed', async () => {
      const g = await group()
      const { meeting } = await create({ groupId: g.id, heldOn: '2026-04-21' })
      const result = await updateMeeting(database.db, {
        change: change(),
        meetingId: meeting.id,
        fields: {
          heldOn: '2026-04-21',
          startTime: '14:00',
          endTime: '16:00',
          location: 'Civic Offices, Grays',
          onlineUrl: null,
          reason: null,
        },
        notify: notify(),
      })
      expect(result).toMatchObject({ changed: [], notice: null, meeting: { sequence: 0 } })
    })

    it('refuses a new date in the past or on a day the group already meets', async () => {
      const g = await group({ name: 'Learning Group' })
      await create({ groupId: g.id, heldOn: '2026-05-05' })
      const { meeting } = await create({ groupId: g.id, heldOn: '2026-05-12' })
      const to = (heldOn: string) =>
        updateMeeting(database.db, {
          change: change(),
          meetingId: meeting.id,
          fields: {
            heldOn,
            startTime: '14:00',
            endTime: '16:00',
            location: '',
            onlineUrl: null,
            reason: null,
          },
          notify: notify(),
        })
      await expect(to('2026-02-27')).rejects.toMatchObject({
        fields: { heldOn: 'The new date must be today or in the future' },
      })
      await expect(to('2026-05-05')).rejects.toMatchObject({
        fields: {
          heldOn:
            'Learning Group already has a meeting on 5 May 2026: change that meeting or choose another date',
        },
      })
      const [kept] = await database.db.select().from(meetings).where(eq(meetings.id, meeting.id))
      expect(kept).toMatchObject({ heldOn: '2026-05-12', sequence: 0, location: 'Civic Offices, Grays' })
    })
  })

  describe('moving a meeting to another month', () => {
    const standardItems = [
      { title: 'Performance report' },
      { title: 'Finance', months: [3] },
      { title: 'Budget', months: [3] },
      { title: 'Annual report', months: [6] },
    ]
    const moveTo = (meetingId: string, heldOn: string) =>
      updateMeeting(database.db, {
        change: change(),
        meetingId,
        fields: {
          heldOn,
          startTime: '14:00',
          endTime: '16:00',
          location: 'Civic Offices, Grays',
          onlineUrl: null,
          reason: null,
        },
        notify: notify(),
      })
    const agendaOf = (meetingId: string) =>
      database.db
        .select()
        .from(agendaItems)
        .where(eq(agendaItems.meetingId, meetingId))
        .orderBy(asc(agendaItems.position))
    const paperOn = async (meetingId: string, title: string) => {
      const item = (await agendaOf(meetingId)).find((i) => i.title === title)!
      await database.db.insert(papers).values({
        id: randomUUID(),
        partnershipId: world.partnership.id,
        meetingId,
        agendaItemId: item.id,
        title: `${title} paper`,
      })
    }

    it('swaps the old month’s unused standard items for the new month’s, keeping used ones', async () => {
      const g = await group({ standardItems })
      const { meeting } = await create({ groupId: g.id, heldOn: '2026-03-17' })
      expect((await agendaOf(meeting.id)).map((i) => i.title)).toEqual([
        'Action log',
        'Performance report',
        'Finance',
        'Budget',
      ])
      await paperOn(meeting.id, 'Budget')
      const { agenda } = await moveTo(meeting.id, '2026-06-16')
      expect(agenda).toEqual({ added: ['Annual report'], removed: ['Finance'], kept: ['Budget'] })
      const items = await agendaOf(meeting.id)
      expect(items.map((i) => [i.position, i.kind, i.title, i.withdrawnAt])).toEqual([
        [1, 'action_log', 'Action log', null],
        [2, 'standard', 'Performance report', null],
        [3, 'standard', 'Budget', null],
        [4, 'standard', 'Annual report', null],
      ])
      const [update] = await database.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.entityId, meeting.id), eq(auditLog.action, 'update')))
      expect(update?.before).toMatchObject({ heldOn: '2026-03-17' })
      expect(update?.after).toMatchObject({
        heldOn: '2026-06-16',
        standardItems: { added: ['Annual report'], removed: ['Finance'], kept: ['Budget'] },
      })
      const added = items.find((i) => i.title === 'Annual report')!
      const [addition] = await database.db.select().from(auditLog).where(eq(auditLog.entityId, added.id))
      expect(addition).toMatchObject({
        entityType: 'agenda_item',
        action: 'add',
        after: { meetingId: meeting.id, position: 4, kind: 'standard', title: 'Annual report' },
      })
      const removals = await database.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.entityType, 'agenda_item'), eq(auditLog.action, 'remove')))
      expect(removals.filter((r) => (r.before as { meetingId?: string }).meetingId === meeting.id)).toEqual([
        expect.objectContaining({
          before: { meetingId: meeting.id, position: 3, kind: 'standard', title: 'Finance' },
        }),
      ])
    })

    it('changes nothing on the agenda when the meeting moves within its month', async () => {
      const g = await group({ standardItems })
      const { meeting } = await create({ groupId: g.id, heldOn: '2026-03-17' })
      const before = await agendaOf(meeting.id)
      const { changed, agenda } = await moveTo(meeting.id, '2026-03-24')
      expect(changed).toContain('heldOn')
      expect(agenda).toEqual({ added: [], removed: [], kept: [] })
      expect(await agendaOf(meeting.id)).toEqual(before)
      const [update] = await database.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.entityId, meeting.id), eq(auditLog.action, 'update')))
      expect(update?.after).not.toHaveProperty('standardItems')
    })

    it('withdraws, rather than deletes, the old month’s items once the agenda is agreed', async () => {
      const g = await group({ standardItems })
      const { meeting } = await create({ groupId: g.id, heldOn: '2026-03-17' })
      await database.db
        .update(meetings)
        .set({ agendaAgreedBy: 'The chair', agendaAgreedOn: TODAY })
        .where(eq(meetings.id, meeting.id))
      const { agenda } = await moveTo(meeting.id, '2026-06-16')
      expect(agenda).toEqual({ added: ['Annual report'], removed: ['Finance', 'Budget'], kept: [] })
      const items = await agendaOf(meeting.id)
      expect(items.map((i) => [i.position, i.title, i.withdrawnAt !== null])).toEqual([
        [1, 'Action log', false],
        [2, 'Performance report', false],
        [3, 'Finance', true],
        [4, 'Budget', true],
        [5, 'Annual report', false],
      ])
    })

    it('keeps an item someone edited, and does not add an item the agenda already has', async () => {
      const g = await group({ standardItems })
      const { meeting } = await create({ groupId: g.id, heldOn: '2026-03-17' })
      const finance = (await agendaOf(meeting.id)).find((i) => i.title === 'Finance')!
      await database.db
        .update(agendaItems)
        .set({ presenter: 'Treasurer' })
        .where(eq(agendaItems.id, finance.id))
      await database.db.insert(agendaItems).values({
        id: randomUUID(),
        partnershipId: world.partnership.id,
        meetingId: meeting.id,
        position: 5,
        title: 'Annual report',
      })
      const { agenda } = await moveTo(meeting.id, '2026-06-16')
      expect(agenda).toEqual({ added: [], removed: ['Budget'], kept: ['Finance'] })
      expect((await agendaOf(meeting.id)).map((i) => [i.position, i.title])).toEqual([
        [1, 'Action log'],
        [2, 'Performance report'],
        [3, 'Finance'],
        [4, 'Annual report'],
      ])
    })
  })

  describe('cancelling a meeting', () => {
    it('keeps the meeting, marks it cancelled, raises its sequence and sends a cancellation', async () => {
      const { meeting } = await create({ heldOn: '2026-09-08' })
      await expect(
        cancelMeeting(database.db, {
          change: change(),
          meetingId: meeting.id,
          reason: '  ',
          notify: notify(),
        }),
      ).rejects.toMatchObject({ fields: { cancelledReason: 'Enter why the meeting is cancelled' } })
      const { meeting: cancelled, notice } = await cancelMeeting(database.db, {
        change: change(),
        meetingId: meeting.id,
        reason: 'The chair is unwell',
        notify: notify(),
      })
      expect(cancelled).toMatchObject({ cancelledReason: 'The chair is unwell', sequence: 1 })
      expect(cancelled.cancelledAt?.toISOString()).toBe(NOW.toISOString())
      expect(notice.sent).toBe(4)
      const [row] = await database.db.select().from(meetings).where(eq(meetings.id, meeting.id))
      expect(row?.cancelledReason).toBe('The chair is unwell')
      const message = (await messagesFor(meeting.id)).find((m) => m.subject.startsWith('Cancelled:'))
      expect(message?.text).toContain('Reason: The chair is unwell')
      const [attachment] = message!.attachments
      expect(attachment?.contentType).toBe('text/calendar; method=CANCEL')
      const { calendar, vevent, event } = parsed(attachment!.content)
      expect(calendar.getFirstPropertyValue('method')).toBe('CANCEL')
      expect(vevent.getFirstPropertyValue('status')).toBe('CANCELLED')
      expect(event.uid).toBe(`${meeting.id}@masa`)
      expect(event.sequence).toBe(1)
    })

    it('cannot change or cancel a cancelled meeting again', async () => {
      const g = await group()
      const { meeting } = await create({ groupId: g.id, heldOn: '2026-09-15' })
      await cancelMeeting(database.db, {
        change: change(),
        meetingId: meeting.id,
        reason: 'No quorum',
        notify: notify(),
      })
      await expect(
        cancelMeeting(database.db, {
          change: change(),
          meetingId: meeting.id,
          reason: 'Again',
          notify: notify(),
        }),
      ).rejects.toMatchObject({ status: 409 })
      await expect(
        updateMeeting(database.db, {
          change: change(),
          meetingId: meeting.id,
          fields: {
            heldOn: '2026-09-16',
            startTime: '14:00',
            endTime: '16:00',
            location: '',
            onlineUrl: null,
            reason: null,
          },
          notify: notify(),
        }),
      ).rejects.toMatchObject({ status: 409 })
    })
  })

  describe('a year of meetings', () => {
    const generate = (groupId: string, firstOn: string) => ({
      groupId,
      firstOn,
      startTime: '10:00',
      durationMinutes: null,
      location: 'Civic Offices, Grays',
      onlineUrl: null,
    })

    it('previews as many meetings as the cadence, moving a bank holiday to the next working day', async () => {
      const g = await group({ meetingsPerYear: 6, meetingMinutes: 150 })
      const preview = await previewMeetings(database.db, {
        partnershipId: world.partnership.id,
        today: TODAY,
        fields: generate(g.id, '2026-04-06'),
      })
      expect(preview.cadence.count).toBe(6)
      expect(preview.endTime).toBe('12:30')
      expect(preview.meetings.map((m) => m.date)).toEqual([
        '2026-04-07',
        '2026-06-08',
        '2026-08-06',
        '2026-10-06',
        '2026-12-07',
        '2027-02-08',
      ])
      expect(preview.meetings[0]?.explanation).toBe(
        'Moved from Monday 6 April 2026 to Tuesday 7 April 2026: 6 April 2026 is not a working day (Easter Monday)',
      )
      expect(preview.conflicts).toEqual([])
    })

    it('uses the transitional cadence while it lasts, and the partnership’s closure days', async () => {
      const g = await group({
        meetingsPerYear: 4,
        transitionalMeetingsPerYear: 12,
        transitionalUntil: '2026-12-31',
      })
      await createCalendarRepository(database.db).addClosureDay(
        world.partnership.id,
        '2026-05-12',
        'Staff training day',
      )
      const preview = await previewMeetings(database.db, {
        partnershipId: world.partnership.id,
        today: TODAY,
        fields: generate(g.id, '2026-04-14'),
      })
      expect(preview.cadence).toMatchObject({ count: 12, transitional: true })
      expect(preview.meetings).toHaveLength(12)
      expect(preview.meetings[1]).toMatchObject({ planned: '2026-05-14', date: '2026-05-14', moved: false })
      const q = await group({
        meetingsPerYear: 4,
        transitionalMeetingsPerYear: 12,
        transitionalUntil: '2026-03-01',
      })
      const after = await previewMeetings(database.db, {
        partnershipId: world.partnership.id,
        today: TODAY,
        fields: generate(q.id, '2026-05-12'),
      })
      expect(after.cadence.count).toBe(4)
      expect(after.meetings[0]?.explanation).toContain('(Staff training day)')
      expect(after.meetings[0]?.date).toBe('2026-05-13')
    })

    it('refuses a first date in the past and a group without a cadence', async () => {
      const g = await group({ meetingsPerYear: 6 })
      await expect(
        previewMeetings(database.db, {
          partnershipId: world.partnership.id,
          today: TODAY,
          fields: generate(g.id, '2026-02-27'),
        }),
      ).rejects.toMatchObject({
        fields: { firstOn: 'The date of the first meeting must be today or in the future' },
      })
      const adHoc = await group({ name: 'Ad Hoc Group', meetingsPerYear: null })
      await expect(
        previewMeetings(database.db, {
          partnershipId: world.partnership.id,
          today: TODAY,
          fields: generate(adHoc.id, '2026-04-01'),
        }),
      ).rejects.toMatchObject({
        fields: {
          groupId:
            'Ad Hoc Group has no number of meetings a year: set it on the group’s page, or schedule its meetings one at a time',
        },
      })
    })

    it('leaves out the dates after a task group ends', async () => {
      const g = await group({ name: 'Neglect Task Group', meetingsPerYear: 12, endsOn: '2026-09-30' })
      const preview = await previewMeetings(database.db, {
        partnershipId: world.partnership.id,
        today: TODAY,
        fields: generate(g.id, '2026-04-01'),
      })
      expect(preview.meetings.map((m) => m.date).at(-1)).toBe('2026-09-01')
      expect(preview.leftOut).toHaveLength(6)
      expect(preview.leftOut[0]?.reason).toBe('Neglect Task Group ends on 30 September 2026')
    })

    it('creates them all with their agendas, one invitation per meeting', async () => {
      const { meetings: created, notice } = await generateMeetings(database.db, {
        change: change(),
        fields: generate(world.group.id, '2026-10-05'),
        notify: notify(),
      })
      expect(created.map((m) => m.heldOn)).toEqual([
        '2026-10-05',
        '2026-12-07',
        '2027-02-05',
        '2027-04-05',
        '2027-06-07',
        '2027-08-05',
      ])
      expect(
        created.every(
          (m) =>
            m.startsAt.toISOString().endsWith('T10:00:00.000Z') ||
            m.startsAt.toISOString().endsWith('T09:00:00.000Z'),
        ),
      ).toBe(true)
      expect(created[3]?.startsAt.toISOString()).toBe('2027-04-05T09:00:00.000Z')
      expect(notice.sent).toBe(24)
      const sent = await database.db
        .select({ meetingId: circulations.meetingId, kind: circulations.kind })
        .from(circulations)
        .where(eq(circulations.kind, 'invitation'))
      for (const m of created) expect(sent.filter((c) => c.meetingId === m.id)).toHaveLength(1)
      // Each meeting agrees the minutes of the one before it.
      const previous = await database.db
        .select({ meetingId: agendaItems.meetingId, previousMeetingId: agendaItems.previousMeetingId })
        .from(agendaItems)
        .where(eq(agendaItems.kind, 'previous_minutes'))
      for (const [i, m] of created.entries()) {
        if (i === 0) continue
        expect(previous.find((p) => p.meetingId === m.id)?.previousMeetingId).toBe(created[i - 1]!.id)
      }
      // The October meeting has the Finance item; December's does not.
      const titles = async (id: string) =>
        (await database.db.select().from(agendaItems).where(eq(agendaItems.meetingId, id))).map(
          (i) => i.title,
        )
      expect(await titles(created[0]!.id)).toContain('Finance')
      expect(await titles(created[1]!.id)).not.toContain('Finance')
    })

    it('refuses the whole year when the group already meets on one of its dates', async () => {
      const g = await group({ name: 'Quality Group', meetingsPerYear: 4 })
      await insertMeeting(database.db, {
        partnershipId: world.partnership.id,
        groupId: g.id,
        heldOn: '2026-07-01',
      })
      const preview = await previewMeetings(database.db, {
        partnershipId: world.partnership.id,
        today: TODAY,
        fields: generate(g.id, '2026-04-01'),
      })
      expect(preview.conflicts).toEqual(['2026-07-01'])
      expect(preview.meetings.find((m) => m.date === '2026-07-01')?.conflict).toBe(true)
      await expect(
        generateMeetings(database.db, {
          change: change(),
          fields: generate(g.id, '2026-04-01'),
          notify: notify(),
        }),
      ).rejects.toMatchObject({
        fields: {
          firstOn:
            'Quality Group already has a meeting on 1 July 2026: change the first date, or move or cancel that meeting',
        },
      })
      expect(await meetingsOf(g.id)).toHaveLength(1)
    })
  })
})
