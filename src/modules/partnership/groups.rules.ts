import type { Tx } from '../../platform/db/client.ts'
import { throwIfAny } from './agencies.problems.ts'
import { createGroupRepository } from './groups.repository.ts'
import type { GroupFields } from './groups.service.ts'
import type { Group } from './structure.table.ts'

// What a group must satisfy before it is saved, and how its slug is chosen.

// "new" is a page of its own under /groups, so no group may take it as its slug.
const reservedSlugs = new Set(['new'])

/** "Learning & Practice Review Group" → "learning-practice-review-group". */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '')
  return slug || 'group'
}

/** Every rule at once, so the form shows every problem in one go. */
export async function checkGroup(tx: Tx, partnershipId: string, fields: GroupFields, current: Group | null) {
  const problems: Record<string, string> = {}
  const repository = createGroupRepository(tx)
  if (!fields.name) problems.name = 'Enter the name of the group'
  else if (fields.name.length > 200) problems.name = 'Name must be 200 characters or fewer'
  else if (await repository.findOpenByName(partnershipId, fields.name, current?.id))
    problems.name = `A group called ${fields.name} already exists`
  if (fields.kind === 'task_and_finish' && !fields.endsOn)
    problems.endsOn = 'Enter the date the task-and-finish group ends'
  if (fields.transitionalMeetingsPerYear && !fields.transitionalUntil)
    problems.transitionalUntil = 'Enter the date the transitional cadence ends'
  if (fields.transitionalUntil && !fields.transitionalMeetingsPerYear)
    problems.transitionalMeetingsPerYear = 'Enter how many meetings a year during the transitional period'
  if (fields.accountableToId) {
    const problem = await reportingLineProblem(tx, partnershipId, fields, current)
    if (problem) problems.accountableToId = problem
  }
  throwIfAny(problems)
}

/** The group reported to must be another open group of the partnership, and not below this one. */
async function reportingLineProblem(
  tx: Tx,
  partnershipId: string,
  fields: GroupFields,
  current: Group | null,
): Promise<string | null> {
  const repository = createGroupRepository(tx)
  const parent = await repository.findOwn(partnershipId, fields.accountableToId!)
  if (!parent || parent.closedOn) return 'Select an open group of the partnership from the list'
  if (!current) return null
  if (parent.id === current.id) return 'A group cannot report to itself'
  const chain = await repository.chainUpFrom(parent.id)
  if (chain.includes(current.id))
    return `${fields.name} cannot report to ${parent.name}: ${parent.name} already reports to ${fields.name}, directly or through other groups`
  return null
}

/** The name's slug, or the first of slug-2, slug-3, ... that no group of the partnership has. */
export async function freeSlug(tx: Tx, partnershipId: string, base: string): Promise<string> {
  const taken = await createGroupRepository(tx).slugsLike(partnershipId, base)
  if (!taken.has(base) && !reservedSlugs.has(base)) return base
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`
    if (!taken.has(candidate)) return candidate
  }
}
