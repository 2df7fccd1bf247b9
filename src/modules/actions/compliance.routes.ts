import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'

// Placeholder: the compliance pages are being built.
export async function complianceRoutes(_app: FastifyInstance, _ctx: AppContext) {}
