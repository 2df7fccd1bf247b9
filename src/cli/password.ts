import { checkPassword } from '../platform/auth/passwords.ts'
import { type Io, UsageError } from './command.ts'

/**
 * A password from standard input (never from an argument, which other users of the machine can
 * see in the process list), held to the same policy as the web pages.
 */
export async function passwordFromStdin(io: Io, context: { email: string; name?: string }): Promise<string> {
  // One trailing line break is what `echo` or a here-string adds; it is not part of the password.
  const password = (await io.readStdin()).replace(/\r?\n$/, '')
  if (password === '') throw new UsageError('--password-stdin: no password on standard input')
  const problem = checkPassword(password, context)
  if (problem) throw new UsageError(`--password-stdin: ${problem}`)
  return password
}
