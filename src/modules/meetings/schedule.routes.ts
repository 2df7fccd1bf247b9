import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'

// Placeholder: the schedule pages are being built.
export async function scheduleRoutes(_app: FastifyInstance, _ctx: AppContext) {}
