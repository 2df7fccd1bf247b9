import type { Locator, Page } from 'playwright-core'
import { MeetingPage } from './meeting-page.ts'
import { meetingUrl } from './schedule-page.ts'

/** A meeting's papers at .../papers (views/papers/papers.njk). */
export class PapersPage extends MeetingPage {
  readonly rows: Locator
  readonly circulations: Locator

  constructor(page: Page) {
    super(page)
    this.rows = page.getByTestId('paper-row')
    this.circulations = page.getByTestId('circulation')
  }

  async goto(slug: string, meetingId: string): Promise<void> {
    await this.open(`${meetingUrl(slug, meetingId)}/papers`)
  }

  /** The row of the paper titled `title`. */
  row(title: string): Locator {
    return this.rows.filter({
      has: this.page.getByTestId('paper-download').getByText(title, { exact: true }),
    })
  }

  /** What the row says in its "Circulated" column ("Not yet", or a date). */
  async circulated(title: string): Promise<string> {
    return ((await this.row(title).getByTestId('paper-circulated').innerText()) ?? '').trim()
  }
}

/** Uploading a paper at .../papers/new (views/papers/upload.njk). */
export class UploadPaperPage extends MeetingPage {
  async goto(slug: string, meetingId: string): Promise<void> {
    await this.open(`${meetingUrl(slug, meetingId)}/papers/new`)
  }

  async upload(paper: {
    title: string
    item: string
    file: { name: string; mimeType: string; buffer: Buffer }
    restricted?: boolean
  }): Promise<void> {
    await this.page.locator('#title').fill(paper.title)
    await this.choose('#agendaItemId', paper.item)
    if (paper.restricted) await this.page.locator('input[name="restricted"][value="yes"]').check()
    await this.page.locator('#file').setInputFiles(paper.file)
    await this.submit('upload')
  }
}

/** The check before papers are sent, at .../papers/circulate (views/papers/circulate.njk). */
export class CirculatePapersPage extends MeetingPage {
  readonly papersToSend: Locator
  readonly recipients: Locator

  constructor(page: Page) {
    super(page)
    this.papersToSend = page.getByTestId('papers-to-send')
    this.recipients = page.getByTestId('recipients')
  }

  async goto(slug: string, meetingId: string): Promise<void> {
    await this.open(`${meetingUrl(slug, meetingId)}/papers/circulate`)
  }

  async send(): Promise<void> {
    await this.submit('send-papers')
  }
}
