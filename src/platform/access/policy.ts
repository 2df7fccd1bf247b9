import type { Role } from '../auth/auth.table.ts'

/**
 * What a route or a button needs. Every route declares one (a test walks the route table);
 * `public` pages need nothing, `signed-in` needs a person, `second-factor` is the one step a
 * person who has given only their password may take; the rest are answered by `can`.
 */
export const permissions = [
  'public',
  'signed-in',
  'second-factor',
  'partnership:view',
  'rules:view',
  'rules:edit',
  'outbox:view',
  'outbox:retry',
  'structure:view',
  'structure:edit',
  'meetings:view',
  'meetings:edit',
  'templates:edit',
  'actions:view',
  'actions:edit',
  'compliance:view',
  'compliance:edit',
  'reviews:view',
  'reviews:edit',
  'audit:view',
  'users:manage',
  'tokens:manage',
  'security:manage',
  'api:read',
  'api:write',
] as const
export type Permission = (typeof permissions)[number]

/** A person signed in, or an API token acting for one partnership. */
export type Actor =
  | {
      kind?: 'person'
      userId: string
      /** The person's role in each partnership, by partnership id. */
      roles: ReadonlyMap<string, Role>
    }
  | { kind: 'token'; tokenId: string; partnershipId: string; scope: 'read' | 'write'; roles?: undefined }

export interface Resource {
  partnershipId?: string
}

const allowed: Record<
  Exclude<Permission, 'public' | 'signed-in' | 'second-factor' | 'api:read' | 'api:write'>,
  readonly Role[]
> = {
  'partnership:view': ['administrator', 'business_team', 'partner', 'member', 'scrutineer'],
  'rules:view': ['administrator', 'business_team', 'partner', 'scrutineer'],
  'rules:edit': ['administrator'],
  // Messages carry one-time links (invitations): only administrators read them.
  'outbox:view': ['administrator'],
  'outbox:retry': ['administrator'],
  'structure:view': ['administrator', 'business_team', 'partner', 'member', 'scrutineer'],
  // The business team keeps the registers of agencies, people, groups and memberships.
  'structure:edit': ['administrator', 'business_team'],
  // Who sees a given meeting is narrowed further by meetings.access.ts (confidential groups,
  // members-only groups for the member role, restricted papers).
  'meetings:view': ['administrator', 'business_team', 'partner', 'member', 'scrutineer'],
  // The business team runs the calendar, agendas, papers, attendance, minutes and decisions.
  'meetings:edit': ['administrator', 'business_team'],
  'templates:edit': ['administrator'],
  // Actions are narrowed further by actions.access.ts (the group's visibility, owners' own).
  'actions:view': ['administrator', 'business_team', 'partner', 'member', 'scrutineer'],
  'actions:edit': ['administrator', 'business_team'],
  // The dashboard, compliance, letters and attendance flags: the business team and the partners.
  'compliance:view': ['administrator', 'business_team', 'partner', 'scrutineer'],
  'compliance:edit': ['administrator', 'business_team'],
  // Everyone may open the reviews list; reviews.access.ts narrows it: a review's record is for the
  // business team, the partners and its own panel; everyone else sees published reviews only.
  'reviews:view': ['administrator', 'business_team', 'partner', 'member', 'scrutineer'],
  'reviews:edit': ['administrator', 'business_team'],
  'audit:view': ['administrator'],
  'users:manage': ['administrator'],
  'tokens:manage': ['administrator'],
  'security:manage': ['administrator'],
}

/** Deny unless allowed: an unknown permission, no actor or no role in the partnership means no. */
export function can(actor: Actor | null, permission: Permission, resource: Resource = {}): boolean {
  if (permission === 'public') return true
  if (!actor) return false
  if (actor.kind === 'token') {
    // A token reads (or writes) its own partnership's records through the API, and nothing else.
    if (permission !== 'api:read' && permission !== 'api:write') return false
    if (resource.partnershipId !== actor.partnershipId) return false
    return permission === 'api:read' || actor.scope === 'write'
  }
  if (permission === 'signed-in') return true
  if (permission === 'second-factor' || permission === 'api:read' || permission === 'api:write') return false
  const roles = allowed[permission]
  if (!roles || !resource.partnershipId) return false
  const role = actor.roles.get(resource.partnershipId)
  return role !== undefined && roles.includes(role)
}
