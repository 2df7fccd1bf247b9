import AxeBuilder from '@axe-core/playwright'
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core'
import { e2eEnv } from './env.ts'

/** Debian's Chromium; no browser is downloaded. CHROMIUM_PATH points elsewhere. */
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/lib/chromium/chromium'

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/** Pages whose context runs no JavaScript: axe cannot run in them, so it checks a copy. */
const scriptless = new WeakSet<Page>()

/**
 * A page in a context of its own (its own cookies), in London's time zone and British English,
 * with relative addresses resolved against the server under test. Closing the page's context
 * (`page.context().close()`) or the browser throws it away.
 */
export async function newPage(browser: Browser, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({
    baseURL: e2eEnv().baseUrl,
    timezoneId: 'Europe/London',
    locale: 'en-GB',
    ...options,
  })
  const page = await context.newPage()
  if (options.javaScriptEnabled === false) scriptless.add(page)
  return page
}

type Result = Awaited<ReturnType<AxeBuilder['analyze']>>['violations'][number]

export const axeTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

/**
 * govuk-frontend puts `aria-expanded` on radios and checkboxes that reveal conditional content,
 * on purpose (https://github.com/alphagov/govuk-frontend/issues/979). Only that attribute on
 * those inputs is forgiven; every other finding of the rule stands.
 */
function isGovukConditionalReveal(violation: Result, node: Result['nodes'][number]): boolean {
  if (violation.id !== 'aria-allowed-attr') return false
  if (!/class="[^"]*govuk-(radios|checkboxes)__input/.test(node.html) || !/aria-controls=/.test(node.html)) {
    return false
  }
  const checks = [...node.any, ...node.all, ...node.none]
  return checks.every((check) => {
    const values = (check.data as { values?: unknown } | null)?.values
    return (
      Array.isArray(values) && values.every((v) => typeof v === 'string' && v.startsWith('aria-expanded='))
    )
  })
}

/**
 * axe runs as a script in the page, which a context without JavaScript never runs. For such a
 * page, its document is shown again in a context with JavaScript, under a Content Security Policy
 * that blocks the page's own scripts, so axe sees the page as a browser without JavaScript does.
 */
async function analyze(page: Page) {
  if (!scriptless.has(page)) return new AxeBuilder({ page }).withTags(axeTags).analyze()
  const html = await page.content()
  const url = page.url()
  const context = await page.context().browser()!.newContext({ timezoneId: 'Europe/London', locale: 'en-GB' })
  try {
    const copy = await context.newPage()
    await copy.route(url, (route) =>
      route.fulfill({
        status: 200,
        contentType: 'text/html; charset=utf-8',
        headers: { 'content-security-policy': "script-src 'none'" },
        body: html,
      }),
    )
    await copy.goto(url)
    return await new AxeBuilder({ page: copy }).withTags(axeTags).analyze()
  } finally {
    await context.close()
  }
}

/** Runs axe against WCAG 2.2 AA on the page as it is now, and throws a readable list of what fails. */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  const results = await analyze(page)
  const violations = results.violations
    .map((violation) => ({
      ...violation,
      nodes: violation.nodes.filter((node) => !isGovukConditionalReveal(violation, node)),
    }))
    .filter((violation) => violation.nodes.length > 0)
  if (violations.length === 0) return
  const lines = violations.map((violation) => {
    const targets = violation.nodes.map((node) => `    - ${node.target.join(' ')}\n      ${node.html}`)
    return `  ${violation.id} (${violation.impact ?? 'unknown impact'}): ${violation.help}\n    ${violation.helpUrl}\n${targets.join('\n')}`
  })
  const how = scriptless.has(page) ? ' (without JavaScript)' : ''
  throw new Error(
    `${violations.length} accessibility violation(s) on ${page.url()}${how}:\n${lines.join('\n')}`,
  )
}
