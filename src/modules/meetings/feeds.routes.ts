import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'

// Placeholder: the feeds pages are being built.
export async function feedsRoutes(_app: FastifyInstance, _ctx: AppContext) {}
