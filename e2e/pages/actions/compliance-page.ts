import type { Locator, Page } from 'playwright-core'
import { MeetingsPage } from '../meetings/meetings-form.ts'
import { textOf } from './actions-page.ts'

// Compliance, escalation letters and the dashboard (views/compliance/*.njk, views/dashboard).

/** The words of a GOV.UK warning text, without its icon and the hidden "Warning" before them. */
export async function warningText(warning: Locator): Promise<string> {
  return (await textOf(warning.locator('.govuk-warning-text__text'))).replace(/^Warning\s*/, '')
}

/** The partnership's compliance at /p/:slug/compliance. */
export class CompliancePage extends MeetingsPage {
  readonly lettersDue: Locator
  readonly failures: Locator
  readonly letters: Locator

  constructor(page: Page) {
    super(page)
    this.lettersDue = page.getByTestId('letter-due')
    this.failures = page.getByTestId('failure-row')
    this.letters = page.getByTestId('letter-row')
  }

  async goto(slug: string): Promise<void> {
    await this.open(`/p/${slug}/compliance`)
  }

  letterDue(agencyName: string): Locator {
    return this.lettersDue.filter({ hasText: agencyName })
  }

  /** The prompt's words, without the warning icon and its hidden "Warning". */
  async prompt(agencyName: string): Promise<string> {
    return warningText(this.letterDue(agencyName).getByTestId('letter-due-prompt'))
  }

  /** The recent failures of an agency: reference and what the Answered column says. */
  async failuresOf(agencyName: string): Promise<{ reference: string; answered: string }[]> {
    const rows = this.failures.filter({ hasText: agencyName })
    const result: { reference: string; answered: string }[] = []
    for (let i = 0; i < (await rows.count()); i++) {
      result.push({
        reference: await textOf(rows.nth(i).getByTestId('failure-action')),
        answered: await textOf(rows.nth(i).getByTestId('failure-answered')),
      })
    }
    return result
  }

  async draftLetter(agencyName: string): Promise<void> {
    await Promise.all([
      this.page.waitForNavigation(),
      this.letterDue(agencyName).getByTestId('draft-letter').click(),
    ])
  }
}

/** An agency's compliance at /p/:slug/agencies/:agency/compliance (views/compliance/agency.njk). */
export class AgencyCompliancePage extends MeetingsPage {
  readonly prompt: Locator
  readonly notDue: Locator
  readonly failures: Locator
  readonly letters: Locator

  constructor(page: Page) {
    super(page)
    this.prompt = page.getByTestId('letter-due-prompt')
    this.notDue = page.getByTestId('letter-not-due')
    this.failures = page.getByTestId('failure-row')
    this.letters = page.getByTestId('letter-row')
  }

  async goto(slug: string, agencyId: string): Promise<void> {
    await this.open(`/p/${slug}/agencies/${agencyId}/compliance`)
  }
}

/** Drafting a letter at /p/:slug/compliance/letters/new?agency=:id (views/compliance/letter-form.njk). */
export class LetterFormPage extends MeetingsPage {
  readonly form: Locator
  readonly body: Locator

  constructor(page: Page) {
    super(page)
    this.form = page.getByTestId('letter-form')
    this.body = page.locator('#body')
  }

  async goto(slug: string, agencyId: string): Promise<void> {
    await this.open(`/p/${slug}/compliance/letters/new?agency=${agencyId}`)
  }

  async bodyText(): Promise<string> {
    return this.body.inputValue()
  }

  /** Fills who the letter is to (the example records no executive member) and saves it. */
  async save(to: { name: string; title: string }): Promise<void> {
    await this.page.locator('#addresseeName').fill(to.name)
    await this.page.locator('#addresseeTitle').fill(to.title)
    await this.submit('save-letter')
  }
}

/** One letter at /p/:slug/compliance/letters/:letter (views/compliance/letter.njk), and recording it sent. */
export class LetterPage extends MeetingsPage {
  readonly status: Locator
  readonly summary: Locator
  readonly failures: Locator
  readonly docxLink: Locator
  readonly recordSentButton: Locator
  readonly partnersTold: Locator

  constructor(page: Page) {
    super(page)
    this.status = page.getByTestId('letter-status')
    this.summary = page.getByTestId('letter-summary')
    this.failures = page.getByTestId('letter-failures').locator('tbody tr')
    this.docxLink = page.getByTestId('download-docx')
    this.recordSentButton = page.getByTestId('record-sent')
    this.partnersTold = page.getByTestId('partners-told')
  }

  letterId(): string {
    const id = this.path().match(/\/letters\/([0-9a-f-]{36})$/)?.[1]
    if (!id) throw new Error(`Not a letter's page: ${this.path()}`)
    return id
  }

  async failureReferences(): Promise<string[]> {
    return (await this.failures.locator('td:first-child').allTextContents()).map((t) => t.trim())
  }

  /** Opens the "record that it was sent" form, keeps the date it offers (today), and sends it. */
  async recordSent(): Promise<string> {
    await Promise.all([this.page.waitForNavigation(), this.recordSentButton.click()])
    const day = await this.page.locator('#sentOn-day').inputValue()
    const month = await this.page.locator('#sentOn-month').inputValue()
    const year = await this.page.locator('#sentOn-year').inputValue()
    return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`
  }

  async confirmSent(): Promise<void> {
    await this.submit('save-sent')
  }
}

/** The compliance dashboard at /p/:slug/dashboard (views/dashboard/dashboard.njk). */
export class DashboardPage extends MeetingsPage {
  readonly scope: Locator
  readonly overdueRows: Locator
  readonly responseRows: Locator
  readonly letterRows: Locator
  readonly lettersTotal: Locator

  constructor(page: Page) {
    super(page)
    this.scope = page.getByTestId('dashboard-scope')
    this.overdueRows = page.getByTestId('overdue-row')
    this.responseRows = page.getByTestId('responses-row')
    this.letterRows = page.getByTestId('letter-row')
    this.lettersTotal = page.getByTestId('letters-total')
  }

  async goto(slug: string): Promise<void> {
    await this.open(`/p/${slug}/dashboard`)
  }

  /** Chooses an agency in the filter form and applies it. */
  async filterByAgency(agencyName: string): Promise<void> {
    await this.choose('#agency', agencyName)
    await this.submit('apply-filters')
  }

  /** The cells of the agency's row in the response times table. */
  async responsesOf(agencyName: string): Promise<string[]> {
    const row = this.responseRows.filter({ has: this.page.locator('th', { hasText: agencyName }) })
    if (!(await row.count())) return []
    return (await row.first().locator('th, td').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim())
  }
}
