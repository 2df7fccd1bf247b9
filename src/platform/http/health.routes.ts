import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'

/** /healthz answers while the process is alive; /readyz only while the database answers too. */
export async function healthRoutes(app: FastifyInstance, ctx: AppContext) {
  const config = { permission: 'public' as const }
  app.get('/healthz', { config }, async () => ({ status: 'ok' }))
  app.get('/readyz', { config }, async (_request, reply) => {
    const ok = await ctx.database.ping()
    return reply
      .status(ok ? 200 : 503)
      .send({ status: ok ? 'ok' : 'unavailable', database: ctx.database.kind })
  })
}
