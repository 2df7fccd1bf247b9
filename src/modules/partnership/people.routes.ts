import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'

// Placeholder: being written.
export async function peopleRoutes(_app: FastifyInstance, _ctx: AppContext) {}
