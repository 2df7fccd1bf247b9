import { createCalendar } from '../../platform/calendar/calendar.ts'
import { londonTime } from '../../platform/calendar/london-time.ts'
import type { DbOrTx } from '../../platform/db/client.ts'
import { computeDeadline, ruleSetFrom } from '../../platform/rules/rules.service.ts'
import { timelinessTag } from './deadlines.ts'
import { decisionState, decisionStateLabels } from './decisions.rules.ts'
import { overviewData } from './meeting.repository.ts'
import type { MeetingAccess } from './meetings.access.ts'
import { meetingHeader, meetingPath } from './meetings.labels.ts'
import { minutesDeadlines, minutesStatusText } from './minutes.rules.ts'
import { isPaperLate } from './papers.rules.ts'

const outcomeText = {
  present: 'Present',
  deputy: 'Deputy attended',
  apologies: 'Apologies',
  absent: 'Absent',
} as const

/**
 * Everything the meeting's overview page shows, read in one query whatever the size of the
 * meeting: the agenda with its papers and decisions, the seats, the deadlines.
 */
export async function meetingOverview(
  db: DbOrTx,
  access: MeetingAccess,
  options: { today: string; slug: string },
) {
  const { meeting, group } = access
  const { today, slug } = options
  const data = await overviewData(db, meeting, access.canSeeRestricted)
  const rules = ruleSetFrom(data.ruleSettings)
  const calendar = createCalendar({ closureDays: data.closureDays })
  const { agenda: items, papers: paperRows, seats, decisions: decisionRows, minutes: minutesRow } = data
  const asDate = (value: string | null) => (value ? new Date(value) : null)
  const base = meetingPath(slug, meeting.id)
  const papersDeadline = computeDeadline(rules, 'papersBeforeMeeting', meeting.heldOn, calendar)

  const papers = paperRows.map((p) => ({
    ...p,
    late: isPaperLate(asDate(p.firstCirculatedAt), papersDeadline.date, today),
    href: `${base}/papers/${p.id}/download`,
  }))
  const papersByItem = Map.groupBy(papers, (p) => p.agendaItemId ?? '')
  const decisionsByItem = Map.groupBy(
    decisionRows.map((d) => {
      const state = decisionState({ ...d, withdrawnAt: asDate(d.withdrawnAt) }, d.objections, today)
      return { ...d, state, tag: decisionStateLabels[state] }
    }),
    (d) => d.agendaItemId,
  )
  // Start times follow from the meeting's start and each item's allotted minutes.
  let clock = meeting.startsAt.getTime()
  const agenda = items.map((item, index) => {
    const startsAt = londonTime(new Date(clock))
    clock += (item.durationMinutes ?? 0) * 60_000
    return {
      number: index + 1,
      ...item,
      startsAt: item.durationMinutes ? startsAt : null,
      papers: papersByItem.get(item.id) ?? [],
      decisions: decisionsByItem.get(item.id) ?? [],
    }
  })

  const filled = seats.filter((s) => s.outcome === 'present' || s.outcome === 'deputy').length
  const quorum = group.quorum ? { needed: group.quorum, filled, met: filled >= group.quorum } : null
  const minutesSteps = minutesDeadlines({
    heldOn: meeting.heldOn,
    minutes: minutesRow && {
      status: minutesRow.status,
      sentToChairAt: asDate(minutesRow.sentToChairAt),
      approvedAt: asDate(minutesRow.approvedAt),
      circulatedAt: asDate(minutesRow.circulatedAt),
      agreedAt: asDate(minutesRow.agreedAt),
    },
    nextMeetingOn: data.nextMeetingOn,
    rules,
    calendar,
    today,
  }).map((step) => ({ ...step, tag: timelinessTag(step) }))

  return {
    header: meetingHeader(slug, meeting, group, 'overview'),
    base,
    meeting,
    group,
    agenda,
    unfiled: papersByItem.get('') ?? [],
    papers: {
      count: papers.length,
      late: papers.filter((p) => p.late).length,
      deadline: papersDeadline,
    },
    seats: seats.map((s) => ({
      ...s,
      said:
        s.intent === 'apologies'
          ? 'Apologies'
          : s.intent === 'deputy'
            ? `Deputy: ${s.intendedDeputy ?? ''}`
            : '',
      recorded: s.outcome
        ? outcomeText[s.outcome] + (s.outcome === 'deputy' && s.deputy ? `: ${s.deputy}` : '')
        : '',
    })),
    quorum,
    minutes: {
      status: minutesRow?.status ?? 'none',
      statusText: minutesStatusText[minutesRow?.status ?? 'none'],
      steps: minutesSteps,
    },
    held: meeting.heldOn <= today,
    canEdit: access.canEdit,
    isMember: access.viewer.isMember,
    cancelled: meeting.cancelledAt !== null,
  }
}

export type MeetingOverview = Awaited<ReturnType<typeof meetingOverview>>
