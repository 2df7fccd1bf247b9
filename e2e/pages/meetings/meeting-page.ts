import type { Locator, Page } from 'playwright-core'
import { MeetingsPage } from './meetings-form.ts'
import { meetingUrl } from './schedule-page.ts'

/** What every page of one meeting starts with (views/meeting/_header.njk). */
export class MeetingPage extends MeetingsPage {
  readonly title: Locator
  readonly when: Locator
  readonly tabs: Locator

  constructor(page: Page) {
    super(page)
    this.title = page.getByTestId('meeting-title')
    this.when = page.getByTestId('meeting-when')
    this.tabs = page.getByRole('navigation', { name: 'Meeting' })
  }

  async titleText(): Promise<string> {
    return ((await this.title.textContent()) ?? '').trim()
  }
}

/** A meeting's overview at /p/:slug/meetings/:meeting (views/meeting/overview.njk). */
export class MeetingOverviewPage extends MeetingPage {
  readonly summary: Locator
  readonly agendaItems: Locator
  readonly deadlines: Locator
  readonly seats: Locator

  constructor(page: Page) {
    super(page)
    this.summary = page.getByTestId('meeting-summary')
    this.agendaItems = page.getByTestId('agenda-item')
    this.deadlines = page.getByTestId('deadlines')
    this.seats = page.getByTestId('seats')
  }

  async goto(slug: string, meetingId: string): Promise<void> {
    await this.open(meetingUrl(slug, meetingId))
  }
}
