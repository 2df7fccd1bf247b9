import {
  bigint,
  boolean,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core'
import { partnerships } from '../../modules/partnership/partnership.table.ts'

/** A person who can sign in. A person may hold roles in several partnerships. */
export const users = pgTable('users', {
  id: uuid('id').primaryKey(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  passwordHash: text('password_hash'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  deactivatedAt: timestamp('deactivated_at', { withTimezone: true, mode: 'date' }),
  /** The TOTP secret (base32), set at enrolment; the second factor is on once totpEnabledAt is set. */
  totpSecret: text('totp_secret'),
  totpEnabledAt: timestamp('totp_enabled_at', { withTimezone: true, mode: 'date' }),
  /** The last 30-second step a code was accepted for: a code is never accepted twice. */
  totpLastStep: bigint('totp_last_step', { mode: 'number' }),
  /** Which partnership a person with several sees first. */
  lastPartnershipId: uuid('last_partnership_id'),
})

export const roles = ['administrator', 'business_team', 'partner', 'member', 'scrutineer'] as const
export type Role = (typeof roles)[number]

export const partnershipRoles = pgTable(
  'partnership_roles',
  {
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    role: text('role', { enum: roles }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** A person leaves a partnership by deactivation, never deletion: their history stays theirs. */
    deactivatedAt: timestamp('deactivated_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    primaryKey({ columns: [t.partnershipId, t.userId] }),
    index('partnership_roles_user_idx').on(t.userId),
  ],
)

/** Sessions live in the database so that several processes share them. The id is a hash of the cookie's token. */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'date' }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true, mode: 'date' }),
    userAgent: text('user_agent'),
    ipAddress: text('ip_address'),
    /** Signed in with a password but not yet with the second factor: the session opens nothing else. */
    pendingSecondFactor: boolean('pending_second_factor').notNull().default(false),
    /** How the person signed in: password or the OpenID provider's issuer. */
    method: text('method').notNull().default('password'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
)

export type User = typeof users.$inferSelect

/** Single-use links (invitations and password resets), stored only as hashes. */
export const userTokens = pgTable(
  'user_tokens',
  {
    id: uuid('id').primaryKey(),
    tokenHash: text('token_hash').notNull().unique(),
    kind: text('kind', { enum: ['invitation', 'reset'] }).notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    partnershipId: uuid('partnership_id'),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('user_tokens_user_idx').on(t.userId)],
)

/** Ten single-use recovery codes per person with a second factor, stored as hashes. */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    codeHash: text('code_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('recovery_codes_user_idx').on(t.userId)],
)

/**
 * Failed sign-ins, counted per key ("account:<email>" or "address:<ip>") in a sliding window.
 * Rows older than the window are removed by a job; they are not a record (the audit log is).
 */
export const signInFailures = pgTable(
  'sign_in_failures',
  {
    key: text('key').notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('sign_in_failures_key_at_idx').on(t.key, t.at)],
)

/** A partnership's sign-in settings: whether a second factor is required, and its OpenID Connect provider. */
export const partnershipSecurity = pgTable('partnership_security', {
  partnershipId: uuid('partnership_id')
    .primaryKey()
    .references(() => partnerships.id, { onDelete: 'restrict' }),
  requireSecondFactor: boolean('require_second_factor').notNull().default(false),
  oidcIssuer: text('oidc_issuer'),
  oidcClientId: text('oidc_client_id'),
  oidcClientSecret: text('oidc_client_secret'),
  /** The button's words, e.g. "Sign in with your Thurrock Council account". */
  oidcLabel: text('oidc_label'),
  /** The claim that holds the e-mail address (Entra ID: "email", or "preferred_username"). */
  oidcEmailClaim: text('oidc_email_claim').notNull().default('email'),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
})

/** Tokens for the JSON API: shown once, stored hashed, scoped to one partnership. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id, { onDelete: 'restrict' }),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    scope: text('scope', { enum: ['read', 'write'] }).notNull(),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    useCount: integer('use_count').notNull().default(0),
  },
  (t) => [index('api_tokens_partnership_idx').on(t.partnershipId, t.createdAt)],
)
