import Holidays from 'date-holidays'

// England and Wales share one list; 'ENG' is the library's code for it.
const england = new Holidays('GB', 'ENG', { languages: 'en' })

const cache = new Map<number, ReadonlyMap<string, string>>()

/**
 * England and Wales bank holidays in a year, as ISO date -> name, in date order.
 *
 * The library lists a holiday that falls at a weekend beside its substitute day. Keeping only
 * 'public' holidays on Monday to Friday gives exactly the gov.uk list (checked 2018 to 2027 in
 * bank-holidays.test.ts).
 */
export function bankHolidays(year: number): ReadonlyMap<string, string> {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) {
    throw new RangeError(`bankHolidays: year ${year} is not a four-digit year`)
  }
  let days = cache.get(year)
  if (!days) {
    days = loadYear(year)
    cache.set(year, days)
  }
  return days
}

/** The bank holiday's name, or undefined if the day is not a bank holiday in England and Wales. */
export function bankHolidayName(isoDate: string): string | undefined {
  return bankHolidays(Number(isoDate.slice(0, 4))).get(isoDate)
}

export function isBankHoliday(isoDate: string): boolean {
  return bankHolidayName(isoDate) !== undefined
}

function loadYear(year: number): ReadonlyMap<string, string> {
  const days = new Map<string, string>()
  for (const holiday of england.getHolidays(year)) {
    if (holiday.type !== 'public') continue
    // holiday.date is the local date in the country ('YYYY-MM-DD hh:mm:ss'), so no time zone maths.
    const day = holiday.date.slice(0, 10)
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay()
    if (weekday === 0 || weekday === 6) continue
    days.set(day, holiday.name)
  }
  return new Map([...days].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}
