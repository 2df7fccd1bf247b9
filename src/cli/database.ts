import { type Config, loadConfig } from '../platform/config/config.ts'
import { type Database, openDatabase } from '../platform/db/client.ts'
import { runMigrations } from '../platform/db/migrate.ts'

/**
 * Opens the database the server would (DATABASE_URL, or the embedded one in DATA_DIR), brings it
 * up to date, runs the work and closes it, whatever happens: the embedded database's folder
 * stays locked until it is closed.
 */
export async function withDatabase<T>(work: (config: Config, database: Database) => Promise<T>): Promise<T> {
  const config = loadConfig()
  const database = await openDatabase({ url: config.DATABASE_URL || undefined, dataDir: config.DATA_DIR })
  try {
    await runMigrations(database)
    return await work(config, database)
  } finally {
    await database.close()
  }
}

/** A link to a page of the service, from PUBLIC_URL. */
export const link = (config: Config, path: string) => `${config.PUBLIC_URL.replace(/\/$/, '')}${path}`
