import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { expectNoAxeViolations, launchBrowser, newPage } from './browser.ts'
import { e2eEnv } from './env.ts'
import { Layout } from './pages/layout.ts'
import { PartnershipPage } from './pages/partnership-page.ts'
import { RulesPage } from './pages/rules-page.ts'
import { SignInPage } from './pages/sign-in-page.ts'
import { StartPage } from './pages/start-page.ts'

const partnershipName = 'Thurrock Local Safeguarding Children Partnership'

let browser: Browser
let page: Page

beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
})
afterEach(async () => {
  await page?.context().close()
})

describe('public pages', () => {
  it('the start page names the partnership, starts with a skip link and has no accessibility violations', async () => {
    page = await newPage(browser)
    const start = new StartPage(page)
    await start.goto()

    expect(await start.partnershipNames.allTextContents()).toContain(partnershipName)
    expect(await start.startButton.getAttribute('href')).toBe('/sign-in')
    const focused = await start.tabToFirstFocusable()
    expect(focused).toMatchObject({ tag: 'a', href: '#main-content', text: 'Skip to main content' })
    expect(focused.className).toContain('govuk-skip-link')
    await expectNoAxeViolations(page)
  })

  it.each([
    ['Accessibility statement', '/accessibility', 'Accessibility statement for MASA'],
    ['Privacy notice', '/privacy', 'Privacy notice'],
    ['Cookies', '/cookies', 'Cookies'],
  ])(
    'the footer links to the %s, which has its heading and no accessibility violations',
    async (link, path, heading) => {
      page = await newPage(browser)
      const layout = new Layout(page)
      await layout.open('/')
      await Promise.all([page.waitForURL(`**${path}`), layout.footerLink(link).click()])

      expect(layout.path()).toBe(path)
      expect(await layout.headingText()).toBe(heading)
      await expectNoAxeViolations(page)
    },
  )

  it('an unknown address answers 404 with a "Page not found" page without accessibility violations', async () => {
    page = await newPage(browser)
    const layout = new Layout(page)
    const response = await layout.open('/no-such-page')

    expect(response.status()).toBe(404)
    expect(await layout.headingText()).toBe('Page not found')
    expect(await page.title()).toMatch(/^Page not found/)
    await expectNoAxeViolations(page)
  })
})

describe('the administrator', () => {
  it('signs in, sees the partnership, corrects a refused rule, saves it and signs out', async () => {
    const { adminEmail, adminPassword } = e2eEnv()
    page = await newPage(browser)

    const start = new StartPage(page)
    await start.goto()
    await Promise.all([page.waitForURL('**/sign-in'), start.startButton.click()])

    const signIn = new SignInPage(page)
    expect(await signIn.headingText()).toBe('Sign in')
    await expectNoAxeViolations(page)
    await signIn.signIn(adminEmail, adminPassword)

    // Back on the start page, which now lists the partnerships this person has a role in.
    expect(start.path()).toBe('/')
    await expect(start.signOutButton.isVisible()).resolves.toBe(true)
    await expectNoAxeViolations(page)
    await Promise.all([page.waitForURL('**/p/thurrock'), start.yourPartnership(partnershipName).click()])

    const overview = new PartnershipPage(page)
    expect(await overview.headingText()).toBe(partnershipName)
    expect(await overview.vision.textContent()).toContain('Thurrock children and young people are happy')
    expect(await overview.aimTexts()).toEqual([
      'Safeguarding is everybody’s business',
      'Reduce the number of children in need of responsive safeguarding through effective help and support at an earlier stage',
      'Voice of the child',
      'A Partnership fit to meet future demands',
    ])
    await expectNoAxeViolations(page)
    await Promise.all([page.waitForURL('**/p/thurrock/rules'), overview.navigationLink('Rules').click()])

    const rules = new RulesPage(page)
    expect(await rules.headingText()).toBe('Rules and deadlines')
    await expectNoAxeViolations(page)
    const before = await rules.rule('actionResponse').inputValue()
    const corrected = before === '12' ? '11' : '12'

    // A value that is not a number comes back with the error summary and what was typed.
    await rules.setRule('actionResponse', 'ten')
    await rules.save()
    expect(await page.title()).toMatch(/^Error: /)
    await expect(rules.errorSummary.isVisible()).resolves.toBe(true)
    expect(await rules.errorSummary.getByRole('link').first().getAttribute('href')).toBe('#actionResponse')
    expect(await rules.ruleError('actionResponse').textContent()).toContain('must be a whole number')
    expect(await rules.rule('actionResponse').inputValue()).toBe('ten')
    await expectNoAxeViolations(page)

    // Corrected, it is saved: post, redirect, get, with a success banner.
    await rules.setRule('actionResponse', corrected)
    await rules.save()
    expect(rules.path()).toBe('/p/thurrock/rules')
    expect(await rules.successBanner.textContent()).toContain('1 rule was changed')
    expect(await rules.errorSummary.count()).toBe(0)
    expect(await rules.rule('actionResponse').inputValue()).toBe(corrected)
    await expectNoAxeViolations(page)

    await rules.signOut()
    expect(signIn.path()).toBe('/sign-in')
    await expect(signIn.email.isVisible()).resolves.toBe(true)
    expect(await signIn.signOutButton.count()).toBe(0)
  })

  it('signs in and out with JavaScript turned off', async () => {
    const { adminEmail, adminPassword } = e2eEnv()
    page = await newPage(browser, { javaScriptEnabled: false })

    const signIn = new SignInPage(page)
    await signIn.goto()
    await expectNoAxeViolations(page)
    await signIn.signIn(adminEmail, adminPassword)

    const start = new StartPage(page)
    expect(start.path()).toBe('/')
    expect(await start.yourPartnership(partnershipName).count()).toBe(1)
    await expectNoAxeViolations(page)
    await start.signOut()
    expect(signIn.path()).toBe('/sign-in')
    expect(await signIn.signOutButton.count()).toBe(0)
  })
})
