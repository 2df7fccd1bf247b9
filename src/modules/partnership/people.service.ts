import { randomUUID } from 'node:crypto'
import { and, eq, gt, isNull, lte, or, sql } from 'drizzle-orm'
import {
  auditChange,
  type ChangeContext as Change,
  fieldChanges,
} from '../../platform/audit/audit.service.ts'
import { formatDate } from '../../platform/calendar/calendar.ts'
import type { Db, DbOrTx, Tx } from '../../platform/db/client.ts'
import { notFound } from '../../platform/http/errors.ts'
import {
  emailMessage,
  FieldProblems,
  isEmail,
  isUniqueViolation,
  londonDay,
  throwIfAny,
} from './agencies.problems.ts'
import { endDeputies } from './memberships.service.ts'
import {
  createPeopleRepository,
  type PeopleListOptions,
  type PeoplePage,
  type PersonRow,
} from './people.repository.ts'
import { memberships, type Person, people } from './structure.table.ts'

export interface PersonFields {
  name: string
  jobTitle: string
  agencyId: string | null
  email: string | null
}

const fieldNames = ['name', 'jobTitle', 'agencyId', 'email', 'userId'] as const

// Checks and writes to one partnership's directory run one at a time (the e-mail check reads it).
const PEOPLE_LOCK = 7_303_012

export function listPeople(
  db: DbOrTx,
  partnershipId: string,
  options: PeopleListOptions,
): Promise<PeoplePage> {
  return createPeopleRepository(db).list(partnershipId, options)
}

export function getPerson(db: DbOrTx, partnershipId: string, id: string): Promise<PersonRow | null> {
  return createPeopleRepository(db).find(partnershipId, id)
}

export async function createPerson(db: Db, input: Change & { fields: PersonFields }): Promise<Person> {
  const fields = normalise(input.fields)
  try {
    return await db.transaction(async (tx) => {
      await lock(tx, input.partnershipId)
      await check(tx, input.partnershipId, fields, londonDay(input.now), null)
      const userId = fields.email
        ? await createPeopleRepository(tx).findAccount(input.partnershipId, fields.email)
        : null
      const [person] = await tx
        .insert(people)
        .values({
          id: randomUUID(),
          partnershipId: input.partnershipId,
          ...fields,
          userId,
          createdAt: input.now,
        })
        .returning()
      if (!person) throw new Error('Inserting a person returned no row')
      await audit(tx, input, person.id, 'create', null, pick(person))
      return person
    })
  } catch (error) {
    throw duplicateEmail(error, fields.email)
  }
}

/**
 * Saves new details, recording the fields that changed. A new e-mail address links the account
 * that has it (or unlinks the old one): the link follows the address people sign in with.
 */
export async function updatePerson(
  db: Db,
  input: Change & { id: string; fields: PersonFields },
): Promise<{ person: Person; changed: string[] }> {
  const fields = normalise(input.fields)
  try {
    return await db.transaction(async (tx) => {
      await lock(tx, input.partnershipId)
      const repository = createPeopleRepository(tx)
      const current = await repository.find(input.partnershipId, input.id)
      if (!current) throw notFound()
      await check(tx, input.partnershipId, fields, londonDay(input.now), current)
      const sameEmail = (fields.email ?? '').toLowerCase() === (current.email ?? '').toLowerCase()
      const account = fields.email ? await repository.findAccount(input.partnershipId, fields.email) : null
      const userId = sameEmail ? (current.userId ?? account) : account
      const before = pick(current)
      const after = pick({ ...current, ...fields, userId })
      const diff = fieldChanges(before, after, fieldNames)
      const changed = diff.changed
      if (changed.length === 0) return { person: current, changed }
      const [person] = await tx
        .update(people)
        .set({ ...fields, userId })
        .where(and(eq(people.partnershipId, input.partnershipId), eq(people.id, input.id)))
        .returning()
      if (!person) throw notFound()
      await audit(tx, input, person.id, 'update', diff.before, diff.after)
      return { person, changed }
    })
  } catch (error) {
    throw duplicateEmail(error, fields.email)
  }
}

/**
 * Links an account to the partnership's person with the same e-mail address, when that person
 * has no account yet. For the invitation journey to call once someone has a role.
 */
export async function linkAccount(
  tx: Tx,
  input: Change & { userId: string; email: string },
): Promise<string | null> {
  const [person] = await tx
    .update(people)
    .set({ userId: input.userId })
    .where(
      and(
        eq(people.partnershipId, input.partnershipId),
        sql`lower(${people.email}) = lower(${input.email})`,
        isNull(people.userId),
      ),
    )
    .returning({ id: people.id })
  if (!person) return null
  await audit(tx, input, person.id, 'link_account', { userId: null }, { userId: input.userId })
  return person.id
}

/**
 * Records that someone has left the partnership: never deleted, their history stays. Their seats
 * end on the same day (and their deputies' with them).
 */
export async function markLeft(db: Db, input: Change & { id: string; leftOn: string }): Promise<Person> {
  return db.transaction(async (tx) => {
    await lock(tx, input.partnershipId)
    const current = await createPeopleRepository(tx).find(input.partnershipId, input.id)
    if (!current) throw notFound()
    const problems: Record<string, string> = {}
    if (current.leftOn) problems.leftOn = `${current.name} left on ${formatDate(current.leftOn)}`
    const mine = and(eq(memberships.personId, current.id), eq(memberships.partnershipId, input.partnershipId))
    const later = await tx
      .select({ id: memberships.id })
      .from(memberships)
      .where(and(mine, gt(memberships.startsOn, input.leftOn)))
      .limit(1)
    if (later.length && !problems.leftOn)
      problems.leftOn = `${current.name} has a seat that starts after that date: end it first, or choose a later date`
    throwIfAny(problems)
    const ended = await tx
      .update(memberships)
      .set({ endsOn: input.leftOn, endedReason: 'Left the partnership' })
      .where(
        and(
          mine,
          lte(memberships.startsOn, input.leftOn),
          or(isNull(memberships.endsOn), gt(memberships.endsOn, input.leftOn)),
        ),
      )
      .returning({ id: memberships.id })
    const [person] = await tx
      .update(people)
      .set({ leftOn: input.leftOn })
      .where(eq(people.id, current.id))
      .returning()
    if (!person) throw notFound()
    await audit(
      tx,
      input,
      person.id,
      'leave',
      { leftOn: null },
      {
        leftOn: input.leftOn,
        seatsEnded: ended.map((e) => e.id),
      },
    )
    await endDeputies(
      tx,
      input,
      ended.map((e) => e.id),
      input.leftOn,
    )
    return person
  })
}

function normalise(fields: PersonFields): PersonFields {
  const email = fields.email?.trim() ?? ''
  return {
    name: fields.name.trim(),
    jobTitle: fields.jobTitle.trim(),
    agencyId: fields.agencyId || null,
    email: email === '' ? null : email,
  }
}

/** Every rule at once, so the form shows every problem together. */
async function check(
  tx: Tx,
  partnershipId: string,
  fields: PersonFields,
  today: string,
  current: Person | null,
) {
  const problems: Record<string, string> = {}
  const repository = createPeopleRepository(tx)
  if (!fields.name) problems.name = 'Enter the person’s full name'
  else if (fields.name.length > 200) problems.name = 'Name must be 200 characters or fewer'
  if (fields.jobTitle.length > 200) problems.jobTitle = 'Job title must be 200 characters or fewer'
  if (fields.agencyId) {
    const agency = await repository.findAgency(partnershipId, fields.agencyId)
    if (!agency) problems.agencyId = 'Select an agency from the list'
    else if (agency.activeTo && agency.activeTo <= today && agency.id !== current?.agencyId)
      problems.agencyId = `${agency.name} ended on ${formatDate(agency.activeTo)}: choose an active agency`
  }
  if (fields.email) {
    if (!isEmail(fields.email)) problems.email = emailMessage
    else {
      const other = await repository.findByEmail(partnershipId, fields.email, current?.id)
      if (other) problems.email = emailTaken(fields.email, other.name)
    }
  }
  throwIfAny(problems)
}

const emailTaken = (email: string, name?: string) =>
  `${name ?? 'Someone'} already has the e-mail address ${email} in the directory`

// The unique index has the last word if two people add the same address at the same moment.
function duplicateEmail(error: unknown, email: string | null): unknown {
  return isUniqueViolation(error, 'people_partnership_email_idx')
    ? new FieldProblems({ email: emailTaken(email ?? '') })
    : error
}

async function lock(tx: Tx, partnershipId: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(${PEOPLE_LOCK}, hashtext(${partnershipId}))`)
}

function pick(person: Pick<Person, (typeof fieldNames)[number]>) {
  return Object.fromEntries(fieldNames.map((f) => [f, person[f] ?? null])) as Record<
    (typeof fieldNames)[number],
    string | null
  >
}

const audit = (
  tx: Tx,
  change: Change,
  id: string,
  action: string,
  before: Record<string, unknown> | null,
  after: Record<string, unknown>,
) => auditChange(tx, change, { type: 'person', id }, action, before, after)
