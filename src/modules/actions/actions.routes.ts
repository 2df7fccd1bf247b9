import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'

// Placeholder: the actions pages are being built.
export async function actionsRoutes(_app: FastifyInstance, _ctx: AppContext) {}
