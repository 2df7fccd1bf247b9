import type { Db } from '../../platform/db/client.ts'
import type { Job, JobLog } from '../../platform/jobs/jobs.ts'
import type { Outbox } from '../../platform/notify/notify.service.ts'
import { type ActionReminderResult, sendActionReminders } from './actions.reminders.ts'
import { notifyLettersDue } from './compliance.service.ts'
import { sweepFailures } from './compliance.sweep.ts'
import { type FlagSweepResult, sweepFlags } from './flags.service.ts'

export interface ActionsSweepDeps {
  outbox: Outbox
  /** For the links in the e-mails. */
  publicUrl: string
}

export interface ActionsSweepResult {
  failures?: Awaited<ReturnType<typeof sweepFailures>>
  flags?: FlagSweepResult
  letters?: Awaited<ReturnType<typeof notifyLettersDue>>
  reminders?: ActionReminderResult
  /** The steps that failed (the others still ran). */
  failed: string[]
}

/** Every morning, before the working day: compliance failures, attendance flags, letters due, reminders. */
export function actionsSweepJob(deps: ActionsSweepDeps): Job {
  return {
    name: 'actions-sweep',
    schedule: '15 6 * * *',
    async run({ db, now, log }) {
      const result = await runActionsSweep(db, deps, now(), log)
      log.info({ ...result }, 'actions sweep done')
      if (result.failed.length > 0)
        throw new Error(`The actions sweep failed at: ${result.failed.join(', ')}`)
    },
  }
}

/**
 * The four steps in order: failures first, so the letters due see today's; then flags; then the
 * business teams told of letters due; then the owners' reminders. Each step commits its work by
 * statement, partnership, meeting or reminder, and records what it has done, so a step that fails
 * part-way leaves nothing half-done and the next run finishes it; running it twice sends nothing
 * twice. A failing step does not stop the others: the job is marked failed once all have run.
 */
export async function runActionsSweep(
  db: Db,
  deps: ActionsSweepDeps,
  now: Date,
  log?: JobLog,
): Promise<ActionsSweepResult> {
  const result: ActionsSweepResult = { failed: [] }
  const step = async <K extends Exclude<keyof ActionsSweepResult, 'failed'>>(
    name: K,
    work: () => Promise<ActionsSweepResult[K]>,
  ) => {
    try {
      result[name] = await work()
    } catch (error) {
      result.failed.push(name)
      log?.error({ job: 'actions-sweep', step: name, err: error }, 'actions sweep step failed')
    }
  }
  await step('failures', () => sweepFailures(db, { now }))
  await step('flags', () => sweepFlags(db, { now }))
  await step('letters', () => notifyLettersDue(db, deps.outbox, now, { publicUrl: deps.publicUrl }))
  await step('reminders', () => sendActionReminders(db, deps.outbox, { now, publicUrl: deps.publicUrl }))
  return result
}
