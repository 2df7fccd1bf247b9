import { createApp } from './app.ts'
import { loadExample } from './example.ts'
import { ConfigError, loadConfig } from './platform/config/config.ts'
import { openDatabase } from './platform/db/client.ts'
import { DataDirLockedError } from './platform/db/lock.ts'
import { runMigrations } from './platform/db/migrate.ts'

/** Starts MASA: configuration, database and migrations, the example, the web server, the jobs. */
export async function startServer() {
  const started = Date.now()
  let config: ReturnType<typeof loadConfig>
  try {
    config = loadConfig()
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message)
    throw error
  }
  let database: Awaited<ReturnType<typeof openDatabase>>
  try {
    database = await openDatabase({ url: config.DATABASE_URL || undefined, dataDir: config.DATA_DIR })
  } catch (error) {
    if (error instanceof DataDirLockedError) fail(error.message)
    throw error
  }
  try {
    await runMigrations(database)
  } catch (error) {
    await database.close()
    fail(`The database migrations failed: ${(error as Error).message}`)
  }
  const signIn = config.SEED_EXAMPLE
    ? await loadExample(database.db, { dataDir: config.DATA_DIR, now: new Date() })
    : null
  const app = await createApp({ config, database })
  const { startBackground } = await import('./background.ts')
  const background = config.JOBS_ENABLED ? startBackground({ config, database, log: app.log }) : null

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    app.log.info({ signal }, 'stopping')
    await background?.stop()
    await app.close()
    await database.close()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))

  await app.listen({ port: config.PORT, host: config.HOST })
  const url = `http://localhost:${config.PORT}`
  const where = database.kind === 'pglite' ? `the embedded database in ${config.DATA_DIR}` : 'PostgreSQL'
  const lines = [
    '',
    `  MASA is running at ${url} on ${where} (started in ${((Date.now() - started) / 1000).toFixed(1)} s).`,
  ]
  if (signIn) {
    lines.push(`  Sign in as the first administrator of the Thurrock example: ${url}/sign-in`)
    lines.push(`    e-mail:   ${signIn.email}`)
    lines.push(
      signIn.password
        ? `    password: ${signIn.password}   (kept in ${config.DATA_DIR}/first-administrator.txt)`
        : '    password: the one printed when this database was first started',
    )
  }
  if (signIn?.accounts.length) {
    lines.push('  The same password signs in as each other role of the example:')
    for (const account of signIn.accounts) lines.push(`    ${account.role.padEnd(14)} ${account.email}`)
  }
  lines.push('  Press Ctrl+C to stop.', '')
  process.stdout.write(`${lines.join('\n')}\n`)
}

function fail(message: string): never {
  process.stderr.write(`\nMASA could not start.\n${message}\n\n`)
  process.exit(1)
}
