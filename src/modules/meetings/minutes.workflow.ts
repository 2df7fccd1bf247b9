import { and, eq } from 'drizzle-orm'
import { auditChange, type ChangeContext } from '../../platform/audit/audit.service.ts'
import { users } from '../../platform/auth/auth.table.ts'
import type { Db, DbOrTx } from '../../platform/db/client.ts'
import { appError, forbidden } from '../../platform/http/errors.ts'
import { sendNotices } from '../../platform/notify/notices.ts'
import type { Outbox } from '../../platform/notify/notify.service.ts'
import { deliverCirculation, startCirculation } from './circulation.service.ts'
import { inviteesOn } from './invitees.ts'
import { isUuid } from './meetings.access.ts'
import { type Meeting, meetings } from './meetings.table.ts'
import {
  alreadyText,
  isEmptyMinutes,
  laterMeetingOf,
  type MeetingRef,
  minutesOf,
  stale,
} from './minutes.service.ts'
import { type Minutes, type MinutesStatus, minutes } from './minutes.table.ts'

// The minutes' workflow: drafting -> with the chair -> approved -> circulated -> agreed. Each step
// moves the minutes on only from the status the form was shown in (a conditional update), so a
// stale or repeated form changes nothing and is told where the minutes stand.

async function step(
  tx: DbOrTx,
  change: ChangeContext,
  input: {
    meetingId: string
    from: MinutesStatus
    to: MinutesStatus
    action: string
    set: Partial<typeof minutes.$inferInsert>
    audit?: Record<string, unknown>
  },
): Promise<Minutes> {
  const [row] = await tx
    .update(minutes)
    .set({ ...input.set, status: input.to, updatedAt: change.now })
    .where(
      and(
        eq(minutes.meetingId, input.meetingId),
        eq(minutes.partnershipId, change.partnershipId),
        eq(minutes.status, input.from),
      ),
    )
    .returning()
  if (!row) throw stale((await minutesOf(tx, input.meetingId))?.status ?? 'none')
  await auditChange(
    tx,
    change,
    { type: 'minutes', id: row.id },
    input.action,
    { status: input.from },
    { status: input.to, ...input.audit },
  )
  return row
}

/** Whether the meeting has been held (it has started), so its minutes can go to the chair. */
export const hasBeenHeld = (meeting: Pick<Meeting, 'startsAt'>, now: Date) => meeting.startsAt <= now

/** Why the draft cannot go to the chair now, or null when it can. */
export function sendToChairProblem(
  meeting: Pick<Meeting, 'startsAt' | 'cancelledAt'>,
  row: Minutes | null,
  now: Date,
) {
  if (meeting.cancelledAt) return 'This meeting was cancelled: it has no minutes'
  if (!hasBeenHeld(meeting, now)) return 'The minutes can be sent to the chair once the meeting has been held'
  if (row && row.status !== 'drafting') return alreadyText[row.status]
  if (isEmptyMinutes(row)) return 'Write the minutes or upload them before sending them to the chair'
  return null
}

/**
 * Drafting → with the chair. The group's chair(s) on the meeting day are e-mailed a link (each as
 * they chose: an e-mail or their digest). Refused before the meeting or with empty minutes.
 */
export async function sendMinutesToChair(
  db: Db,
  outbox: Outbox,
  change: ChangeContext,
  input: { meeting: Meeting; title: string; minutesUrl: string },
): Promise<{ notified: string[] }> {
  const { meeting } = input
  return db.transaction(async (tx) => {
    const row = await minutesOf(tx, meeting.id)
    const problem = sendToChairProblem(meeting, row, change.now)
    if (problem)
      throw row && row.status !== 'drafting' ? stale(row.status) : appError('minutes_not_ready', problem, 400)
    await step(tx, change, {
      meetingId: meeting.id,
      from: 'drafting',
      to: 'with_chair',
      action: 'send_to_chair',
      // The first sending is when the draft reached the chair; a re-sent draft keeps it.
      set: {
        sentToChairAt: row!.sentToChairAt ?? change.now,
        sentToChairById: change.actorId,
        returnedReason: null,
      },
    })
    const chairs = (await inviteesOn(tx, meeting.groupId, meeting.heldOn)).filter(
      (i) => i.role === 'chair' && i.email,
    )
    await sendNotices(
      tx,
      outbox,
      chairs.map((chair) => ({
        partnershipId: change.partnershipId,
        to: chair.email!,
        userId: chair.userId,
        subject: `Draft minutes to approve: ${input.title}`,
        text: [
          `Dear ${chair.name},`,
          '',
          `The draft minutes of ${input.title} are ready for you to approve.`,
          '',
          `Read them, then approve them or return them to the business team with your reasons: ${input.minutesUrl}`,
        ].join('\n'),
      })),
      change.now,
    )
    return { notified: chairs.map((c) => c.name) }
  })
}

/** With the chair → approved. Only the group's chair approves. */
export async function approveMinutes(
  db: Db,
  change: ChangeContext,
  input: { meeting: Pick<Meeting, 'id'>; isChair: boolean },
): Promise<Minutes> {
  if (!input.isChair) throw forbidden('Only the group’s chair approves the minutes')
  return db.transaction((tx) =>
    step(tx, change, {
      meetingId: input.meeting.id,
      from: 'with_chair',
      to: 'approved',
      action: 'approve',
      set: { approvedAt: change.now, approvedById: change.actorId },
    }),
  )
}

/**
 * With the chair → back to drafting, with the chair's reason. Whoever sent the draft is e-mailed
 * the reason.
 */
export async function returnMinutes(
  db: Db,
  outbox: Outbox,
  change: ChangeContext,
  input: {
    meeting: Pick<Meeting, 'id'>
    isChair: boolean
    reason: string
    title: string
    minutesUrl: string
  },
): Promise<Minutes> {
  if (!input.isChair) throw forbidden('Only the group’s chair returns the minutes')
  const reason = input.reason.trim()
  if (!reason) throw appError('reason_missing', 'Say why the minutes are returned', 400)
  return db.transaction(async (tx) => {
    const row = await step(tx, change, {
      meetingId: input.meeting.id,
      from: 'with_chair',
      to: 'drafting',
      action: 'return',
      set: { returnedReason: reason },
      audit: { reason },
    })
    const [sender] = row.sentToChairById
      ? await tx
          .select({ email: users.email, name: users.name })
          .from(users)
          .where(eq(users.id, row.sentToChairById))
      : []
    if (sender) {
      await sendNotices(
        tx,
        outbox,
        [
          {
            partnershipId: change.partnershipId,
            to: sender.email,
            userId: row.sentToChairById,
            subject: `Minutes returned by the chair: ${input.title}`,
            text: [
              `The chair returned the draft minutes of ${input.title}.`,
              '',
              `Their reason: ${reason}`,
              '',
              `Change the draft and send it again: ${input.minutesUrl}`,
            ].join('\n'),
          },
        ],
        change.now,
      )
    }
    return row
  })
}

/**
 * Approved → circulated: the invitees of the meeting are sent a link to the minutes. The
 * circulation is started in the change's transaction and delivered after it commits (each
 * recipient in their own transaction, so a failure for one does not stop the others).
 */
export async function circulateMinutes(
  db: Db,
  outbox: Outbox,
  change: ChangeContext,
  input: { meeting: Meeting; title: string; minutesUrl: string },
) {
  const { meeting } = input
  const subject = `Approved minutes: ${input.title}`
  const { circulationId, withoutEmail } = await db.transaction(async (tx) => {
    await step(tx, change, {
      meetingId: meeting.id,
      from: 'approved',
      to: 'circulated',
      action: 'circulate',
      set: { circulatedAt: change.now },
    })
    const invitees = await inviteesOn(tx, meeting.groupId, meeting.heldOn)
    const recipients = invitees.flatMap((i) => (i.email ? [{ personId: i.personId, email: i.email }] : []))
    const id = await startCirculation(tx, change, {
      meetingId: meeting.id,
      kind: 'minutes',
      subject,
      recipients,
    })
    return { circulationId: id, withoutEmail: invitees.filter((i) => !i.email).map((i) => i.name) }
  })
  const delivery = await deliverCirculation(db, outbox, {
    circulationId,
    now: change.now,
    letterFor: (recipient) => ({
      subject,
      text: [
        `Dear ${recipient.name},`,
        '',
        `The chair has approved the minutes of ${input.title}. They will be agreed for accuracy at the group’s next meeting.`,
        '',
        `Read them here: ${input.minutesUrl}`,
      ].join('\n'),
    }),
  })
  return { circulationId, delivery, withoutEmail }
}

/**
 * Circulated → agreed for accuracy at a later meeting of the group that has taken place, with
 * the corrections made there (if any).
 */
export async function recordAgreement(
  db: Db,
  change: ChangeContext,
  input: { meeting: MeetingRef; agreedAtMeetingId: string; corrections: string; today: string },
): Promise<Minutes> {
  if (!isUuid(input.agreedAtMeetingId)) {
    throw appError('agreement_meeting', 'Choose the meeting at which the minutes were agreed', 400)
  }
  return db.transaction(async (tx) => {
    const [at] = await tx
      .select({ id: meetings.id, heldOn: meetings.heldOn })
      .from(meetings)
      .where(and(eq(meetings.id, input.agreedAtMeetingId), laterMeetingOf(input.meeting, input.today)))
    if (!at) {
      throw appError('agreement_meeting', 'Choose a later meeting of the group that has taken place', 400)
    }
    const corrections = input.corrections.trim() || null
    return step(tx, change, {
      meetingId: input.meeting.id,
      from: 'circulated',
      to: 'agreed',
      action: 'agree',
      set: { agreedAt: change.now, agreedAtMeetingId: at.id, corrections },
      audit: { agreedAtMeetingId: at.id, agreedAtMeetingOn: at.heldOn, corrections },
    })
  })
}
