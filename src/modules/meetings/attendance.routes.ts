import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'

// Placeholder: the attendance pages are being built.
export async function attendanceRoutes(_app: FastifyInstance, _ctx: AppContext) {}
