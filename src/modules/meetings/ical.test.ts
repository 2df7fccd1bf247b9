import ICAL from 'ical.js'
import { describe, expect, it } from 'vitest'
import { londonInstant } from '../../platform/calendar/london-time.ts'
import { type IcalMeeting, meetingInvitation, meetingsCalendar } from './ical.ts'

const NOW = new Date('2026-03-02T10:00:00Z')

function meeting(overrides: Partial<IcalMeeting> = {}): IcalMeeting {
  return {
    id: '6f1c2a8e-3a4b-4c5d-8e9f-0a1b2c3d4e5f',
    kind: 'ordinary',
    heldOn: '2026-06-10',
    startsAt: londonInstant('2026-06-10', '14:30'),
    endsAt: londonInstant('2026-06-10', '16:30'),
    location: 'Civic Offices, Grays',
    onlineUrl: 'https://teams.example.org/meet/123',
    reason: null,
    sequence: 0,
    cancelledAt: null,
    cancelledReason: null,
    groupName: 'Strategic Group',
    url: 'https://masa.example.org/p/thurrock/meetings/6f1c2a8e-3a4b-4c5d-8e9f-0a1b2c3d4e5f',
    ...overrides,
  }
}

function parse(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text))
  const events = calendar
    .getAllSubcomponents('vevent')
    .map((v) => ({ component: v, event: new ICAL.Event(v) }))
  return { calendar, events, method: calendar.getFirstPropertyValue('method') }
}

describe('meetings as iCalendar', () => {
  it('writes a British Summer Time meeting at its UTC instant', () => {
    const text = meetingsCalendar([meeting()], { method: 'REQUEST', now: NOW })
    expect(text).toContain('DTSTART:20260610T133000Z')
    const { events, method } = parse(text)
    const [{ event, component }] = events as [(typeof events)[number]]
    expect(method).toBe('REQUEST')
    expect(event.uid).toBe('6f1c2a8e-3a4b-4c5d-8e9f-0a1b2c3d4e5f@masa')
    expect(event.startDate.toJSDate().toISOString()).toBe('2026-06-10T13:30:00.000Z')
    expect(event.endDate.toJSDate().toISOString()).toBe('2026-06-10T15:30:00.000Z')
    expect(event.startDate.zone?.tzid).toBe('UTC')
    expect(event.summary).toBe('Strategic Group, 10 June 2026')
    expect(event.location).toBe('Civic Offices, Grays')
    expect(component.getFirstPropertyValue('url')).toBe(meeting().url)
    expect(component.getFirstPropertyValue('status')).toBe('CONFIRMED')
    expect(event.description).toContain('Join online: https://teams.example.org/meet/123')
  })

  it('writes a winter meeting at the same wall-clock time in GMT', () => {
    const winter = meeting({ heldOn: '2026-01-14', startsAt: londonInstant('2026-01-14', '14:30') })
    const [first] = parse(
      meetingsCalendar([{ ...winter, endsAt: londonInstant('2026-01-14', '16:00') }], { now: NOW }),
    ).events
    expect(first?.event.startDate.toJSDate().toISOString()).toBe('2026-01-14T14:30:00.000Z')
  })

  it('keeps the UID of the meeting across an update and raises its SEQUENCE', () => {
    const before = parse(meetingInvitation(meeting(), { now: NOW }).content).events[0]!.event
    const moved = meeting({ location: 'Thameside Complex', sequence: 1 })
    const after = parse(meetingInvitation(moved, { now: NOW }).content).events[0]!.event
    expect(after.uid).toBe(before.uid)
    expect(before.sequence).toBe(0)
    expect(after.sequence).toBe(1)
    expect(after.location).toBe('Thameside Complex')
  })

  it('sends a cancellation as METHOD:CANCEL with STATUS:CANCELLED', () => {
    const cancelled = meeting({ cancelledAt: NOW, cancelledReason: 'Chair unwell', sequence: 2 })
    const invitation = meetingInvitation(cancelled, { now: NOW, organizer: 'MASA <no-reply@masa.localhost>' })
    expect(invitation.contentType).toBe('text/calendar; method=CANCEL')
    const { method, events } = parse(invitation.content)
    expect(method).toBe('CANCEL')
    expect(events[0]?.component.getFirstPropertyValue('status')).toBe('CANCELLED')
    expect(events[0]?.event.sequence).toBe(2)
    expect(events[0]?.event.description).toContain('Cancelled: Chair unwell')
    expect(String(events[0]?.component.getFirstPropertyValue('organizer'))).toBe(
      'mailto:no-reply@masa.localhost',
    )
  })

  it('names an invitation as a REQUEST with an organiser', () => {
    const invitation = meetingInvitation(meeting(), { now: NOW, organizer: 'MASA <no-reply@masa.localhost>' })
    expect(invitation).toMatchObject({
      filename: 'invitation.ics',
      contentType: 'text/calendar; method=REQUEST',
    })
    expect(invitation.content).toContain('ORGANIZER;CN="MASA":mailto:no-reply@masa.localhost')
  })

  it('writes a feed without a method, its cancelled meetings marked', () => {
    const feed = meetingsCalendar(
      [meeting(), meeting({ id: '7f1c2a8e-3a4b-4c5d-8e9f-0a1b2c3d4e5f', cancelledAt: NOW, sequence: 1 })],
      { name: 'My meetings', now: NOW },
    )
    const { method, events, calendar } = parse(feed)
    expect(method).toBeNull()
    expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('My meetings')
    expect(events.map((e) => e.component.getFirstPropertyValue('status'))).toEqual(['CONFIRMED', 'CANCELLED'])
    expect(feed).not.toContain('ORGANIZER')
  })

  it('marks an extraordinary meeting and gives its reason', () => {
    const { events } = parse(
      meetingsCalendar([meeting({ kind: 'extraordinary', reason: 'Serious incident' })], { now: NOW }),
    )
    expect(events[0]?.event.summary).toBe('Strategic Group (extraordinary), 10 June 2026')
    expect(events[0]?.event.description).toContain('Extraordinary meeting: Serious incident')
  })
})
