import { randomUUID } from 'node:crypto'
import { and, desc, eq, isNull } from 'drizzle-orm'
import { auditChange, type ChangeContext } from '../../platform/audit/audit.service.ts'
import { users } from '../../platform/auth/auth.table.ts'
import { addMonths, formatDate } from '../../platform/calendar/calendar.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import type { Db, DbOrTx } from '../../platform/db/client.ts'
import { appError, notFound } from '../../platform/http/errors.ts'
import { sendNotices } from '../../platform/notify/notices.ts'
import type { Outbox } from '../../platform/notify/notify.service.ts'
import { FieldProblems } from '../partnership/agencies.problems.ts'
import {
  type Action,
  type ActionExtension,
  actionExtensions,
  actionMatrixIssues,
  actions,
} from './actions.table.ts'
import { noticesToBusinessTeam, type ResponseContext } from './responses.service.ts'

// More time for an action: the owner asks with a date and a reason, the business team approves
// (with a new date, the proposed one by default) or refuses, with a reason. Approval moves the
// deadline in force. A new deadline must be after the current one and no later than a year after
// the original deadline.

export const EXTENSION_LIMIT_MONTHS = 12
export const REASON_MAX = 5000

export const extensionMessages = {
  closed: 'This action is closed: it cannot be given more time',
  notIssued: 'This action has not been issued yet: it has no deadline to extend',
  pending: 'A request for more time for this action is already waiting for a decision',
  decided: 'This request has already been decided',
}

/** The deadline the action was first given (its issue's), from which the year's limit counts. */
export async function originalDeadline(
  db: DbOrTx,
  action: Pick<Action, 'issueId' | 'dueOn'>,
): Promise<string | null> {
  if (!action.issueId) return action.dueOn
  const [issue] = await db
    .select({ dueOn: actionMatrixIssues.dueOn })
    .from(actionMatrixIssues)
    .where(eq(actionMatrixIssues.id, action.issueId))
  return issue?.dueOn ?? action.dueOn
}

/** The latest date an extension can give: a year after the original deadline. */
export const extensionLimit = (original: string) => addMonths(original, EXTENSION_LIMIT_MONTHS)

/** What is wrong with a new deadline, or null: it must be after the current one and within the year. */
export function newDeadlineProblem(date: string, current: string, original: string): string | null {
  if (date <= current) return `The new deadline must be after the current deadline, ${formatDate(current)}`
  const limit = extensionLimit(original)
  if (date > limit) {
    return `An extension cannot go beyond ${formatDate(limit)}, a year after the original deadline`
  }
  return null
}

/** Why no more time can be asked for, or null. */
export function extensionRefusal(action: Pick<Action, 'closedAt' | 'issueId' | 'dueOn'>): string | null {
  if (action.closedAt) return extensionMessages.closed
  if (!action.issueId || !action.dueOn) return extensionMessages.notIssued
  return null
}

/** The action's requests, newest first, with who asked and who decided. */
export async function extensionsOf(db: DbOrTx, actionId: string) {
  return db
    .select({ extension: actionExtensions, requestedBy: users.name })
    .from(actionExtensions)
    .leftJoin(users, eq(users.id, actionExtensions.requestedById))
    .where(eq(actionExtensions.actionId, actionId))
    .orderBy(desc(actionExtensions.createdAt), desc(actionExtensions.id))
}

export async function findExtension(
  db: DbOrTx,
  actionId: string,
  extensionId: string,
): Promise<ActionExtension | null> {
  const [row] = await db
    .select()
    .from(actionExtensions)
    .where(and(eq(actionExtensions.id, extensionId), eq(actionExtensions.actionId, actionId)))
  return row ?? null
}

async function lockedAction(tx: DbOrTx, partnershipId: string, actionId: string): Promise<Action> {
  const [action] = await tx
    .select()
    .from(actions)
    .where(and(eq(actions.id, actionId), eq(actions.partnershipId, partnershipId)))
    .for('update')
  if (!action) throw notFound()
  return action
}

const actionLink = (context: ResponseContext, slug: string, actionId: string) =>
  `${context.publicUrl}/p/${slug}/actions/${actionId}`

/**
 * Records a request for more time (the action locked, so two requests at once cannot both wait).
 * The business team is told. Refused when closed, not issued, already waiting, or the date is
 * not after the current deadline or beyond a year after the original one.
 */
export async function requestExtension(
  db: Db,
  outbox: Outbox,
  change: ChangeContext,
  input: { actionId: string; proposedDueOn: string; reason: string; slug: string; context: ResponseContext },
): Promise<ActionExtension> {
  return db.transaction(async (tx) => {
    const action = await lockedAction(tx, change.partnershipId, input.actionId)
    const refusal = extensionRefusal(action)
    if (refusal) throw appError('refused', refusal, 409)
    const [waiting] = await tx
      .select({ id: actionExtensions.id })
      .from(actionExtensions)
      .where(and(eq(actionExtensions.actionId, action.id), isNull(actionExtensions.decision)))
    if (waiting) throw appError('pending', extensionMessages.pending, 409)
    const original = (await originalDeadline(tx, action)) ?? action.dueOn!
    const problem = newDeadlineProblem(input.proposedDueOn, action.dueOn!, original)
    if (problem) throw new FieldProblems({ proposedDueOn: problem })
    const [extension] = await tx
      .insert(actionExtensions)
      .values({
        id: randomUUID(),
        partnershipId: change.partnershipId,
        actionId: action.id,
        requestedOn: londonDate(change.now),
        requestedById: change.actorId,
        proposedDueOn: input.proposedDueOn,
        reason: input.reason,
        createdAt: change.now,
      })
      .returning()
    await auditChange(tx, change, { type: 'action_extension', id: extension!.id }, 'request', null, {
      actionId: action.id,
      currentDueOn: action.dueOn,
      proposedDueOn: input.proposedDueOn,
      reason: input.reason,
    })
    const link = `${actionLink(input.context, input.slug, action.id)}/extensions/${extension!.id}`
    const notices = await noticesToBusinessTeam(tx, change.partnershipId, {
      subject: `More time asked for action ${action.reference}`,
      text: [
        `More time has been asked for action ${action.reference}: ${action.description}`,
        '',
        `Current deadline: ${formatDate(action.dueOn!)}`,
        `Proposed deadline: ${formatDate(input.proposedDueOn)}`,
        `Reason: ${input.reason}`,
        '',
        `Approve or refuse it at ${link}`,
      ].join('\n'),
    })
    await sendNotices(tx, outbox, notices, change.now)
    return extension!
  })
}

export type ExtensionDecision =
  | { decision: 'approved'; newDueOn: string; reason: string }
  | { decision: 'refused'; reason: string }

/**
 * Decides a request once (the request locked, so a second decision is refused). Approval moves
 * the action's deadline, within the same limits as the request. The requester is told by e-mail.
 */
export async function decideExtension(
  db: Db,
  outbox: Outbox,
  change: ChangeContext,
  input: {
    actionId: string
    extensionId: string
    slug: string
    context: ResponseContext
  } & ExtensionDecision,
): Promise<ActionExtension> {
  return db.transaction(async (tx) => {
    const action = await lockedAction(tx, change.partnershipId, input.actionId)
    const [request] = await tx
      .select()
      .from(actionExtensions)
      .where(and(eq(actionExtensions.id, input.extensionId), eq(actionExtensions.actionId, action.id)))
      .for('update')
    if (!request) throw notFound()
    if (request.decision) throw appError('decided', extensionMessages.decided, 409)
    let newDueOn: string | null = null
    if (input.decision === 'approved') {
      const refusal = extensionRefusal(action)
      if (refusal) throw appError('refused', refusal, 409)
      const original = (await originalDeadline(tx, action)) ?? action.dueOn!
      const problem = newDeadlineProblem(input.newDueOn, action.dueOn!, original)
      if (problem) throw new FieldProblems({ newDueOn: problem })
      newDueOn = input.newDueOn
    }
    const [decided] = await tx
      .update(actionExtensions)
      .set({
        decision: input.decision,
        decisionReason: input.reason,
        newDueOn,
        decidedAt: change.now,
        decidedById: change.actorId,
      })
      .where(eq(actionExtensions.id, request.id))
      .returning()
    await auditChange(
      tx,
      change,
      { type: 'action_extension', id: request.id },
      input.decision === 'approved' ? 'approve' : 'refuse',
      { decision: null },
      { decision: input.decision, decisionReason: input.reason, newDueOn },
    )
    if (newDueOn) {
      await tx.update(actions).set({ dueOn: newDueOn }).where(eq(actions.id, action.id))
      await auditChange(
        tx,
        change,
        { type: 'action', id: action.id },
        'extend',
        { dueOn: action.dueOn },
        { dueOn: newDueOn, extensionId: request.id },
      )
    }
    if (request.requestedById) {
      const [requester] = await tx
        .select({ email: users.email, name: users.name })
        .from(users)
        .where(eq(users.id, request.requestedById))
      if (requester) {
        const outcome = newDueOn
          ? `approved: the new deadline is ${formatDate(newDueOn)}`
          : `refused: the deadline stays ${formatDate(action.dueOn!)}`
        await sendNotices(
          tx,
          outbox,
          [
            {
              partnershipId: change.partnershipId,
              to: requester.email,
              userId: request.requestedById,
              subject: `More time for action ${action.reference}: ${input.decision}`,
              text: [
                `Dear ${requester.name},`,
                '',
                `Your request for more time for action ${action.reference} (${action.description}) was ${outcome}.`,
                '',
                `Reason: ${input.reason}`,
                '',
                `See the action at ${actionLink(input.context, input.slug, action.id)}`,
              ].join('\n'),
            },
          ],
          change.now,
        )
      }
    }
    return decided!
  })
}
