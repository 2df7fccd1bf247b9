import { randomUUID } from 'node:crypto'
import { and, eq, sql } from 'drizzle-orm'
import { auditChange, type ChangeContext, fieldChanges } from '../../platform/audit/audit.service.ts'
import type { Db, Tx } from '../../platform/db/client.ts'
import { notFound } from '../../platform/http/errors.ts'
import { agencyKindLabels, sectorLabels, statutoryRoleLabels, statutoryRoleNames } from './agencies.labels.ts'
import { emailMessage, FieldProblems, isEmail, isUniqueViolation, throwIfAny } from './agencies.problems.ts'
import {
  type AgencyKind,
  type AgencyListOptions,
  type AgencyPage,
  createAgencyRepository,
  type Sector,
  type StatutoryRole,
} from './agencies.repository.ts'
import { type Agency, agencies } from './structure.table.ts'

export { agencyKindLabels, sectorLabels, statutoryRoleLabels }

/** What a person may set on an agency; the end date and reason are set only by ending it. */
export interface AgencyFields {
  name: string
  kind: AgencyKind
  sector: Sector
  statutoryRole: StatutoryRole | null
  leadPartnerTitle: string | null
  delegatedPartnerTitle: string | null
  executiveName: string | null
  executiveTitle: string | null
  executiveEmail: string | null
  activeFrom: string | null
}

type Change = ChangeContext

const fieldNames = [
  'name',
  'kind',
  'sector',
  'statutoryRole',
  'leadPartnerTitle',
  'delegatedPartnerTitle',
  'executiveName',
  'executiveTitle',
  'executiveEmail',
  'activeFrom',
] as const satisfies readonly (keyof AgencyFields)[]

// Changes to one partnership's agencies are checked and written one at a time, so two people
// cannot both add "the" police partner between a check and a write. (Two-key form: its own space.)
const REGISTER_LOCK = 7_303_002

export function listAgencies(db: Db, partnershipId: string, options: AgencyListOptions): Promise<AgencyPage> {
  return createAgencyRepository(db).list(partnershipId, options)
}

export function getAgency(db: Db, partnershipId: string, id: string): Promise<Agency | null> {
  return createAgencyRepository(db).find(partnershipId, id)
}

/** Agencies active on `today`, by name: for pick lists in other pages (people, memberships). */
export function listActiveAgencies(db: Db, partnershipId: string, today: string): Promise<Agency[]> {
  return createAgencyRepository(db).listActive(partnershipId, today)
}

export async function createAgency(db: Db, input: Change & { fields: AgencyFields }): Promise<Agency> {
  const fields = normalise(input.fields)
  try {
    return await db.transaction(async (tx) => {
      await lockRegister(tx, input.partnershipId)
      await check(tx, input.partnershipId, fields, { activeTo: null })
      const [agency] = await tx
        .insert(agencies)
        .values({ id: randomUUID(), partnershipId: input.partnershipId, ...fields, createdAt: input.now })
        .returning()
      if (!agency) throw new Error('Inserting an agency returned no row')
      await audit(tx, input, agency.id, 'create', null, pick(agency))
      return agency
    })
  } catch (error) {
    throw duplicateNameProblem(error, fields.name)
  }
}

/** Saves new details; records only the fields that changed. Answers the agency and those fields. */
export async function updateAgency(
  db: Db,
  input: Change & { id: string; fields: AgencyFields },
): Promise<{ agency: Agency; changed: string[] }> {
  const fields = normalise(input.fields)
  try {
    return await db.transaction(async (tx) => {
      await lockRegister(tx, input.partnershipId)
      const current = await createAgencyRepository(tx).find(input.partnershipId, input.id)
      if (!current) throw notFound()
      await check(tx, input.partnershipId, fields, current)
      const before = pick(current)
      const after = pick({ ...current, ...fields })
      const diff = fieldChanges(before, after, fieldNames)
      const changed = diff.changed
      if (changed.length === 0) return { agency: current, changed: [] }
      const [agency] = await tx
        .update(agencies)
        .set(fields)
        .where(and(eq(agencies.partnershipId, input.partnershipId), eq(agencies.id, input.id)))
        .returning()
      if (!agency) throw notFound()
      await audit(tx, input, agency.id, 'update', diff.before, diff.after)
      return { agency, changed }
    })
  } catch (error) {
    throw duplicateNameProblem(error, fields.name)
  }
}

/** A record that ends is closed with a date and a reason, never deleted. */
export async function endAgency(
  db: Db,
  input: Change & { id: string; endedOn: string; reason: string },
): Promise<Agency> {
  const reason = input.reason.trim()
  return db.transaction(async (tx) => {
    await lockRegister(tx, input.partnershipId)
    const current = await createAgencyRepository(tx).find(input.partnershipId, input.id)
    if (!current) throw notFound()
    const problems: Record<string, string> = {}
    if (current.activeTo) problems.activeTo = `${current.name} has already ended`
    else if (current.activeFrom && input.endedOn < current.activeFrom)
      problems.activeTo = 'The date it ended must be the same as or after the date it joined'
    if (!reason) problems.closedReason = 'Enter why the agency is no longer part of the arrangements'
    throwIfAny(problems)
    const [agency] = await tx
      .update(agencies)
      .set({ activeTo: input.endedOn, closedReason: reason })
      .where(and(eq(agencies.partnershipId, input.partnershipId), eq(agencies.id, input.id)))
      .returning()
    if (!agency) throw notFound()
    await audit(
      tx,
      input,
      agency.id,
      'end',
      { activeTo: null, closedReason: null },
      { activeTo: input.endedOn, closedReason: reason },
    )
    return agency
  })
}

function normalise(fields: AgencyFields): AgencyFields {
  const text = (value: string | null) => {
    const trimmed = value?.trim() ?? ''
    return trimmed === '' ? null : trimmed
  }
  return {
    ...fields,
    name: fields.name.trim(),
    statutoryRole: fields.statutoryRole ?? null,
    leadPartnerTitle: text(fields.leadPartnerTitle),
    delegatedPartnerTitle: text(fields.delegatedPartnerTitle),
    executiveName: text(fields.executiveName),
    executiveTitle: text(fields.executiveTitle),
    executiveEmail: text(fields.executiveEmail),
    activeFrom: fields.activeFrom || null,
  }
}

/** Every rule at once, so a form can show every problem in one go. */
async function check(
  tx: Tx,
  partnershipId: string,
  fields: AgencyFields,
  current: Pick<Agency, 'activeTo'> & { id?: string },
): Promise<void> {
  const problems: Record<string, string> = {}
  if (!fields.name) problems.name = 'Enter the name of the agency'
  else if (fields.name.length > 200) problems.name = 'Name must be 200 characters or fewer'
  if (fields.kind === 'statutory_partner') {
    if (!fields.statutoryRole) problems.statutoryRole = 'Select which statutory safeguarding partner this is'
  } else {
    // Working Together 2023 gives lead and delegated partners to the three statutory partners only.
    const only = 'Only a statutory safeguarding partner has'
    if (fields.statutoryRole) problems.statutoryRole = `${only} a statutory role: leave it empty`
    if (fields.leadPartnerTitle) problems.leadPartnerTitle = `${only} a lead partner: leave it empty`
    if (fields.delegatedPartnerTitle)
      problems.delegatedPartnerTitle = `${only} a delegated partner: leave it empty`
  }
  if (fields.executiveEmail && !isEmail(fields.executiveEmail)) problems.executiveEmail = emailMessage
  if (fields.activeFrom && current.activeTo && current.activeTo < fields.activeFrom)
    problems.activeFrom = 'The date it joined must be the same as or before the date it ended'
  const repository = createAgencyRepository(tx)
  if (fields.name && !problems.name && (await repository.findByName(partnershipId, fields.name, current.id)))
    problems.name = `An agency called ${fields.name} already exists`
  if (fields.kind === 'statutory_partner' && fields.statutoryRole && !problems.statutoryRole) {
    const holder = await repository.findStatutoryHolder(partnershipId, fields.statutoryRole, current.id)
    if (holder)
      problems.statutoryRole = `${holder.name} is already the ${statutoryRoleNames[fields.statutoryRole]} statutory partner: end it first, or choose another role`
  }
  throwIfAny(problems)
}

// The unique index is the last word when two people add the same name at the same moment.
function duplicateNameProblem(error: unknown, name: string): unknown {
  return isUniqueViolation(error, 'agencies_partnership_name_idx')
    ? new FieldProblems({ name: `An agency called ${name} already exists` })
    : error
}

async function lockRegister(tx: Tx, partnershipId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${REGISTER_LOCK}, hashtext(${partnershipId}))`)
}

function pick(agency: AgencyFields): Record<(typeof fieldNames)[number], string | null> {
  return Object.fromEntries(fieldNames.map((f) => [f, agency[f] ?? null])) as Record<
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
) => auditChange(tx, change, { type: 'agency', id }, action, before, after)
