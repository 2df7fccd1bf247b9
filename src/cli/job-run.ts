import pino from 'pino'
import { allJobs } from '../background.ts'
import { createScheduler } from '../platform/jobs/jobs.ts'
import { type Command, parseOptions, UsageError } from './command.ts'
import { withDatabase } from './database.ts'

export const jobRun: Command = {
  name: 'job:run',
  summary: 'Run one scheduled job now',
  usage: '<name>',
  async run(args, io) {
    const { positionals } = parseOptions(args, {}, 1)
    const name = positionals[0]
    return withDatabase(async (config, database) => {
      const jobs = allJobs({ config, database })
      if (!name || !jobs.some((j) => j.name === name)) {
        throw new UsageError(`Name a job to run: ${jobs.map((j) => j.name).join(', ')}`)
      }
      // The job's log goes to standard error, so standard output holds only the result.
      const log = pino({ level: config.LOG_LEVEL }, pino.destination({ dest: 2, sync: true }))
      const result = await createScheduler({ db: database.db, jobs, now: () => new Date(), log }).runNow(name)
      io.out(`${name}: ${result}`)
      return result === 'succeeded' ? 0 : 1
    })
  },
}
