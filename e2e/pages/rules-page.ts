import type { Locator, Page } from 'playwright-core'
import { Layout } from './layout.ts'

/** A partnership's rules and deadlines at /p/:slug/rules (platform/rules/views/rules.njk). */
export class RulesPage extends Layout {
  readonly saveButton: Locator

  constructor(page: Page) {
    super(page)
    this.saveButton = page.getByTestId('save-rules')
  }

  async goto(slug: string): Promise<void> {
    await this.open(`/p/${slug}/rules`)
  }

  /** The number input of a rule, by its key (e.g. `actionResponse`). */
  rule(key: string): Locator {
    return this.page.locator(`input#${key}`)
  }

  /** The message shown by a rule's field when its value is refused. */
  ruleError(key: string): Locator {
    return this.page.locator(`#${key}-error`)
  }

  async setRule(key: string, value: string): Promise<void> {
    await this.rule(key).fill(value)
  }

  /** Sends the form, waiting for the page the server answers with (the form again, or the saved rules). */
  async save(): Promise<void> {
    await Promise.all([this.page.waitForNavigation(), this.saveButton.click()])
  }
}
