import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'
import { actionsRoutes } from './actions.routes.ts'
import { complianceRoutes } from './compliance.routes.ts'
import { dashboardRoutes } from './dashboard.routes.ts'
import { flagsRoutes } from './flags.routes.ts'
import { matrixRoutes } from './matrix.routes.ts'
import { responsesRoutes } from './responses.routes.ts'

/** The actions module: the action matrix, responses, compliance, attendance flags and the dashboard. */
export async function actionsModule(app: FastifyInstance, ctx: AppContext) {
  await app.register(actionsRoutes, ctx)
  await app.register(matrixRoutes, ctx)
  await app.register(responsesRoutes, ctx)
  await app.register(complianceRoutes, ctx)
  await app.register(flagsRoutes, ctx)
  await app.register(dashboardRoutes, ctx)
}
