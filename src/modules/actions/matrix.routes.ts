import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'

// Placeholder: the matrix pages are being built.
export async function matrixRoutes(_app: FastifyInstance, _ctx: AppContext) {}
