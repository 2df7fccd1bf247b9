import { auditVerify } from './audit-verify.ts'
import { type Command, Failure, type Io, UsageError } from './command.ts'
import { helpText, usageOf } from './help.ts'
import { jobRun } from './job-run.ts'
import { tokenAdd } from './token-add.ts'
import { userAdd } from './user-add.ts'
import { userResetPassword } from './user-reset-password.ts'

export const commands: readonly Command[] = [userAdd, userResetPassword, tokenAdd, jobRun, auditVerify]

export const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  async readStdin() {
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks).toString('utf8')
  },
}

/**
 * The operators' command line: finds the command, runs it and turns what went wrong into a
 * message and an exit code (2 for a wrong call, 1 for a failure), never a stack trace.
 */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...args] = argv
  if (name === undefined) {
    io.err(helpText(commands))
    return 2
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    const topic = commands.find((c) => c.name === args[0])
    io.out(topic ? `${usageOf(topic)}\n\n${topic.summary}.` : helpText(commands))
    return 0
  }
  const command = commands.find((c) => c.name === name)
  if (!command) {
    io.err(`Unknown command: ${name}. Run "npm run masa -- help" for the list.`)
    return 2
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.out(`${usageOf(command)}\n\n${command.summary}.`)
    return 0
  }
  try {
    return await command.run(args, io)
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${command.name}: ${error.message}`)
      io.err(usageOf(command))
      return 2
    }
    // Failures, bad configuration, a locked data folder or an unreachable database: the message
    // says what to do; a stack trace would not help an operator.
    io.err(`${command.name}: ${error instanceof Failure ? error.message : `failed: ${describe(error)}`}`)
    return 1
  }
}

/** The message, with its cause's: the database driver wraps "connection refused" in "Failed query". */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  // Drizzle's "Failed query" message goes on to list the query's parameters: not for a terminal.
  const message = error.message.startsWith('Failed query')
    ? (error.message.split('\n')[0] ?? '')
    : error.message
  return error.cause instanceof Error ? `${message}: ${describe(error.cause)}` : message
}
