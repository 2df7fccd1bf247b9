import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { and, eq, isNull, sql } from 'drizzle-orm'
import { z } from 'zod'
import { recordAudit } from '../../platform/audit/audit.service.ts'
import { partnershipRoles, roles, users } from '../../platform/auth/auth.table.ts'
import { hashPassword } from '../../platform/auth/passwords.ts'
import { addCalendarDays, addMonths } from '../../platform/calendar/dates.ts'
import type { Db, Tx } from '../../platform/db/client.ts'
import { partnerships } from './partnership.table.ts'
import {
  agencies,
  agencyKinds,
  collaborationMembers,
  collaborations,
  groupKinds,
  groups,
  membershipRoles,
  memberships,
  otherPartnershipKinds,
  otherPartnerships,
  people,
  sectors,
  statutoryRoles,
} from './structure.table.ts'

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/)
const group = z.object({
  slug: z.string().regex(/^[a-z0-9-]+$/),
  name: z.string().min(1),
  kind: z.enum(groupKinds),
  accountableTo: z.string().optional(),
  purpose: z.string().default(''),
  meetingsPerYear: z.number().int().positive().optional(),
  transitionalMeetingsPerYear: z.number().int().positive().optional(),
  transitionalUntil: isoDay.optional(),
  meetingMinutes: z.number().int().positive().optional(),
  confidential: z.boolean().default(false),
  standardItems: z
    .array(z.object({ title: z.string(), months: z.array(z.number().int().min(1).max(12)).optional() }))
    .default([]),
})

export const structurePresetSchema = z.object({
  agencies: z
    .array(
      z.object({
        name: z.string().min(1),
        kind: z.enum(agencyKinds),
        sector: z.enum(sectors),
        statutoryRole: z.enum(statutoryRoles).optional(),
        leadPartnerTitle: z.string().optional(),
        delegatedPartnerTitle: z.string().optional(),
        executiveTitle: z.string().optional(),
      }),
    )
    .default([]),
  groups: z.array(group).default([]),
  otherPartnerships: z
    .array(z.object({ name: z.string().min(1), kind: z.enum(otherPartnershipKinds) }))
    .default([]),
  people: z
    .array(
      z.object({
        key: z.string(),
        name: z.string(),
        jobTitle: z.string(),
        agency: z.string().nullable(),
        email: z.email(),
      }),
    )
    .default([]),
  memberships: z
    .array(
      z.object({
        group: z.string(),
        person: z.string(),
        role: z.enum(membershipRoles),
        startsOn: isoDay,
        endsOn: isoDay.optional(),
        deputyFor: z.string().optional(),
      }),
    )
    .default([]),
  accounts: z.array(z.object({ person: z.string(), role: z.enum(roles) })).default([]),
})
export type StructurePreset = z.infer<typeof structurePresetSchema>

export const setPresetSchema = z.object({
  collaboration: z.object({ slug: z.string(), name: z.string(), description: z.string() }),
  partnerships: z.array(
    z.object({
      slug: z.string(),
      name: z.string().optional(),
      shortName: z.string().optional(),
      area: z.string().optional(),
    }),
  ),
  groups: z.array(group),
})
export type SetPreset = z.infer<typeof setPresetSchema>

/**
 * The example's seats as of `today`: a seat whose fixed term in the preset has ended (a chair's
 * year) is renewed for the same person, term after term of the same length, until one covers
 * today, as a partnership re-appoints its chairs. Without it the example would lose its chairs as
 * the calendar passes the dates written in the preset. Seats without an end are left as they are.
 */
export function renewEndedTerms(preset: StructurePreset, today: string): StructurePreset {
  const renewed: StructurePreset['memberships'] = []
  for (const seat of preset.memberships) {
    renewed.push(seat)
    if (!seat.endsOn || seat.endsOn >= today) continue
    const months = monthsBetween(seat.startsOn, addCalendarDays(seat.endsOn, 1))
    let term = seat
    while (term.endsOn && term.endsOn < today) {
      const startsOn = addCalendarDays(term.endsOn, 1)
      term = { ...seat, startsOn, endsOn: addCalendarDays(addMonths(startsOn, months), -1) }
      renewed.push(term)
    }
  }
  return { ...preset, memberships: renewed }
}

/** Whole months from one day to another (at least 1): a term's length. */
function monthsBetween(from: string, to: string): number {
  const [fy, fm] = from.split('-').map(Number) as [number, number]
  const [ty, tm] = to.split('-').map(Number) as [number, number]
  return Math.max(1, (ty - fy) * 12 + (tm - fm))
}

export function readJsonPreset<T>(name: string, schema: z.ZodType<T>): T {
  return schema.parse(
    JSON.parse(readFileSync(new URL(`../../../presets/${name}.json`, import.meta.url), 'utf8')),
  )
}

export interface AppliedCounts {
  agencies: number
  groups: number
  otherPartnerships: number
  people: number
  memberships: number
  accounts: number
}

/**
 * Applies a partnership's structure preset: what is already there (by name, slug or e-mail) is
 * left alone, so applying it twice changes nothing. Demo accounts get `accountPassword`.
 */
export async function applyStructurePreset(
  db: Db,
  input: { partnershipId: string; preset: StructurePreset; now: Date; accountPassword?: string },
): Promise<AppliedCounts> {
  const { partnershipId, preset, now } = input
  const passwordHash = input.accountPassword ? await hashPassword(input.accountPassword) : null
  return db.transaction(async (tx) => {
    const counts: AppliedCounts = {
      agencies: 0,
      groups: 0,
      otherPartnerships: 0,
      people: 0,
      memberships: 0,
      accounts: 0,
    }
    const agencyIds = new Map<string, string>()
    for (const a of preset.agencies) {
      const [existing] = await tx
        .select({ id: agencies.id })
        .from(agencies)
        .where(
          and(eq(agencies.partnershipId, partnershipId), sql`lower(${agencies.name}) = lower(${a.name})`),
        )
      if (existing) {
        agencyIds.set(a.name, existing.id)
        continue
      }
      const id = randomUUID()
      await tx.insert(agencies).values({ id, partnershipId, ...a, createdAt: now })
      agencyIds.set(a.name, id)
      counts.agencies++
    }

    const groupIds = await applyGroups(tx, { partnershipId }, preset.groups, now, counts)

    for (const o of preset.otherPartnerships) {
      const inserted = await tx
        .insert(otherPartnerships)
        .values({ id: randomUUID(), partnershipId, ...o, createdAt: now })
        .onConflictDoNothing()
        .returning({ id: otherPartnerships.id })
      counts.otherPartnerships += inserted.length
    }

    const personIds = new Map<string, string>()
    for (const p of preset.people) {
      const [existing] = await tx
        .select({ id: people.id })
        .from(people)
        .where(and(eq(people.partnershipId, partnershipId), sql`lower(${people.email}) = lower(${p.email})`))
      if (existing) {
        personIds.set(p.key, existing.id)
        continue
      }
      const id = randomUUID()
      const agencyId = p.agency ? (agencyIds.get(p.agency) ?? null) : null
      if (p.agency && !agencyId)
        throw new Error(`Preset person ${p.key} names an unknown agency: ${p.agency}`)
      await tx.insert(people).values({
        id,
        partnershipId,
        name: p.name,
        jobTitle: p.jobTitle,
        agencyId,
        email: p.email,
        createdAt: now,
      })
      personIds.set(p.key, id)
      counts.people++
    }

    const membershipIds = new Map<string, string>()
    for (const m of preset.memberships) {
      const groupId = groupIds.get(m.group)
      const personId = personIds.get(m.person)
      if (!groupId || !personId)
        throw new Error(`Preset membership names an unknown group or person: ${m.group}/${m.person}`)
      const [existing] = await tx
        .select({ id: memberships.id })
        .from(memberships)
        .where(
          and(
            eq(memberships.groupId, groupId),
            eq(memberships.personId, personId),
            eq(memberships.role, m.role),
            eq(memberships.startsOn, m.startsOn),
          ),
        )
      if (existing) {
        membershipIds.set(`${m.group}/${m.person}`, existing.id)
        continue
      }
      const [person] = await tx
        .select({ agencyId: people.agencyId })
        .from(people)
        .where(eq(people.id, personId))
      const id = randomUUID()
      const deputyForId = m.deputyFor ? membershipIds.get(`${m.group}/${m.deputyFor}`) : undefined
      if (m.deputyFor && !deputyForId)
        throw new Error(`Preset deputy for someone not yet in ${m.group}: ${m.deputyFor}`)
      await tx.insert(memberships).values({
        id,
        groupId,
        partnershipId,
        personId,
        role: m.role,
        agencyId: person?.agencyId ?? null,
        deputyForId: deputyForId ?? null,
        startsOn: m.startsOn,
        endsOn: m.endsOn ?? null,
        createdAt: now,
      })
      membershipIds.set(`${m.group}/${m.person}`, id)
      counts.memberships++
    }

    for (const account of preset.accounts) {
      const person = preset.people.find((p) => p.key === account.person)
      const personId = personIds.get(account.person)
      if (!person || !personId) throw new Error(`Preset account for an unknown person: ${account.person}`)
      const email = person.email.toLowerCase()
      let [user] = await tx.select({ id: users.id }).from(users).where(eq(users.email, email))
      if (!user) {
        user = { id: randomUUID() }
        await tx.insert(users).values({ id: user.id, email, name: person.name, passwordHash, createdAt: now })
      }
      const added = await tx
        .insert(partnershipRoles)
        .values({ partnershipId, userId: user.id, role: account.role, createdAt: now })
        .onConflictDoNothing()
        .returning({ userId: partnershipRoles.userId })
      await tx
        .update(people)
        .set({ userId: user.id })
        .where(and(eq(people.id, personId), isNull(people.userId)))
      counts.accounts += added.length
    }

    if (Object.values(counts).some((n) => n > 0)) {
      await recordAudit(
        tx,
        {
          partnershipId,
          entityType: 'partnership',
          entityId: partnershipId,
          action: 'apply_preset',
          after: counts,
        },
        now,
      )
    }
    return counts
  })
}

type Owner =
  | { partnershipId: string; collaborationId?: undefined }
  | { collaborationId: string; partnershipId?: undefined }

async function applyGroups(
  tx: Tx,
  owner: Owner,
  list: z.infer<typeof group>[],
  now: Date,
  counts: { groups: number },
) {
  const ownerFilter = owner.partnershipId
    ? eq(groups.partnershipId, owner.partnershipId)
    : eq(groups.collaborationId, owner.collaborationId!)
  const ids = new Map<string, string>()
  for (const g of list) {
    const [existing] = await tx
      .select({ id: groups.id })
      .from(groups)
      .where(and(ownerFilter, eq(groups.slug, g.slug)))
    if (existing) {
      ids.set(g.slug, existing.id)
      continue
    }
    const id = randomUUID()
    const { accountableTo: _ignored, ...values } = g
    await tx.insert(groups).values({
      id,
      partnershipId: owner.partnershipId ?? null,
      collaborationId: owner.collaborationId ?? null,
      ...values,
      createdAt: now,
    })
    ids.set(g.slug, id)
    counts.groups++
  }
  // Reporting lines after every group exists, so a preset may list them in any order.
  for (const g of list) {
    if (!g.accountableTo) continue
    const parent = ids.get(g.accountableTo)
    if (!parent)
      throw new Error(`Preset group ${g.slug} is accountable to an unknown group: ${g.accountableTo}`)
    await tx
      .update(groups)
      .set({ accountableToId: parent })
      .where(and(eq(groups.id, ids.get(g.slug)!), isNull(groups.accountableToId)))
  }
  return ids
}

/** The SET collaboration: its partnerships (created minimally when missing) and its shared groups. */
export async function applySetPreset(
  db: Db,
  preset: SetPreset,
  now: Date,
): Promise<{ groups: number; partnerships: number }> {
  return db.transaction(async (tx) => {
    let [collaboration] = await tx
      .select({ id: collaborations.id })
      .from(collaborations)
      .where(eq(collaborations.slug, preset.collaboration.slug))
    if (!collaboration) {
      collaboration = { id: randomUUID() }
      await tx
        .insert(collaborations)
        .values({ id: collaboration.id, ...preset.collaboration, createdAt: now })
    }
    let created = 0
    for (const p of preset.partnerships) {
      let [row] = await tx
        .select({ id: partnerships.id })
        .from(partnerships)
        .where(eq(partnerships.slug, p.slug))
      if (!row) {
        if (!p.name || !p.shortName || !p.area)
          throw new Error(`SET preset: partnership ${p.slug} is missing and has no details`)
        row = { id: randomUUID() }
        await tx.insert(partnerships).values({
          id: row.id,
          slug: p.slug,
          name: p.name,
          shortName: p.shortName,
          area: p.area,
          createdAt: now,
        })
        created++
      }
      await tx
        .insert(collaborationMembers)
        .values({ collaborationId: collaboration.id, partnershipId: row.id })
        .onConflictDoNothing()
    }
    const counts = { groups: 0 }
    await applyGroups(tx, { collaborationId: collaboration.id }, preset.groups, now, counts)
    if (counts.groups + created > 0) {
      await recordAudit(
        tx,
        {
          entityType: 'collaboration',
          entityId: collaboration.id,
          action: 'apply_preset',
          after: { groups: counts.groups, partnerships: created },
        },
        now,
      )
    }
    return { groups: counts.groups, partnerships: created }
  })
}
