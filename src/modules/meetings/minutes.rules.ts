import type { WorkingCalendar } from '../../platform/calendar/calendar.ts'
import { formatDate } from '../../platform/calendar/dates.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import type { RuleSet } from '../../platform/rules/rules.definitions.ts'
import { computeDeadline } from '../../platform/rules/rules.service.ts'
import { type StepDeadline, timelinessOf } from './deadlines.ts'
import type { Minutes } from './minutes.table.ts'

export type MinutesDates = Pick<
  Minutes,
  'status' | 'sentToChairAt' | 'approvedAt' | 'circulatedAt' | 'agreedAt'
>

/**
 * The three deadlines of a meeting's minutes, each with its explanation and timeliness:
 * draft to the chair (draftMinutesToChair working days after the meeting), agreed minutes
 * circulated (agreedMinutesCirculation working days after the chair's approval), and agreed for
 * accuracy at the group's next meeting. Before the meeting has been held nothing is due.
 */
export function minutesDeadlines(input: {
  heldOn: string
  minutes: MinutesDates | null
  /** The date of the group's next meeting after this one (not cancelled), if there is one. */
  nextMeetingOn: string | null
  rules: RuleSet
  calendar: WorkingCalendar
  today: string
}): StepDeadline[] {
  const { heldOn, minutes, rules, calendar, today } = input
  const held = heldOn <= today
  const toChair = held ? computeDeadline(rules, 'draftMinutesToChair', heldOn, calendar) : null
  const approvedOn = minutes?.approvedAt ? londonDate(minutes.approvedAt) : null
  const circulation = approvedOn
    ? computeDeadline(rules, 'agreedMinutesCirculation', approvedOn, calendar)
    : null
  const agreement =
    held && input.nextMeetingOn
      ? {
          date: input.nextMeetingOn,
          explanation: `${formatDate(input.nextMeetingOn)}: the group’s next meeting`,
        }
      : null
  const step = (
    key: string,
    label: string,
    deadline: { date: string; explanation: string } | null,
    doneAt: Date | null,
  ): StepDeadline => ({
    key,
    label,
    due: deadline?.date ?? null,
    explanation: deadline?.explanation ?? null,
    doneAt,
    ...timelinessOf(deadline?.date ?? null, doneAt, today, calendar),
  })
  return [
    step('toChair', 'Draft minutes to the chair', toChair, minutes?.sentToChairAt ?? null),
    step('circulation', 'Approved minutes circulated', circulation, minutes?.circulatedAt ?? null),
    step('agreement', 'Minutes agreed at the next meeting', agreement, minutes?.agreedAt ?? null),
  ]
}

export const minutesStatusText: Record<MinutesDates['status'] | 'none', string> = {
  none: 'Not started',
  drafting: 'Drafting',
  with_chair: 'With the chair',
  approved: 'Approved by the chair',
  circulated: 'Circulated',
  agreed: 'Agreed',
}
