import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'

// Placeholder: the papers pages are being built.
export async function papersRoutes(_app: FastifyInstance, _ctx: AppContext) {}
