import type { Locator, Page } from 'playwright-core'
import { MeetingsPage } from '../meetings/meetings-form.ts'
import { textOf } from './actions-page.ts'

/** Checking and issuing a meeting's action matrix at .../meetings/:meeting/actions/issue (views/matrix/issue.njk). */
export class IssueMatrixPage extends MeetingsPage {
  readonly deadline: Locator
  readonly problems: Locator
  readonly issueButton: Locator
  readonly nothingToIssue: Locator

  constructor(page: Page) {
    super(page)
    this.deadline = page.getByTestId('deadline')
    this.problems = page.getByTestId('problems')
    this.issueButton = page.getByTestId('issue-matrix')
    this.nothingToIssue = page.getByTestId('nothing-to-issue')
  }

  async goto(slug: string, meetingId: string): Promise<void> {
    await this.open(`/p/${slug}/meetings/${meetingId}/actions/issue`)
  }

  /** The card of an owner agency, with its actions and who they go to. */
  agency(agencyName: string): Locator {
    return this.page.locator('.govuk-summary-card', {
      has: this.page.locator('.govuk-summary-card__title', { hasText: agencyName }),
    })
  }

  async recipients(agencyName: string): Promise<string> {
    return textOf(this.agency(agencyName).locator('[data-testid^="recipients-"]'))
  }

  async issue(): Promise<void> {
    await this.submit('issue-matrix')
  }

  /** The caption of the issued matrix's table, "Issued on …, responses due by …". */
  async issuedCaptions(): Promise<string[]> {
    return (await this.page.locator('table[data-testid^="issue-"] caption').allTextContents()).map((t) =>
      t.replace(/\s+/g, ' ').trim(),
    )
  }
}

/** The outbox at /p/:slug/outbox and one message at /p/:slug/outbox/:id (platform/notify/views). */
export class OutboxPage extends MeetingsPage {
  readonly rows: Locator
  readonly body: Locator

  constructor(page: Page) {
    super(page)
    this.rows = page.locator('main table tbody tr')
    this.body = page.locator('pre.masa-message')
  }

  async goto(slug: string): Promise<void> {
    await this.open(`/p/${slug}/outbox`)
  }

  /** The rows (newest first) of messages to `to` whose subject contains `subject`. */
  messages(to: string, subject: string): Locator {
    return this.rows
      .filter({ has: this.page.locator('td', { hasText: new RegExp(`^\\s*${escapeRegExp(to)}\\s*$`, 'i') }) })
      .filter({ has: this.page.locator('a', { hasText: subject }) })
  }

  /** Opens the newest message of `messages(to, subject)`. */
  async openMessage(to: string, subject: string): Promise<void> {
    const row = this.messages(to, subject).first()
    await Promise.all([this.page.waitForNavigation(), row.locator('a').first().click()])
  }

  async bodyText(): Promise<string> {
    return (await this.body.textContent()) ?? ''
  }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The public single-use response link at /respond/:token (views/responses/link*.njk). */
export class ResponseLinkPage extends MeetingsPage {
  readonly dueOn: Locator
  readonly sentPanel: Locator
  readonly answered: Locator
  readonly problem: Locator

  constructor(page: Page) {
    super(page)
    this.dueOn = page.getByTestId('due-on')
    this.sentPanel = page.getByTestId('responses-sent')
    this.answered = page.getByTestId('answered')
    this.problem = page.getByTestId('link-problem')
  }

  action(actionId: string): Locator {
    return this.page.getByTestId(`action-${actionId}`)
  }

  /** Types the answer to one action and sends the form. */
  async answer(actionId: string, text: string): Promise<void> {
    await this.page.locator(`#response-${actionId}`).fill(text)
    await this.submit('send-responses')
  }
}
