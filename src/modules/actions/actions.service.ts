import { randomUUID } from 'node:crypto'
import { and, eq, gt, isNull, or, sql } from 'drizzle-orm'
import { auditChange, type ChangeContext, fieldChanges } from '../../platform/audit/audit.service.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import type { Db, DbOrTx } from '../../platform/db/client.ts'
import { appError, notFound } from '../../platform/http/errors.ts'
import { decisions } from '../meetings/decisions.table.ts'
import { isUuid } from '../meetings/meetings.access.ts'
import { agendaItems, meetings } from '../meetings/meetings.table.ts'
import { FieldProblems } from '../partnership/agencies.problems.ts'
import { agencies, groups, memberships, people } from '../partnership/structure.table.ts'
import { type Action, actions } from './actions.table.ts'

// Creating actions, changing them before they are issued, and closing them. Every change is
// audited in its transaction; what a form field breaks comes back as FieldProblems keyed by
// that field (the names of the action form's fields).

/** Serialises the numbering of a partnership's actions (with hashtext of the partnership). */
const ACTIONS_LOCK = 7_303_066

/** A double-submitted form within this long records nothing the second time. */
export const DUPLICATE_WINDOW_MS = 60_000

export const duplicateActionMessage = 'This action has already been recorded'
export const agencyRequiredMessage = 'Select the agency that owns this action'
export const ownerPersonMessage = 'Choose someone from the owner agency or a member of the group'
export const MAX_DESCRIPTION = 2000

/** Where an action comes from: a decision, an agenda item, a meeting, or a group alone. */
export interface ActionSourceInput {
  meetingId?: string | null
  agendaItemId?: string | null
  decisionId?: string | null
  groupId?: string | null
}

export interface ActionInput extends ActionSourceInput {
  description: string
  ownerAgencyId: string
  ownerPersonId?: string | null
}

export interface ActionSource {
  group: { id: string; slug: string; name: string; closedOn: string | null }
  meeting: { id: string; heldOn: string; kind: 'ordinary' | 'extraordinary'; cancelledAt: Date | null } | null
  item: { id: string; position: number; title: string } | null
  decision: { id: string; reference: string; text: string } | null
}

const groupColumns = { id: groups.id, slug: groups.slug, name: groups.name, closedOn: groups.closedOn }
const meetingColumns = {
  id: meetings.id,
  heldOn: meetings.heldOn,
  kind: meetings.kind,
  cancelledAt: meetings.cancelledAt,
}

/**
 * The source an action form names, read in one query: a decision gives its agenda item and
 * meeting, an item its meeting, a meeting its group; a standalone action names its group.
 * Ids that are not the partnership's come back as problems on the field that named them.
 */
export async function resolveActionSource(
  db: DbOrTx,
  partnershipId: string,
  input: ActionSourceInput,
): Promise<{ source: ActionSource | null; problems: Record<string, string> }> {
  const problems: Record<string, string> = {}
  const id = (value: string | null | undefined) => (value && isUuid(value) ? value : null)
  const decisionId = id(input.decisionId)
  const itemId = id(input.agendaItemId)
  const meetingId = id(input.meetingId)
  if (input.decisionId && !decisionId) problems.decisionId = 'There is no such decision'
  if (input.agendaItemId && !itemId) problems.agendaItemId = 'Choose an item on this meeting’s agenda'
  if (input.meetingId && !meetingId) problems.meetingId = 'There is no such meeting'

  if (decisionId) {
    const [row] = await db
      .select({
        decision: {
          id: decisions.id,
          reference: decisions.reference,
          text: decisions.text,
          withdrawnAt: decisions.withdrawnAt,
        },
        item: { id: agendaItems.id, position: agendaItems.position, title: agendaItems.title },
        meeting: meetingColumns,
        group: groupColumns,
      })
      .from(decisions)
      .innerJoin(agendaItems, eq(agendaItems.id, decisions.agendaItemId))
      .innerJoin(meetings, eq(meetings.id, decisions.meetingId))
      .innerJoin(groups, eq(groups.id, meetings.groupId))
      .where(and(eq(decisions.id, decisionId), eq(decisions.partnershipId, partnershipId)))
    if (!row) return { source: null, problems: { decisionId: 'There is no such decision' } }
    if (row.decision.withdrawnAt)
      problems.decisionId = 'This decision was withdrawn: no action can come from it'
    const { withdrawnAt: _withdrawn, ...decision } = row.decision
    return { source: { group: row.group, meeting: row.meeting, item: row.item, decision }, problems }
  }
  if (itemId) {
    const [row] = await db
      .select({
        item: {
          id: agendaItems.id,
          position: agendaItems.position,
          title: agendaItems.title,
          withdrawnAt: agendaItems.withdrawnAt,
        },
        meeting: meetingColumns,
        group: groupColumns,
      })
      .from(agendaItems)
      .innerJoin(meetings, eq(meetings.id, agendaItems.meetingId))
      .innerJoin(groups, eq(groups.id, meetings.groupId))
      .where(and(eq(agendaItems.id, itemId), eq(agendaItems.partnershipId, partnershipId)))
    if (!row || row.item.withdrawnAt || (meetingId && row.meeting.id !== meetingId)) {
      problems.agendaItemId = 'Choose an item on this meeting’s agenda'
    }
    if (row && !problems.agendaItemId) {
      const { withdrawnAt: _withdrawn, ...item } = row.item
      return { source: { group: row.group, meeting: row.meeting, item, decision: null }, problems }
    }
  }
  if (meetingId) {
    const [row] = await db
      .select({ meeting: meetingColumns, group: groupColumns })
      .from(meetings)
      .innerJoin(groups, eq(groups.id, meetings.groupId))
      .where(and(eq(meetings.id, meetingId), eq(meetings.partnershipId, partnershipId)))
    if (!row) return { source: null, problems: { ...problems, meetingId: 'There is no such meeting' } }
    return { source: { group: row.group, meeting: row.meeting, item: null, decision: null }, problems }
  }
  if (Object.keys(problems).length > 0) return { source: null, problems }
  const groupId = id(input.groupId)
  const [group] = groupId
    ? await db
        .select(groupColumns)
        .from(groups)
        .where(and(eq(groups.id, groupId), eq(groups.partnershipId, partnershipId)))
    : []
  if (!group) return { source: null, problems: { groupId: 'Select the group the action belongs to' } }
  return { source: { group, meeting: null, item: null, decision: null }, problems }
}

/** Why no action can be added from this source on `today`, or null. */
export function sourceClosedReason(source: ActionSource, today: string): string | null {
  if (source.meeting?.cancelledAt) return 'This meeting was cancelled: no action can be added to it'
  if (!source.meeting && source.group.closedOn && source.group.closedOn <= today) {
    return 'This group has closed: no action can be added to it'
  }
  return null
}

/**
 * The owner agency and person checked against the partnership: the agency must be one of its
 * own and active; the person (optional) must not have left and must work for that agency or
 * sit on the action's group.
 */
async function checkOwner(
  tx: DbOrTx,
  partnershipId: string,
  groupId: string,
  input: { ownerAgencyId: string; ownerPersonId?: string | null },
  today: string,
): Promise<Record<string, string>> {
  const problems: Record<string, string> = {}
  const [agency] = isUuid(input.ownerAgencyId)
    ? await tx
        .select({ id: agencies.id, activeTo: agencies.activeTo })
        .from(agencies)
        .where(and(eq(agencies.id, input.ownerAgencyId), eq(agencies.partnershipId, partnershipId)))
    : []
  if (!agency) problems.ownerAgencyId = agencyRequiredMessage
  else if (agency.activeTo && agency.activeTo < today) {
    problems.ownerAgencyId = 'This agency has left the partnership: select an agency that is active'
  }
  if (input.ownerPersonId) {
    const [person] = isUuid(input.ownerPersonId)
      ? await tx
          .select({ id: people.id })
          .from(people)
          .where(
            and(
              eq(people.id, input.ownerPersonId),
              eq(people.partnershipId, partnershipId),
              or(isNull(people.leftOn), gt(people.leftOn, today)),
              or(
                agency ? eq(people.agencyId, agency.id) : sql`false`,
                sql`exists (select 1 from ${memberships} where ${memberships.personId} = ${people.id}
                  and ${memberships.groupId} = ${groupId} and ${memberships.startsOn} <= ${today}::date
                  and (${memberships.endsOn} is null or ${memberships.endsOn} >= ${today}::date))`,
              ),
            ),
          )
      : []
    if (!person) problems.ownerPersonId = ownerPersonMessage
  }
  return problems
}

function checkDescription(description: string): { text: string; problem?: string } {
  const text = description.trim()
  if (!text) return { text, problem: 'Enter the action' }
  if (text.length > MAX_DESCRIPTION) return { text, problem: 'The action must be 2,000 characters or fewer' }
  return { text }
}

export const lockActions = (tx: DbOrTx, partnershipId: string) =>
  tx.execute(sql`select pg_advisory_xact_lock(${ACTIONS_LOCK}, hashtext(${partnershipId}))`)

/** The next reference in the year: A2026-0001, A2026-0002, … (call it under the lock). */
async function nextReference(tx: DbOrTx, partnershipId: string, year: string): Promise<string> {
  const prefix = `A${year}-`
  const [row] = await tx
    .select({
      last: sql<
        number | null
      >`max(cast(substring(${actions.reference} from ${'^A[0-9]{4}-([0-9]+)$'}) as integer))`,
    })
    .from(actions)
    .where(and(eq(actions.partnershipId, partnershipId), sql`${actions.reference} like ${`${prefix}%`}`))
  const next = Number(row?.last ?? 0) + 1
  return `${prefix}${String(next).padStart(4, '0')}`
}

/**
 * Records an action from a decision, an agenda item or a meeting, or standalone for a group.
 * Numbered `A<year>-<nnnn>` per partnership and year under a lock; the same description for the
 * same group and agency within a minute (a form sent twice) is refused.
 */
export async function createAction(
  db: Db,
  change: ChangeContext,
  input: ActionInput,
  /** Called inside the transaction once the action is written: what is linked to it commits with it. */
  onCreated?: (tx: DbOrTx, action: Action) => Promise<void>,
): Promise<Action> {
  const today = londonDate(change.now)
  return db.transaction(async (tx) => {
    const { source, problems } = await resolveActionSource(tx, change.partnershipId, input)
    if (source) {
      const closed = sourceClosedReason(source, today)
      if (closed) throw appError('action_source_closed', closed, 409)
    }
    const description = checkDescription(input.description)
    if (description.problem) problems.description = description.problem
    if (source)
      Object.assign(problems, await checkOwner(tx, change.partnershipId, source.group.id, input, today))
    else if (!input.ownerAgencyId) problems.ownerAgencyId = agencyRequiredMessage
    if (!source || Object.keys(problems).length > 0) throw new FieldProblems(problems)

    await lockActions(tx, change.partnershipId)
    const since = new Date(change.now.getTime() - DUPLICATE_WINDOW_MS)
    const [twin] = await tx
      .select({ id: actions.id })
      .from(actions)
      .where(
        and(
          eq(actions.partnershipId, change.partnershipId),
          eq(actions.groupId, source.group.id),
          eq(actions.ownerAgencyId, input.ownerAgencyId),
          eq(actions.description, description.text),
          gt(actions.createdAt, since),
        ),
      )
      .limit(1)
    if (twin) throw new FieldProblems({ description: duplicateActionMessage })

    const values = {
      id: randomUUID(),
      partnershipId: change.partnershipId,
      groupId: source.group.id,
      meetingId: source.meeting?.id ?? null,
      agendaItemId: source.item?.id ?? null,
      decisionId: source.decision?.id ?? null,
      reference: await nextReference(tx, change.partnershipId, today.slice(0, 4)),
      description: description.text,
      ownerAgencyId: input.ownerAgencyId,
      ownerPersonId: input.ownerPersonId || null,
      createdById: change.actorId,
      createdAt: change.now,
    }
    const [row] = await tx.insert(actions).values(values).returning()
    const { id: _id, partnershipId: _p, createdById: _by, createdAt: _at, ...audited } = values
    await auditChange(tx, change, { type: 'action', id: values.id }, 'create', null, audited)
    if (onCreated) await onCreated(tx, row!)
    return row!
  })
}

/** The partnership's action, or a 404 (also for an id that is not one). */
export async function actionOf(
  tx: DbOrTx,
  partnershipId: string,
  actionId: string,
  forUpdate = false,
): Promise<Action> {
  if (!isUuid(actionId)) throw notFound()
  const query = tx
    .select()
    .from(actions)
    .where(and(eq(actions.id, actionId), eq(actions.partnershipId, partnershipId)))
  const [action] = forUpdate ? await query.for('update') : await query
  if (!action) throw notFound()
  return action
}

/** Why an action can no longer be changed, or null while it can (not issued, not closed). */
export function editClosedReason(action: Pick<Action, 'closedAt' | 'issueId'>): string | null {
  if (action.closedAt) return 'This action is closed: it can no longer be changed'
  if (action.issueId) return 'This action has been issued to its owner: it can no longer be changed'
  return null
}

export interface ActionChange {
  description: string
  ownerAgencyId: string
  ownerPersonId?: string | null
}

/** Changes what an action asks and who owns it, until the action matrix sends it to its owner. */
export async function updateAction(
  db: Db,
  change: ChangeContext,
  actionId: string,
  input: ActionChange,
): Promise<Action> {
  const today = londonDate(change.now)
  return db.transaction(async (tx) => {
    const action = await actionOf(tx, change.partnershipId, actionId, true)
    const closed = editClosedReason(action)
    if (closed) throw appError('action_locked', closed, 409)
    const problems = await checkOwner(tx, change.partnershipId, action.groupId, input, today)
    const description = checkDescription(input.description)
    if (description.problem) problems.description = description.problem
    if (Object.keys(problems).length > 0) throw new FieldProblems(problems)
    const after = {
      description: description.text,
      ownerAgencyId: input.ownerAgencyId,
      ownerPersonId: input.ownerPersonId || null,
    }
    const diff = fieldChanges(action, after, ['description', 'ownerAgencyId', 'ownerPersonId'])
    if (diff.changed.length === 0) return action
    const [row] = await tx.update(actions).set(after).where(eq(actions.id, action.id)).returning()
    await auditChange(tx, change, { type: 'action', id: action.id }, 'update', diff.before, diff.after)
    return row!
  })
}

export const alreadyClosedMessage = 'This action was already closed'

/** Closes an action with the reason. Refused (nothing changed) when it is already closed. */
export async function closeAction(
  db: Db,
  change: ChangeContext,
  actionId: string,
  reason: string,
): Promise<Action> {
  return db.transaction(async (tx) => {
    const action = await actionOf(tx, change.partnershipId, actionId, true)
    if (action.closedAt) throw appError('action_closed', alreadyClosedMessage, 409)
    const why = reason.trim()
    if (!why) throw new FieldProblems({ reason: 'Enter why the action is closed' })
    if (why.length > 1000) throw new FieldProblems({ reason: 'The reason must be 1,000 characters or fewer' })
    const [row] = await tx
      .update(actions)
      .set({ closedAt: change.now, closedReason: why, closedById: change.actorId })
      .where(eq(actions.id, action.id))
      .returning()
    await auditChange(
      tx,
      change,
      { type: 'action', id: action.id },
      'close',
      { closedAt: null, closedReason: null },
      { closedAt: change.now.toISOString(), closedReason: why },
    )
    return row!
  })
}
