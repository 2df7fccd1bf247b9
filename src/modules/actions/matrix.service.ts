import { randomUUID } from 'node:crypto'
import { and, asc, eq, gt, inArray, isNull, type SQL, sql } from 'drizzle-orm'
import { auditChange, type ChangeContext } from '../../platform/audit/audit.service.ts'
import { createCalendarRepository } from '../../platform/calendar/calendar.repository.ts'
import { addCalendarDays, formatDate } from '../../platform/calendar/calendar.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import type { Db, DbOrTx } from '../../platform/db/client.ts'
import { appError, notFound } from '../../platform/http/errors.ts'
import { type Notice, sendNotices } from '../../platform/notify/notices.ts'
import type { Outbox } from '../../platform/notify/notify.service.ts'
import { computeDeadline, type Deadline, getRuleSet } from '../../platform/rules/rules.service.ts'
import { meetings } from '../meetings/meetings.table.ts'
import { currentOn } from '../partnership/groups.repository.ts'
import { agencies, memberships, people } from '../partnership/structure.table.ts'
import { actionLinks, actionMatrixIssues, actions } from './actions.table.ts'
import { createActionLink, expireLinks, linkExpiry } from './links.service.ts'

// Issuing a meeting's action matrix: every owner agency is sent its open actions, due back by
// the actionResponse rule's date, and each recipient gets a way to answer (signed in, or a
// single-use link for people without an account).

export interface MatrixAction {
  id: string
  reference: string
  description: string
  groupId: string
  ownerPersonName: string | null
}

export interface MatrixRecipient {
  personId: string
  name: string
  email: string
  userId: string | null
}

export interface MatrixAgency {
  agencyId: string
  agencyName: string
  actions: MatrixAction[]
  /** The owners with an e-mail address, else the agency's people on the group: nobody means a problem. */
  recipients: MatrixRecipient[]
}

/** What the e-mails say about the meeting and where the pages are. */
export interface MatrixLetterContext {
  slug: string
  publicUrl: string
  meetingTitle: string
}

const actionColumns = {
  id: actions.id,
  reference: actions.reference,
  description: actions.description,
  groupId: actions.groupId,
  agencyId: actions.ownerAgencyId,
  agencyName: agencies.name,
  ownerPersonName: people.name,
  ownerPersonId: people.id,
  ownerEmail: people.email,
  ownerUserId: people.userId,
  ownerLeftOn: people.leftOn,
}

const canBeWritten = (row: { email: string | null; leftOn: string | null }, today: string) =>
  Boolean(row.email?.trim()) && (row.leftOn === null || row.leftOn > today)

/** The actions matching `where`, by agency and reference, with their owner person. */
function actionRows(db: DbOrTx, where: SQL) {
  return db
    .select(actionColumns)
    .from(actions)
    .innerJoin(agencies, eq(agencies.id, actions.ownerAgencyId))
    .leftJoin(people, eq(people.id, actions.ownerPersonId))
    .where(where)
    .orderBy(asc(agencies.name), asc(actions.reference))
}

type ActionRow = Awaited<ReturnType<typeof actionRows>>[number]

/**
 * Groups the actions by owner agency with who to write to: each action's owner if they can be
 * e-mailed, otherwise the agency's people sitting on the action's group today (one query for all).
 */
async function byAgency(db: DbOrTx, rows: readonly ActionRow[], today: string): Promise<MatrixAgency[]> {
  const needSeats = rows.filter(
    (r) => !r.ownerPersonId || !canBeWritten({ email: r.ownerEmail, leftOn: r.ownerLeftOn }, today),
  )
  const seatAgency = sql<string>`coalesce(${memberships.agencyId}, ${people.agencyId})`
  const seats = needSeats.length
    ? await db
        .selectDistinct({
          groupId: memberships.groupId,
          agencyId: seatAgency,
          personId: people.id,
          name: people.name,
          email: people.email,
          userId: people.userId,
          leftOn: people.leftOn,
        })
        .from(memberships)
        .innerJoin(people, eq(people.id, memberships.personId))
        .where(
          and(
            inArray(memberships.groupId, [...new Set(needSeats.map((r) => r.groupId))]),
            inArray(seatAgency, [...new Set(needSeats.map((r) => r.agencyId))]),
            currentOn(memberships, today),
          ),
        )
        .orderBy(asc(people.name))
    : []
  const result = new Map<string, MatrixAgency & { seen: Set<string> }>()
  for (const row of rows) {
    let agency = result.get(row.agencyId)
    if (!agency) {
      agency = {
        agencyId: row.agencyId,
        agencyName: row.agencyName,
        actions: [],
        recipients: [],
        seen: new Set(),
      }
      result.set(row.agencyId, agency)
    }
    agency.actions.push({
      id: row.id,
      reference: row.reference,
      description: row.description,
      groupId: row.groupId,
      ownerPersonName: row.ownerPersonName,
    })
    const add = (r: { personId: string; name: string; email: string | null; userId: string | null }) => {
      if (agency.seen.has(r.personId) || !r.email) return
      agency.seen.add(r.personId)
      agency.recipients.push({ personId: r.personId, name: r.name, email: r.email.trim(), userId: r.userId })
    }
    if (row.ownerPersonId && canBeWritten({ email: row.ownerEmail, leftOn: row.ownerLeftOn }, today)) {
      add({
        personId: row.ownerPersonId,
        name: row.ownerPersonName ?? '',
        email: row.ownerEmail,
        userId: row.ownerUserId,
      })
    } else {
      for (const seat of seats) {
        if (seat.groupId === row.groupId && seat.agencyId === row.agencyId && canBeWritten(seat, today))
          add(seat)
      }
    }
  }
  return [...result.values()].map(({ seen: _seen, ...agency }) => agency)
}

/** The meeting's open actions not yet issued, by owner agency, with their recipients. */
export async function matrixToIssue(db: DbOrTx, meetingId: string, today: string): Promise<MatrixAgency[]> {
  const rows = await actionRows(
    db,
    and(eq(actions.meetingId, meetingId), isNull(actions.issueId), isNull(actions.closedAt))!,
  )
  return byAgency(db, rows, today)
}

/** The response deadline if the matrix were issued on `today`, with its explanation. */
export async function responseDeadline(db: DbOrTx, partnershipId: string, today: string) {
  const [rules, calendar] = await Promise.all([
    getRuleSet(db, partnershipId),
    createCalendarRepository(db).calendarFor(partnershipId),
  ])
  return { deadline: computeDeadline(rules, 'actionResponse', today, calendar), calendar }
}

/** The e-mail to one recipient: the agency's actions, the deadline with its explanation, and how to answer. */
export function matrixLetter(input: {
  context: MatrixLetterContext
  recipient: { name: string }
  agencyName: string
  actions: readonly Pick<MatrixAction, 'id' | 'reference' | 'description'>[]
  deadline: Deadline
  /** A single-use link for someone without an account; otherwise each action's respond page. */
  link: { url: string; expiresOn: string } | null
  fresh?: boolean
}) {
  const { context, deadline } = input
  const actionPage = (id: string) => `${context.publicUrl}/p/${context.slug}/actions/${id}/respond`
  const lines = input.actions.flatMap((a) => [
    `- ${a.reference}: ${a.description}`,
    ...(input.link ? [] : [`  Answer it at ${actionPage(a.id)}`]),
  ])
  const how = input.link
    ? [
        `Answer them at ${input.link.url}`,
        '',
        `The link can be used once, until ${formatDate(input.link.expiresOn)}: answer all the actions you can in one go. If you need another link, ask the business team.`,
      ]
    : ['Sign in to answer each action at the link under it.']
  return {
    subject: input.fresh
      ? `New link: actions for ${input.agencyName} from ${context.meetingTitle}`
      : `Actions for ${input.agencyName} from ${context.meetingTitle}: respond by ${formatDate(deadline.date)}`,
    text: [
      `Dear ${input.recipient.name},`,
      '',
      input.fresh
        ? `Here is a new link to answer ${input.agencyName}’s actions from ${context.meetingTitle}. Any earlier link no longer works.`
        : `The action matrix from ${context.meetingTitle} has been issued. These actions are for ${input.agencyName}:`,
      '',
      ...lines,
      '',
      `Your agency’s response is due by ${formatDate(deadline.date)}.`,
      `How this date was worked out: ${deadline.explanation}.`,
      '',
      ...how,
      '',
      'Do not write the name of any child in your response: use the reference of a review or audit (for example, Child Q).',
    ].join('\n'),
  }
}

/** The notices for one agency: per recipient, signed-in links or a new single-use link. */
async function agencyNotices(
  tx: DbOrTx,
  change: ChangeContext,
  input: {
    context: MatrixLetterContext
    issueId: string
    agency: MatrixAgency
    recipients: readonly MatrixRecipient[]
    deadline: Deadline
    expiresAt: Date
    expiresOn: string
    fresh?: boolean
  },
): Promise<Notice[]> {
  const notices: Notice[] = []
  for (const recipient of input.recipients) {
    let link: { url: string; expiresOn: string } | null = null
    if (!recipient.userId) {
      const created = await createActionLink(tx, {
        partnershipId: change.partnershipId,
        issueId: input.issueId,
        agencyId: input.agency.agencyId,
        personId: recipient.personId,
        email: recipient.email,
        expiresAt: input.expiresAt,
        now: change.now,
      })
      link = { url: `${input.context.publicUrl}/respond/${created.token}`, expiresOn: input.expiresOn }
    }
    const letter = matrixLetter({
      context: input.context,
      recipient,
      agencyName: input.agency.agencyName,
      actions: input.agency.actions,
      deadline: input.deadline,
      link,
      fresh: input.fresh,
    })
    notices.push({
      partnershipId: change.partnershipId,
      to: recipient.email,
      userId: recipient.userId,
      ...letter,
    })
  }
  return notices
}

export interface IssueResult {
  issueId: string
  deadline: Deadline
  actions: number
  notices: number
  /** Agencies that nobody could be written to. */
  unsent: string[]
}

/**
 * Issues the matrix: in one transaction (the meeting row locked, so a form sent twice waits and
 * then finds nothing left), the issue, each action stamped with it and its deadline, and one
 * e-mail per agency and recipient. Null when every action was already issued: nothing is sent.
 */
export async function issueMatrix(
  db: Db,
  outbox: Outbox,
  change: ChangeContext,
  input: { meetingId: string; context: MatrixLetterContext },
): Promise<IssueResult | null> {
  return db.transaction(async (tx) => {
    const [meeting] = await tx
      .select({ id: meetings.id })
      .from(meetings)
      .where(and(eq(meetings.id, input.meetingId), eq(meetings.partnershipId, change.partnershipId)))
      .for('update')
    if (!meeting) throw notFound()
    const today = londonDate(change.now)
    const matrix = await matrixToIssue(tx, meeting.id, today)
    if (matrix.length === 0) return null
    const { deadline, calendar } = await responseDeadline(tx, change.partnershipId, today)
    const issueId = randomUUID()
    await tx.insert(actionMatrixIssues).values({
      id: issueId,
      partnershipId: change.partnershipId,
      meetingId: meeting.id,
      issuedOn: today,
      dueOn: deadline.date,
      issuedById: change.actorId,
      createdAt: change.now,
    })
    const actionIds = matrix.flatMap((a) => a.actions.map((x) => x.id))
    await tx
      .update(actions)
      .set({ issueId, issuedOn: today, dueOn: deadline.date })
      .where(and(inArray(actions.id, actionIds), isNull(actions.issueId)))
    const expiresAt = linkExpiry(calendar, deadline.date)
    const expiresOn = addCalendarDays(londonDate(expiresAt), -1)
    const notices: Notice[] = []
    for (const agency of matrix) {
      notices.push(
        ...(await agencyNotices(tx, change, {
          context: input.context,
          issueId,
          agency,
          recipients: agency.recipients,
          deadline,
          expiresAt,
          expiresOn,
        })),
      )
    }
    await sendNotices(tx, outbox, notices, change.now)
    const unsent = matrix.filter((a) => a.recipients.length === 0).map((a) => a.agencyName)
    await auditChange(tx, change, { type: 'action_matrix_issue', id: issueId }, 'issue', null, {
      meetingId: meeting.id,
      issuedOn: today,
      dueOn: deadline.date,
      actions: actionIds,
      notices: notices.length,
      unsent,
    })
    for (const id of actionIds) {
      await auditChange(
        tx,
        change,
        { type: 'action', id },
        'issue',
        { issueId: null, issuedOn: null, dueOn: null },
        { issueId, issuedOn: today, dueOn: deadline.date },
      )
    }
    return { issueId, deadline, actions: actionIds.length, notices: notices.length, unsent }
  })
}

export interface IssueSummary {
  id: string
  issuedOn: string
  dueOn: string
  agencies: {
    agencyId: string
    agencyName: string
    actions: number
    open: number
    /** Links not used and not expired. */
    liveLinks: number
  }[]
}

/** The meeting's past issues, newest first, with each agency's actions and live links (two queries). */
export async function matrixIssues(db: DbOrTx, meetingId: string, now: Date): Promise<IssueSummary[]> {
  const rows = await db
    .select({
      id: actionMatrixIssues.id,
      issuedOn: actionMatrixIssues.issuedOn,
      dueOn: actionMatrixIssues.dueOn,
      createdAt: actionMatrixIssues.createdAt,
      agencyId: actions.ownerAgencyId,
      agencyName: agencies.name,
      actions: sql<number>`count(*)::int`,
      open: sql<number>`(count(*) filter (where ${actions.closedAt} is null))::int`,
    })
    .from(actionMatrixIssues)
    .innerJoin(actions, eq(actions.issueId, actionMatrixIssues.id))
    .innerJoin(agencies, eq(agencies.id, actions.ownerAgencyId))
    .where(eq(actionMatrixIssues.meetingId, meetingId))
    .groupBy(
      actionMatrixIssues.id,
      actionMatrixIssues.issuedOn,
      actionMatrixIssues.dueOn,
      actionMatrixIssues.createdAt,
      actions.ownerAgencyId,
      agencies.name,
    )
    .orderBy(
      sql`${actionMatrixIssues.issuedOn} desc`,
      sql`${actionMatrixIssues.createdAt} desc`,
      asc(agencies.name),
    )
  const issueIds = [...new Set(rows.map((r) => r.id))]
  const links = issueIds.length
    ? await db
        .select({
          issueId: actionLinks.issueId,
          agencyId: actionLinks.agencyId,
          live: sql<number>`count(*)::int`,
        })
        .from(actionLinks)
        .where(
          and(
            inArray(actionLinks.issueId, issueIds),
            isNull(actionLinks.usedAt),
            gt(actionLinks.expiresAt, now),
          ),
        )
        .groupBy(actionLinks.issueId, actionLinks.agencyId)
    : []
  const live = new Map(links.map((l) => [`${l.issueId}/${l.agencyId}`, l.live]))
  return [...Map.groupBy(rows, (r) => r.id).values()].map((group) => {
    const first = group[0]!
    return {
      id: first.id,
      issuedOn: first.issuedOn,
      dueOn: first.dueOn,
      agencies: group.map((r) => ({
        agencyId: r.agencyId,
        agencyName: r.agencyName,
        actions: r.actions,
        open: r.open,
        liveLinks: live.get(`${r.id}/${r.agencyId}`) ?? 0,
      })),
    }
  })
}

/**
 * A fresh single-use link for an agency's people without an account, for the open actions of
 * one issue: the old unused links of that issue and agency stop working. Refused when nothing is
 * open or nobody needs a link.
 */
export async function sendFreshLinks(
  db: Db,
  outbox: Outbox,
  change: ChangeContext,
  input: { meetingId: string; issueId: string; agencyId: string; context: MatrixLetterContext },
): Promise<{ sent: number; expired: number }> {
  return db.transaction(async (tx) => {
    const [issue] = await tx
      .select()
      .from(actionMatrixIssues)
      .where(
        and(
          eq(actionMatrixIssues.id, input.issueId),
          eq(actionMatrixIssues.meetingId, input.meetingId),
          eq(actionMatrixIssues.partnershipId, change.partnershipId),
        ),
      )
      .for('update')
    if (!issue) throw notFound()
    const today = londonDate(change.now)
    const rows = await actionRows(
      tx,
      and(
        eq(actions.issueId, issue.id),
        eq(actions.ownerAgencyId, input.agencyId),
        isNull(actions.closedAt),
      )!,
    )
    const [agency] = await byAgency(tx, rows, today)
    if (!agency) {
      throw appError('nothing_open', 'This agency has no open action from this issue: no link is needed', 409)
    }
    const recipients = agency.recipients.filter((r) => !r.userId)
    if (recipients.length === 0) {
      throw appError(
        'no_link_needed',
        `Nobody we write to at ${agency.agencyName} needs a link: they answer signed in, or nobody can be e-mailed`,
        409,
      )
    }
    const due = await tx
      .select({ dueOn: sql<string>`max(${actions.dueOn})` })
      .from(actions)
      .where(
        inArray(
          actions.id,
          agency.actions.map((a) => a.id),
        ),
      )
    const dueOn = due[0]?.dueOn ?? issue.dueOn
    const { deadline, calendar } = await responseDeadline(tx, change.partnershipId, issue.issuedOn)
    const inForce: Deadline =
      dueOn === deadline.date
        ? deadline
        : { date: dueOn, explanation: `${formatDate(dueOn)}: the deadline in force after an extension` }
    const expired = await expireLinks(tx, { issueId: issue.id, agencyId: agency.agencyId, now: change.now })
    const expiresAt = linkExpiry(calendar, dueOn > today ? dueOn : today)
    const notices = await agencyNotices(tx, change, {
      context: input.context,
      issueId: issue.id,
      agency,
      recipients,
      deadline: inForce,
      expiresAt,
      expiresOn: addCalendarDays(londonDate(expiresAt), -1),
      fresh: true,
    })
    await sendNotices(tx, outbox, notices, change.now)
    await auditChange(tx, change, { type: 'action_matrix_issue', id: issue.id }, 'new_links', null, {
      agencyId: agency.agencyId,
      sent: notices.length,
      expired,
    })
    return { sent: notices.length, expired }
  })
}
