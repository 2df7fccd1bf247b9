import type { Locator, Page } from 'playwright-core'
import { Layout } from './layout.ts'

/** The sign-in page at /sign-in (platform/auth/views/sign-in.njk). */
export class SignInPage extends Layout {
  readonly email: Locator
  readonly password: Locator
  readonly signInButton: Locator

  constructor(page: Page) {
    super(page)
    this.email = page.locator('#email')
    this.password = page.locator('#password')
    this.signInButton = page.getByTestId('sign-in')
  }

  async goto(): Promise<void> {
    await this.open('/sign-in')
  }

  /** Fills the form and sends it, waiting for the page the server answers with. */
  async signIn(email: string, password: string): Promise<void> {
    await this.email.fill(email)
    await this.password.fill(password)
    await Promise.all([this.page.waitForNavigation(), this.signInButton.click()])
  }
}
