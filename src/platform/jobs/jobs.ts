import { randomUUID } from 'node:crypto'
import { PGlite } from '@electric-sql/pglite'
import { Cron } from 'croner'
import { eq, sql } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import { jobRuns } from './jobs.table.ts'

/** The part of a pino logger the scheduler uses. */
export interface JobLog {
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
  debug?(obj: object, msg?: string): void
}

export interface JobContext {
  db: Db
  now: () => Date
  log: JobLog
}

export interface Job {
  /** Unique; also names the advisory lock and the job_runs rows. */
  name: string
  /** A cron pattern, read in Europe/London time; six fields means the first is seconds. */
  schedule: string
  run: (ctx: JobContext) => Promise<void>
}

export type RunResult = 'succeeded' | 'failed' | 'skipped'

export interface SchedulerDeps {
  db: Db
  jobs: readonly Job[]
  now: () => Date
  log: JobLog
}

export type Scheduler = ReturnType<typeof createScheduler>

const timezone = 'Europe/London'
// job_runs.error is for people reading a page, not for a full stack trace (that goes to the log).
const maxErrorLength = 1000

/**
 * Runs each job on its schedule, and on demand with `runNow`. A run holds a lock so that of
 * several processes sharing a database only one runs a given job at a time; the others skip it.
 * A job that throws is recorded as failed and logged, and runs again at its next time.
 */
export function createScheduler({ db, jobs, now, log }: SchedulerDeps) {
  const byName = new Map<string, Job>()
  for (const job of jobs) {
    if (byName.has(job.name)) throw new Error(`Two jobs are called ${job.name}`)
    // Fail at start-up, not at the first tick, on a pattern croner cannot read.
    new Cron(job.schedule, { timezone, paused: true }).stop()
    byName.set(job.name, job)
  }
  const ctx: JobContext = { db, now, log }
  const crons: Cron[] = []
  const inFlight = new Set<Promise<RunResult>>()

  function run(job: Job): Promise<RunResult> {
    const promise = runGuarded(db, job, ctx).finally(() => inFlight.delete(promise))
    inFlight.add(promise)
    return promise
  }

  return {
    start(): void {
      if (crons.length > 0) return
      for (const job of byName.values()) {
        // protect: a run that outlasts its interval is not started again on top of itself.
        crons.push(
          new Cron(job.schedule, { timezone, protect: true }, async () => {
            await run(job)
          }),
        )
      }
    },

    /** Stops scheduling and waits for runs in progress, so the database can be closed after. */
    async stop(): Promise<void> {
      for (const cron of crons.splice(0)) cron.stop()
      await Promise.allSettled([...inFlight])
    },

    /** Runs one job once, now, under the same lock as a scheduled run. */
    runNow(name: string): Promise<RunResult> {
      const job = byName.get(name)
      if (!job) {
        const known = [...byName.keys()].join(', ') || 'none'
        return Promise.reject(new Error(`There is no job called ${name} (known: ${known})`))
      }
      return run(job)
    },

    names(): string[] {
      return [...byName.keys()]
    },
  }
}

/** Never rejects: whatever goes wrong is logged and reported as 'failed'. */
async function runGuarded(db: Db, job: Job, ctx: JobContext): Promise<RunResult> {
  try {
    const pglite = pgliteOf(db)
    return pglite ? await runInProcess(pglite, job, ctx) : await runUnderAdvisoryLock(db, job, ctx)
  } catch (error) {
    ctx.log.error({ job: job.name, err: error }, 'job could not be run')
    return 'failed'
  }
}

/**
 * PostgreSQL: a transaction-scoped advisory lock, released by the database itself if this process
 * dies. The transaction stays open (and one pooled connection busy) while the job runs; the job
 * and the job_runs rows use other connections, so its work and its record commit on their own.
 */
async function runUnderAdvisoryLock(db: Db, job: Job, ctx: JobContext): Promise<RunResult> {
  // Set inside the transaction's callback; an object so TypeScript does not narrow it away.
  const outcome: { result: RunResult } = { result: 'skipped' }
  try {
    await db.transaction(async (tx) => {
      // Both drivers answer { rows }; the shared Db type leaves the result unknown.
      const { rows } = (await tx.execute(
        sql`select pg_try_advisory_xact_lock(hashtext(${`masa-job:${job.name}`})) as got`,
      )) as { rows: Array<{ got: boolean }> }
      if (rows[0]?.got !== true) return
      // The connection idles while the job runs; a server-wide idle timeout must not end it and
      // with it the lock.
      await tx.execute(sql`set local idle_in_transaction_session_timeout = 0`)
      outcome.result = await runAndRecord(job, ctx)
    })
  } catch (error) {
    // The job has finished and been recorded; only releasing the lock failed, and the database
    // releases it anyway when the connection goes.
    if (outcome.result === 'skipped') throw error
    ctx.log.warn({ job: job.name, err: error }, 'job lock was not released cleanly')
  }
  if (outcome.result === 'skipped') logSkipped(job, ctx)
  return outcome.result
}

// Jobs running on each PGlite database, across every scheduler in this process.
const runningOnPglite = new WeakMap<PGlite, Set<string>>()

/**
 * PGlite: one connection in one process (the data directory is locked), so there is no other
 * process to exclude, and an open transaction would block every other query, the web pages' and
 * the job's own, until the job ended. An in-process guard does the advisory lock's work.
 */
async function runInProcess(pglite: PGlite, job: Job, ctx: JobContext): Promise<RunResult> {
  let running = runningOnPglite.get(pglite)
  if (!running) {
    running = new Set()
    runningOnPglite.set(pglite, running)
  }
  if (running.has(job.name)) {
    logSkipped(job, ctx)
    return 'skipped'
  }
  running.add(job.name)
  try {
    return await runAndRecord(job, ctx)
  } finally {
    running.delete(job.name)
  }
}

/** Records the run before it starts, so a run that never finishes (a crash) is still visible. */
async function runAndRecord(job: Job, ctx: JobContext): Promise<RunResult> {
  const { db, now, log } = ctx
  const id = randomUUID()
  const startedAt = now()
  await db.insert(jobRuns).values({ id, job: job.name, startedAt, status: 'running' })
  routine(log, { job: job.name, runId: id }, 'job started')
  const began = performance.now()
  try {
    await job.run(ctx)
  } catch (error) {
    await db
      .update(jobRuns)
      .set({ status: 'failed', finishedAt: now(), error: describe(error) })
      .where(eq(jobRuns.id, id))
    log.error({ job: job.name, runId: id, err: error }, 'job failed')
    return 'failed'
  }
  await db.update(jobRuns).set({ status: 'succeeded', finishedAt: now() }).where(eq(jobRuns.id, id))
  routine(log, { job: job.name, runId: id, ms: Math.round(performance.now() - began) }, 'job succeeded')
  return 'succeeded'
}

function logSkipped(job: Job, { log }: JobContext): void {
  routine(log, { job: job.name }, 'job skipped: running elsewhere')
}

// A minutely job starts, succeeds and is skipped by the other processes 1,440 times a day; job_runs
// keeps the record, so the log gets these at debug when the logger has that level.
function routine(log: JobLog, obj: object, msg: string): void {
  if (log.debug) log.debug(obj, msg)
  else log.info(obj, msg)
}

function pgliteOf(db: Db): PGlite | undefined {
  // Drizzle exposes the driver client as $client; the shared Db type does not declare it.
  const client = (db as unknown as { $client?: unknown }).$client
  return client instanceof PGlite ? client : undefined
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.length > maxErrorLength ? `${text.slice(0, maxErrorLength - 1)}…` : text
}
