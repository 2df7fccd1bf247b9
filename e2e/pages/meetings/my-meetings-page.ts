import type { Locator, Page } from 'playwright-core'
import { MeetingsPage } from './meetings-form.ts'

/** Someone's own meetings at /p/:slug/my-meetings (views/my-meetings/page.njk). */
export class MyMeetingsPage extends MeetingsPage {
  readonly minutesAwaiting: Locator
  readonly meetings: Locator

  constructor(page: Page) {
    super(page)
    this.minutesAwaiting = page.getByTestId('minutes-awaiting')
    this.meetings = page.getByTestId('my-meeting')
  }

  async goto(slug: string): Promise<void> {
    await this.open(`/p/${slug}/my-meetings`)
  }

  /** The links to the minutes waiting for this chair's approval. */
  async minutesAwaitingHrefs(): Promise<string[]> {
    const links = this.minutesAwaiting.getByTestId('approve-minutes')
    const hrefs: string[] = []
    for (const link of await links.all()) hrefs.push((await link.getAttribute('href')) ?? '')
    return hrefs
  }
}
