import { asc, eq, sql } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/db.ts'
import type { Database } from '../db/client.ts'
import { jobRuns } from './jobs.table.ts'
import { createScheduler, type Job, type JobLog, type Scheduler } from './jobs.ts'
import { builtinJobs } from './registry.ts'

interface Entry {
  level: 'info' | 'warn' | 'error'
  obj: object
  msg: string | undefined
}

function createLog(): JobLog & { entries: Entry[] } {
  const entries: Entry[] = []
  return {
    entries,
    info: (obj, msg) => entries.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => entries.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => entries.push({ level: 'error', obj, msg }),
  }
}

function deferred() {
  let resolve!: () => void
  const promise = new Promise<void>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`Condition not met within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('scheduler', () => {
  let database: Database
  const schedulers: Scheduler[] = []
  let current = new Date('2026-03-02T02:00:00Z')
  const now = () => current

  beforeAll(async () => {
    database = await createTestDatabase()
  })
  afterAll(() => database.close())
  beforeEach(async () => {
    await database.db.delete(jobRuns)
  })
  afterEach(async () => {
    await Promise.all(schedulers.splice(0).map((s) => s.stop()))
  })

  function scheduler(jobs: Job[], log: JobLog = createLog()): Scheduler {
    const created = createScheduler({ db: database.db, jobs, now, log })
    schedulers.push(created)
    return created
  }

  const runsOf = (job: string) =>
    database.db.select().from(jobRuns).where(eq(jobRuns.job, job)).orderBy(asc(jobRuns.startedAt))

  it('records a run that succeeds, with the job given the database and clock', async () => {
    let seen: { at: Date; one: unknown } | undefined
    const s = scheduler([
      {
        name: 'tidy',
        schedule: '0 3 * * *',
        async run({ db, now }) {
          const { rows } = (await db.execute(sql`select 1 as one`)) as { rows: Array<{ one: unknown }> }
          seen = { at: now(), one: rows[0]?.one }
        },
      },
    ])
    expect(await s.runNow('tidy')).toBe('succeeded')
    expect(seen).toEqual({ at: current, one: 1 })
    const runs = await runsOf('tidy')
    expect(runs).toHaveLength(1)
    expect(runs[0]).toMatchObject({
      status: 'succeeded',
      startedAt: current,
      finishedAt: current,
      error: null,
    })
  })

  it('records a failing run with its message, logs it, and keeps going', async () => {
    const log = createLog()
    let calls = 0
    const s = scheduler(
      [
        {
          name: 'flaky',
          schedule: '0 3 * * *',
          async run() {
            calls += 1
            if (calls === 1) throw new Error('the register is unreachable')
          },
        },
      ],
      log,
    )
    expect(await s.runNow('flaky')).toBe('failed')
    current = new Date('2026-03-02T02:01:00Z')
    expect(await s.runNow('flaky')).toBe('succeeded')

    const runs = await runsOf('flaky')
    expect(runs.map((r) => [r.status, r.error])).toEqual([
      ['failed', 'the register is unreachable'],
      ['succeeded', null],
    ])
    const errors = log.entries.filter((e) => e.level === 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]?.obj).toMatchObject({ job: 'flaky' })
  })

  it('refuses an unknown job, a duplicate name and a bad schedule', async () => {
    const s = scheduler([{ name: 'a', schedule: '* * * * *', run: async () => {} }])
    await expect(s.runNow('b')).rejects.toThrow('There is no job called b')
    const noop = async () => {}
    expect(() =>
      createScheduler({
        db: database.db,
        jobs: [
          { name: 'a', schedule: '* * * * *', run: noop },
          { name: 'a', schedule: '* * * * *', run: noop },
        ],
        now,
        log: createLog(),
      }),
    ).toThrow('Two jobs are called a')
    expect(() =>
      createScheduler({
        db: database.db,
        jobs: [{ name: 'c', schedule: 'often', run: noop }],
        now,
        log: createLog(),
      }),
    ).toThrow()
  })

  it('runs a job in one place at a time across schedulers sharing the database', async () => {
    const started = deferred()
    const release = deferred()
    let running = 0
    let overlapped = false
    const slow: Job = {
      name: 'slow',
      schedule: '0 3 * * *',
      async run() {
        running += 1
        if (running > 1) overlapped = true
        started.resolve()
        await release.promise
        running -= 1
      },
    }
    const one = scheduler([slow])
    const two = scheduler([slow])

    const first = one.runNow('slow')
    await started.promise
    // Bounded, so a broken lock fails here rather than waiting on a run that cannot finish.
    const second = await Promise.race([
      two.runNow('slow'),
      new Promise<string>((r) => setTimeout(() => r('still waiting'), 3000)),
    ])
    if (second !== 'skipped') release.resolve()
    expect(second).toBe('skipped')
    if (database.kind === 'postgres') {
      // The lock is PostgreSQL's own, so another process (another connection) sees it too.
      const { rows } = (await database.db.transaction((tx) =>
        tx.execute(sql`select pg_try_advisory_xact_lock(hashtext('masa-job:slow')) as got`),
      )) as { rows: Array<{ got: boolean }> }
      expect(rows[0]?.got).toBe(false)
    }
    release.resolve()
    expect(await first).toBe('succeeded')
    expect(overlapped).toBe(false)
    expect((await runsOf('slow')).map((r) => r.status)).toEqual(['succeeded'])

    // The lock is released with the run.
    expect(await two.runNow('slow')).toBe('succeeded')
    expect((await runsOf('slow')).map((r) => r.status)).toEqual(['succeeded', 'succeeded'])
  })

  it('runs jobs on their schedule, survives a failing one, and stops', async () => {
    const log = createLog()
    const s = scheduler(
      [
        { name: 'tick', schedule: '* * * * * *', run: async () => {} },
        {
          name: 'boom',
          schedule: '* * * * * *',
          run: async () => {
            throw new Error('boom')
          },
        },
      ],
      log,
    )
    s.start()
    await waitFor(async () => (await runsOf('boom')).length >= 2 && (await runsOf('tick')).length >= 1, 4000)
    await s.stop()

    const ticks = await runsOf('tick')
    expect(ticks.every((r) => r.status === 'succeeded')).toBe(true)
    const booms = await runsOf('boom')
    expect(booms.every((r) => r.status === 'failed' && r.error === 'boom')).toBe(true)
    expect(log.entries.filter((e) => e.level === 'error').length).toBe(booms.length)

    const after = ticks.length
    await new Promise((r) => setTimeout(r, 1200))
    expect(await runsOf('tick')).toHaveLength(after)
  })

  it('delivers the outbox only when a sender is configured', async () => {
    const calls: number[] = []
    const sender = {
      async deliverDue(limit?: number) {
        calls.push(limit ?? 0)
        // A full first batch means more may be waiting; a short second one means the queue is empty.
        return calls.length === 1 ? { sent: 20, retried: 0, failed: 0 } : { sent: 3, retried: 1, failed: 0 }
      },
    }
    const log = createLog()
    const withSender = scheduler(builtinJobs({ sender }), log)
    expect(withSender.names()).toEqual(['deliver-outbox'])
    expect(await withSender.runNow('deliver-outbox')).toBe('succeeded')
    expect(calls).toEqual([20, 20])
    expect(log.entries.find((e) => e.msg === 'outbox delivered')?.obj).toEqual({
      sent: 23,
      retried: 1,
      failed: 0,
    })

    const withoutSender = scheduler(builtinJobs({}))
    expect(await withoutSender.runNow('deliver-outbox')).toBe('succeeded')
    expect(calls).toHaveLength(2)
  })
})
