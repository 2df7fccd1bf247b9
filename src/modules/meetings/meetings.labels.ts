import { formatDate } from '../../platform/calendar/dates.ts'
import { londonTime } from '../../platform/calendar/london-time.ts'
import type { Meeting } from './meetings.table.ts'

/** "Strategic Group, 12 September 2022" (with "extraordinary" when it is one): how a meeting is named everywhere. */
export function meetingTitle(meeting: Pick<Meeting, 'heldOn' | 'kind'>, groupName: string): string {
  const kind = meeting.kind === 'extraordinary' ? ' (extraordinary)' : ''
  return `${groupName}${kind}, ${formatDate(meeting.heldOn)}`
}

/** "14:00 to 16:00" in London time. */
export function meetingTimes(meeting: Pick<Meeting, 'startsAt' | 'endsAt'>): string {
  return `${londonTime(meeting.startsAt)} to ${londonTime(meeting.endsAt)}`
}

/** Where to go: the room, the online link, or both. */
export function meetingPlace(meeting: Pick<Meeting, 'location' | 'onlineUrl'>): string {
  return [meeting.location, meeting.onlineUrl].filter(Boolean).join(' and online: ') || 'To be confirmed'
}

export const meetingPath = (slug: string, meetingId: string) => `/p/${slug}/meetings/${meetingId}`

/** The tabs of a meeting's pages, in the order they are shown. */
export const meetingTabs = [
  { key: 'overview', path: '', text: 'Overview' },
  { key: 'agenda', path: '/agenda', text: 'Agenda' },
  { key: 'papers', path: '/papers', text: 'Papers' },
  { key: 'attendance', path: '/attendance', text: 'Attendance' },
  { key: 'minutes', path: '/minutes', text: 'Minutes' },
  { key: 'decisions', path: '/decisions', text: 'Decisions' },
  { key: 'actions', path: '/actions', text: 'Actions' },
] as const

export type MeetingTab = (typeof meetingTabs)[number]['key']

/** What every page of a meeting passes to `views/meeting/_header.njk`. */
export function meetingHeader(
  slug: string,
  meeting: Meeting,
  group: { name: string; slug: string },
  active: MeetingTab,
) {
  const base = meetingPath(slug, meeting.id)
  return {
    title: meetingTitle(meeting, group.name),
    groupName: group.name,
    groupHref: `/p/${slug}/groups/${group.slug}`,
    times: meetingTimes(meeting),
    place: meetingPlace(meeting),
    cancelled: meeting.cancelledAt !== null,
    extraordinary: meeting.kind === 'extraordinary',
    tabs: meetingTabs.map((t) => ({ text: t.text, href: base + t.path, active: t.key === active })),
  }
}
