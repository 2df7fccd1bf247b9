import { londonDate } from '../../platform/calendar/london-time.ts'

/**
 * A paper is late when it was first circulated after the circulation deadline (papersBeforeMeeting
 * before the meeting), or when the deadline has passed and it has not been circulated at all.
 */
export function isPaperLate(firstCirculatedAt: Date | null, deadline: string, today: string): boolean {
  if (firstCirculatedAt) return londonDate(firstCirculatedAt) > deadline
  return today > deadline
}
