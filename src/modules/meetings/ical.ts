import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator'
import { meetingTitle } from './meetings.labels.ts'
import type { Meeting } from './meetings.table.ts'

// Meetings as iCalendar: the invitation attached to a notice (METHOD:REQUEST, or CANCEL when the
// meeting is cancelled) and a person's subscribed feed. The UID is the meeting's id, so a
// calendar app updates the event it already has; SEQUENCE is the meeting's, raised on every change
// members are told about. Times are written as UTC instants: ical-generator writes a plain Date
// with a time zone as the server's local time.

export type IcalMeeting = Pick<
  Meeting,
  | 'id'
  | 'kind'
  | 'heldOn'
  | 'startsAt'
  | 'endsAt'
  | 'location'
  | 'onlineUrl'
  | 'reason'
  | 'sequence'
  | 'cancelledAt'
  | 'cancelledReason'
> & {
  groupName: string
  /** The meeting's page, absolute. */
  url: string
}

export const meetingUid = (meetingId: string) => `${meetingId}@masa`

export interface CalendarOptions {
  /** REQUEST for an invitation or an update, CANCEL for a cancellation; none for a feed. */
  method?: 'REQUEST' | 'CANCEL'
  /** The calendar's name, shown by apps that subscribe to a feed. */
  name?: string
  /** Who sends invitations ("MASA <no-reply@masa.localhost>"): calendar apps need an organiser for a REQUEST. */
  organizer?: string
  /** DTSTAMP: when the calendar was written. */
  now: Date
}

/** An iCalendar document with one event per meeting. */
export function meetingsCalendar(meetings: readonly IcalMeeting[], options: CalendarOptions): string {
  const calendar = ical({
    prodId: { company: 'MASA', product: 'Meetings', language: 'EN' },
    name: options.name ?? null,
    method: options.method ? ICalCalendarMethod[options.method] : null,
  })
  for (const meeting of meetings) {
    const cancelled = meeting.cancelledAt !== null || options.method === 'CANCEL'
    calendar.createEvent({
      id: meetingUid(meeting.id),
      sequence: meeting.sequence,
      stamp: options.now,
      start: new Date(meeting.startsAt),
      end: new Date(meeting.endsAt),
      summary: meetingTitle(meeting, meeting.groupName),
      location: meeting.location || meeting.onlineUrl || null,
      url: meeting.url,
      description: describe(meeting, cancelled),
      status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      organizer: options.organizer && options.method ? organizerOf(options.organizer) : null,
    })
  }
  return calendar.toString()
}

/** The invitation (or cancellation) for one meeting, as an e-mail attachment. */
export function meetingInvitation(meeting: IcalMeeting, options: Omit<CalendarOptions, 'method'>) {
  const method = meeting.cancelledAt !== null ? 'CANCEL' : 'REQUEST'
  return {
    filename: method === 'CANCEL' ? 'cancellation.ics' : 'invitation.ics',
    contentType: `text/calendar; method=${method}`,
    content: meetingsCalendar([meeting], { ...options, method }),
  }
}

function describe(meeting: IcalMeeting, cancelled: boolean): string {
  const lines: string[] = []
  if (cancelled) lines.push(`Cancelled${meeting.cancelledReason ? `: ${meeting.cancelledReason}` : ''}`)
  if (meeting.kind === 'extraordinary' && meeting.reason)
    lines.push(`Extraordinary meeting: ${meeting.reason}`)
  if (meeting.onlineUrl) lines.push(`Join online: ${meeting.onlineUrl}`)
  lines.push(`Agenda and papers: ${meeting.url}`)
  return lines.join('\n')
}

/** "Name <address>" or a bare address, as ical-generator's organiser. */
function organizerOf(from: string) {
  const match = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(from)
  if (match) return { name: match[1] || match[2]!, email: match[2]! }
  return { name: from.trim(), email: from.trim() }
}
