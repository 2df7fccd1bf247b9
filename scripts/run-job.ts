// `npm run jobs:run -- <name>`: runs one scheduled job now, for operators and deployment scripts.
import pino from 'pino'
import { allJobs } from '../src/background.ts'
import { loadConfig } from '../src/platform/config/config.ts'
import { openDatabase } from '../src/platform/db/client.ts'
import { runMigrations } from '../src/platform/db/migrate.ts'
import { createScheduler } from '../src/platform/jobs/jobs.ts'

const name = process.argv[2]
try {
  const config = loadConfig()
  const database = await openDatabase({ url: config.DATABASE_URL || undefined, dataDir: config.DATA_DIR })
  try {
    await runMigrations(database)
    const jobs = allJobs({ config, database })
    if (!name || !jobs.some((j) => j.name === name)) {
      process.stderr.write(`Name a job to run: ${jobs.map((j) => j.name).join(', ')}\n`)
      process.exitCode = 2
    } else {
      const log = pino({ level: config.LOG_LEVEL })
      const result = await createScheduler({ db: database.db, jobs, now: () => new Date(), log }).runNow(name)
      process.stdout.write(`${name}: ${result}\n`)
      if (result !== 'succeeded') process.exitCode = 1
    }
  } finally {
    await database.close()
  }
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`)
  process.exit(1)
}
