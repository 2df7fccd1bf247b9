import type { FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'

/**
 * A sign-in in progress lives in the browser that started it, in a signed, HttpOnly cookie: that
 * binds the provider's answer to this browser (no one can finish a sign-in they did not start)
 * and needs no table. SameSite=Lax is enough because the provider comes back with a top-level GET.
 */
export const OIDC_COOKIE = 'masa_oidc'
const PATH = '/sign-in/oidc'
const MAX_AGE_SECONDS = 600

const pendingSchema = z.object({
  partnershipId: z.string(),
  issuer: z.string(),
  state: z.string(),
  nonce: z.string(),
  codeVerifier: z.string(),
  returnTo: z.string(),
  startedAt: z.number(),
})
export type PendingLogin = z.infer<typeof pendingSchema>

export function writePending(reply: FastifyReply, pending: PendingLogin, secure: boolean) {
  reply.setCookie(OIDC_COOKIE, Buffer.from(JSON.stringify(pending)).toString('base64url'), {
    signed: true,
    httpOnly: true,
    sameSite: 'lax',
    secure,
    maxAge: MAX_AGE_SECONDS,
    path: PATH,
  })
}

/** The sign-in this browser started, or null when there is none, it was altered or it is too old. */
export function readPending(request: FastifyRequest, now: Date): PendingLogin | null {
  const raw = request.cookies[OIDC_COOKIE]
  if (!raw) return null
  const unsigned = request.unsignCookie(raw)
  if (!unsigned.valid || !unsigned.value) return null
  let decoded: unknown
  try {
    decoded = JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8'))
  } catch {
    return null
  }
  const parsed = pendingSchema.safeParse(decoded)
  if (!parsed.success) return null
  // The browser drops the cookie after ten minutes; a copy kept and replayed later is refused here.
  const age = now.getTime() - parsed.data.startedAt
  return age >= 0 && age <= MAX_AGE_SECONDS * 1000 ? parsed.data : null
}

export function clearPending(reply: FastifyReply) {
  reply.clearCookie(OIDC_COOKIE, { path: PATH })
}
