import { describe, expect, it } from 'vitest'
import { allowsInsecure, callbackUrl, emailFrom } from './oidc.service.ts'
import { settingsSchema } from './oidc-settings.routes.ts'

describe('reading the e-mail address from an ID token', () => {
  const issuer = 'https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0'
  const settings = { issuer, emailClaim: 'email' }

  it('takes a verified address, in lower case', () => {
    expect(
      emailFrom({ iss: issuer, email: ' Jo.Bloggs@Example.ORG ', email_verified: true }, settings),
    ).toEqual({
      email: 'jo.bloggs@example.org',
    })
  })

  it('refuses an address the provider says is not verified, even as a string', () => {
    for (const flag of [false, 'false'])
      expect(emailFrom({ iss: issuer, email: 'jo@example.org', email_verified: flag }, settings)).toEqual({
        reason: 'email_not_verified',
        email: 'jo@example.org',
      })
  })

  it('reads only the configured claim, never another one', () => {
    const claims = { iss: issuer, preferred_username: 'jo@example.org' }
    expect(emailFrom(claims, settings)).toEqual({ reason: 'no_email' })
    expect(emailFrom(claims, { issuer, emailClaim: 'preferred_username' })).toEqual({
      email: 'jo@example.org',
    })
    expect(emailFrom({ iss: issuer, email: 'not an address' }, settings)).toEqual({ reason: 'no_email' })
  })

  it('trusts an unverified claim only from exactly the configured issuer (another Entra tenant is refused)', () => {
    const otherTenant = 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0'
    const settingsForUpn = { issuer, emailClaim: 'preferred_username' }
    expect(emailFrom({ iss: otherTenant, preferred_username: 'jo@example.org' }, settingsForUpn)).toEqual({
      reason: 'wrong_issuer',
    })
    expect(emailFrom({ preferred_username: 'jo@example.org' }, settingsForUpn)).toEqual({
      reason: 'wrong_issuer',
    })
  })
})

describe('plain http to the provider', () => {
  it('is allowed only in tests and only on this machine', () => {
    expect(allowsInsecure(new URL('http://127.0.0.1:4000'), 'test')).toBe(true)
    expect(allowsInsecure(new URL('http://localhost:4000/tenant'), 'test')).toBe(true)
    expect(allowsInsecure(new URL('http://127.0.0.1:4000'), 'production')).toBe(false)
    expect(allowsInsecure(new URL('http://127.0.0.1:4000'), 'development')).toBe(false)
    expect(allowsInsecure(new URL('http://login.example.org'), 'test')).toBe(false)
  })

  it('is refused in the settings form outside tests', () => {
    const form = {
      issuer: 'http://login.example.org',
      clientId: 'id',
      label: 'x',
      emailClaim: 'email',
    }
    expect(settingsSchema('production').safeParse(form).success).toBe(false)
    expect(settingsSchema('test').safeParse(form).success).toBe(true)
    expect(
      settingsSchema('production').safeParse({ ...form, issuer: 'https://login.example.org' }).success,
    ).toBe(true)
  })
})

it('builds the redirect URI from the public address', () => {
  expect(callbackUrl('https://masa.example.org', 'thurrock').href).toBe(
    'https://masa.example.org/sign-in/oidc/thurrock/callback',
  )
})
