import { Secret, TOTP } from 'otpauth'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectNoAxeViolations, launchBrowser, newPage } from './browser.ts'
import { e2eEnv } from './env.ts'
import { SignInPage } from './pages/sign-in-page.ts'

const newcomer = {
  name: 'Morgan Ellis',
  email: `morgan.ellis.${Date.now()}@example.org`,
  password: 'lantern meadow biscuit',
}

let browser: Browser
beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
})

/** Submits the form that holds `button` and waits for the page the server answers with. */
async function submit(page: Page, testId: string) {
  await Promise.all([page.waitForNavigation(), page.getByTestId(testId).click()])
}

describe('a new person joins and protects their account', () => {
  let invitationLink = ''
  let secret = ''
  let lastCode = ''

  it('an administrator invites them, and the invitation waits in the outbox', async () => {
    const { adminEmail, adminPassword } = e2eEnv()
    const page = await newPage(browser)
    const signIn = new SignInPage(page)
    await signIn.goto()
    await signIn.signIn(adminEmail, adminPassword)

    await page.goto('/p/thurrock/users/invite')
    await expectNoAxeViolations(page)
    await page.locator('#name').fill(newcomer.name)
    await page.locator('#email').fill(newcomer.email)
    await page.locator('#role-4').check() // member
    await submit(page, 'send-invitation')
    expect(await page.locator('.govuk-notification-banner--success').textContent()).toContain(
      'Invitation sent',
    )
    await expectNoAxeViolations(page)

    await page.goto('/p/thurrock/outbox')
    await expectNoAxeViolations(page)
    await Promise.all([
      page.waitForNavigation(),
      page
        .getByRole('link', { name: /You have been invited/ })
        .first()
        .click(),
    ])
    const body = (await page.locator('pre.masa-message').textContent()) ?? ''
    const link = new URL(body.match(/https?:\/\/\S+\/invitation\?token=\S+/)?.[0] ?? 'http://x/missing')
    invitationLink = link.pathname + link.search
    expect(invitationLink).toMatch(/^\/invitation\?token=/)
    await expectNoAxeViolations(page)
    await page.context().close()
  })

  it('they set a password with the link, sign in and turn on a second factor', async () => {
    const page = await newPage(browser)
    await page.goto(invitationLink)
    expect(await page.locator('h1').textContent()).toContain('Set your password')
    await expectNoAxeViolations(page)
    // A common password is refused, and the page says why.
    await page.locator('#password').fill('password1234')
    await page.locator('#confirm').fill('password1234')
    await submit(page, 'set-password')
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('too common')
    await expectNoAxeViolations(page)
    await page.locator('#password').fill(newcomer.password)
    await page.locator('#confirm').fill(newcomer.password)
    await submit(page, 'set-password')
    expect(new URL(page.url()).pathname).toBe('/sign-in')
    await expectNoAxeViolations(page)

    await new SignInPage(page).signIn(newcomer.email, newcomer.password)
    await page.goto('/account/second-factor')
    await expectNoAxeViolations(page)
    await submit(page, 'start-second-factor')
    expect(await page.getByTestId('totp-qr-code').isVisible()).toBe(true)
    await expectNoAxeViolations(page)
    secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').replace(/\s+/g, '')
    const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 })
    lastCode = totp.generate()
    await page.locator('#code').fill(lastCode)
    await submit(page, 'confirm-second-factor')
    expect(await page.getByTestId('recovery-codes').locator('li').count()).toBe(10)
    await expectNoAxeViolations(page)
    await submit(page, 'sign-out')
    await page.context().close()
  })

  it('signing in again asks for a code from the app', async () => {
    const page = await newPage(browser)
    const signIn = new SignInPage(page)
    await signIn.goto()
    await signIn.signIn(newcomer.email, newcomer.password)
    expect(new URL(page.url()).pathname).toBe('/sign-in/second-factor')
    await expectNoAxeViolations(page)
    // The code used to turn the factor on cannot be used again: the next one is needed.
    const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 })
    await page.locator('#code').fill(lastCode)
    await submit(page, 'submit-code')
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      'Enter a correct security code',
    )
    await expectNoAxeViolations(page)
    await page.locator('#code').fill(totp.generate({ timestamp: Date.now() + 30_000 }))
    await submit(page, 'submit-code')
    await page.goto('/p/thurrock')
    expect(await page.locator('h1').textContent()).toContain(
      'Thurrock Local Safeguarding Children Partnership',
    )
    await expectNoAxeViolations(page)
    await page.context().close()
  })
})
