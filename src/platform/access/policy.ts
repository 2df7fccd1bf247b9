import type { Role } from '../auth/auth.table.ts'

/**
 * What a route or a button needs. Every route declares one (a test walks the route table);
 * `public` pages need nothing, `signed-in` needs a person, the rest are answered by `can`.
 */
export const permissions = [
  'public',
  'signed-in',
  'partnership:view',
  'rules:view',
  'rules:edit',
  'outbox:view',
] as const
export type Permission = (typeof permissions)[number]

export interface Actor {
  userId: string
  /** The person's role in each partnership, by partnership id. */
  roles: ReadonlyMap<string, Role>
}

export interface Resource {
  partnershipId?: string
}

const allowed: Record<Exclude<Permission, 'public' | 'signed-in'>, readonly Role[]> = {
  'partnership:view': ['administrator', 'business_team', 'partner', 'member', 'scrutineer'],
  'rules:view': ['administrator', 'business_team', 'partner', 'scrutineer'],
  'rules:edit': ['administrator'],
  'outbox:view': ['administrator', 'business_team'],
}

/** Deny unless allowed: an unknown permission, no actor or no role in the partnership means no. */
export function can(actor: Actor | null, permission: Permission, resource: Resource = {}): boolean {
  if (permission === 'public') return true
  if (!actor) return false
  if (permission === 'signed-in') return true
  const roles = allowed[permission]
  if (!roles || !resource.partnershipId) return false
  const role = actor.roles.get(resource.partnershipId)
  return role !== undefined && roles.includes(role)
}
