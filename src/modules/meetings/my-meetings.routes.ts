import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'

// Placeholder: the my-meetings pages are being built.
export async function myMeetingsRoutes(_app: FastifyInstance, _ctx: AppContext) {}
