import type { Locator, Page } from 'playwright-core'
import { Layout } from './layout.ts'

/** The start page at / (modules/partnership/views/start.njk). */
export class StartPage extends Layout {
  readonly startButton: Locator
  readonly partnershipNames: Locator

  constructor(page: Page) {
    super(page)
    this.startButton = page.getByTestId('start')
    this.partnershipNames = page.getByTestId('partnership-name')
  }

  async goto(): Promise<void> {
    await this.open('/')
  }

  /** A link under "Your partnerships", shown once signed in. */
  yourPartnership(name: string): Locator {
    return this.page.getByRole('link', { name, exact: true })
  }
}
