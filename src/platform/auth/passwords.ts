import { hash, verify } from '@node-rs/argon2'
import { dictionary } from '@zxcvbn-ts/language-common'

// OWASP's second argon2id configuration: 19 MiB, 2 passes, 1 lane.
const options = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const

export const hashPassword = (password: string) => hash(password, options)

export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  // With no stored hash, still spend the same time, so the answer does not reveal whether the account exists.
  if (!stored) {
    await hash(password, options)
    return false
  }
  try {
    return await verify(stored, password)
  } catch {
    return false
  }
}

export const MIN_PASSWORD_LENGTH = 12
const MAX_PASSWORD_LENGTH = 256

// About 49,000 common passwords, from the zxcvbn-ts project's list.
const common = new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()))
const serviceWords = ['masa', 'safeguarding', 'partnership', 'password', 'thurrock', 'welcome']

/**
 * The NCSC's advice: a long password, checked against a list of common ones, and no composition
 * rules (no "one capital, one symbol"). Returns the problem to show, or null when it is fine.
 */
export function checkPassword(
  password: string,
  context: { email?: string; name?: string } = {},
): string | null {
  if (password.length < MIN_PASSWORD_LENGTH)
    return `Password must be ${MIN_PASSWORD_LENGTH} characters or more`
  if (password.length > MAX_PASSWORD_LENGTH)
    return `Password must be ${MAX_PASSWORD_LENGTH} characters or fewer`
  const lower = password.toLowerCase()
  const squashed = lower.replace(/[\s\d\W_]+/g, '')
  if (common.has(lower) || common.has(squashed) || new Set(lower).size < 4) {
    return 'This password is too common. Try three random words, like a phrase only you would think of'
  }
  const local = context.email?.split('@')[0]?.toLowerCase()
  if (
    (local && local.length >= 4 && lower.includes(local)) ||
    (context.email && lower.includes(context.email.toLowerCase()))
  ) {
    return 'Your password must not contain your e-mail address'
  }
  if (serviceWords.some((w) => squashed === w || squashed === w + w)) {
    return 'This password is too easy to guess. Try three random words'
  }
  return null
}
