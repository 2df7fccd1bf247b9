import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../../app.ts'
import { accountSecondFactorRoutes } from './account-second-factor.routes.ts'
import { securityRoutes } from './security.routes.ts'
import { signInSecondFactorRoutes } from './sign-in-second-factor.routes.ts'

/** The second factor: the sign-in step, a person's own settings, and a partnership's rule. */
export async function totpRoutes(app: FastifyInstance, ctx: AppContext) {
  await signInSecondFactorRoutes(app, ctx)
  await accountSecondFactorRoutes(app, ctx)
  await securityRoutes(app, ctx)
}
