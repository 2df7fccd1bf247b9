import { randomUUID } from 'node:crypto'
import type { Db, DbOrTx } from '../../platform/db/client.ts'
import type { GroupFields } from './groups.service.ts'
import { createGroup } from './groups.service.ts'
import { createPerson } from './people.service.ts'
import { type Agency, agencies } from './structure.table.ts'

// Test data for the groups, people and seats tests. Agencies are inserted as rows: their service
// belongs to another part of the module and its rules are not what these tests are about.

export const NOW = new Date('2026-03-02T10:00:00Z')
export const TODAY = '2026-03-02'

export async function insertAgency(
  db: DbOrTx,
  partnershipId: string,
  overrides: Partial<typeof agencies.$inferInsert> = {},
): Promise<Agency> {
  const [agency] = await db
    .insert(agencies)
    .values({
      id: randomUUID(),
      partnershipId,
      name: `Agency ${randomUUID().slice(0, 8)}`,
      kind: 'relevant_agency',
      sector: 'other',
      ...overrides,
    })
    .returning()
  return agency!
}

export const groupFields = (overrides: Partial<GroupFields> = {}): GroupFields => ({
  name: `Group ${randomUUID().slice(0, 8)}`,
  kind: 'subgroup',
  accountableToId: null,
  purpose: '',
  termsOfReference: '',
  meetingsPerYear: null,
  meetingMinutes: null,
  transitionalMeetingsPerYear: null,
  transitionalUntil: null,
  quorum: null,
  confidential: false,
  endsOn: null,
  standardItems: [],
  ...overrides,
})

export function addGroup(db: Db, partnershipId: string, overrides: Partial<GroupFields> = {}) {
  return createGroup(db, { partnershipId, actorId: null, now: NOW, fields: groupFields(overrides) })
}

export function addPerson(
  db: Db,
  partnershipId: string,
  overrides: { name?: string; agencyId?: string | null; email?: string | null; jobTitle?: string } = {},
) {
  return createPerson(db, {
    partnershipId,
    actorId: null,
    now: NOW,
    fields: {
      name: overrides.name ?? `Person ${randomUUID().slice(0, 8)}`,
      jobTitle: overrides.jobTitle ?? '',
      agencyId: overrides.agencyId ?? null,
      email: overrides.email === undefined ? null : overrides.email,
    },
  })
}
