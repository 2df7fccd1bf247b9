import type { Locator, Page } from 'playwright-core'
import { MeetingsPage } from '../meetings/meetings-form.ts'
import { CasePage, caseUrl } from './reviews-page.ts'

// A case's Learning tab (views/learning/*.njk): recommendations, each turned into an action of the
// action matrix (which then has its own page, e2e/pages/actions/actions-page.ts).

/** The Learning tab at /p/:slug/reviews/:case/learning (views/learning/learning.njk). */
export class LearningPage extends CasePage {
  readonly recommendations: Locator

  constructor(page: Page) {
    super(page)
    this.recommendations = page.getByTestId('recommendation')
  }

  async goto(slug: string, caseId: string): Promise<void> {
    await this.open(caseUrl(slug, caseId, '/learning'))
  }

  /** Recommendation `number` (1 is the first). */
  recommendation(number: number): Locator {
    return this.page.locator(`#recommendation-${number}`)
  }

  /** The links (references) of the actions listed under a recommendation. */
  actionLinks(number: number): Locator {
    return this.recommendation(number).getByTestId('recommendation-actions').getByTestId('action-link')
  }

  async addRecommendation(): Promise<void> {
    await this.press('add-recommendation')
  }

  async turnIntoAction(number: number): Promise<void> {
    await Promise.all([
      this.page.waitForNavigation(),
      this.recommendation(number).getByTestId('turn-into-action').click(),
    ])
  }

  /** Opens the page of the action listed under a recommendation. */
  async openAction(number: number, reference: string): Promise<void> {
    await Promise.all([
      this.page.waitForNavigation(),
      this.actionLinks(number).getByText(reference, { exact: true }).click(),
    ])
  }
}

/** A recommendation's form at …/learning/recommendations/new (views/learning/recommendation.njk). */
export class RecommendationForm extends CasePage {
  async save(text: string): Promise<void> {
    await this.page.locator('#text').fill(text)
    await this.submit('save-recommendation')
  }
}

/** Turning a recommendation into an action at …/recommendations/:id/action (views/learning/action.njk). */
export class RecommendationActionForm extends MeetingsPage {
  readonly form: Locator
  readonly description: Locator
  /** The description's hint: the action must not name the case. */
  readonly descriptionHint: Locator

  constructor(page: Page) {
    super(page)
    this.form = page.getByTestId('action-form')
    this.description = page.locator('#description')
    this.descriptionHint = page.locator('#description-hint')
  }

  /**
   * Chooses the owner agency (the description, the recommendation's text, and the group keep what
   * the form suggests) and creates it.
   */
  async create(fields: { agency: string; description?: string }): Promise<{ group: string }> {
    if (fields.description) await this.description.fill(fields.description)
    await this.choose('#ownerAgencyId', fields.agency)
    const group = (await this.page.locator('#groupId option:checked').textContent())?.trim() ?? ''
    await this.submit('create-action')
    return { group }
  }
}
