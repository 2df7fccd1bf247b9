import type { Locator, Page } from 'playwright-core'
import { CasePage, caseUrl, exactly } from './reviews-page.ts'

// A case's Panel tab (views/panel/*.njk), where the independence rule refuses a member from an
// agency involved in the case unless an override is recorded; and its Review tab
// (views/progress/*.njk): the terms of reference, the reviewer and the milestones.

/** The Panel tab at /p/:slug/reviews/:case/panel (views/panel/panel.njk). */
export class PanelPage extends CasePage {
  readonly reviewer: Locator
  readonly current: Locator

  constructor(page: Page) {
    super(page)
    this.reviewer = page.getByTestId('reviewer')
    this.current = page.getByTestId('panel-current')
  }

  async goto(slug: string, caseId: string): Promise<void> {
    await this.open(caseUrl(slug, caseId, '/panel'))
  }

  /** The current members' rows. */
  members(): Locator {
    return this.current.locator('tbody tr')
  }

  /** The current member's row: name, agency, override, added. */
  member(name: string): Locator {
    return this.members().filter({ has: this.page.locator('td', { hasText: exactly(name) }) })
  }

  /** The cells of a member's row, as text. */
  async memberCells(name: string): Promise<string[]> {
    return (await this.member(name).locator('td').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim())
  }

  async addMember(): Promise<void> {
    await this.press('add-member')
  }
}

/** Adding a member at …/panel/add (views/panel/add.njk). */
export class AddPanelMemberPage extends CasePage {
  readonly candidates: Locator

  constructor(page: Page) {
    super(page)
    this.candidates = page.locator('input[name="personId"]')
  }

  /** A candidate (radio, label and hint: their agency, tagged when it was involved in the case). */
  candidate(name: string): Locator {
    return this.page.locator('.govuk-radios__item', { has: this.page.getByLabel(name, { exact: true }) })
  }

  /** Chooses `name`, with an override reason if given, and sends the form, whatever comes back. */
  async tryAdd(name: string, overrideReason = ''): Promise<void> {
    await this.page.getByLabel(name, { exact: true }).check()
    await this.page.locator('#overrideReason').fill(overrideReason)
    await this.press('save-member')
  }

  async add(name: string, overrideReason = ''): Promise<void> {
    await this.page.getByLabel(name, { exact: true }).check()
    await this.page.locator('#overrideReason').fill(overrideReason)
    await this.submit('save-member')
  }
}

/** The Review tab at /p/:slug/reviews/:case/review (views/progress/review.njk). */
export class ReviewTabPage extends CasePage {
  readonly details: Locator
  readonly milestones: Locator
  readonly finalReport: Locator

  constructor(page: Page) {
    super(page)
    this.details = page.getByTestId('review-details')
    this.milestones = page.getByTestId('milestones')
    this.finalReport = page.getByTestId('final-report')
  }

  async goto(slug: string, caseId: string): Promise<void> {
    await this.open(caseUrl(slug, caseId, '/review'))
  }

  /** The value of a row of the details list ("Terms of reference", "Independent reviewer", …). */
  detail(key: string): Locator {
    return this.details
      .locator('.govuk-summary-list__row')
      .filter({ has: this.page.locator('.govuk-summary-list__key', { hasText: exactly(key) }) })
      .locator('.govuk-summary-list__value')
  }

  /** The milestones' rows, in order. */
  milestoneRows(): Locator {
    return this.milestones.locator('tbody tr')
  }

  /** The milestones as [title, due (with how it was worked out), done, status]. */
  async milestoneCells(): Promise<string[][]> {
    const rows = await this.milestoneRows().all()
    return Promise.all(
      rows.map(async (row) =>
        (await row.locator('td').allTextContents()).slice(0, 4).map((t) => t.replace(/\s+/g, ' ').trim()),
      ),
    )
  }

  async addStandardMilestones(): Promise<void> {
    await this.submit('add-standard')
  }

  /** Follows the "Change" link of the details list. */
  async changeDetails(): Promise<void> {
    await Promise.all([
      this.page.waitForNavigation(),
      this.details.getByRole('link', { name: 'Change the review’s details' }).first().click(),
    ])
  }
}

/** The form of the review's details at …/review/details (views/progress/form.njk). */
export class ReviewDetailsForm extends CasePage {
  async save(fields: {
    termsOfReference: string
    reviewerName: string
    reviewerOrganisation: string
    familyInvolvement?: string
  }): Promise<void> {
    await this.page.locator('#termsOfReference').fill(fields.termsOfReference)
    await this.page.locator('#reviewerName').fill(fields.reviewerName)
    await this.page.locator('#reviewerOrganisation').fill(fields.reviewerOrganisation)
    if (fields.familyInvolvement) await this.page.locator('#familyInvolvement').fill(fields.familyInvolvement)
    await this.submit('save')
  }
}
