import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import { notFound } from '../../platform/http/errors.ts'
import { formValues } from '../../platform/http/forms.ts'
import {
  activeFeed,
  createFeed,
  FEED_MONTHS_BACK,
  feedCalendar,
  feedPath,
  personOfUser,
  revokeFeed,
} from './feeds.service.ts'
import { changeOf, meetingNotify } from './schedule.context.ts'

const views = 'modules/meetings/views/feeds'

/** A person's own calendar feed (make, replace, turn off), and the public address calendar apps read. */
export async function feedsRoutes(app: FastifyInstance, ctx: AppContext) {
  const config = { permission: 'meetings:view' as const }
  const page = (request: FastifyRequest) => `/p/${request.partnership!.slug}/my-meetings/calendar-feed`

  async function personOf(request: FastifyRequest) {
    return personOfUser(ctx.db, request.partnership!.id, request.user!.id)
  }

  async function show(
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { token?: string; flash?: string } = {},
  ) {
    const person = await personOf(request)
    const feed = person ? await activeFeed(ctx.db, request.partnership!.id, person.id) : null
    return reply.header('cache-control', 'no-store').render(`${views}/feed.njk`, {
      title: 'Your calendar feed',
      action: page(request),
      backHref: `/p/${request.partnership!.slug}/my-meetings`,
      person,
      feed,
      monthsBack: FEED_MONTHS_BACK,
      feedUrl: extra.token ? `${meetingNotify(ctx).publicUrl}${feedPath(extra.token)}` : null,
      flash: extra.flash,
    })
  }

  app.get('/p/:slug/my-meetings/calendar-feed', { config }, async (request, reply) => {
    const { confirm, revoked } = request.query as { confirm?: string; revoked?: string }
    if (confirm === 'revoke' || confirm === 'replace') {
      const person = await personOf(request)
      const feed = person ? await activeFeed(ctx.db, request.partnership!.id, person.id) : null
      if (feed) {
        return reply.render(`${views}/confirm.njk`, {
          title: confirm === 'revoke' ? 'Turn off your calendar feed' : 'Replace your calendar feed address',
          confirm,
          action: page(request),
          backHref: page(request),
          feed,
        })
      }
    }
    return show(request, reply, {
      flash: revoked !== undefined ? 'Your calendar feed is turned off' : undefined,
    })
  })

  app.post('/p/:slug/my-meetings/calendar-feed', { config }, async (request, reply) => {
    const person = await personOf(request)
    if (!person) return show(request, reply)
    const { action } = formValues(request.body) as { action?: string }
    const change = changeOf(ctx, request)
    if (action === 'revoke') {
      await revokeFeed(ctx.db, { change, personId: person.id })
      return reply.redirect(`${page(request)}?revoked=1`, 303)
    }
    if (action !== 'create' && action !== 'replace') return reply.redirect(page(request), 303)
    const { token } = await createFeed(ctx.db, { change, personId: person.id })
    // The address is shown on this response only: it is not kept, so it cannot be shown again.
    return show(request, reply, { token })
  })

  app.get('/calendar/:token.ics', { config: { permission: 'public' } }, async (request, reply) => {
    const { token } = request.params as { token: string }
    const calendar = await feedCalendar(ctx.db, {
      token,
      now: ctx.now(),
      publicUrl: meetingNotify(ctx).publicUrl,
    })
    if (calendar === null) throw notFound()
    return reply
      .type('text/calendar; charset=utf-8')
      .header('cache-control', 'private, no-store')
      .header('content-disposition', 'inline; filename="meetings.ics"')
      .send(calendar)
  })
}
