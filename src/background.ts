import type { FastifyBaseLogger } from 'fastify'
import { actionsSweepJob } from './modules/actions/actions.sweep.ts'
import { meetingRemindersJob } from './modules/meetings/meetings.reminders.ts'
import { agencyReviewReminderJob } from './modules/partnership/agency-reviews.service.ts'
import { chairTenureReminderJob } from './modules/partnership/memberships.reminder.ts'
import { createThrottle } from './platform/auth/throttle.ts'
import type { Config } from './platform/config/config.ts'
import type { Database } from './platform/db/client.ts'
import { createScheduler, type Job } from './platform/jobs/jobs.ts'
import { builtinJobs } from './platform/jobs/registry.ts'
import { digestJob } from './platform/notify/digest.service.ts'
import { createSmtpTransport } from './platform/notify/mailer.ts'
import { createOutbox } from './platform/notify/notify.service.ts'
import { createSender } from './platform/notify/sender.ts'

/** Every scheduled job of the platform and the modules, wired to their dependencies. */
export function allJobs(deps: { config: Config; database: Database }): Job[] {
  const now = () => new Date()
  const sender = deps.config.SMTP_URL
    ? createSender({
        db: deps.database.db,
        transport: createSmtpTransport(deps.config.SMTP_URL),
        from: deps.config.MAIL_FROM,
        now,
      })
    : null
  const throttle = createThrottle({ db: deps.database.db, now })
  const outbox = createOutbox({ db: deps.database.db, now })
  return [
    ...builtinJobs({ sender }),
    agencyReviewReminderJob({ outbox, publicUrl: deps.config.PUBLIC_URL }),
    chairTenureReminderJob({ outbox, publicUrl: deps.config.PUBLIC_URL }),
    meetingRemindersJob({ outbox, publicUrl: deps.config.PUBLIC_URL }),
    actionsSweepJob({ outbox, publicUrl: deps.config.PUBLIC_URL }),
    digestJob({ outbox, publicUrl: deps.config.PUBLIC_URL }),
    {
      name: 'prune-sign-in-failures',
      schedule: '17 * * * *',
      async run({ log }) {
        const removed = await throttle.prune()
        if (removed > 0) log.info({ removed }, 'old sign-in failures removed')
      },
    },
  ]
}

/** The scheduler runs in the web process; with several processes, advisory locks keep each run to one. */
export function startBackground(deps: { config: Config; database: Database; log: FastifyBaseLogger }) {
  const scheduler = createScheduler({
    db: deps.database.db,
    jobs: allJobs(deps),
    now: () => new Date(),
    log: deps.log,
  })
  scheduler.start()
  return scheduler
}
