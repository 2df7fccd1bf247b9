import type { AppContext } from '../../app.ts'
import type { MeetingNotify } from './schedule.notices.ts'

/** What sending invitations needs, from the app's configuration. */
export const meetingNotify = (ctx: AppContext): MeetingNotify => ({
  outbox: ctx.outbox,
  publicUrl: ctx.config.PUBLIC_URL.replace(/\/+$/, ''),
  from: ctx.config.MAIL_FROM,
})

export { changeOf } from '../../platform/http/change.ts'
