import type { Locator, Page } from 'playwright-core'
import { MeetingsPage } from '../meetings/meetings-form.ts'

// The practice reviews module's pages in the browser tests (issue 7): the list, adding a case, the
// case's overview and what every page of a case shares (its title, stage tag and tabs), the board
// and the annual report's figures.

/** Matches a whole text (spaces around it aside), for locators' `hasText` and option texts. */
export function exactly(text: string): RegExp {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`)
}

/** The practice reviews list of a partnership. */
export const reviewsUrl = (slug: string) => `/p/${slug}/reviews`

/** A case's page: its overview, or one of its tabs (`/incident`, `/decision`, …). */
export const caseUrl = (slug: string, caseId: string, tab = '') => `/p/${slug}/reviews/${caseId}${tab}`

/** The tabs of a case's pages, as views/review/_header.njk names them. */
export type ReviewTabName =
  | 'Overview'
  | 'Incident and rapid review'
  | 'Decision'
  | 'Review'
  | 'Panel'
  | 'Publication'
  | 'Learning'

/** Any page of a case (views/review/_header.njk): the title, the stage tag and the tabs. */
export class CasePage extends MeetingsPage {
  readonly title: Locator
  readonly stage: Locator
  readonly tabs: Locator

  constructor(page: Page) {
    super(page)
    this.title = page.getByTestId('review-title')
    this.stage = page.getByTestId('review-stage').locator('.govuk-tag').first()
    this.tabs = page.getByRole('navigation', { name: 'Review' })
  }

  /** The case's id, from the address of the page. */
  caseId(): string {
    const id = this.path().match(/\/reviews\/([0-9a-f-]{36})(\/|$)/)?.[1]
    if (!id) throw new Error(`Not a case's page: ${this.path()}`)
    return id
  }

  /** Follows a tab of the case's sub-navigation and waits for its page. */
  async openTab(name: ReviewTabName): Promise<void> {
    await Promise.all([
      this.page.waitForNavigation(),
      this.tabs.getByRole('link', { name, exact: true }).click(),
    ])
  }

  /** The tab shown as the current one. */
  async currentTab(): Promise<string> {
    return ((await this.tabs.locator('[aria-current="page"]').textContent()) ?? '').trim()
  }

  /** Follows a link or button (an `<a>`) by its data-testid and waits for the next page. */
  async follow(testId: string): Promise<void> {
    await this.press(testId)
  }
}

/** The list at /p/:slug/reviews (views/reviews/list.njk). */
export class ReviewsListPage extends MeetingsPage {
  readonly cases: Locator
  readonly caseLinks: Locator
  readonly published: Locator
  readonly noPublished: Locator
  readonly links: Locator

  constructor(page: Page) {
    super(page)
    this.cases = page.getByTestId('cases')
    this.caseLinks = page.getByTestId('case-link')
    this.published = page.getByTestId('published')
    this.noPublished = page.getByTestId('no-published')
    this.links = page.getByTestId('review-links')
  }

  async goto(slug: string): Promise<void> {
    await this.open(reviewsUrl(slug))
  }

  /** The row of the cases table whose reference is `reference`. */
  caseRow(reference: string): Locator {
    return this.cases.locator('tbody tr').filter({
      has: this.page.getByTestId('case-link').getByText(reference, { exact: true }),
    })
  }

  /** The row of the published reviews table whose title is `title`. */
  publishedRow(title: string): Locator {
    return this.published.locator('tbody tr').filter({ hasText: title })
  }

  async addCase(): Promise<void> {
    await this.press('add-case')
  }
}

/** Adding a case at /p/:slug/reviews/new (views/reviews/new.njk). */
export class AddCasePage extends MeetingsPage {
  async goto(slug: string): Promise<void> {
    await this.open(`${reviewsUrl(slug)}/new`)
  }

  /** A new serious incident under Working Together 2023; throws with the error summary on errors. */
  async addSeriousIncident(fields: {
    reference: string
    becameAwareOn: string
    summary: string
    agencies: string[]
  }): Promise<void> {
    await this.page.locator('#reference').fill(fields.reference)
    await this.page.locator('input[name="procedure"][value="wt2023"]').check()
    await this.fillDate('becameAwareOn', fields.becameAwareOn)
    await this.page.locator('#summary').fill(fields.summary)
    const agencies = this.page.locator('fieldset', { hasText: 'Agencies involved with the case' })
    for (const agency of fields.agencies) await agencies.getByLabel(agency, { exact: true }).check()
    await this.submit('save-case')
  }
}

/** A case's overview at /p/:slug/reviews/:case (views/review/overview.njk). */
export class CaseOverviewPage extends CasePage {
  readonly nextDeadline: Locator
  readonly summary: Locator
  readonly deadlines: Locator

  constructor(page: Page) {
    super(page)
    this.nextDeadline = page.getByTestId('next-deadline')
    this.summary = page.getByTestId('case-summary')
    this.deadlines = page.getByTestId('deadlines')
  }

  async goto(slug: string, caseId: string): Promise<void> {
    await this.open(caseUrl(slug, caseId))
  }

  /** The row of the deadlines table for the step `key` (notification, rapid_review, publication, …). */
  deadline(key: string): Locator {
    return this.deadlines.locator('tbody tr').filter({ has: this.page.getByTestId(`deadline-${key}`) })
  }

  /** The value of a row of the case's summary list, by its key ("Agencies involved", …). */
  summaryValue(key: string): Locator {
    return this.summary
      .locator('.govuk-summary-list__row')
      .filter({ has: this.page.locator('.govuk-summary-list__key', { hasText: key }) })
      .locator('.govuk-summary-list__value')
  }
}

/** The board at /p/:slug/reviews/board (views/overview/board.njk). */
export class ReviewsBoardPage extends MeetingsPage {
  readonly scope: Locator
  readonly timelineTable: Locator

  constructor(page: Page) {
    super(page)
    this.scope = page.getByTestId('board-scope')
    this.timelineTable = page.getByTestId('timeline-table')
  }

  async goto(slug: string): Promise<void> {
    await this.open(`${reviewsUrl(slug)}/board`)
  }

  /** The section of the board for a stage (notification, rapid_review, decision, review, sending, closed). */
  stage(key: string): Locator {
    return this.page.getByTestId(`stage-${key}`)
  }

  /** The case's row, in whichever stage it is. */
  caseRow(caseId: string): Locator {
    return this.page.getByTestId(`case-${caseId}`)
  }

  /** The count in the "Cases by stage" table. */
  count(key: string): Locator {
    return this.page.getByTestId(`stage-count-${key}`).locator('td')
  }
}

/** The annual report's figures at /p/:slug/reviews/report (views/overview/report.njk). */
export class ReviewsReportPage extends MeetingsPage {
  readonly year: Locator
  readonly figures: Locator
  readonly csvLink: Locator

  constructor(page: Page) {
    super(page)
    this.year = page.getByTestId('report-year')
    this.figures = page.getByTestId('report-figures')
    this.csvLink = page.getByTestId('report-csv')
  }

  async goto(slug: string): Promise<void> {
    await this.open(`${reviewsUrl(slug)}/report`)
  }
}
