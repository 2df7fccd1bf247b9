import { formatDate, type WorkingCalendar } from '../../platform/calendar/calendar.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'

/**
 * How a step stands against its deadline: done on time or late, still due, overdue, or waiting
 * for an earlier step (no deadline yet). Computed from dates, never stored.
 */
export type Timeliness = 'on_time' | 'late' | 'due' | 'overdue' | 'waiting'

export interface StepDeadline {
  key: string
  label: string
  /** The due date, or null while an earlier step has not happened. */
  due: string | null
  explanation: string | null
  doneAt: Date | null
  timeliness: Timeliness
  /** Working days late (done late, or overdue today); 0 otherwise. */
  lateBy: number
}

/** Where a step stands on `today`, with how many working days late it is or was. */
export function timelinessOf(
  due: string | null,
  doneAt: Date | null,
  today: string,
  calendar: WorkingCalendar,
): { timeliness: Timeliness; lateBy: number } {
  if (!due) return { timeliness: 'waiting', lateBy: 0 }
  const doneOn = doneAt ? londonDate(doneAt) : null
  if (doneOn) {
    return doneOn <= due
      ? { timeliness: 'on_time', lateBy: 0 }
      : { timeliness: 'late', lateBy: Math.max(1, calendar.workingDaysBetween(due, doneOn)) }
  }
  return today > due
    ? { timeliness: 'overdue', lateBy: Math.max(1, calendar.workingDaysBetween(due, today)) }
    : { timeliness: 'due', lateBy: 0 }
}

const timelinessText: Record<Timeliness, string> = {
  on_time: 'On time',
  late: 'Late',
  due: 'Due',
  overdue: 'Overdue',
  waiting: 'Not yet due',
}

/** The tag for a step: its words, the GOV.UK tag colour, and a sentence for screen readers and tables. */
export function timelinessTag(step: Pick<StepDeadline, 'timeliness' | 'lateBy' | 'due'>) {
  const colour = { on_time: 'green', late: 'orange', due: 'blue', overdue: 'red', waiting: 'grey' }[
    step.timeliness
  ]
  const days = step.lateBy === 1 ? '1 working day' : `${step.lateBy} working days`
  const text =
    step.timeliness === 'late'
      ? `Late by ${days}`
      : step.timeliness === 'overdue'
        ? `Overdue by ${days}`
        : step.timeliness === 'due' && step.due
          ? `Due ${formatDate(step.due)}`
          : timelinessText[step.timeliness]
  return { text, classes: `govuk-tag--${colour}` }
}
