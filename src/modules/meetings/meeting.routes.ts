import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'

// Placeholder: the meeting pages are being built.
export async function meetingRoutes(_app: FastifyInstance, _ctx: AppContext) {}
