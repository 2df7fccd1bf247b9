import { and, asc, eq, isNotNull, isNull } from 'drizzle-orm'
import { partnerships } from '../../../modules/partnership/partnership.table.ts'
import type { DbOrTx } from '../../db/client.ts'
import { partnershipRoles, partnershipSecurity, type User } from '../auth.table.ts'
import { findUserByEmail } from '../users.repository.ts'

/** A partnership's OpenID Connect provider, complete enough to sign people in with. */
export interface OidcSettings {
  issuer: string
  clientId: string
  clientSecret: string
  label: string
  emailClaim: string
}

/** What the settings page shows: never the secret, only whether there is one. */
export interface OidcSettingsView {
  issuer: string | null
  clientId: string | null
  label: string | null
  emailClaim: string
  secretSet: boolean
}

export async function readOidcSettingsView(db: DbOrTx, partnershipId: string): Promise<OidcSettingsView> {
  const [row] = await db
    .select()
    .from(partnershipSecurity)
    .where(eq(partnershipSecurity.partnershipId, partnershipId))
  return {
    issuer: row?.oidcIssuer ?? null,
    clientId: row?.oidcClientId ?? null,
    label: row?.oidcLabel ?? null,
    emailClaim: row?.oidcEmailClaim ?? 'email',
    secretSet: Boolean(row?.oidcClientSecret),
  }
}

/** The provider's settings, or null when the partnership has none (or only part of them). */
export async function readOidcSettings(
  db: DbOrTx,
  partnership: { id: string; name: string },
): Promise<OidcSettings | null> {
  const [row] = await db
    .select()
    .from(partnershipSecurity)
    .where(eq(partnershipSecurity.partnershipId, partnership.id))
  if (!row?.oidcIssuer || !row.oidcClientId || !row.oidcClientSecret) return null
  return {
    issuer: row.oidcIssuer,
    clientId: row.oidcClientId,
    clientSecret: row.oidcClientSecret,
    label: row.oidcLabel || partnership.name,
    emailClaim: row.oidcEmailClaim,
  }
}

/**
 * Sets the provider without touching the second-factor rule held in the same row. A blank
 * secret keeps the one already stored.
 */
export async function saveOidcSettings(
  db: DbOrTx,
  partnershipId: string,
  input: { issuer: string; clientId: string; clientSecret?: string; label: string; emailClaim: string },
  at: Date,
) {
  const values = {
    oidcIssuer: input.issuer,
    oidcClientId: input.clientId,
    oidcLabel: input.label,
    oidcEmailClaim: input.emailClaim,
    ...(input.clientSecret ? { oidcClientSecret: input.clientSecret } : {}),
    updatedAt: at,
  }
  await db
    .insert(partnershipSecurity)
    .values({ partnershipId, ...values })
    .onConflictDoUpdate({ target: partnershipSecurity.partnershipId, set: values })
}

/** Turns the provider off. The secret goes too: a switched-off provider keeps no credentials. */
export async function turnOffOidc(db: DbOrTx, partnershipId: string, at: Date) {
  await db
    .update(partnershipSecurity)
    .set({ oidcIssuer: null, oidcClientId: null, oidcClientSecret: null, updatedAt: at })
    .where(eq(partnershipSecurity.partnershipId, partnershipId))
}

/**
 * The person an e-mail address names, only if their account is active and they have an active
 * role in this partnership: a provider vouches for people in its own partnership, nowhere else.
 */
export async function findMember(db: DbOrTx, email: string, partnershipId: string): Promise<User | null> {
  const user = await findUserByEmail(db, email)
  if (!user || user.deactivatedAt) return null
  const [role] = await db
    .select({ role: partnershipRoles.role })
    .from(partnershipRoles)
    .where(
      and(
        eq(partnershipRoles.partnershipId, partnershipId),
        eq(partnershipRoles.userId, user.id),
        isNull(partnershipRoles.deactivatedAt),
      ),
    )
  return role ? user : null
}

/**
 * The "Sign in with …" buttons for the sign-in page: one for each partnership with a provider.
 * `label` is the words after "Sign in with".
 */
export async function oidcSignInOptions(
  db: DbOrTx,
  returnTo?: string,
): Promise<{ href: string; label: string }[]> {
  const rows = await db
    .select({ slug: partnerships.slug, name: partnerships.name, label: partnershipSecurity.oidcLabel })
    .from(partnershipSecurity)
    .innerJoin(partnerships, eq(partnerships.id, partnershipSecurity.partnershipId))
    .where(
      and(
        isNotNull(partnershipSecurity.oidcIssuer),
        isNotNull(partnershipSecurity.oidcClientId),
        isNotNull(partnershipSecurity.oidcClientSecret),
      ),
    )
    .orderBy(asc(partnerships.name))
  const query = returnTo && returnTo !== '/' ? `?returnTo=${encodeURIComponent(returnTo)}` : ''
  return rows.map((r) => ({ href: `/sign-in/oidc/${r.slug}${query}`, label: r.label || r.name }))
}
