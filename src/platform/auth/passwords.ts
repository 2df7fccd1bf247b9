import { hash, verify } from '@node-rs/argon2'

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
