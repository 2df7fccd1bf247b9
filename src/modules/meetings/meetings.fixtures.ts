import { randomUUID } from 'node:crypto'
import { TEST_PASSWORD } from '../../../test/factories.ts'
import { createUser } from '../../platform/auth/users.repository.ts'
import { londonInstant } from '../../platform/calendar/london-time.ts'
import type { Db, DbOrTx } from '../../platform/db/client.ts'
import { insertPartnership } from '../partnership/partnership.repository.ts'
import type { Partnership } from '../partnership/partnership.table.ts'
import {
  type Agency,
  agencies,
  type Group,
  groups,
  type Membership,
  type MembershipRole,
  memberships,
  type Person,
  people,
} from '../partnership/structure.table.ts'
import { type Meeting, meetings, type NewMeeting } from './meetings.table.ts'

// A small partnership for the meetings tests: three safeguarding partners and a school, a group
// with a chair, members and a designated deputy, and accounts for each role. Rows are inserted
// directly: the structure module's rules are tested there, not here.

export const NOW = new Date('2026-03-02T10:00:00Z')
export const TODAY = '2026-03-02'

let sequence = 0
const next = () => `${Date.now().toString(36)}${(++sequence).toString(36)}`

export interface Account {
  userId: string
  email: string
  password: string
}

async function account(
  db: DbOrTx,
  partnershipId: string,
  role: Parameters<typeof createUser>[1]['role'],
  name: string,
) {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${next()}@example.org`
  const userId = await createUser(db, { email, name, password: TEST_PASSWORD, partnershipId, role })
  return { userId, email, password: TEST_PASSWORD }
}

export async function insertPerson(
  db: DbOrTx,
  partnershipId: string,
  fields: { name: string; agencyId?: string | null; email?: string | null; userId?: string | null },
): Promise<Person> {
  const [row] = await db
    .insert(people)
    .values({
      id: randomUUID(),
      partnershipId,
      name: fields.name,
      jobTitle: '',
      agencyId: fields.agencyId ?? null,
      email:
        fields.email === undefined
          ? `${fields.name.toLowerCase().replace(/\W+/g, '.')}.${next()}@example.org`
          : fields.email,
      userId: fields.userId ?? null,
    })
    .returning()
  return row!
}

export async function insertSeat(
  db: DbOrTx,
  input: {
    partnershipId: string
    groupId: string
    personId: string
    role?: MembershipRole
    agencyId?: string | null
    deputyForId?: string | null
    startsOn?: string
    endsOn?: string | null
  },
): Promise<Membership> {
  const [row] = await db
    .insert(memberships)
    .values({
      id: randomUUID(),
      partnershipId: input.partnershipId,
      groupId: input.groupId,
      personId: input.personId,
      role: input.role ?? 'member',
      agencyId: input.agencyId ?? null,
      deputyForId: input.deputyForId ?? null,
      startsOn: input.startsOn ?? '2025-01-01',
      endsOn: input.endsOn ?? null,
    })
    .returning()
  return row!
}

export async function insertGroup(
  db: DbOrTx,
  partnershipId: string,
  overrides: Partial<typeof groups.$inferInsert> = {},
): Promise<Group> {
  const n = next()
  const [row] = await db
    .insert(groups)
    .values({
      id: randomUUID(),
      partnershipId,
      slug: `group-${n}`,
      name: `Group ${n}`,
      kind: 'subgroup',
      meetingsPerYear: 6,
      meetingMinutes: 120,
      ...overrides,
    })
    .returning()
  return row!
}

export interface MeetingWorld {
  partnership: Partnership
  agencies: { council: Agency; police: Agency; health: Agency; school: Agency }
  group: Group
  people: { chair: Person; police: Person; health: Person; head: Person; deputy: Person }
  seats: { chair: Membership; police: Membership; health: Membership; head: Membership; deputy: Membership }
  accounts: {
    administrator: Account
    businessTeam: Account
    /** The group's chair (council), with the member role. */
    chair: Account
    /** The police member (partner role). */
    police: Account
    /** A head teacher on the group (member role). */
    head: Account
    /** A partner who does not sit on the group. */
    partner: Account
    /** A member who does not sit on the group. */
    otherMember: Account
    scrutineer: Account
  }
}

/** A partnership with a group of five seats (one a designated deputy's) and an account for each role. */
export async function buildMeetingWorld(
  db: Db,
  groupOverrides: Partial<typeof groups.$inferInsert> = {},
): Promise<MeetingWorld> {
  const n = next()
  const partnership = {
    id: randomUUID(),
    slug: `m-${n}`,
    name: `Meetings Test Partnership ${n}`,
    shortName: `MTP ${n}`,
    area: 'Testshire',
    vision: 'Children are safe.',
    aims: [],
    principles: [],
    createdAt: NOW,
  }
  await insertPartnership(db, partnership)
  const agency = async (name: string, statutoryRole: 'local_authority' | 'police' | 'health' | null) => {
    const [row] = await db
      .insert(agencies)
      .values({
        id: randomUUID(),
        partnershipId: partnership.id,
        name,
        kind: statutoryRole ? 'statutory_partner' : 'relevant_agency',
        sector:
          statutoryRole === 'police'
            ? 'police'
            : statutoryRole === 'health'
              ? 'health'
              : statutoryRole
                ? 'local_authority'
                : 'education',
        statutoryRole,
      })
      .returning()
    return row!
  }
  const council = await agency('Testshire Council', 'local_authority')
  const police = await agency('Testshire Police', 'police')
  const health = await agency('Testshire Integrated Care Board', 'health')
  const school = await agency('Testshire Academy', null)
  const group = await insertGroup(db, partnership.id, groupOverrides)

  const accounts = {
    administrator: await account(db, partnership.id, 'administrator', 'Ada Administrator'),
    businessTeam: await account(db, partnership.id, 'business_team', 'Bea Business'),
    chair: await account(db, partnership.id, 'member', 'Chris Chair'),
    police: await account(db, partnership.id, 'partner', 'Pat Police'),
    head: await account(db, partnership.id, 'member', 'Hana Head'),
    partner: await account(db, partnership.id, 'partner', 'Priya Partner'),
    otherMember: await account(db, partnership.id, 'member', 'Olu Other'),
    scrutineer: await account(db, partnership.id, 'scrutineer', 'Sam Scrutineer'),
  }
  const person = (name: string, agencyId: string, acc?: Account) =>
    insertPerson(db, partnership.id, { name, agencyId, email: acc?.email, userId: acc?.userId ?? null })
  const p = {
    chair: await person('Chris Chair', council.id, accounts.chair),
    police: await person('Pat Police', police.id, accounts.police),
    health: await person('Harriet Health', health.id),
    head: await person('Hana Head', school.id, accounts.head),
    deputy: await person('Dev Deputy', police.id),
  }
  await person('Olu Other', school.id, accounts.otherMember)
  await person('Priya Partner', health.id, accounts.partner)
  const seat = (
    personId: string,
    role: MembershipRole,
    agencyId: string,
    deputyForId: string | null = null,
  ) =>
    insertSeat(db, {
      partnershipId: partnership.id,
      groupId: group.id,
      personId,
      role,
      agencyId,
      deputyForId,
    })
  const chairSeat = await seat(p.chair.id, 'chair', council.id)
  const policeSeat = await seat(p.police.id, 'member', police.id)
  const seats = {
    chair: chairSeat,
    police: policeSeat,
    health: await seat(p.health.id, 'member', health.id),
    head: await seat(p.head.id, 'member', school.id),
    deputy: await seat(p.deputy.id, 'deputy', police.id, policeSeat.id),
  }
  return {
    partnership: partnership as Partnership,
    agencies: { council, police, health, school },
    group,
    people: p,
    seats,
    accounts,
  }
}

/** A meeting row, at 14:00–16:00 London time on `heldOn` unless told otherwise. */
export async function insertMeeting(
  db: DbOrTx,
  input: { partnershipId: string; groupId: string; heldOn: string; time?: string } & Partial<NewMeeting>,
): Promise<Meeting> {
  const { time = '14:00', ...rest } = input
  const startsAt = londonInstant(input.heldOn, time)
  const [row] = await db
    .insert(meetings)
    .values({
      id: randomUUID(),
      kind: 'ordinary',
      location: 'Civic Offices, Grays',
      startsAt,
      endsAt: new Date(startsAt.getTime() + 2 * 3_600_000),
      ...rest,
    })
    .returning()
  return row!
}
