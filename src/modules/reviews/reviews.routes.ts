import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'

// PLACEHOLDER: replaced by the helper that owns this file.
export async function reviewsRoutes(_app: FastifyInstance, _ctx: AppContext) {}
