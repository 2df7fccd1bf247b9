import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'

// Placeholder: being written.
export async function agencyRoutes(_app: FastifyInstance, _ctx: AppContext) {}
