import type { Locator, Page } from 'playwright-core'
import { MeetingPage } from './meeting-page.ts'
import { meetingUrl } from './schedule-page.ts'

export type Outcome = 'present' | 'deputy' | 'apologies' | 'absent'

/** A seat on the form: its membership id and its legend ("Name, Agency (chair)"). */
export interface SeatOnForm {
  id: string
  legend: string
}

/** A meeting's attendance at .../attendance (views/attendance/attendance.njk). */
export class AttendancePage extends MeetingPage {
  readonly counts: Locator
  readonly rows: Locator

  constructor(page: Page) {
    super(page)
    this.counts = page.getByTestId('attendance-counts')
    this.rows = page.getByTestId('attendance-row')
  }

  async goto(slug: string, meetingId: string): Promise<void> {
    await this.open(`${meetingUrl(slug, meetingId)}/attendance`)
  }

  /** The row of the member named `name`. */
  row(name: string): Locator {
    return this.rows.filter({ has: this.page.getByRole('rowheader', { name, exact: true }) })
  }

  /** What the row says happened (the tag, and the deputy's name under it). */
  async whatHappened(name: string): Promise<string> {
    return (await this.row(name).getByTestId('what-happened').innerText()).trim()
  }

  /** A count from the summary ("Present", "Deputy attended", ...). */
  async count(key: string): Promise<string> {
    const row = this.counts.locator('.govuk-summary-list__row', {
      has: this.page.locator('.govuk-summary-list__key', { hasText: new RegExp(`^\\s*${key}\\s*$`) }),
    })
    return (await row.locator('.govuk-summary-list__value').innerText()).trim()
  }
}

/** Recording what happened at every seat, at .../attendance/record (views/attendance/record.njk). */
export class RecordAttendancePage extends MeetingPage {
  readonly seatBlocks: Locator

  constructor(page: Page) {
    super(page)
    this.seatBlocks = page.locator('[data-testid^="seat-"]')
  }

  async goto(slug: string, meetingId: string): Promise<void> {
    await this.open(`${meetingUrl(slug, meetingId)}/attendance/record`)
  }

  async seats(): Promise<SeatOnForm[]> {
    const seats: SeatOnForm[] = []
    for (const block of await this.seatBlocks.all()) {
      const id = ((await block.getAttribute('data-testid')) ?? '').replace(/^seat-/, '')
      const legend = ((await block.locator('legend').first().textContent()) ?? '').trim()
      seats.push({ id, legend })
    }
    return seats
  }

  async setOutcome(seatId: string, outcome: Outcome): Promise<void> {
    await this.page.locator(`input[name="outcome-${seatId}"][value="${outcome}"]`).check()
  }

  /**
   * Marks the seat "deputy attended" and names the deputy: the seat's first designated deputy
   * when it has one, otherwise `name` typed in. Returns the deputy's name.
   */
  async deputyAttended(seatId: string, name: string): Promise<string> {
    await this.setOutcome(seatId, 'deputy')
    const designated = this.page.locator(`select#deputy-${seatId}`)
    if (await designated.count()) {
      const options = designated.locator('option')
      for (let i = 0; i < (await options.count()); i++) {
        const value = (await options.nth(i).getAttribute('value')) ?? ''
        if (value && value !== 'other') {
          await designated.selectOption(value)
          return ((await options.nth(i).textContent()) ?? '').trim()
        }
      }
      await designated.selectOption('other')
    }
    await this.page.locator(`#deputyName-${seatId}`).fill(name)
    return name
  }

  async save(): Promise<void> {
    await this.submit('save-attendance')
  }
}
