import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'

// Placeholder: the meetings and decisions API is being built.
export async function meetingsApi(_app: FastifyInstance, _ctx: AppContext) {}
