import type { Command } from './command.ts'

const prefix = 'npm run masa --'

export function usageOf(command: Command): string {
  return `Usage: ${prefix} ${command.name}${command.usage ? ` ${command.usage}` : ''}`
}

export function helpText(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length))
  return [
    `Usage: ${prefix} <command> [options]`,
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    `  ${'help'.padEnd(width)}  This list; "help <command>" shows a command's options`,
    '',
    'Each command uses the database the server would: DATABASE_URL, or the embedded one in DATA_DIR,',
    'and applies any migrations first. Exit codes: 0 done, 1 failed, 2 called wrongly.',
  ].join('\n')
}
