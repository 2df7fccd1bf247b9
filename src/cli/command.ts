import { type ParseArgsConfig, parseArgs } from 'node:util'

/** What a command talks through: standard output and error, and standard input when asked. */
export interface Io {
  out(line: string): void
  err(line: string): void
  readStdin(): Promise<string>
}

export interface Command {
  name: string
  /** One line for `help`. */
  summary: string
  /** The arguments, as shown after the command's name. */
  usage: string
  run(args: string[], io: Io): Promise<number>
}

/** The command was called wrongly: exit code 2, and the message says how to call it. */
export class UsageError extends Error {
  override name = 'UsageError'
}

/** The command was called rightly but could not do its work: exit code 1. */
export class Failure extends Error {
  override name = 'Failure'
}

type Options = NonNullable<ParseArgsConfig['options']>

/** Parses `--name value`, `--name=value` and flags, refusing anything the command does not know. */
export function parseOptions<O extends Options>(args: string[], options: O, positionals = 0) {
  try {
    const parsed = parseArgs({ args, options, strict: true, allowPositionals: positionals > 0 })
    if (parsed.positionals.length > positionals) {
      throw new UsageError(`Unexpected argument: ${parsed.positionals[positionals]}`)
    }
    return parsed
  } catch (error) {
    if (error instanceof UsageError) throw error
    // node:util's messages are clear but long; the first sentence says what is wrong.
    throw new UsageError((error as Error).message.split('. ')[0] ?? 'Bad arguments')
  }
}

/** The value of an option the command cannot do without. */
export function required(value: string | undefined, option: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`--${option} is required`)
  return value.trim()
}

/** Whole days from 1 to 365, with a default, for expiry options. */
export function days(value: string | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback
  if (!/^\d{1,3}$/.test(value) || Number(value) < 1 || Number(value) > 365) {
    throw new UsageError(`--${option} must be a whole number of days from 1 to 365`)
  }
  return Number(value)
}
