import type { Locator, Page, Response } from 'playwright-core'

/** What every page has, from platform/views/layout.njk and the GOV.UK template. */
export class Layout {
  readonly page: Page
  readonly heading: Locator
  readonly skipLink: Locator
  readonly footer: Locator
  readonly serviceNavigation: Locator
  readonly signOutButton: Locator
  readonly errorSummary: Locator
  readonly successBanner: Locator

  constructor(page: Page) {
    this.page = page
    this.heading = page.locator('h1')
    this.skipLink = page.locator('a.govuk-skip-link')
    this.footer = page.getByRole('contentinfo')
    this.serviceNavigation = page.locator('.govuk-service-navigation')
    this.signOutButton = page.getByTestId('sign-out')
    this.errorSummary = page.locator('.govuk-error-summary')
    this.successBanner = page.locator('.govuk-notification-banner--success')
  }

  /** Opens a path on the server under test and says how it answered. */
  async open(path: string): Promise<Response> {
    const response = await this.page.goto(path)
    if (!response) throw new Error(`No response for ${path}`)
    return response
  }

  /** The path of the page now shown, without the query string. */
  path(): string {
    return new URL(this.page.url()).pathname
  }

  async headingText(): Promise<string> {
    return ((await this.heading.textContent()) ?? '').trim()
  }

  footerLink(name: string): Locator {
    return this.footer.getByRole('link', { name, exact: true })
  }

  navigationLink(name: string): Locator {
    return this.serviceNavigation.getByRole('link', { name, exact: true })
  }

  async signOut(): Promise<void> {
    await Promise.all([this.page.waitForURL('**/sign-in**'), this.signOutButton.click()])
  }

  /** Presses Tab once and describes the element that has the focus. */
  async tabToFirstFocusable(): Promise<{
    tag: string
    className: string
    href: string | null
    text: string
  }> {
    await this.page.keyboard.press('Tab')
    const focused = this.page.locator(':focus')
    if ((await focused.count()) !== 1) return { tag: '', className: '', href: null, text: '' }
    return {
      tag: (await focused.evaluate((element) => element.tagName)).toLowerCase(),
      className: (await focused.getAttribute('class')) ?? '',
      href: await focused.getAttribute('href'),
      text: ((await focused.textContent()) ?? '').trim(),
    }
  }
}
