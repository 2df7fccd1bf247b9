import type { Locator, Page } from 'playwright-core'
import { MeetingsPage } from './meetings-form.ts'

/** A meeting's address in a partnership. */
export const meetingUrl = (slug: string, meetingId: string) => `/p/${slug}/meetings/${meetingId}`

/** The calendar of meetings at /p/:slug/meetings (views/schedule/list.njk). */
export class MeetingsListPage extends MeetingsPage {
  readonly banner: Locator
  readonly bannerLink: Locator
  readonly rows: Locator

  constructor(page: Page) {
    super(page)
    this.banner = page.getByTestId('meetings-banner')
    this.bannerLink = this.banner.locator('a.govuk-notification-banner__link')
    this.rows = page.getByTestId('meeting-row')
  }

  async goto(slug: string): Promise<void> {
    await this.open(`/p/${slug}/meetings`)
  }

  /** The id of the meeting the banner links to, after scheduling one. */
  async scheduledMeetingId(): Promise<string> {
    const href = (await this.bannerLink.getAttribute('href')) ?? ''
    const id = href.match(/\/meetings\/([0-9a-f-]{36})/)?.[1]
    if (!id) throw new Error(`The banner does not link to a meeting: ${href}`)
    return id
  }
}

/** Scheduling one meeting at /p/:slug/meetings/new (views/schedule/form.njk). */
export class ScheduleMeetingPage extends MeetingsPage {
  async goto(slug: string): Promise<void> {
    await this.open(`/p/${slug}/meetings/new`)
  }

  async schedule(fields: {
    group: string
    heldOn: string
    startTime: string
    endTime?: string
    location?: string
  }): Promise<void> {
    await this.choose('#groupId', fields.group)
    await this.page.locator('input[name="kind"][value="ordinary"]').check()
    await this.fillDate('heldOn', fields.heldOn)
    await this.page.locator('#startTime').fill(fields.startTime)
    await this.page.locator('#endTime').fill(fields.endTime ?? '')
    await this.page.locator('#location').fill(fields.location ?? '')
    await this.submit('save-meeting')
  }
}
