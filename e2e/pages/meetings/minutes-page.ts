import type { Locator, Page } from 'playwright-core'
import { MeetingPage } from './meeting-page.ts'
import { meetingUrl } from './schedule-page.ts'

const minutesUrl = (slug: string, meetingId: string) => `${meetingUrl(slug, meetingId)}/minutes`

/** A meeting's minutes at .../minutes (views/minutes/minutes.njk). */
export class MinutesPage extends MeetingPage {
  readonly status: Locator
  readonly summary: Locator
  readonly items: Locator
  readonly approveButton: Locator
  readonly timeline: Locator

  constructor(page: Page) {
    super(page)
    this.status = page.locator('h2 [data-testid="minutes-status"]')
    this.summary = page.getByTestId('minutes-summary')
    this.items = page.getByTestId('minutes-item')
    this.approveButton = page.getByTestId('approve-minutes')
    this.timeline = page.getByTestId('minutes-timeline')
  }

  async goto(slug: string, meetingId: string): Promise<void> {
    await this.open(minutesUrl(slug, meetingId))
  }

  async statusText(): Promise<string> {
    return ((await this.status.textContent()) ?? '').trim()
  }

  /** The notes under the item titled `title`. */
  notes(title: string): Locator {
    return this.items.filter({ hasText: title }).getByTestId('minutes-notes')
  }

  /** The chair approves the draft. */
  async approve(): Promise<void> {
    await this.submit('approve-minutes')
  }
}

/** Writing the draft at .../minutes/edit (views/minutes/edit.njk). */
export class EditMinutesPage extends MeetingPage {
  async goto(slug: string, meetingId: string): Promise<void> {
    await this.open(`${minutesUrl(slug, meetingId)}/edit`)
  }

  /** The notes box of the agenda item titled `title` (its label is "N. Title"). */
  async notesFor(title: string): Promise<Locator> {
    const label = this.page.locator('form label.govuk-label', { hasText: title }).first()
    if (!(await label.count())) {
      const labels = await this.page.locator('form label.govuk-label').allInnerTexts()
      throw new Error(`No notes box for "${title}" among: ${labels.join(' | ')}`)
    }
    return this.page.locator(`textarea#${await label.getAttribute('for')}`)
  }

  async write(summary: string, notes: Record<string, string>): Promise<void> {
    await this.page.locator('#summary').fill(summary)
    for (const [title, text] of Object.entries(notes)) await (await this.notesFor(title)).fill(text)
    await this.submit('save-minutes')
  }
}

/** Sending the draft to the chair, at .../minutes/send (views/minutes/send.njk). */
export class SendMinutesPage extends MeetingPage {
  readonly chairs: Locator

  constructor(page: Page) {
    super(page)
    this.chairs = page.getByTestId('chairs')
  }

  async goto(slug: string, meetingId: string): Promise<void> {
    await this.open(`${minutesUrl(slug, meetingId)}/send`)
  }

  async confirm(): Promise<void> {
    await this.submit('confirm-send')
  }
}

/** Circulating the approved minutes, at .../minutes/circulate (views/minutes/circulate.njk). */
export class CirculateMinutesPage extends MeetingPage {
  readonly recipients: Locator

  constructor(page: Page) {
    super(page)
    this.recipients = page.getByTestId('recipients')
  }

  async goto(slug: string, meetingId: string): Promise<void> {
    await this.open(`${minutesUrl(slug, meetingId)}/circulate`)
  }

  async confirm(): Promise<void> {
    await this.submit('confirm-circulate')
  }
}
