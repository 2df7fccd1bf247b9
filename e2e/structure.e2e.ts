import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectNoAxeViolations, launchBrowser, newPage } from './browser.ts'
import { e2eEnv } from './env.ts'
import { SignInPage } from './pages/sign-in-page.ts'

let browser: Browser
let page: Page
const suffix = Date.now().toString(36)
const agency = `Thurrock Online Safety Trust ${suffix}`
const groupName = `Online Safety Task and Finish Group ${suffix}`

beforeAll(async () => {
  browser = await launchBrowser()
  page = await newPage(browser)
  const { adminEmail, adminPassword } = e2eEnv()
  const signIn = new SignInPage(page)
  await signIn.goto()
  await signIn.signIn(adminEmail, adminPassword)
})
afterAll(async () => {
  await browser?.close()
})

async function save(testId: string) {
  await Promise.all([page.waitForNavigation(), page.getByTestId(testId).click()])
  const errors = page.locator('.govuk-error-summary')
  if (await errors.count()) throw new Error(`The form came back with errors: ${await errors.textContent()}`)
}

async function fillDate(prefix: string, iso: string) {
  const [year, month, day] = iso.split('-') as [string, string, string]
  await page.locator(`#${prefix}-day`).fill(String(Number(day)))
  await page.locator(`#${prefix}-month`).fill(String(Number(month)))
  await page.locator(`#${prefix}-year`).fill(year)
}

/** Chooses the option whose text contains `text` (option labels add details such as the agency). */
async function choose(select: string, text: string) {
  const value = await page.locator(`${select} option`, { hasText: text }).first().getAttribute('value')
  await page.locator(select).selectOption(value ?? '')
}

async function addPerson(name: string, email: string) {
  await page.goto('/p/thurrock/people/new')
  await expectNoAxeViolations(page)
  await page.locator('#name').fill(name)
  await page.locator('#jobTitle').fill('Online safety lead')
  await page.locator('#agencyId').selectOption({ label: agency })
  await page.locator('#email').fill(email)
  await save('save-person')
  expect(await page.locator('h1').textContent()).toContain(name)
  await expectNoAxeViolations(page)
}

describe('an administrator maps the partnership', () => {
  it('adds an agency', async () => {
    await page.goto('/p/thurrock/agencies/new')
    await expectNoAxeViolations(page)
    await page.locator('#name').fill(agency)
    await page.locator('input[name="kind"][value="voluntary"]').check()
    await page.locator('#sector').selectOption('voluntary')
    await save('save-agency')
    expect(await page.locator('h1').textContent()).toContain(agency)
    await expectNoAxeViolations(page)
  })

  it('adds two people from it', async () => {
    await addPerson(`Jordan Blake ${suffix}`, `jordan.${suffix}@trust.example`)
    await addPerson(`Riley Stone ${suffix}`, `riley.${suffix}@trust.example`)
  })

  it('adds a task-and-finish group reporting to the executive board', async () => {
    await page.goto('/p/thurrock/groups/new')
    await expectNoAxeViolations(page)
    await page.locator('#name').fill(groupName)
    await page.locator('input[name="kind"][value="task_and_finish"]').check()
    await page.locator('#accountableToId').selectOption({ label: 'Management Executive Board' })
    await page.locator('#purpose').fill('Reviews how partners keep children safe online.')
    await fillDate('endsOn', '2027-06-30')
    await save('save-group')
    expect(await page.locator('h1').textContent()).toContain(groupName)
    await expectNoAxeViolations(page)
  })

  it('seats a member and their designated deputy', async () => {
    const groupUrl = new URL(page.url()).pathname
    await page.goto(`${groupUrl}/members/new`)
    await expectNoAxeViolations(page)
    await choose('#personId', `Jordan Blake ${suffix}`)
    await page.locator('input[name="role"][value="member"]').check()
    await fillDate('startsOn', '2026-11-01')
    await save('save-member')
    await expectNoAxeViolations(page)

    await page.goto(`${groupUrl}/members/new`)
    await choose('#personId', `Riley Stone ${suffix}`)
    await page.locator('input[name="role"][value="deputy"]').check()
    await choose('#deputyForId', `Jordan Blake ${suffix}`)
    await fillDate('startsOn', '2026-11-01')
    await save('save-member')
    await page.goto(groupUrl)
    const members = page.getByTestId('member-row')
    expect(await members.count()).toBe(2)
    expect(await members.allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining(`Riley Stone ${suffix}`)]),
    )
    await expectNoAxeViolations(page)
  })

  it('sees the group on the structure chart, and in the list that describes it', async () => {
    await page.goto('/p/thurrock/groups')
    // The chart wraps long names over several lines; the list says the same in words.
    const chart = await page.getByTestId('structure-chart').innerHTML()
    expect(chart).toContain('Online Safety')
    expect(chart).toContain('Management Executive')
    const list = page.getByTestId('structure-list')
    expect(
      await list.locator('li', { hasText: 'Management Executive Board' }).first().textContent(),
    ).toContain(groupName)
    await expectNoAxeViolations(page)
  })
})
