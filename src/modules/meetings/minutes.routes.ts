import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'

// Placeholder: the minutes pages are being built.
export async function minutesRoutes(_app: FastifyInstance, _ctx: AppContext) {}
