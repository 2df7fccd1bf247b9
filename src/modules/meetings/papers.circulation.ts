import { and, asc, desc, eq, inArray, isNull } from 'drizzle-orm'
import { auditChange, type ChangeContext } from '../../platform/audit/audit.service.ts'
import { users } from '../../platform/auth/auth.table.ts'
import type { Db, DbOrTx } from '../../platform/db/client.ts'
import { notFound } from '../../platform/http/errors.ts'
import type { Outbox } from '../../platform/notify/notify.service.ts'
import { outbox as outboxTable } from '../../platform/notify/notify.table.ts'
import { people } from '../partnership/structure.table.ts'
import { openMeetingForChange } from './agenda.service.ts'
import {
  type DeliveryResult,
  deliverCirculation,
  type Letter,
  startCirculation,
} from './circulation.service.ts'
import { type Invitee, inviteesOn } from './invitees.ts'
import type { Meeting } from './meetings.table.ts'
import { type PaperSummary, papersForMeeting } from './papers.service.ts'
import { circulationRecipients, circulations, papers } from './papers.table.ts'

// Circulating a meeting's papers to its members: the papers not yet sent (or with a newer
// version), one circulation per sending, and a resend that reaches only those not yet sent.

/** Marks a line of the circulated list as a restricted paper, left out for anyone not on the group. */
const RESTRICTED = '[Restricted] '

/** What the letter tells about the meeting, the same on the first sending and a resend. */
export interface PapersLetterContext {
  meetingTitle: string
  /** "14:00 to 16:00, Civic Offices, Grays" */
  when: string
  /** The papers page: `${PUBLIC_URL}/p/<slug>/meetings/<id>/papers`. */
  link: string
}

/** The papers that would go now: not circulated yet, or with a version uploaded since the last circulation. */
export async function papersToCirculate(db: DbOrTx, meetingId: string): Promise<PaperSummary[]> {
  const { papers: list } = await papersForMeeting(db, meetingId, {
    canSeeRestricted: true,
    deadline: null,
    today: '',
  })
  return list.filter((p) => p.toCirculate)
}

/** The meeting's members on its day: those with an e-mail address get the papers, the others are listed. */
export async function papersRecipients(db: DbOrTx, meeting: Pick<Meeting, 'groupId' | 'heldOn'>) {
  const invitees = await inviteesOn(db, meeting.groupId, meeting.heldOn)
  return {
    recipients: invitees.filter((i): i is Invitee & { email: string } => Boolean(i.email)),
    cannotEmail: invitees.filter((i) => !i.email),
  }
}

/** The list kept on the circulation (its message): one line a paper, restricted ones marked. */
export function paperLines(
  list: readonly Pick<PaperSummary, 'title' | 'restricted' | 'latest' | 'firstCirculatedAt'>[],
) {
  return list
    .map((p) => {
      const update = p.firstCirculatedAt ? ` (updated: version ${p.latest.version})` : ''
      return `- ${p.restricted ? RESTRICTED : ''}${p.title}${update}`
    })
    .join('\n')
}

/**
 * The e-mail for one recipient. Restricted papers are named only to members of the group (every
 * invitee is one; the check keeps it so if the recipients ever widen).
 */
export function papersLetter(
  context: PapersLetterContext,
  message: string,
  recipient: { name: string; isMember: boolean },
): Letter {
  const lines = message.split('\n').filter((line) => line.trim() !== '')
  const shown: string[] = []
  for (const line of lines) {
    const restricted = line.startsWith(`- ${RESTRICTED}`)
    if (!restricted) shown.push(line)
    else if (recipient.isMember)
      shown.push(`- ${line.slice(2 + RESTRICTED.length)} (restricted: for the group’s members only)`)
  }
  const withheld = lines.length - shown.length
  return {
    subject: `Papers for ${context.meetingTitle}`,
    text: [
      `Dear ${recipient.name},`,
      '',
      `The papers for ${context.meetingTitle} (${context.when}) are ready:`,
      '',
      ...shown,
      ...(withheld ? ['', 'Other papers for this meeting are for the group’s members only.'] : []),
      '',
      `Read and download them at ${context.link}`,
      '',
      'Please do not forward restricted papers.',
    ].join('\n'),
  }
}

/**
 * Circulates the papers that have not gone yet. In one transaction (the meeting row locked, so
 * a form sent twice waits for the first and then finds nothing left): the circulation with its
 * recipients, and the first circulation date of the papers never sent. After it commits, each
 * recipient's e-mail is written. Nothing is sent when there is no paper to send or no one to
 * send it to.
 */
export async function circulatePapers(
  db: Db,
  outbox: Outbox,
  change: ChangeContext,
  input: { meetingId: string; letter: PapersLetterContext },
): Promise<{ circulationId: string | null; papers: number; delivery: DeliveryResult | null }> {
  const started = await db.transaction(async (tx) => {
    const meeting = await openMeetingForChange(tx, input.meetingId)
    const pending = await papersToCirculate(tx, meeting.id)
    const { recipients } = await papersRecipients(tx, meeting)
    if (pending.length === 0 || recipients.length === 0) return null
    const circulationId = await startCirculation(tx, change, {
      meetingId: meeting.id,
      kind: 'papers',
      subject: `Papers for ${input.letter.meetingTitle}`,
      message: paperLines(pending),
      recipients: recipients.map((r) => ({ personId: r.personId, email: r.email })),
    })
    const neverSent = pending.filter((p) => p.firstCirculatedAt === null).map((p) => p.id)
    if (neverSent.length) {
      await tx
        .update(papers)
        .set({ firstCirculatedAt: change.now })
        .where(and(inArray(papers.id, neverSent), isNull(papers.firstCirculatedAt)))
    }
    for (const paper of pending) {
      await auditChange(
        tx,
        change,
        { type: 'paper', id: paper.id },
        'circulate',
        { firstCirculatedAt: paper.firstCirculatedAt },
        {
          circulationId,
          version: paper.latest.version,
          firstCirculatedAt: paper.firstCirculatedAt ?? change.now,
        },
      )
    }
    return { circulationId, papers: pending.length, members: new Set(recipients.map((r) => r.personId)) }
  })
  if (!started) return { circulationId: null, papers: 0, delivery: null }
  const delivery = await deliver(db, outbox, started.circulationId, change.now, input.letter, started.members)
  return { circulationId: started.circulationId, papers: started.papers, delivery }
}

async function deliver(
  db: Db,
  outbox: Outbox,
  circulationId: string,
  now: Date,
  context: PapersLetterContext,
  members: ReadonlySet<string>,
) {
  const [circulation] = await db
    .select({ message: circulations.message })
    .from(circulations)
    .where(eq(circulations.id, circulationId))
  const message = circulation?.message ?? ''
  return deliverCirculation(db, outbox, {
    circulationId,
    now,
    letterFor: (recipient) =>
      papersLetter(context, message, { name: recipient.name, isMember: members.has(recipient.personId) }),
  })
}

/**
 * Sends a past circulation of the meeting's papers to the recipients it has not reached yet
 * (those the first sending failed for); those already sent are not sent again.
 */
export async function resendPapers(
  db: Db,
  outbox: Outbox,
  change: ChangeContext,
  input: {
    meeting: Pick<Meeting, 'id' | 'groupId' | 'heldOn'>
    circulationId: string
    letter: PapersLetterContext
  },
): Promise<DeliveryResult> {
  const [circulation] = await db
    .select({ id: circulations.id })
    .from(circulations)
    .where(
      and(
        eq(circulations.id, input.circulationId),
        eq(circulations.meetingId, input.meeting.id),
        eq(circulations.kind, 'papers'),
      ),
    )
  if (!circulation) throw notFound()
  const members = new Set(
    (await inviteesOn(db, input.meeting.groupId, input.meeting.heldOn)).map((i) => i.personId),
  )
  const result = await deliver(db, outbox, circulation.id, change.now, input.letter, members)
  await db.transaction((tx) =>
    auditChange(tx, change, { type: 'circulation', id: circulation.id }, 'resend', null, {
      sent: result.sent,
      failed: result.failed.length,
    }),
  )
  return result
}

export type RecipientStatus = 'waiting' | 'digest' | 'outbox' | 'delivered' | 'failed'

/** Where a recipient's message is, from the circulation and the outbox. */
export function recipientStatus(row: {
  sentAt: Date | null
  digested: boolean | null
  delivery: string | null
}): RecipientStatus {
  if (!row.sentAt) return 'waiting'
  if (row.digested) return 'digest'
  if (row.delivery === 'sent') return 'delivered'
  if (row.delivery === 'failed') return 'failed'
  return 'outbox'
}

/**
 * The meeting's circulations of papers, newest first, each with its recipients and where each
 * message is (the same answer as circulationStatus, for all of them in one query).
 */
export async function papersCirculations(db: DbOrTx, meetingId: string) {
  const rows = await db
    .select({
      id: circulations.id,
      subject: circulations.subject,
      message: circulations.message,
      createdAt: circulations.createdAt,
      createdBy: users.name,
      personId: circulationRecipients.personId,
      name: people.name,
      email: circulationRecipients.email,
      sentAt: circulationRecipients.sentAt,
      digested: circulationRecipients.digested,
      delivery: outboxTable.status,
    })
    .from(circulations)
    .leftJoin(users, eq(users.id, circulations.createdById))
    .leftJoin(circulationRecipients, eq(circulationRecipients.circulationId, circulations.id))
    .leftJoin(people, eq(people.id, circulationRecipients.personId))
    .leftJoin(outboxTable, eq(outboxTable.id, circulationRecipients.outboxId))
    .where(and(eq(circulations.meetingId, meetingId), eq(circulations.kind, 'papers')))
    .orderBy(desc(circulations.createdAt), desc(circulations.id), asc(people.name))
  const byCirculation = Map.groupBy(rows, (r) => r.id)
  return [...byCirculation.values()].map((group) => {
    const first = group[0]!
    const recipients = group
      .filter((r) => r.personId !== null)
      .map((r) => ({
        personId: r.personId!,
        name: r.name ?? '',
        email: r.email ?? '',
        sentAt: r.sentAt,
        status: recipientStatus(r),
      }))
    return {
      id: first.id,
      subject: first.subject,
      papers: first.message
        .split('\n')
        .filter((line) => line.startsWith('- '))
        .map((line) => line.slice(2).replace(RESTRICTED, '')),
      createdAt: first.createdAt,
      createdBy: first.createdBy,
      recipients,
      waiting: recipients.filter((r) => r.status === 'waiting').length,
    }
  })
}
