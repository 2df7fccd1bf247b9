import { randomUUID } from 'node:crypto'
import { and, eq, gt, isNull, lte, or, sql } from 'drizzle-orm'
import { auditChange, type ChangeContext, fieldChanges } from '../../platform/audit/audit.service.ts'
import type { Role } from '../../platform/auth/auth.table.ts'
import { formatDate } from '../../platform/calendar/calendar.ts'
import type { Db, DbOrTx, Tx } from '../../platform/db/client.ts'
import { notFound } from '../../platform/http/errors.ts'
import { FieldProblems, isUniqueViolation, throwIfAny } from './agencies.problems.ts'
import type { GroupKind } from './groups.labels.ts'
import { type CurrentMember, createGroupRepository, type VisibleGroup } from './groups.repository.ts'
import { checkGroup, freeSlug, slugify } from './groups.rules.ts'
import { type Group, groups, memberships, type StandardItem } from './structure.table.ts'

export type { CurrentMember, VisibleGroup }
export { slugify }

/** What a person may set on a group; closing is its own change. */
export interface GroupFields {
  name: string
  kind: GroupKind
  accountableToId: string | null
  purpose: string
  termsOfReference: string
  meetingsPerYear: number | null
  meetingMinutes: number | null
  transitionalMeetingsPerYear: number | null
  transitionalUntil: string | null
  quorum: number | null
  confidential: boolean
  endsOn: string | null
  standardItems: StandardItem[]
}

export type Change = ChangeContext

const fieldNames = [
  'name',
  'kind',
  'accountableToId',
  'purpose',
  'termsOfReference',
  'meetingsPerYear',
  'meetingMinutes',
  'transitionalMeetingsPerYear',
  'transitionalUntil',
  'quorum',
  'confidential',
  'endsOn',
  'standardItems',
] as const satisfies readonly (keyof GroupFields)[]

// Checks and writes to one partnership's groups run one at a time, so two changes cannot each
// pass the cycle or slug check and together break it.
const GROUPS_LOCK = 7_303_010
export function findGroup(db: DbOrTx, partnershipId: string, slug: string): Promise<VisibleGroup | null> {
  return createGroupRepository(db).findBySlug(partnershipId, slug)
}

export function listGroups(db: DbOrTx, partnershipId: string, today: string) {
  return createGroupRepository(db).listVisible(partnershipId, today)
}

/** The partnership's open groups and their reporting lines, for the structure chart. */
export function structure(db: DbOrTx, partnershipId: string, today: string) {
  return createGroupRepository(db).openGroups(partnershipId, today)
}

export interface GroupDetail {
  group: VisibleGroup
  /** The seats held on `today` (started on or before it, not ended before it). */
  members: CurrentMember[]
  counts: { members: number; layMembers: number; chairs: number; deputies: number; allSeats: number }
}

/** The group page's data: the group, today's members in one query, and counts. */
export async function groupDetail(
  db: DbOrTx,
  partnershipId: string,
  slug: string,
  today: string,
): Promise<GroupDetail | null> {
  const repository = createGroupRepository(db)
  const group = await repository.findBySlug(partnershipId, slug)
  if (!group) return null
  const members = await repository.currentMembers(group.id, today)
  const allSeats = group.allSeats
  const count = (role: string) => members.filter((m) => m.role === role).length
  return {
    group,
    members,
    counts: {
      members: members.length,
      layMembers: count('lay_member'),
      chairs: count('chair'),
      deputies: count('deputy'),
      allSeats,
    },
  }
}

export interface Viewer {
  role?: Role | null
  userId: string | null
}

/**
 * A confidential group's existence is not secret, but who sits on it is: only administrators,
 * the business team and the group's own current members see its members.
 */
export function canSeeMembers(viewer: Viewer, group: Pick<Group, 'confidential'>, isCurrentMember: boolean) {
  if (!group.confidential) return true
  if (viewer.role === 'administrator' || viewer.role === 'business_team') return true
  return viewer.userId !== null && isCurrentMember
}

/** Whether the viewer holds one of these seats (a person linked to their account). */
export const isAmong = (viewer: Viewer, members: readonly Pick<CurrentMember, 'userId'>[]) =>
  viewer.userId !== null && members.some((m) => m.userId === viewer.userId)

export async function createGroup(db: Db, input: Change & { fields: GroupFields }): Promise<Group> {
  const fields = normalise(input.fields)
  try {
    return await db.transaction(async (tx) => {
      await lock(tx, input.partnershipId)
      await checkGroup(tx, input.partnershipId, fields, null)
      const slug = await freeSlug(tx, input.partnershipId, slugify(fields.name))
      const [group] = await tx
        .insert(groups)
        .values({
          id: randomUUID(),
          partnershipId: input.partnershipId,
          slug,
          ...fields,
          createdAt: input.now,
        })
        .returning()
      if (!group) throw new Error('Inserting a group returned no row')
      await audit(tx, input, group.id, 'create', null, { slug, ...pick(group) })
      return group
    })
  } catch (error) {
    throw duplicate(error, fields.name)
  }
}

/**
 * Saves new details and records the fields that changed. The slug stays as it was, so links
 * people have shared and bookmarked keep working after a rename.
 */
export async function updateGroup(
  db: Db,
  input: Change & { id: string; fields: GroupFields },
): Promise<{ group: Group; changed: string[] }> {
  const fields = normalise(input.fields)
  try {
    return await db.transaction(async (tx) => {
      await lock(tx, input.partnershipId)
      const current = await createGroupRepository(tx).findOwn(input.partnershipId, input.id)
      if (!current) throw notFound()
      await checkGroup(tx, input.partnershipId, fields, current)
      const before = pick(current)
      const after = pick({ ...current, ...fields })
      const diff = fieldChanges(before, after, fieldNames)
      const changed = diff.changed
      if (changed.length === 0) return { group: current, changed }
      const [group] = await tx
        .update(groups)
        .set(fields)
        .where(and(eq(groups.partnershipId, input.partnershipId), eq(groups.id, input.id)))
        .returning()
      if (!group) throw notFound()
      await audit(tx, input, group.id, 'update', diff.before, diff.after)
      return { group, changed }
    })
  } catch (error) {
    throw duplicate(error, fields.name)
  }
}

/**
 * A group that stops meeting is closed with a date and a reason, never deleted. Its seats end on
 * that date; groups still reporting to it must be moved first, so no reporting line dangles.
 */
export async function closeGroup(
  db: Db,
  input: Change & { id: string; closedOn: string; reason: string },
): Promise<Group> {
  const reason = input.reason.trim()
  return db.transaction(async (tx) => {
    await lock(tx, input.partnershipId)
    const repository = createGroupRepository(tx)
    const current = await repository.findOwn(input.partnershipId, input.id)
    if (!current) throw notFound()
    const problems: Record<string, string> = {}
    if (current.closedOn) problems.closedOn = `${current.name} closed on ${formatDate(current.closedOn)}`
    const children = await repository.openChildren(current.id)
    if (children.length)
      problems.closedOn = `${children.map((c) => c.name).join(', ')} ${children.length === 1 ? 'reports' : 'report'} to this group: change ${children.length === 1 ? 'its' : 'their'} reporting line first`
    const later = await tx
      .select({ id: memberships.id })
      .from(memberships)
      .where(and(eq(memberships.groupId, current.id), gt(memberships.startsOn, input.closedOn)))
      .limit(1)
    if (later.length && !problems.closedOn)
      problems.closedOn = 'Some seats start after that date: end them first, or choose a later date'
    if (!reason) problems.closedReason = 'Enter why the group is closing'
    throwIfAny(problems)
    const ended = await tx
      .update(memberships)
      .set({ endsOn: input.closedOn, endedReason: 'The group closed' })
      .where(
        and(
          eq(memberships.groupId, current.id),
          lte(memberships.startsOn, input.closedOn),
          or(isNull(memberships.endsOn), gt(memberships.endsOn, input.closedOn)),
        ),
      )
      .returning({ id: memberships.id })
    const [group] = await tx
      .update(groups)
      .set({ closedOn: input.closedOn, closedReason: reason })
      .where(eq(groups.id, current.id))
      .returning()
    if (!group) throw notFound()
    await audit(
      tx,
      input,
      group.id,
      'close',
      { closedOn: null, closedReason: null },
      { closedOn: input.closedOn, closedReason: reason, seatsEnded: ended.map((e) => e.id) },
    )
    return group
  })
}

function normalise(fields: GroupFields): GroupFields {
  return {
    ...fields,
    name: fields.name.trim(),
    purpose: fields.purpose.trim(),
    termsOfReference: fields.termsOfReference.trim(),
    accountableToId: fields.accountableToId || null,
    transitionalUntil: fields.transitionalUntil || null,
    endsOn: fields.endsOn || null,
  }
}

// The unique index has the last word if a concurrent change slipped past the checks.
function duplicate(error: unknown, name: string): unknown {
  return isUniqueViolation(error, 'groups_partnership_slug_idx')
    ? new FieldProblems({ name: `A group called ${name} already exists` })
    : error
}

async function lock(tx: Tx, partnershipId: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(${GROUPS_LOCK}, hashtext(${partnershipId}))`)
}

function pick(group: GroupFields): Record<(typeof fieldNames)[number], unknown> {
  return Object.fromEntries(fieldNames.map((f) => [f, group[f] ?? null])) as Record<
    (typeof fieldNames)[number],
    unknown
  >
}

const audit = (
  tx: Tx,
  change: Change,
  id: string,
  action: string,
  before: Record<string, unknown> | null,
  after: Record<string, unknown>,
) => auditChange(tx, change, { type: 'group', id }, action, before, after)
