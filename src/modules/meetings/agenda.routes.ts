import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'

// Placeholder: the agenda pages are being built.
export async function agendaRoutes(_app: FastifyInstance, _ctx: AppContext) {}
