import { asc, eq } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.ts'
import { closureDays } from './calendar.table.ts'
import { type ClosureDay, createCalendar, type WorkingCalendar } from './calendar.ts'
import { assertIsoDate } from './dates.ts'

export interface CalendarRepository {
  closureDaysFor(partnershipId: string): Promise<ClosureDay[]>
  /** Adding a day that is already closed replaces its reason, so a resubmitted form does no harm. */
  addClosureDay(partnershipId: string, day: string, reason: string): Promise<ClosureDay>
  /** Bank holidays plus the partnership's closure days. */
  calendarFor(partnershipId: string): Promise<WorkingCalendar>
}

export function createCalendarRepository(db: DbOrTx): CalendarRepository {
  async function closureDaysFor(partnershipId: string): Promise<ClosureDay[]> {
    return db
      .select({ day: closureDays.day, reason: closureDays.reason })
      .from(closureDays)
      .where(eq(closureDays.partnershipId, partnershipId))
      .orderBy(asc(closureDays.day))
  }

  async function addClosureDay(partnershipId: string, day: string, reason: string): Promise<ClosureDay> {
    assertIsoDate(day)
    await db
      .insert(closureDays)
      .values({ partnershipId, day, reason })
      .onConflictDoUpdate({ target: [closureDays.partnershipId, closureDays.day], set: { reason } })
    return { day, reason }
  }

  async function calendarFor(partnershipId: string): Promise<WorkingCalendar> {
    return createCalendar({ closureDays: await closureDaysFor(partnershipId) })
  }

  return { closureDaysFor, addClosureDay, calendarFor }
}
