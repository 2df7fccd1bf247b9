import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'

// Placeholder: the responses pages are being built.
export async function responsesRoutes(_app: FastifyInstance, _ctx: AppContext) {}
