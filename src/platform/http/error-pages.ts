import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { AppError } from './errors.ts'

const pages: Record<number, { title: string; paragraphs: string[] }> = {
  400: { title: 'Sorry, there is a problem with your request', paragraphs: ['Go back and try again.'] },
  401: { title: 'Sign in to continue', paragraphs: ['You need to sign in to see this page.'] },
  403: {
    title: 'You do not have permission to see this page',
    paragraphs: ['Your role in this partnership does not include this page.'],
  },
  404: {
    title: 'Page not found',
    paragraphs: [
      'If you typed the web address, check it is correct.',
      'If you pasted the web address, check you copied the entire address.',
    ],
  },
  500: {
    title: 'Sorry, there is a problem with the service',
    paragraphs: ['Try again later.', 'Nothing you sent was saved.'],
  },
  503: {
    title: 'Sorry, the service is unavailable',
    paragraphs: ['You will be able to use the service later.', 'Nothing you sent was saved.'],
  },
}

const csrfPage = {
  title: 'Your form could not be sent',
  paragraphs: [
    'The page was open too long, or the form was sent from another website. Nothing was changed.',
    'Go back, reload the page and try again.',
  ],
}

/** Turns errors into GOV.UK-style pages (or problem details for the API), hiding internals of anything 500 and above. */
export function registerErrorPages(app: FastifyInstance, ctx: AppContext) {
  app.setNotFoundHandler(async (request, reply) => send(request, reply, 404))

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (error instanceof AppError)
      return send(request, reply, error.status, error.status < 500 ? error.message : undefined)
    if (error.code?.startsWith('FST_CSRF')) return send(request, reply, 403, undefined, csrfPage)
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500
    if (status < 500) return send(request, reply, status)
    // When the database does not answer, say the service is unavailable rather than broken.
    const up = await ctx.database.ping()
    // Tests build the app without a logger: DEBUG_ERRORS=1 shows what went wrong there.
    if (process.env.DEBUG_ERRORS) console.error(error)
    request.log.error({ err: error }, up ? 'request failed' : 'database unavailable')
    if (!up) reply.header('retry-after', '30')
    return send(request, reply, up ? 500 : 503)
  })
}

function send(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  message?: string,
  override?: { title: string; paragraphs: string[] },
) {
  const page = override ?? pages[status] ?? pages[status >= 500 ? 500 : 400]!
  reply.status(status)
  if (request.url.startsWith('/api/')) {
    return reply.type('application/problem+json').send({
      type: 'about:blank',
      title: message ?? page.title,
      status,
      instance: request.url.split('?')[0],
      requestId: request.id,
    })
  }
  const title = message && message !== page.title ? message : page.title
  return reply.render('platform/views/pages/error.njk', {
    title,
    paragraphs: page.paragraphs,
    status,
    returnTo: request.url,
    // A page about an error must still work if the partnership failed to load.
    partnership: request.partnership,
  })
}
