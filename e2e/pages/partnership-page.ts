import type { Locator, Page } from 'playwright-core'
import { Layout } from './layout.ts'

/** A partnership's overview at /p/:slug (modules/partnership/views/overview.njk). */
export class PartnershipPage extends Layout {
  readonly vision: Locator
  readonly aims: Locator

  constructor(page: Page) {
    super(page)
    this.vision = page.locator('h2:text-is("Our vision") + p')
    this.aims = page.locator('h2:text-is("Our strategic aims") + ol > li')
  }

  async goto(slug: string): Promise<void> {
    await this.open(`/p/${slug}`)
  }

  async aimTexts(): Promise<string[]> {
    return (await this.aims.allTextContents()).map((text) => text.trim())
  }
}
