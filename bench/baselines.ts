import type { AddressInfo } from 'node:net'
import compress from '@fastify/compress'
import Fastify, { type FastifyInstance } from 'fastify'
import { compressionOptions } from '../src/platform/http/compression.ts'
import { createViews } from '../src/platform/views/views.ts'

/** A server the benchmark started, and how to stop it. */
export interface Running {
  url: string
  close(): Promise<void>
}

export async function listen(app: FastifyInstance): Promise<Running> {
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() }
}

/** The floor of every page's cost: Fastify answering a short string. */
export async function startBareServer(): Promise<Running> {
  const app = Fastify({ logger: false })
  app.get('/', async () => 'ok')
  return listen(app)
}

export interface TemplateRoute {
  path: string
  template: string
  context: Record<string, unknown>
}

/**
 * The ceiling of each page: its template rendered from fixed data, compressed as the app does,
 * with no database, session, CSRF or helmet work. Each page is served at its own path.
 */
export async function startTemplateServer(routes: readonly TemplateRoute[]): Promise<Running> {
  const app = Fastify({ logger: false })
  await app.register(compress, compressionOptions)
  const views = createViews()
  for (const route of routes) {
    app.get(route.path, async (_request, reply) =>
      reply.type('text/html; charset=utf-8').send(views.render(route.template, route.context)),
    )
  }
  return listen(app)
}
