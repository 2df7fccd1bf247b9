import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'

// Placeholder: the flags pages are being built.
export async function flagsRoutes(_app: FastifyInstance, _ctx: AppContext) {}
