import { createHash } from 'node:crypto'
import * as client from 'openid-client'
import { z } from 'zod'
import type { Config } from '../../config/config.ts'
import type { DbOrTx } from '../../db/client.ts'
import type { User } from '../auth.table.ts'
import type { PendingLogin } from './oidc.cookie.ts'
import { findMember, type OidcSettings } from './oidc.repository.ts'

// Discovery and the provider's keys change rarely; a few minutes' cache spares a round trip per
// sign-in yet picks up a key rotation soon enough.
const CACHE_MS = 5 * 60_000
const SCOPE = 'openid profile email'
const TIMEOUT_SECONDS = 10

/** Why a sign-in was refused: recorded in the audit log and turned into the page the person sees. */
export type Refusal =
  | 'unreachable'
  | 'missing_state'
  | 'settings_changed'
  | 'state_mismatch'
  | 'provider_error'
  | 'token_rejected'
  | 'wrong_issuer'
  | 'no_email'
  | 'email_not_verified'
  | 'no_account'

export type FinishResult =
  | { ok: true; user: User; email: string; subject: string }
  | { ok: false; reason: Refusal; email?: string; detail?: string }

export interface PartnershipRef {
  id: string
  slug: string
}

/** Where the provider sends people back to: registered with the provider as the redirect URI. */
export const callbackUrl = (publicUrl: string, slug: string) =>
  new URL(`/sign-in/oidc/${encodeURIComponent(slug)}/callback`, publicUrl)

/** Plain http only for a provider on this machine, and only in tests: a real one is always https. */
export function allowsInsecure(issuer: URL, nodeEnv: string): boolean {
  return (
    nodeEnv === 'test' &&
    issuer.protocol === 'http:' &&
    ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname)
  )
}

export function sameIssuer(a: unknown, b: string): boolean {
  if (typeof a !== 'string') return false
  try {
    return new URL(a).href === new URL(b).href
  } catch {
    return false
  }
}

const emailShape = z.email()

/**
 * The e-mail address from the configured claim, and only from that claim: falling back to
 * another would let a value the administrator did not choose to trust name an account.
 * `email_verified: false` refuses. Entra ID sends no `email_verified` (for `email` or
 * `preferred_username`); its word is taken only because the token's issuer is exactly the
 * configured tenant, so another tenant's users cannot claim an address.
 */
export function emailFrom(
  claims: Record<string, unknown>,
  settings: Pick<OidcSettings, 'issuer' | 'emailClaim'>,
): { email: string } | { reason: Refusal; email?: string } {
  if (!sameIssuer(claims.iss, settings.issuer)) return { reason: 'wrong_issuer' }
  const value = claims[settings.emailClaim]
  const email = typeof value === 'string' ? value.trim().toLowerCase() : ''
  if (!emailShape.safeParse(email).success) return { reason: 'no_email' }
  // Some providers send the flag as a string.
  const verified = claims.email_verified
  if (verified === false || verified === 'false') return { reason: 'email_not_verified', email }
  return { email }
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 300)

export function createOidcService(deps: { config: Config; db: DbOrTx }) {
  const { config, db } = deps
  const cache = new Map<string, { until: number; configuration: Promise<client.Configuration> }>()

  function discover(issuer: string, clientId: string, clientSecret: string) {
    const url = new URL(issuer)
    return client.discovery(url, clientId, undefined, client.ClientSecretPost(clientSecret), {
      timeout: TIMEOUT_SECONDS,
      execute: allowsInsecure(url, config.NODE_ENV) ? [client.allowInsecureRequests] : [],
    })
  }

  /** Cached per partnership and credentials, so a changed secret or client id is used at once. */
  function configurationFor(partnershipId: string, settings: OidcSettings) {
    const secretDigest = createHash('sha256').update(settings.clientSecret).digest('base64url')
    const key = [partnershipId, settings.issuer, settings.clientId, secretDigest].join('\u001f')
    const at = Date.now()
    const cached = cache.get(key)
    if (cached && cached.until > at) return cached.configuration
    for (const [k, v] of cache) if (v.until <= at) cache.delete(k)
    const configuration = discover(settings.issuer, settings.clientId, settings.clientSecret)
    cache.set(key, { until: at + CACHE_MS, configuration })
    // A failed discovery is not remembered: the next attempt asks again.
    configuration.catch(() => cache.delete(key))
    return configuration
  }

  return {
    /**
     * Checks an issuer an administrator typed: its discovery document must answer and name
     * exactly that issuer, because ID tokens are later held to it.
     */
    async checkIssuer(issuer: string): Promise<{ ok: true } | { ok: false; message: string }> {
      let discovered: string
      try {
        discovered = (await discover(issuer, 'masa-check', 'masa-check')).serverMetadata().issuer
      } catch {
        return {
          ok: false,
          message: `MASA could not read the provider’s settings from ${issuer}/.well-known/openid-configuration. Check the issuer URL`,
        }
      }
      if (discovered.includes('{tenantid}'))
        return {
          ok: false,
          message:
            'Enter your organisation’s own Microsoft Entra ID tenant, like https://login.microsoftonline.com/<tenant ID>/v2.0, not a shared address such as "common" or "organizations"',
        }
      if (!sameIssuer(discovered, issuer))
        return { ok: false, message: `The provider gives its issuer as ${discovered}. Enter that exactly` }
      return { ok: true }
    },

    /** The provider's address to send the person to, and what the callback must see again. */
    async startLogin(
      partnership: PartnershipRef,
      settings: OidcSettings,
      returnTo: string,
      now: Date,
    ): Promise<{ url: URL; pending: PendingLogin }> {
      const configuration = await configurationFor(partnership.id, settings)
      const codeVerifier = client.randomPKCECodeVerifier()
      const pending: PendingLogin = {
        partnershipId: partnership.id,
        issuer: settings.issuer,
        state: client.randomState(),
        nonce: client.randomNonce(),
        codeVerifier,
        returnTo,
        startedAt: now.getTime(),
      }
      const url = client.buildAuthorizationUrl(configuration, {
        redirect_uri: callbackUrl(config.PUBLIC_URL, partnership.slug).href,
        scope: SCOPE,
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
      })
      return { url, pending }
    },

    /**
     * Checks the provider's answer against the sign-in this browser started, exchanges the code
     * (PKCE), validates the ID token (signature, issuer, audience, expiry, nonce) and finds the
     * person. Changes nothing: the caller starts the session only when this says yes.
     */
    async finishLogin(
      partnership: PartnershipRef,
      settings: OidcSettings,
      pending: PendingLogin | null,
      query: URLSearchParams,
    ): Promise<FinishResult> {
      if (!pending) return { ok: false, reason: 'missing_state' }
      // A sign-in started for another partnership does not belong here, whatever the provider says.
      if (pending.partnershipId !== partnership.id || query.get('state') !== pending.state)
        return { ok: false, reason: 'state_mismatch' }
      if (pending.issuer !== settings.issuer) return { ok: false, reason: 'settings_changed' }
      const error = query.get('error')
      if (error) {
        const description = query.get('error_description')
        return {
          ok: false,
          reason: 'provider_error',
          // The description comes from the address bar: kept, but short.
          detail: (description ? `${error}: ${description}` : error).slice(0, 300),
        }
      }

      let configuration: client.Configuration
      try {
        configuration = await configurationFor(partnership.id, settings)
      } catch (e) {
        return { ok: false, reason: 'unreachable', detail: message(e) }
      }
      const current = callbackUrl(config.PUBLIC_URL, partnership.slug)
      current.search = query.toString()
      let claims: Record<string, unknown> | undefined
      try {
        const tokens = await client.authorizationCodeGrant(configuration, current, {
          pkceCodeVerifier: pending.codeVerifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        })
        claims = tokens.claims()
      } catch (e) {
        return { ok: false, reason: 'token_rejected', detail: message(e) }
      }
      if (!claims) return { ok: false, reason: 'token_rejected', detail: 'no ID token' }

      const found = emailFrom(claims, settings)
      if ('reason' in found) return { ok: false, ...found }
      const user = await findMember(db, found.email, partnership.id)
      if (!user) return { ok: false, reason: 'no_account', email: found.email }
      return { ok: true, user, email: found.email, subject: String(claims.sub) }
    },
  }
}
export type OidcService = ReturnType<typeof createOidcService>
