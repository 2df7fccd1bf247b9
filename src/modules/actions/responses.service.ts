import { randomUUID } from 'node:crypto'
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm'
import { auditChange, type ChangeContext } from '../../platform/audit/audit.service.ts'
import { partnershipRoles, users } from '../../platform/auth/auth.table.ts'
import { formatDate } from '../../platform/calendar/calendar.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import type { Db, DbOrTx } from '../../platform/db/client.ts'
import { appError, forbidden } from '../../platform/http/errors.ts'
import { type Notice, sendNotices } from '../../platform/notify/notices.ts'
import type { Outbox } from '../../platform/notify/notify.service.ts'
import { isBusinessTeam, type MeetingViewer } from '../meetings/meetings.access.ts'
import { meetingTitle } from '../meetings/meetings.labels.ts'
import { meetings } from '../meetings/meetings.table.ts'
import { partnerships } from '../partnership/partnership.table.ts'
import { agencies, groups, people } from '../partnership/structure.table.ts'
import {
  type Action,
  type ActionLink,
  actionMatrixIssues,
  actionResponseFiles,
  actionResponses,
  actions,
} from './actions.table.ts'
import { complianceFailures } from './compliance.table.ts'
import { checkActionLink, type LinkCheck, useActionLink } from './links.service.ts'

// Answering an action: signed in (the owner, their agency's people, the business team) or
// through a single-use link. A response after the deadline in force is late, and the agency's
// compliance failure is written in the same transaction, before any nightly sweep.

export const RESPONSE_MAX = 10_000

export const closedMessage = 'This action is closed: it cannot be answered'
export const notIssuedMessage = 'This action has not been issued yet: it cannot be answered'

export interface ResponseFile {
  filename: string
  contentType: string
  content: Uint8Array
}

export interface Answer {
  actionId: string
  text: string
  file: ResponseFile | null
}

/** Where the e-mails point: `${publicUrl}/p/<slug>/actions/<id>`. */
export interface ResponseContext {
  publicUrl: string
}

/** Why an action cannot be answered now, or null. */
export function answerRefusal(action: Pick<Action, 'closedAt' | 'issueId' | 'dueOn'>): string | null {
  if (action.closedAt) return closedMessage
  if (!action.issueId || !action.dueOn) return notIssuedMessage
  return null
}

/** The action with its agency's name, when it is the partnership's. */
export async function actionOfPartnership(db: DbOrTx, partnershipId: string, actionId: string) {
  const [row] = await db
    .select({ action: actions, agencyName: agencies.name, ownerName: people.name })
    .from(actions)
    .innerJoin(agencies, eq(agencies.id, actions.ownerAgencyId))
    .leftJoin(people, eq(people.id, actions.ownerPersonId))
    .where(and(eq(actions.id, actionId), eq(actions.partnershipId, partnershipId)))
  return row ?? null
}

/**
 * Whether the viewer may answer (or ask more time for) the action: the business team, the owner
 * person, or anyone whose directory entry is in the owner agency. Gives their directory entry.
 */
export async function answererOf(
  db: DbOrTx,
  partnershipId: string,
  action: Pick<Action, 'ownerAgencyId' | 'ownerPersonId'>,
  viewer: MeetingViewer,
): Promise<{ allowed: boolean; personId: string | null }> {
  if (!viewer.userId) return { allowed: isBusinessTeam(viewer.role), personId: null }
  const entries = await db
    .select({ id: people.id, agencyId: people.agencyId })
    .from(people)
    .where(and(eq(people.partnershipId, partnershipId), eq(people.userId, viewer.userId)))
  const owner = entries.find(
    (p) => p.id === action.ownerPersonId || (p.agencyId !== null && p.agencyId === action.ownerAgencyId),
  )
  if (owner) return { allowed: true, personId: owner.id }
  return { allowed: isBusinessTeam(viewer.role), personId: entries[0]?.id ?? null }
}

/** The partnership's business team (active accounts), who are told of responses and requests. */
export async function businessTeamOf(db: DbOrTx, partnershipId: string) {
  return db
    .select({ userId: users.id, email: users.email, name: users.name })
    .from(partnershipRoles)
    .innerJoin(users, eq(users.id, partnershipRoles.userId))
    .where(
      and(
        eq(partnershipRoles.partnershipId, partnershipId),
        eq(partnershipRoles.role, 'business_team'),
        isNull(partnershipRoles.deactivatedAt),
        isNull(users.deactivatedAt),
      ),
    )
    .orderBy(asc(users.email))
}

/** The same notice to each of the business team. */
export async function noticesToBusinessTeam(
  db: DbOrTx,
  partnershipId: string,
  letter: { subject: string; text: string },
): Promise<Notice[]> {
  return (await businessTeamOf(db, partnershipId)).map((u) => ({
    partnershipId,
    to: u.email,
    userId: u.userId,
    ...letter,
  }))
}

/** An action's responses, oldest first, with their attachment's name and size. */
export async function responsesOf(db: DbOrTx, actionId: string) {
  return db
    .select({
      id: actionResponses.id,
      text: actionResponses.text,
      respondedOn: actionResponses.respondedOn,
      dueOn: actionResponses.dueOn,
      byName: sql<string | null>`coalesce(${people.name}, ${users.name})`,
      throughLink: sql<boolean>`${actionResponses.linkId} is not null`,
      fileId: actionResponseFiles.id,
      filename: actionResponseFiles.filename,
      size: actionResponseFiles.size,
    })
    .from(actionResponses)
    .leftJoin(people, eq(people.id, actionResponses.byPersonId))
    .leftJoin(users, eq(users.id, actionResponses.byUserId))
    .leftJoin(actionResponseFiles, eq(actionResponseFiles.responseId, actionResponses.id))
    .where(eq(actionResponses.actionId, actionId))
    .orderBy(asc(actionResponses.respondedAt), asc(actionResponses.id))
}

/**
 * Writes one response (and its file), the agency's failure when it is late, and the audit entry.
 * The action must have been checked (open, issued) in this transaction.
 */
async function recordResponse(
  tx: DbOrTx,
  change: ChangeContext,
  action: Action,
  answer: Answer,
  by: { userId: string | null; personId: string | null; linkId: string | null },
) {
  const respondedOn = londonDate(change.now)
  const dueOn = action.dueOn
  const late = dueOn !== null && respondedOn > dueOn
  const id = randomUUID()
  await tx.insert(actionResponses).values({
    id,
    partnershipId: action.partnershipId,
    actionId: action.id,
    text: answer.text,
    respondedOn,
    respondedAt: change.now,
    dueOn,
    byUserId: by.userId,
    byPersonId: by.personId,
    linkId: by.linkId,
  })
  if (answer.file) {
    await tx.insert(actionResponseFiles).values({
      id: randomUUID(),
      partnershipId: action.partnershipId,
      responseId: id,
      filename: answer.file.filename,
      contentType: answer.file.contentType,
      size: answer.file.content.byteLength,
      content: answer.file.content,
    })
  }
  if (late && dueOn) {
    await tx
      .insert(complianceFailures)
      .values({
        id: randomUUID(),
        partnershipId: action.partnershipId,
        agencyId: action.ownerAgencyId,
        actionId: action.id,
        dueOn,
        kind: 'late',
        respondedOn,
        createdAt: change.now,
      })
      .onConflictDoUpdate({
        target: [complianceFailures.actionId, complianceFailures.dueOn],
        set: { kind: 'late', respondedOn: sql`excluded.responded_on` },
      })
  }
  await auditChange(tx, change, { type: 'action_response', id }, 'respond', null, {
    actionId: action.id,
    respondedOn,
    dueOn,
    late,
    file: answer.file?.filename ?? null,
    linkId: by.linkId,
  })
  return { responseId: id, late, respondedOn, dueOn }
}

function responseNotice(
  context: ResponseContext,
  slug: string,
  agencyName: string,
  answered: { action: Action; late: boolean; respondedOn: string }[],
  through: string,
) {
  const lines = answered.flatMap(({ action, late, respondedOn }) => [
    `- ${action.reference}: ${action.description}`,
    `  ${late ? `Late: answered on ${formatDate(respondedOn)}, due ${formatDate(action.dueOn!)}` : 'Answered on time'}`,
    `  ${context.publicUrl}/p/${slug}/actions/${action.id}`,
  ])
  const first = answered[0]!.action
  return {
    subject:
      answered.length === 1
        ? `Response from ${agencyName} to action ${first.reference}`
        : `Responses from ${agencyName} to ${answered.length} actions`,
    text: [`${agencyName} answered ${through}:`, '', ...lines].join('\n'),
  }
}

/** The action locked for answering, refused when closed or not yet issued. */
async function lockedAction(tx: DbOrTx, partnershipId: string, actionId: string): Promise<Action> {
  const [action] = await tx
    .select()
    .from(actions)
    .where(and(eq(actions.id, actionId), eq(actions.partnershipId, partnershipId)))
    .for('update')
  if (!action) throw appError('not_found', 'Page not found', 404)
  const refusal = answerRefusal(action)
  if (refusal) throw appError(action.closedAt ? 'closed' : 'not_issued', refusal, 409)
  return action
}

/** Answers an action signed in; the business team is told. */
export async function answerAction(
  db: Db,
  outbox: Outbox,
  change: ChangeContext,
  input: { answer: Answer; personId: string | null; slug: string; context: ResponseContext },
) {
  return db.transaction(async (tx) => {
    const action = await lockedAction(tx, change.partnershipId, input.answer.actionId)
    const recorded = await recordResponse(tx, change, action, input.answer, {
      userId: change.actorId,
      personId: input.personId,
      linkId: null,
    })
    const [agency] = await tx
      .select({ name: agencies.name })
      .from(agencies)
      .where(eq(agencies.id, action.ownerAgencyId))
    const letter = responseNotice(
      input.context,
      input.slug,
      agency?.name ?? '',
      [{ action, ...recorded }],
      'signed in',
    )
    await sendNotices(tx, outbox, await noticesToBusinessTeam(tx, change.partnershipId, letter), change.now)
    return recorded
  })
}

/** What a link's page shows: its partnership, meeting, agency, deadline, and the open actions. */
export async function linkPage(db: DbOrTx, link: ActionLink) {
  const [context] = await db
    .select({
      partnership: { name: partnerships.name, shortName: partnerships.shortName, slug: partnerships.slug },
      agencyName: agencies.name,
      meeting: { heldOn: meetings.heldOn, kind: meetings.kind },
      groupName: groups.name,
      issuedOn: actionMatrixIssues.issuedOn,
      dueOn: actionMatrixIssues.dueOn,
    })
    .from(actionMatrixIssues)
    .innerJoin(partnerships, eq(partnerships.id, actionMatrixIssues.partnershipId))
    .innerJoin(meetings, eq(meetings.id, actionMatrixIssues.meetingId))
    .innerJoin(groups, eq(groups.id, meetings.groupId))
    .innerJoin(agencies, eq(agencies.id, link.agencyId))
    .where(eq(actionMatrixIssues.id, link.issueId))
  if (!context) throw appError('not_found', 'Page not found', 404)
  const open = await db
    .select({
      id: actions.id,
      reference: actions.reference,
      description: actions.description,
      dueOn: actions.dueOn,
      lastRespondedOn: sql<string | null>`(select max(${actionResponses.respondedOn}) from ${actionResponses}
        where ${actionResponses.actionId} = ${actions.id})`,
    })
    .from(actions)
    .where(
      and(
        eq(actions.issueId, link.issueId),
        eq(actions.ownerAgencyId, link.agencyId),
        eq(actions.partnershipId, link.partnershipId),
        isNull(actions.closedAt),
      ),
    )
    .orderBy(asc(actions.reference))
  return {
    partnership: context.partnership,
    agencyName: context.agencyName,
    meetingTitle: meetingTitle(context.meeting, context.groupName),
    issuedOn: context.issuedOn,
    dueOn: context.dueOn,
    actions: open,
  }
}

export type LinkAnswerResult =
  | { status: 'ok'; answered: { actionId: string; late: boolean }[] }
  | { status: Exclude<LinkCheck['status'], 'ok'> }

/**
 * Answers through a single-use link: one or several of the agency's open actions from the issue.
 * The link is locked and marked used in the same transaction as the responses, so a second
 * submission finds it used. An action that is not the link's agency's, or not from its issue,
 * is refused and nothing is written.
 */
export async function answerThroughLink(
  db: Db,
  outbox: Outbox,
  input: {
    token: string
    answers: readonly Answer[]
    now: Date
    requestId?: string
    context: ResponseContext
  },
): Promise<LinkAnswerResult> {
  return db.transaction(async (tx) => {
    const check = await checkActionLink(tx, input.token, input.now, { lock: true })
    if (check.status !== 'ok') return { status: check.status }
    const { link } = check
    if (input.answers.length === 0)
      throw appError('no_answer', 'Enter a response to at least one action', 400)
    const ids = [...new Set(input.answers.map((a) => a.actionId))]
    if (ids.length !== input.answers.length) throw appError('duplicate', 'Answer each action once', 400)
    const rows = await tx
      .select()
      .from(actions)
      .where(and(inArray(actions.id, ids), eq(actions.partnershipId, link.partnershipId)))
      .orderBy(asc(actions.reference))
      .for('update')
    const byId = new Map(rows.map((a) => [a.id, a]))
    for (const id of ids) {
      const action = byId.get(id)
      if (!action || action.issueId !== link.issueId || action.ownerAgencyId !== link.agencyId) {
        throw forbidden('This link answers only your agency’s actions from this action matrix')
      }
      if (action.closedAt) throw appError('closed', closedMessage, 409)
    }
    if (!(await useActionLink(tx, link.id, input.now))) return { status: 'used' }
    const change: ChangeContext = {
      partnershipId: link.partnershipId,
      actorId: null,
      now: input.now,
      requestId: input.requestId,
    }
    const answered: { action: Action; late: boolean; respondedOn: string }[] = []
    for (const answer of input.answers) {
      const action = byId.get(answer.actionId)!
      const recorded = await recordResponse(tx, change, action, answer, {
        userId: null,
        personId: link.personId,
        linkId: link.id,
      })
      answered.push({ action, ...recorded })
    }
    await auditChange(tx, change, { type: 'action_link', id: link.id }, 'use', null, {
      usedAt: input.now,
      actions: ids,
    })
    const [context] = await tx
      .select({ slug: partnerships.slug, agencyName: agencies.name })
      .from(partnerships)
      .innerJoin(agencies, eq(agencies.id, link.agencyId))
      .where(eq(partnerships.id, link.partnershipId))
    const letter = responseNotice(
      input.context,
      context?.slug ?? '',
      context?.agencyName ?? '',
      answered,
      'through an e-mailed link',
    )
    await sendNotices(tx, outbox, await noticesToBusinessTeam(tx, link.partnershipId, letter), input.now)
    return {
      status: 'ok',
      answered: answered.map((a) => ({ actionId: a.action.id, late: a.late })),
    }
  })
}
