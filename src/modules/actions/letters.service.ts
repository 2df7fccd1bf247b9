import { randomUUID } from 'node:crypto'
import { and, asc, eq, inArray, isNull, or, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import { auditChange, type ChangeContext } from '../../platform/audit/audit.service.ts'
import { users } from '../../platform/auth/auth.table.ts'
import { formatDate } from '../../platform/calendar/dates.ts'
import { type Db, type DbOrTx, queryRows } from '../../platform/db/client.ts'
import { type Notice, sendNotices } from '../../platform/notify/notices.ts'
import type { Outbox } from '../../platform/notify/notify.service.ts'
import { londonDay } from '../partnership/agencies.problems.ts'
import { type Agency, agencies, people } from '../partnership/structure.table.ts'
import { actions } from './actions.table.ts'
import { agencyCompliance, type FailureRow } from './compliance.service.ts'
import { complianceFailures, type EscalationLetter, escalationLetters } from './compliance.table.ts'

// Escalation letters: drafted from an agency's failures, saved with the failures they list, and
// recorded as sent, which tells the strategic partners.

export interface LetterFields {
  addresseeName: string
  addresseeTitle: string
  subject: string
  /** Paragraphs separated by a blank line. */
  body: string
  senderName: string
  senderTitle: string
}

/** A letter's body as paragraphs: split at blank lines; a single new line stays a line break. */
export const paragraphsOf = (body: string) =>
  body
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)

const answered = (f: Pick<FailureRow, 'respondedOn'>) =>
  f.respondedOn ? `answered ${formatDate(f.respondedOn)}` : 'not answered'

/** One paragraph per failure: "A-12: Review the neglect strategy. Due 20 February 2026; not answered." */
export const failureLine = (f: Pick<FailureRow, 'reference' | 'description' | 'dueOn' | 'respondedOn'>) =>
  `${f.reference}: ${(f.description ?? '').trim().replace(/\.$/, '')}. Due ${formatDate(f.dueOn)}; ${answered(f)}.`

export interface LetterDraft {
  agency: Agency
  /** The failures the letter lists: in the window and not in a sent letter, oldest first. */
  failures: FailureRow[]
  letterDue: boolean
  threshold: number
  windowMonths: number
  /** The agency has no executive member recorded: the addressee must be typed. */
  missingExecutive: boolean
  values: LetterFields
}

/**
 * A new letter to an agency's executive member, prefilled: the addressee from the agency's
 * record, a subject, a body that names each failure (action, what it asked, due date, when it
 * was answered or that it was not), and the signed-in person as the sender.
 */
export async function letterDraft(
  db: DbOrTx,
  input: {
    partnershipId: string
    partnershipName: string
    agency: Agency
    today: string
    sender: { name: string; title: string }
  },
): Promise<LetterDraft> {
  const { agency } = input
  const compliance = await agencyCompliance(db, input.partnershipId, agency.id, input.today)
  const failures = [...compliance.pending].reverse()
  const { threshold, windowMonths } = compliance.rules
  const count = failures.length
  const body = [
    `I am writing on behalf of the ${input.partnershipName} about the responses of ${agency.name} to the actions agreed at the partnership’s meetings.`,
    `The partnership’s arrangements ask each agency to respond to an action within the time set when the action matrix is issued. Where an agency does not respond in time on ${threshold} or more ${threshold === 1 ? 'occasion' : 'occasions'} within ${windowMonths} ${windowMonths === 1 ? 'month' : 'months'}, the partnership writes to its executive member and informs the strategic partners.`,
    count === 1
      ? `${agency.name} has not responded in time to the following action:`
      : `${agency.name} has not responded in time to the following ${count} actions:`,
    ...failures.map(failureLine),
    `I would be grateful if you would make sure that these actions, and those to come, are answered on time, and let me know what your agency will do to achieve this.`,
  ]
  return {
    agency,
    failures,
    letterDue: compliance.letterDue,
    threshold,
    windowMonths,
    missingExecutive: !agency.executiveName?.trim(),
    values: {
      addresseeName: agency.executiveName?.trim() ?? '',
      addresseeTitle: agency.executiveTitle?.trim() ?? '',
      subject: `${agency.name}: responses to the partnership’s actions`,
      body: body.join('\n\n'),
      senderName: input.sender.name,
      senderTitle: input.sender.title,
    },
  }
}

/** The signed-in person as a letter's sender: their name, and their job title when the partnership records one. */
export async function senderOf(db: DbOrTx, partnershipId: string, user: { id: string; name: string }) {
  const [person] = await db
    .select({ jobTitle: people.jobTitle })
    .from(people)
    .where(and(eq(people.partnershipId, partnershipId), eq(people.userId, user.id)))
    .limit(1)
  return { name: user.name, title: person?.jobTitle ?? '' }
}

/**
 * Saves a drafted letter and marks the failures it lists with it: those given that belong to the
 * agency and are not in a sent letter (a new draft takes them over from an earlier unsent one).
 */
export async function saveLetter(
  db: Db,
  change: ChangeContext,
  input: { agencyId: string; fields: LetterFields; failureIds: readonly string[] },
): Promise<EscalationLetter> {
  return db.transaction(async (tx) => {
    const [letter] = await tx
      .insert(escalationLetters)
      .values({
        id: randomUUID(),
        partnershipId: change.partnershipId,
        agencyId: input.agencyId,
        ...input.fields,
        createdById: change.actorId,
        createdAt: change.now,
      })
      .returning()
    const listed = input.failureIds.length
      ? await tx
          .update(complianceFailures)
          .set({ letterId: letter!.id })
          .where(
            and(
              inArray(complianceFailures.id, [...input.failureIds]),
              eq(complianceFailures.partnershipId, change.partnershipId),
              eq(complianceFailures.agencyId, input.agencyId),
              or(
                isNull(complianceFailures.letterId),
                sql`exists (select 1 from ${escalationLetters} l where l.id = ${complianceFailures.letterId}
                  and l.sent_on is null)`,
              ),
            ),
          )
          .returning({ id: complianceFailures.id })
      : []
    await auditChange(tx, change, { type: 'escalation_letter', id: letter!.id }, 'drafted', null, {
      ...letter,
      failureIds: listed.map((f) => f.id),
    })
    return letter!
  })
}

export interface LetterDetail {
  letter: EscalationLetter
  agency: Agency
  createdByName: string | null
  sentByName: string | null
  failures: {
    id: string
    actionId: string
    reference: string
    description: string
    dueOn: string
    kind: 'unanswered' | 'late'
    respondedOn: string | null
  }[]
  /** A later letter to the agency exists and this one, unsent, lists nothing now. */
  replaced: boolean
}

/** A letter of the partnership with its agency and the failures it lists, or null. */
export async function letterDetail(db: DbOrTx, partnershipId: string, letterId: string) {
  const createdBy = alias(users, 'created_by')
  const sentBy = alias(users, 'sent_by')
  const [row] = await db
    .select({
      letter: escalationLetters,
      agency: agencies,
      createdByName: createdBy.name,
      sentByName: sentBy.name,
    })
    .from(escalationLetters)
    .innerJoin(agencies, eq(agencies.id, escalationLetters.agencyId))
    .leftJoin(createdBy, eq(createdBy.id, escalationLetters.createdById))
    .leftJoin(sentBy, eq(sentBy.id, escalationLetters.sentById))
    .where(and(eq(escalationLetters.id, letterId), eq(escalationLetters.partnershipId, partnershipId)))
  if (!row) return null
  const [failures, later] = await Promise.all([
    db
      .select({
        id: complianceFailures.id,
        actionId: complianceFailures.actionId,
        reference: actions.reference,
        description: actions.description,
        dueOn: complianceFailures.dueOn,
        kind: complianceFailures.kind,
        respondedOn: complianceFailures.respondedOn,
      })
      .from(complianceFailures)
      .innerJoin(actions, eq(actions.id, complianceFailures.actionId))
      .where(eq(complianceFailures.letterId, letterId))
      .orderBy(asc(complianceFailures.dueOn), asc(actions.reference)),
    queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from escalation_letters
        where agency_id = ${row.agency.id} and created_at > ${row.letter.createdAt}`,
    ),
  ])
  const replaced = row.letter.sentOn === null && failures.length === 0 && Number(later[0]?.n ?? 0) > 0
  return { ...row, failures, replaced } satisfies LetterDetail
}

export interface Recipient {
  name: string
  email: string
  userId: string | null
}

/**
 * The strategic partners, told when a letter is sent: the people of the statutory partner
 * agencies (local authority, police, health) who hold the partner role, and those agencies'
 * executive members. One notice per address.
 */
export async function strategicPartners(
  db: DbOrTx,
  partnershipId: string,
  today: string,
): Promise<Recipient[]> {
  const [partners, executives] = await Promise.all([
    queryRows<{ name: string; email: string; user_id: string }>(
      db,
      sql`select u.name, u.email, u.id as user_id
        from people pe
        join agencies ag on ag.id = pe.agency_id
        join partnership_roles pr on pr.user_id = pe.user_id and pr.partnership_id = pe.partnership_id
        join users u on u.id = pe.user_id
        where pe.partnership_id = ${partnershipId} and ag.statutory_role is not null
          and (ag.active_to is null or ag.active_to >= ${today}::date)
          and (pe.left_on is null or pe.left_on > ${today}::date)
          and pr.role = 'partner' and pr.deactivated_at is null and u.deactivated_at is null
        order by u.name`,
    ),
    queryRows<{ name: string | null; email: string }>(
      db,
      sql`select executive_name as name, executive_email as email from agencies
        where partnership_id = ${partnershipId} and statutory_role is not null
          and coalesce(trim(executive_email), '') <> ''
          and (active_to is null or active_to >= ${today}::date)
        order by name`,
    ),
  ])
  const byAddress = new Map<string, Recipient>()
  for (const p of partners)
    byAddress.set(p.email.toLowerCase(), { name: p.name, email: p.email, userId: p.user_id })
  for (const e of executives) {
    const email = e.email.trim()
    if (!byAddress.has(email.toLowerCase()))
      byAddress.set(email.toLowerCase(), { name: e.name ?? '', email, userId: null })
  }
  return [...byAddress.values()]
}

/**
 * Records the day a letter was sent, once (a second call changes nothing and returns null), and
 * tells the strategic partners by e-mail in the same transaction.
 */
export async function recordLetterSent(
  db: Db,
  outbox: Outbox,
  change: ChangeContext,
  input: { letterId: string; sentOn: string; partnershipName: string; letterUrl: string },
): Promise<{ letter: EscalationLetter; notified: number } | null> {
  return db.transaction(async (tx) => {
    const [letter] = await tx
      .update(escalationLetters)
      .set({ sentOn: input.sentOn, sentAt: change.now, sentById: change.actorId })
      .where(
        and(
          eq(escalationLetters.id, input.letterId),
          eq(escalationLetters.partnershipId, change.partnershipId),
          isNull(escalationLetters.sentOn),
        ),
      )
      .returning()
    if (!letter) return null
    await auditChange(
      tx,
      change,
      { type: 'escalation_letter', id: letter.id },
      'sent',
      { sentOn: null },
      { sentOn: input.sentOn },
    )
    const detail = (await letterDetail(tx, change.partnershipId, letter.id))!
    const recipients = await strategicPartners(tx, change.partnershipId, londonDay(change.now))
    const agencyName = detail.agency.name
    const addressee = [letter.addresseeName, letter.addresseeTitle].filter(Boolean).join(', ')
    const body = [
      `The ${input.partnershipName} sent a letter on ${formatDate(input.sentOn)} to ${addressee} of ${agencyName}, because ${agencyName} did not respond on time to the partnership’s actions:`,
      '',
      ...detail.failures.map((f) => `- ${f.reference}: due ${formatDate(f.dueOn)}, ${answered(f)}`),
      '',
      `Subject of the letter: ${letter.subject}`,
    ]
    const notices: Notice[] = recipients.map((r) => ({
      partnershipId: change.partnershipId,
      to: r.email,
      userId: r.userId,
      subject: `Escalation letter sent to ${agencyName}`,
      text: [
        r.name ? `Dear ${r.name},` : 'Dear colleague,',
        '',
        ...body,
        // The letter's page is for those who sign in to the partnership.
        ...(r.userId ? ['', 'Read the letter:', input.letterUrl] : []),
        '',
        input.partnershipName,
      ].join('\n'),
    }))
    await sendNotices(tx, outbox, notices, change.now)
    return { letter, notified: notices.length }
  })
}

/** The agency of the partnership with that id, or null. */
export async function agencyOf(db: DbOrTx, partnershipId: string, agencyId: string): Promise<Agency | null> {
  const [row] = await db
    .select()
    .from(agencies)
    .where(and(eq(agencies.id, agencyId), eq(agencies.partnershipId, partnershipId)))
  return row ?? null
}
