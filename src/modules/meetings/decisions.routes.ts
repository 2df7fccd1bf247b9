import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'

// Placeholder: the decisions pages are being built.
export async function decisionsRoutes(_app: FastifyInstance, _ctx: AppContext) {}
