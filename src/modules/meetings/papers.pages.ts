import type { FastifyRequest } from 'fastify'
import type { AppContext } from '../../app.ts'
import type { ChangeContext } from '../../platform/audit/audit.service.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import { notFound } from '../../platform/http/errors.ts'
import { agendaFor, refuseIfCancelled } from './agenda.service.ts'
import { editableMeetingFromUrl, isUuid, type MeetingAccess } from './meetings.access.ts'
import { meetingHeader, meetingPath, meetingPlace, meetingTimes, meetingTitle } from './meetings.labels.ts'
import type { PapersLetterContext } from './papers.circulation.ts'
import { findPaper } from './papers.service.ts'
import type { Paper } from './papers.table.ts'

export const papersViews = 'modules/meetings/views/papers'

/** What the papers pages share: who is changing what, where a page is, and the records in the URL. */
export function papersPages(ctx: AppContext) {
  const today = () => londonDate(ctx.now())
  const base = (request: FastifyRequest, access: MeetingAccess) =>
    meetingPath(request.partnership!.slug, access.meeting.id)
  return {
    today,
    base,
    change: (request: FastifyRequest): ChangeContext => ({
      partnershipId: request.partnership!.id,
      actorId: request.user!.id,
      now: ctx.now(),
      requestId: request.id,
    }),
    header: (request: FastifyRequest, access: MeetingAccess) =>
      meetingHeader(request.partnership!.slug, access.meeting, access.group, 'papers'),
    letterContext: (request: FastifyRequest, access: MeetingAccess): PapersLetterContext => ({
      meetingTitle: meetingTitle(access.meeting, access.group.name),
      when: `${meetingTimes(access.meeting)}, ${meetingPlace(access.meeting)}`,
      link: `${ctx.config.PUBLIC_URL}${base(request, access)}/papers`,
    }),

    /** The business team's meeting, refused when it was cancelled. */
    async openMeeting(request: FastifyRequest) {
      const access = await editableMeetingFromUrl(ctx, request, today())
      refuseIfCancelled(access.meeting)
      return access
    },

    /** The paper named in the URL, of the meeting in the URL. */
    async paperFromUrl(request: FastifyRequest, access: MeetingAccess): Promise<Paper> {
      const { paper: id } = request.params as { paper: string }
      const paper = isUuid(id) ? await findPaper(ctx.db, access.meeting.id, id) : null
      if (!paper) throw notFound()
      return paper
    },

    /** "Item 3: Budget" for each agenda item of the meeting (withdrawn ones say so). */
    async itemLabels(meetingId: string) {
      const items = await agendaFor(ctx.db, meetingId, { includeWithdrawn: true })
      return new Map(
        items.map((i) => [
          i.id,
          i.number === null ? `${i.title} (withdrawn)` : `Item ${i.number}: ${i.title}`,
        ]),
      )
    },
  }
}

export type PapersPages = ReturnType<typeof papersPages>
