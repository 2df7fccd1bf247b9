// oidc-provider ships no types. Only the little the tests use is declared here: it is a test-only
// dependency that plays the identity provider, never part of MASA itself.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'

  export interface Account {
    accountId: string
    claims(use: string, scope: string): Promise<Record<string, unknown>> | Record<string, unknown>
  }

  export interface Configuration {
    clients?: Record<string, unknown>[]
    findAccount?: (ctx: unknown, sub: string) => Promise<Account | undefined> | Account | undefined
    claims?: Record<string, string[]>
    conformIdTokenClaims?: boolean
    cookies?: { keys?: string[] }
    features?: Record<string, { enabled: boolean }>
    pkce?: { required?: () => boolean }
    [key: string]: unknown
  }

  export default class Provider {
    constructor(issuer: string, configuration?: Configuration)
    callback(): (req: IncomingMessage, res: ServerResponse) => void
  }
}
