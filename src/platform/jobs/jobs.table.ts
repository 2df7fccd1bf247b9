import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'

/** One row per run of a scheduled job, so operators can see what ran, where and whether it failed. */
export const jobRuns = pgTable(
  'job_runs',
  {
    id: uuid('id').primaryKey(),
    job: text('job').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
    status: text('status', { enum: ['running', 'succeeded', 'failed'] }).notNull(),
    error: text('error'),
  },
  (t) => [index('job_runs_job_started_idx').on(t.job, t.startedAt)],
)
