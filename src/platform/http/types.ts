import type { Partnership } from '../../modules/partnership/partnership.table.ts'
import type { Actor, Permission } from '../access/policy.ts'
import type { User } from '../auth/auth.table.ts'

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null
    actor: Actor | null
    /** The partnership named in the URL (`/p/:slug/...`), loaded before the access check. */
    partnership: Partnership | null
  }
  interface FastifyReply {
    /** Renders a Nunjucks template inside the layout, with the page's common context. */
    render(template: string, context?: Record<string, unknown>): FastifyReply
  }
  interface FastifyContextConfig {
    /** The permission the route needs. Every route declares one; see platform/access/policy.ts. */
    permission?: Permission
  }
}
