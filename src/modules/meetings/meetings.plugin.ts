import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../../app.ts'
import { agendaRoutes } from './agenda.routes.ts'
import { attendanceRoutes } from './attendance.routes.ts'
import { decisionsRoutes } from './decisions.routes.ts'
import { extraordinaryRoutes } from './extraordinary.routes.ts'
import { feedsRoutes } from './feeds.routes.ts'
import { meetingRoutes } from './meeting.routes.ts'
import { meetingsApi } from './meetings.api.ts'
import { minutesRoutes } from './minutes.routes.ts'
import { myMeetingsRoutes } from './my-meetings.routes.ts'
import { papersRoutes } from './papers.routes.ts'
import { scheduleRoutes } from './schedule.routes.ts'

/** The meetings module: its pages, and its records in the API (/api/v1/partnerships/:slug/...). */
export async function meetingsModule(app: FastifyInstance, ctx: AppContext) {
  await app.register(scheduleRoutes, ctx)
  await app.register(meetingRoutes, ctx)
  await app.register(agendaRoutes, ctx)
  await app.register(papersRoutes, ctx)
  await app.register(attendanceRoutes, ctx)
  await app.register(extraordinaryRoutes, ctx)
  await app.register(minutesRoutes, ctx)
  await app.register(decisionsRoutes, ctx)
  await app.register(myMeetingsRoutes, ctx)
  await app.register(feedsRoutes, ctx)
  await app.register(meetingsApi, ctx)
}
