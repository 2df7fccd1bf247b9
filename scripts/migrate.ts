// `npm run db:migrate`: applies the committed migrations and exits non-zero when anything fails.
import { loadConfig } from '../src/platform/config/config.ts'
import { openDatabase } from '../src/platform/db/client.ts'
import { runMigrations } from '../src/platform/db/migrate.ts'

try {
  const config = loadConfig()
  const database = await openDatabase({ url: config.DATABASE_URL || undefined, dataDir: config.DATA_DIR })
  try {
    await runMigrations(database)
    process.stdout.write(
      `Migrations applied to ${database.kind === 'pglite' ? config.DATA_DIR : 'PostgreSQL'}.\n`,
    )
  } finally {
    await database.close()
  }
} catch (error) {
  process.stderr.write(`Migration failed: ${(error as Error).message}\n`)
  process.exit(1)
}
