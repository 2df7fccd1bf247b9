import type { Locator, Page } from 'playwright-core'
import { CasePage, caseUrl } from './reviews-page.ts'

// A case's Publication tab (views/publication/*.njk): the publication and the sends to the
// national panel and Foundations, each due within 7 days of it.

/** The recipients of a published report, as the pages name them in their data-testids. */
export type SendRecipient = 'national_panel' | 'foundations'

/** The Publication tab at /p/:slug/reviews/:case/publication (views/publication/publication.njk). */
export class PublicationPage extends CasePage {
  readonly publication: Locator
  readonly sends: Locator

  constructor(page: Page) {
    super(page)
    this.publication = page.getByTestId('publication')
    this.sends = page.getByTestId('sends')
  }

  async goto(slug: string, caseId: string): Promise<void> {
    await this.open(caseUrl(slug, caseId, '/publication'))
  }

  /** The value of a row of the publication's summary list ("Published on", "Published title", …). */
  value(key: string): Locator {
    return this.publication
      .locator('.govuk-summary-list__row')
      .filter({ has: this.page.locator('.govuk-summary-list__key', { hasText: key }) })
      .locator('.govuk-summary-list__value')
  }

  /** The row of the sends table for a recipient. */
  send(recipient: SendRecipient): Locator {
    return this.page.getByTestId(`send-${recipient}`)
  }

  /** The deadline's tag of a send ("On time", "Due …", …). */
  sendTag(recipient: SendRecipient): Locator {
    return this.send(recipient).getByTestId('deadline-tag')
  }

  async recordPublication(): Promise<void> {
    await this.press('record-publication')
  }

  async recordSend(recipient: SendRecipient): Promise<void> {
    await this.press(`record-send-${recipient}`)
  }
}

/** Recording the publication at …/publication/publish (views/publication/publish.njk). */
export class PublishForm extends CasePage {
  async publish(fields: { publishedOn: string; title: string; url: string }): Promise<void> {
    await this.fillDate('publishedOn', fields.publishedOn)
    await this.page.locator('#publishedTitle').fill(fields.title)
    await this.page.locator('#publicationUrl').fill(fields.url)
    await this.submit('save-publication')
  }
}

/** Recording a send at …/publication/sends/:recipient (views/publication/send.njk). */
export class SendForm extends CasePage {
  async send(sentOn: string): Promise<void> {
    await this.fillDate('sentOn', sentOn)
    await this.submit('save-send')
  }
}
