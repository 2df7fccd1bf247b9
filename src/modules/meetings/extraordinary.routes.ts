import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'

// Placeholder: the extraordinary pages are being built.
export async function extraordinaryRoutes(_app: FastifyInstance, _ctx: AppContext) {}
