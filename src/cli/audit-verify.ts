import { verifyAuditLog } from '../platform/audit/audit.service.ts'
import { type Command, parseOptions } from './command.ts'
import { withDatabase } from './database.ts'

export const auditVerify: Command = {
  name: 'audit:verify',
  summary: 'Check that no audit log entry was altered or removed',
  usage: '',
  async run(args, io) {
    parseOptions(args, {})
    return withDatabase(async (_config, { db }) => {
      const result = await verifyAuditLog(db)
      if (result.ok) {
        io.out(`Audit log verified: ${result.checked} entries, the chain is intact.`)
        return 0
      }
      for (const problem of result.problems) io.err(`Audit log: ${problem}`)
      io.err(
        `Audit log verification FAILED: ${result.problems.length} problem(s) in ${result.checked} entries.`,
      )
      return 1
    })
  },
}
