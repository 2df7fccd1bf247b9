import type { Sender } from '../notify/sender.ts'
import type { Job } from './jobs.ts'

export interface BuiltinJobsDeps {
  /** Absent when no SMTP server is configured: messages then stay in the outbox page. */
  sender?: Pick<Sender, 'deliverDue'> | null
}

const batchSize = 20
// Bounds one run (and so one minute's holding of the job's lock) after a backlog builds up.
const maxBatchesPerRun = 10

/** The jobs the platform itself needs; modules add their own alongside. */
export function builtinJobs({ sender }: BuiltinJobsDeps): Job[] {
  return [
    {
      name: 'deliver-outbox',
      schedule: '* * * * *',
      async run({ log }) {
        if (!sender) return
        const total = { sent: 0, retried: 0, failed: 0 }
        for (let batch = 0; batch < maxBatchesPerRun; batch += 1) {
          const counts = await sender.deliverDue(batchSize)
          total.sent += counts.sent
          total.retried += counts.retried
          total.failed += counts.failed
          if (counts.sent + counts.retried + counts.failed < batchSize) break
        }
        if (total.sent + total.retried + total.failed > 0) log.info(total, 'outbox delivered')
      },
    },
  ]
}
