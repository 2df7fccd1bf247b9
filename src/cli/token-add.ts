import { findPartnershipBySlug } from '../modules/partnership/partnership.repository.ts'
import { createApiToken, type TokenScope } from '../platform/auth/api-tokens.service.ts'
import { type Command, days, Failure, parseOptions, required, UsageError } from './command.ts'
import { withDatabase } from './database.ts'

export const tokenAdd: Command = {
  name: 'token:add',
  summary: 'Create an API token for a partnership; the token is printed alone on the last line',
  usage: '--partnership <slug> --scope read|write [--name <name>] [--expires-days <1-365, default 90>]',
  async run(args, io) {
    const { values } = parseOptions(args, {
      partnership: { type: 'string' },
      scope: { type: 'string' },
      name: { type: 'string' },
      'expires-days': { type: 'string' },
    })
    const slug = required(values.partnership, 'partnership')
    const scope = required(values.scope, 'scope')
    if (scope !== 'read' && scope !== 'write') throw new UsageError('--scope must be read or write')
    const name = values.name?.trim() || 'Created on the command line'
    if (name.length > 100) throw new UsageError('--name must be 100 characters or fewer')
    const expiresDays = days(values['expires-days'], 'expires-days', 90)

    return withDatabase(async (_config, { db }) => {
      const partnership = await findPartnershipBySlug(db, slug)
      if (!partnership) throw new Failure(`Unknown partnership: ${slug}`)
      const now = new Date()
      const expiresAt = new Date(now.getTime() + expiresDays * 86_400_000)
      const { token } = await createApiToken(db, {
        partnershipId: partnership.id,
        name,
        scope: scope as TokenScope,
        createdBy: null,
        expiresAt,
        now,
      })
      io.out(
        `Created a ${scope} token "${name}" for ${partnership.name}, expiring ${expiresAt.toISOString()}.`,
      )
      io.out('It is shown only this once. The token:')
      // Alone on the last line, so that a deployment script can take it with `tail -n 1`.
      io.out(token)
      return 0
    })
  },
}
