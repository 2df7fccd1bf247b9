import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import compress from '@fastify/compress'
import cookie from '@fastify/cookie'
import csrf from '@fastify/csrf-protection'
import formbody from '@fastify/formbody'
import helmet from '@fastify/helmet'
import multipart from '@fastify/multipart'
import fastifyStatic from '@fastify/static'
import swagger from '@fastify/swagger'
import Fastify, { type FastifyInstance } from 'fastify'
import { actionsModule } from './modules/actions/actions.plugin.ts'
import { meetingsModule } from './modules/meetings/meetings.plugin.ts'
import { agencyRoutes } from './modules/partnership/agencies.routes.ts'
import { groupRoutes } from './modules/partnership/groups.routes.ts'
import { importRoutes } from './modules/partnership/import.routes.ts'
import { partnershipRoutes } from './modules/partnership/partnership.routes.ts'
import { peopleRoutes } from './modules/partnership/people.routes.ts'
import { reviewsModule } from './modules/reviews/reviews.plugin.ts'
import { accessHooks } from './platform/access/access.hooks.ts'
import { auditRoutes } from './platform/audit/audit.routes.ts'
import { accountRoutes } from './platform/auth/account.routes.ts'
import { apiTokenRoutes } from './platform/auth/api-tokens.routes.ts'
import { authRoutes } from './platform/auth/auth.routes.ts'
import { oidcRoutes } from './platform/auth/oidc/oidc.routes.ts'
import { passwordLinkRoutes } from './platform/auth/password-links.routes.ts'
import { createSessions } from './platform/auth/sessions.service.ts'
import { createThrottle, type Throttle } from './platform/auth/throttle.ts'
import { totpRoutes } from './platform/auth/totp/totp.routes.ts'
import { userRoutes } from './platform/auth/users.routes.ts'
import type { Config } from './platform/config/config.ts'
import type { Database } from './platform/db/client.ts'
import { registerErrorPages } from './platform/http/error-pages.ts'
import { registerRender } from './platform/http/render.ts'
import type { UploadedFile } from './platform/http/upload.ts'
import { createOutbox, type Outbox } from './platform/notify/notify.service.ts'
import './platform/http/types.ts'
import { apiRoutes } from './platform/api/api.routes.ts'
import { compressionOptions } from './platform/http/compression.ts'
import { healthRoutes } from './platform/http/health.routes.ts'
import { outboxRoutes } from './platform/notify/outbox.routes.ts'
import { rulesRoutes } from './platform/rules/rules.routes.ts'
import { staticPageRoutes } from './platform/views/static-pages.routes.ts'
import { createViews, govukDir, govukVersion, mojDir, mojVersion, srcDir } from './platform/views/views.ts'

/** Paths that carry a secret (a calendar feed, a response link) are logged without it. */
export function redactSecrets(path: string): string {
  return path.replace(/^\/(calendar|respond)\/[^/]+/, '/$1/[secret]')
}

export interface AppDeps {
  config: Config
  database: Database
  now?: () => Date
  /** Pino options or false; tests pass false. */
  logger?: boolean | object
}

export interface AppContext {
  config: Config
  database: Database
  db: Database['db']
  now: () => Date
  sessions: ReturnType<typeof createSessions>
  throttle: Throttle
  outbox: Outbox
}

/** Builds the whole application from its dependencies, so tests can build it with their own database and clock. */
export async function createApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, database } = deps
  const now = deps.now ?? (() => new Date())
  const app = Fastify({
    logger: deps.logger ?? {
      level: config.LOG_LEVEL,
      // Form bodies are never logged; query strings can carry one-time tokens, so they are cut too.
      serializers: {
        req: (req: { method: string; url: string; id: string }) => ({
          method: req.method,
          url: redactSecrets(req.url.split('?')[0] ?? ''),
          id: req.id,
        }),
      },
    },
    genReqId: () => randomUUID(),
    trustProxy: config.NODE_ENV === 'production',
    bodyLimit: 1_048_576,
  })
  const ctx: AppContext = {
    config,
    database,
    db: database.db,
    now,
    sessions: createSessions({
      db: database.db,
      now,
      policy: {
        idleMs: config.SESSION_IDLE_MINUTES * 60_000,
        absoluteMs: config.SESSION_MAX_HOURS * 3_600_000,
      },
    }),
    throttle: createThrottle({ db: database.db, now }),
    outbox: createOutbox({ db: database.db, now }),
  }

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })
  await app.register(helmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        upgradeInsecureRequests: config.secureCookies ? [] : null,
      },
    },
    strictTransportSecurity: config.secureCookies,
  })
  await app.register(compress, compressionOptions)
  await app.register(cookie, { secret: config.SESSION_SECRET })
  await app.register(formbody)
  // Uploads arrive as fields on the body, so the CSRF check reads the token from them like any form.
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: 20 * 1024 * 1024, files: 1, fields: 50 },
    async onFile(part) {
      const content = await part.toBuffer()
      ;(part as unknown as { value: UploadedFile }).value = {
        filename: part.filename,
        mimetype: part.mimetype,
        content,
      }
    },
  })
  await app.register(csrf, {
    cookieKey: '_csrf',
    cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true, signed: true, secure: config.secureCookies },
  })
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'MASA API', version: '1', description: 'The records of a safeguarding partnership.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    hiddenTag: 'page',
    hideUntagged: true,
  })

  // Assets: the design systems' files under versioned paths, so browsers may keep them for a year.
  const immutable = { maxAge: '365d', immutable: true }
  await app.register(fastifyStatic, {
    root: join(govukDir, 'govuk'),
    prefix: `/assets/govuk-${govukVersion}/`,
    ...immutable,
  })
  await app.register(fastifyStatic, {
    root: join(mojDir, 'moj'),
    prefix: `/assets/moj-${mojVersion}/`,
    decorateReply: false,
    ...immutable,
  })
  await app.register(fastifyStatic, {
    root: [join(govukDir, 'govuk', 'assets'), join(srcDir, '..', 'public')],
    prefix: '/assets/',
    decorateReply: false,
    maxAge: '1d',
  })

  const views = createViews()
  registerRender(app, views)
  registerErrorPages(app, ctx)
  accessHooks(app, ctx)

  await app.register(healthRoutes, ctx)
  await app.register(staticPageRoutes, ctx)
  await app.register(authRoutes, ctx)
  await app.register(passwordLinkRoutes, ctx)
  await app.register(accountRoutes, ctx)
  await app.register(userRoutes, ctx)
  await app.register(totpRoutes, ctx)
  await app.register(oidcRoutes, ctx)
  await app.register(auditRoutes, ctx)
  await app.register(apiTokenRoutes, ctx)
  await app.register(partnershipRoutes, ctx)
  await app.register(agencyRoutes, ctx)
  await app.register(groupRoutes, ctx)
  await app.register(peopleRoutes, ctx)
  await app.register(importRoutes, ctx)
  await app.register(meetingsModule, ctx)
  await app.register(actionsModule, ctx)
  await app.register(reviewsModule, ctx)
  await app.register(rulesRoutes, ctx)
  await app.register(outboxRoutes, ctx)
  await app.register(apiRoutes, { ...ctx, prefix: '/api/v1' })
  return app
}
