import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { z } from 'zod'

/**
 * Every environment variable MASA reads, declared once: its description (for `.env.example` and
 * the README), its schema and its default. `loadConfig` validates them all and names the
 * variable that is wrong, so a bad deployment stops at start-up instead of half-working.
 */
export const variables = {
  NODE_ENV: {
    description: 'production, development or test. Production refuses insecure defaults.',
    schema: z.enum(['production', 'development', 'test']),
    default: 'development',
  },
  PORT: {
    description: 'The TCP port the web server listens on.',
    schema: z.coerce.number().int().min(0).max(65535),
    default: '3000',
  },
  HOST: {
    description: 'The address the web server binds to.',
    schema: z.string().min(1),
    default: '0.0.0.0',
  },
  DATABASE_URL: {
    description:
      'A PostgreSQL connection string. When empty, MASA runs on the embedded database (PGlite) in DATA_DIR.',
    schema: z.union([z.literal(''), z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres://')]),
    default: '',
  },
  DATA_DIR: {
    description: 'The folder for the embedded database and the generated session secret.',
    schema: z.string().min(1),
    default: './data',
  },
  PUBLIC_URL: {
    description:
      'The address people use to reach MASA, used in e-mailed links. https:// makes cookies Secure.',
    schema: z.url(),
    default: 'http://localhost:3000',
  },
  SESSION_SECRET: {
    description:
      'At least 32 characters, used to sign cookies. Generated and kept in DATA_DIR when empty, except in production.',
    schema: z.union([z.literal(''), z.string().min(32, 'must be at least 32 characters')]),
    default: '',
    sensitive: true,
  },
  SMTP_URL: {
    description:
      'An SMTP server, e.g. smtps://user:pass@mail.example.org:465. When empty, e-mail stays in the outbox page.',
    schema: z.union([z.literal(''), z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')]),
    default: '',
    sensitive: true,
  },
  MAIL_FROM: {
    description: 'The From address of e-mail MASA sends.',
    schema: z.string().min(3),
    default: 'MASA <no-reply@masa.localhost>',
  },
  LOG_LEVEL: {
    description: 'fatal, error, warn, info, debug, trace or silent.',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    default: 'info',
  },
  SEED_EXAMPLE: {
    description: 'Load the Thurrock example into an empty database at start: true or false.',
    schema: z.enum(['true', 'false']).transform((v) => v === 'true'),
    default: 'true',
  },
  SESSION_IDLE_MINUTES: {
    description: 'Minutes without activity after which a person is signed out.',
    schema: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60),
    default: '30',
  },
  SESSION_MAX_HOURS: {
    description: 'Hours after sign-in after which a person must sign in again, however active.',
    schema: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 30),
    default: '12',
  },
  JOBS_ENABLED: {
    description: 'Run scheduled jobs in this process: true or false.',
    schema: z.enum(['true', 'false']).transform((v) => v === 'true'),
    default: 'true',
  },
} as const

type Variables = typeof variables
export type Config = { -readonly [K in keyof Variables]: z.output<Variables[K]['schema']> } & {
  /** The embedded database is used when DATABASE_URL is empty. */
  embedded: boolean
  secureCookies: boolean
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const out: Record<string, unknown> = {}
  const problems: string[] = []
  for (const [name, variable] of Object.entries(variables)) {
    const raw = env[name] ?? variable.default
    const parsed = variable.schema.safeParse(raw)
    if (parsed.success) out[name] = parsed.data
    else problems.push(`${name}: ${parsed.error.issues.map((i) => i.message).join('; ')} (got "${raw}")`)
  }
  if (problems.length) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`)
  const config = out as Config
  config.DATA_DIR = resolve(config.DATA_DIR)
  config.embedded = config.DATABASE_URL === ''
  config.secureCookies = config.PUBLIC_URL.startsWith('https://')
  if (!config.SESSION_SECRET) {
    if (config.NODE_ENV === 'production') {
      throw new ConfigError(
        'Invalid configuration:\n  SESSION_SECRET: required in production (at least 32 characters)',
      )
    }
    config.SESSION_SECRET = keptSecret(config.DATA_DIR)
  }
  return config
}

/** Outside production, a secret generated once and kept in the data folder survives restarts. */
function keptSecret(dataDir: string): string {
  const file = join(dataDir, 'session-secret')
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  mkdirSync(dataDir, { recursive: true })
  const secret = randomBytes(32).toString('base64url')
  writeFileSync(file, `${secret}\n`, { mode: 0o600 })
  return secret
}

/** The text of `.env.example`, generated from the declarations so the two never drift. */
export function envExample(): string {
  return Object.entries(variables)
    .map(([name, v]) => `# ${v.description}\n${name}=${'sensitive' in v ? '' : v.default}\n`)
    .join('\n')
}
