import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'
import { formatDate } from '../../platform/calendar/dates.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import { preferenceRoutes } from '../../platform/notify/preferences.routes.ts'
import { londonDay } from '../partnership/agencies.problems.ts'
import { roleLabels } from '../partnership/groups.labels.ts'
import { meetingPath, meetingPlace, meetingTimes, meetingTitle } from './meetings.labels.ts'
import { APOLOGIES_DAYS, type MyMeeting, myMeetings, UPCOMING_MONTHS } from './my-meetings.service.ts'

/** A member's own page: their meetings, what to read, what to send, what to approve. */
export async function myMeetingsRoutes(app: FastifyInstance, ctx: AppContext) {
  await app.register(preferenceRoutes, ctx)

  app.get('/p/:slug/my-meetings', { config: { permission: 'meetings:view' } }, async (request, reply) => {
    const partnership = request.partnership!
    const today = londonDay(ctx.now())
    const page = await myMeetings(ctx.db, {
      partnershipId: partnership.id,
      userId: request.user!.id,
      today,
    })
    const base = `/p/${partnership.slug}`
    const common = {
      title: 'My meetings',
      upcomingMonths: UPCOMING_MONTHS,
      apologiesDays: APOLOGIES_DAYS,
      calendarFeedHref: `${base}/my-meetings/calendar-feed`,
      notificationsHref: '/account/notifications',
    }
    if (!page.linked) {
      return reply.render('modules/meetings/views/my-meetings/page.njk', { ...common, linked: false })
    }
    const titles = new Map(page.meetings.map((m) => [m.meeting.id, title(m)]))
    return reply.render('modules/meetings/views/my-meetings/page.njk', {
      ...common,
      linked: true,
      meetings: page.meetings.map((m) => ({
        id: m.meeting.id,
        href: meetingPath(partnership.slug, m.meeting.id),
        date: formatDate(m.meeting.heldOn),
        groupName: m.groupName,
        title: titles.get(m.meeting.id),
        times: meetingTimes(m.meeting),
        place: meetingPlace(m.meeting),
        roles: m.roles.map((r) => roleLabels[r]).join(', '),
        extraordinary: m.meeting.kind === 'extraordinary',
        cancelled: m.meeting.cancelledAt !== null,
      })),
      apologies: page.apologies.map((m) => ({
        id: m.meeting.id,
        title: titles.get(m.meeting.id),
        times: meetingTimes(m.meeting),
        href: `${meetingPath(partnership.slug, m.meeting.id)}/apologies`,
      })),
      papers: page.papers.map((p) => ({
        id: p.id,
        title: p.title,
        restricted: p.restricted,
        circulatedOn: formatDate(londonDate(p.firstCirculatedAt)),
        meetingTitle: titles.get(p.meetingId),
        href: `${meetingPath(partnership.slug, p.meetingId)}/papers`,
      })),
      isChair: page.isChair,
      minutes: page.minutes.map((m) => ({
        meetingId: m.meetingId,
        title: meetingTitle(m, m.groupName),
        sentOn: m.sentToChairAt ? formatDate(londonDate(m.sentToChairAt)) : null,
        href: `${meetingPath(partnership.slug, m.meetingId)}/minutes`,
      })),
      requests: page.requests.map((r) => ({
        id: r.id,
        groupName: r.groupName,
        receivedOn: formatDate(r.receivedOn),
        reasons: r.reasons,
        supporters: r.supporters,
        needed: r.needed,
        supportedByMe: r.supportedByMe,
        href: `${base}/extraordinary-requests/${r.id}`,
      })),
    })
  })
}

const title = (m: MyMeeting) => meetingTitle(m.meeting, m.groupName)
