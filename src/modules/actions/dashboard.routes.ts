import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'

// Placeholder: the dashboard pages are being built.
export async function dashboardRoutes(_app: FastifyInstance, _ctx: AppContext) {}
