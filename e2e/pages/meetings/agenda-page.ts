import type { Locator, Page } from 'playwright-core'
import { MeetingPage } from './meeting-page.ts'
import { meetingUrl } from './schedule-page.ts'

/** A meeting's agenda at /p/:slug/meetings/:meeting/agenda (views/agenda/agenda.njk). */
export class AgendaPage extends MeetingPage {
  readonly items: Locator

  constructor(page: Page) {
    super(page)
    this.items = page.getByTestId('agenda-item')
  }

  async goto(slug: string, meetingId: string): Promise<void> {
    await this.open(`${meetingUrl(slug, meetingId)}/agenda`)
  }

  /** The item whose title is `title`. */
  item(title: string): Locator {
    return this.items.filter({ has: this.page.getByTestId('item-title').getByText(title, { exact: true }) })
  }
}

/** Adding an item at .../agenda/new (views/agenda/item-form.njk). */
export class AgendaItemFormPage extends MeetingPage {
  async goto(slug: string, meetingId: string): Promise<void> {
    await this.open(`${meetingUrl(slug, meetingId)}/agenda/new`)
  }

  async add(item: {
    title: string
    description?: string
    presenter?: string
    durationMinutes?: number
    decisionNeeded?: boolean
  }): Promise<void> {
    await this.page.locator('#title').fill(item.title)
    await this.page.locator('#description').fill(item.description ?? '')
    await this.page.locator('#presenter').fill(item.presenter ?? '')
    await this.page.locator('#durationMinutes').fill(item.durationMinutes ? String(item.durationMinutes) : '')
    const decision = this.page.locator('input[name="decisionNeeded"][value="yes"]')
    if (item.decisionNeeded) await decision.check()
    else await decision.uncheck()
    await this.submit('save-item')
  }
}
