import { eq } from 'drizzle-orm'
import type { ChangeContext } from '../../platform/audit/audit.service.ts'
import { formatDate } from '../../platform/calendar/dates.ts'
import type { Db, DbOrTx } from '../../platform/db/client.ts'
import type { Outbox } from '../../platform/notify/notify.service.ts'
import { partnerships } from '../partnership/partnership.table.ts'
import { groups } from '../partnership/structure.table.ts'
import { deliverCirculation, type Letter, startCirculation } from './circulation.service.ts'
import { meetingInvitation } from './ical.ts'
import { inviteesOn } from './invitees.ts'
import { meetingPath, meetingPlace, meetingTimes, meetingTitle } from './meetings.labels.ts'
import { type Meeting, meetings } from './meetings.table.ts'

// The notices a meeting's invitees get when it is scheduled, changed or cancelled: a circulation
// started in the change's transaction, then delivered after it commits, each e-mail carrying the
// meeting as an iCalendar attachment.

export type NoticeKind = 'invitation' | 'update' | 'cancellation'

/** What sending notices needs from the application. */
export interface MeetingNotify {
  outbox: Outbox
  /** The address of the service (config PUBLIC_URL), for absolute links. */
  publicUrl: string
  /** The From address (config MAIL_FROM): the invitations' organiser. */
  from: string
}

export interface StartedNotice {
  meetingId: string
  circulationId: string
  kind: NoticeKind
  /** Invitees who have no e-mail address, so were not sent the notice: the business team tells them. */
  withoutEmail: string[]
}

export interface NoticeOutcome {
  /** Notices written to the outbox or to a person's daily digest. */
  sent: number
  failed: number
  withoutEmail: string[]
}

const subjects: Record<NoticeKind, string> = {
  invitation: 'Invitation',
  update: 'Changed',
  cancellation: 'Cancelled',
}

/** Starts the circulation of a notice to the group's members on the meeting's day. Call it in the change's transaction. */
export async function startMeetingNotice(
  tx: DbOrTx,
  change: ChangeContext,
  meeting: Pick<Meeting, 'id' | 'groupId' | 'heldOn' | 'kind'>,
  groupName: string,
  kind: NoticeKind,
): Promise<StartedNotice> {
  const invitees = await inviteesOn(tx, meeting.groupId, meeting.heldOn)
  const recipients = invitees.flatMap((i) => (i.email ? [{ personId: i.personId, email: i.email }] : []))
  const circulationId = await startCirculation(tx, change, {
    meetingId: meeting.id,
    kind,
    subject: `${subjects[kind]}: ${meetingTitle(meeting, groupName)}`,
    recipients,
  })
  return {
    meetingId: meeting.id,
    circulationId,
    kind,
    withoutEmail: invitees.filter((i) => !i.email).map((i) => i.name),
  }
}

/** Sends started notices (after the change committed), each with the meeting's .ics as it now is. */
export async function deliverMeetingNotices(
  db: Db,
  notify: MeetingNotify,
  started: readonly StartedNotice[],
  now: Date,
): Promise<NoticeOutcome> {
  const outcome: NoticeOutcome = { sent: 0, failed: 0, withoutEmail: [] }
  for (const notice of started) {
    const [row] = await db
      .select({
        meeting: meetings,
        groupName: groups.name,
        slug: partnerships.slug,
        partnershipName: partnerships.name,
      })
      .from(meetings)
      .innerJoin(groups, eq(groups.id, meetings.groupId))
      .innerJoin(partnerships, eq(partnerships.id, meetings.partnershipId))
      .where(eq(meetings.id, notice.meetingId))
    if (!row) throw new Error(`No meeting ${notice.meetingId}`)
    const url = `${notify.publicUrl}${meetingPath(row.slug, row.meeting.id)}`
    const attachment = meetingInvitation(
      { ...row.meeting, groupName: row.groupName, url },
      { now, organizer: notify.from },
    )
    const letter = (name: string): Letter => ({
      subject: `${subjects[notice.kind]}: ${meetingTitle(row.meeting, row.groupName)}`,
      text: letterText(notice.kind, name, row.meeting, row.groupName, row.partnershipName, url),
      attachments: [attachment],
    })
    const result = await deliverCirculation(db, notify.outbox, {
      circulationId: notice.circulationId,
      now,
      letterFor: (recipient) => letter(recipient.name),
    })
    outcome.sent += result.sent
    outcome.failed += result.failed.length
    outcome.withoutEmail.push(...notice.withoutEmail)
  }
  outcome.withoutEmail = [...new Set(outcome.withoutEmail)]
  return outcome
}

function letterText(
  kind: NoticeKind,
  name: string,
  meeting: Meeting,
  groupName: string,
  partnershipName: string,
  url: string,
): string {
  const when = `${formatDate(meeting.heldOn)}, ${meetingTimes(meeting)}`
  const opening: Record<NoticeKind, string> = {
    invitation: `You are invited to the ${meeting.kind === 'extraordinary' ? 'extraordinary ' : ''}meeting of ${groupName}.`,
    update: `The meeting of ${groupName} has changed. Here are its details as they are now.`,
    cancellation: `The meeting of ${groupName} on ${formatDate(meeting.heldOn)} has been cancelled.`,
  }
  const lines = [`Dear ${name},`, '', opening[kind], '']
  if (kind === 'cancellation') {
    if (meeting.cancelledReason) lines.push(`Reason: ${meeting.cancelledReason}`, '')
    lines.push('The attached file removes it from your calendar.')
  } else {
    lines.push(`When: ${when}`, `Where: ${meetingPlace(meeting)}`)
    if (meeting.kind === 'extraordinary' && meeting.reason) lines.push(`Why: ${meeting.reason}`)
    lines.push(
      '',
      `The agenda and papers: ${url}`,
      '',
      'The attached file adds the meeting to your calendar.',
    )
    lines.push('If you cannot attend, send your apologies or your designated deputy from the meeting’s page.')
  }
  lines.push('', partnershipName)
  return lines.join('\n')
}
