import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectNoAxeViolations, launchBrowser, newPage } from './browser.ts'
import { e2eEnv } from './env.ts'
import {
  ActionPage,
  ActionRegisterPage,
  AddActionPage,
  MeetingActionsPage,
  RespondPage,
  textOf,
} from './pages/actions/actions-page.ts'
import {
  AgencyCompliancePage,
  CompliancePage,
  DashboardPage,
  LetterFormPage,
  LetterPage,
} from './pages/actions/compliance-page.ts'
import { IssueMatrixPage, OutboxPage, ResponseLinkPage } from './pages/actions/matrix-page.ts'
import { londonMinutesNow, londonToday, longDate } from './pages/meetings/meetings-form.ts'
import { MeetingsListPage, ScheduleMeetingPage } from './pages/meetings/schedule-page.ts'
import { SignInPage } from './pages/sign-in-page.ts'

// The actions of issue 6 in the browser, on the Thurrock example: the business team (as the
// administrator) adds an action at a meeting of the Audit Group and issues the action matrix;
// the owner, who has no account, answers through the single-use link e-mailed to them; then
// Essex Police's overdue action (from the example) is answered late, which calls for an
// escalation letter: drafted, downloaded as Word, recorded as sent, and seen on the dashboard
// and the agency's compliance page. Axe checks every page visited.

const slug = 'thurrock'
const group = 'Audit Group'
const escalated = 'Essex Police'
const actionText =
  'Send the group the agency’s audit of supervision records for children on child protection plans, with its findings'
const linkAnswer =
  'The audit of 25 supervision records is attached to the agency’s return: 21 met the standard; the 4 that did not have been raised with team managers.'
const lateAnswer =
  'Sorry this is late. Our guidance has been updated to reflect the decision and went to every team this morning.'

/** The example's owner for the new action: a person of a partner agency with an e-mail and no account. */
function ownerWithoutAccount(): { name: string; email: string; agency: string } {
  const preset = JSON.parse(readFileSync(new URL('../presets/thurrock.json', import.meta.url), 'utf8')) as {
    people: { key: string; name: string; email?: string; agency: string | null }[]
    accounts: { person: string }[]
  }
  const withAccount = new Set(preset.accounts.map((a) => a.person))
  const person = preset.people.find((p) => p.agency && p.email && !withAccount.has(p.key))
  if (!person?.agency || !person.email)
    throw new Error('presets/thurrock.json has no person of an agency with an e-mail and no account')
  return { name: person.name, email: person.email.toLowerCase(), agency: person.agency }
}

let browser: Browser
let page: Page
const today = londonToday()
const owner = ownerWithoutAccount()
let meetingId = ''
let actionId = ''
let reference = ''
let responseLink = ''
let agencyId = ''
let overdueReference = ''
let failureReferences: string[] = []
let letterId = ''

/** Opens `path` in `on` (the administrator's page by default), expects 200 and runs axe on it. */
async function visit(path: string, on: Page = page) {
  const response = await on.goto(path)
  expect(response?.status(), `${path} answered ${response?.status()}`).toBe(200)
  await expectNoAxeViolations(on)
}

beforeAll(async () => {
  // The meeting runs from 00:01 to 00:30 today: it must have started when the journey runs.
  if (londonMinutesNow() < 2)
    throw new Error('Run this journey after 00:02 London time (the meeting starts at 00:01)')
  browser = await launchBrowser()
  page = await newPage(browser)
})
afterAll(async () => {
  await browser?.close()
})

describe('an action is issued and answered by link, and a late answer calls for an escalation letter', () => {
  it('1. the administrator signs in', async () => {
    const { adminEmail, adminPassword } = e2eEnv()
    const signIn = new SignInPage(page)
    await signIn.goto()
    await expectNoAxeViolations(page)
    await signIn.signIn(adminEmail, adminPassword)
    expect(await signIn.signOutButton.count()).toBe(1)
    await expectNoAxeViolations(page)
  })

  it('2. schedules a meeting of the Audit Group for today', async () => {
    const form = new ScheduleMeetingPage(page)
    await form.goto(slug)
    await expectNoAxeViolations(page)
    await form.schedule({
      group,
      heldOn: today,
      startTime: '00:01',
      endTime: '00:30',
      location: 'Meeting Room 2, Tilbury Community Hub, Civic Square, Tilbury',
    })
    const list = new MeetingsListPage(page)
    expect(list.path()).toBe(`/p/${slug}/meetings`)
    meetingId = await list.scheduledMeetingId()
    await expectNoAxeViolations(page)
  })

  it('3. adds an action for a partner agency, owned by someone without an account', async () => {
    const form = new AddActionPage(page)
    await form.goto(slug, meetingId)
    expect(await form.headingText()).toBe('Add an action')
    expect(await textOf(form.source)).toContain(group)
    expect(await textOf(form.source)).toContain(longDate(today))
    await expectNoAxeViolations(page)
    await form.add({ description: actionText, agency: owner.agency, person: owner.name })

    const action = new ActionPage(page)
    actionId = action.actionId()
    reference = await action.reference()
    expect(reference).toMatch(new RegExp(`^A${today.slice(0, 4)}-\\d{4}$`))
    expect(await textOf(action.successBanner)).toContain('Action added')
    expect(await action.ragText()).toBe('Not issued yet')
    expect(await textOf(action.summary)).toContain(actionText)
    expect(await textOf(action.ownerAgency)).toBe(owner.agency)
    expect(await textOf(action.summary)).toContain(owner.name)
    expect(await textOf(action.deadline)).toBe('Not issued yet')
    await expectNoAxeViolations(page)

    const tab = new MeetingActionsPage(page)
    await tab.goto(slug, meetingId)
    const row = tab.row(reference)
    expect(await row.count()).toBe(1)
    expect(await textOf(row.getByTestId('action-rag'))).toBe('Not issued yet')
    await expectNoAxeViolations(page)
  })

  it('4. checks the action matrix, then issues it: the owner gets a single-use link', async () => {
    const issue = new IssueMatrixPage(page)
    await issue.goto(slug, meetingId)
    const deadline = await textOf(issue.deadline)
    expect(deadline).toContain('Responses due by')
    expect(deadline).toContain(`${longDate(today)} + 10 working days`)
    const card = issue.agency(owner.agency)
    expect(await card.count()).toBe(1)
    expect(await textOf(card)).toContain(reference)
    expect(await issue.recipients(owner.agency)).toContain(
      `${owner.name} (${owner.email}): gets a single-use link`,
    )
    expect(await issue.problems.count()).toBe(0)
    await expectNoAxeViolations(page)
    await issue.issue()

    expect(issue.path()).toBe(`/p/${slug}/meetings/${meetingId}/actions/issue`)
    expect(await textOf(issue.successBanner)).toContain(
      'The action matrix was issued: 1 action, 1 e-mail sent',
    )
    expect(await issue.nothingToIssue.count()).toBe(1)
    expect((await issue.issuedCaptions())[0]).toContain(`Issued on ${longDate(today)}`)
    await expectNoAxeViolations(page)

    const action = new ActionPage(page)
    await action.goto(slug, actionId)
    expect(['Open', 'Due soon']).toContain(await action.ragText())
    expect(await textOf(action.deadlineExplanation)).toContain(`${longDate(today)} + 10 working days`)
    await expectNoAxeViolations(page)
  })

  it('5. the e-mail to the owner in the outbox holds the response link', async () => {
    const outbox = new OutboxPage(page)
    await outbox.goto(slug)
    expect(await outbox.messages(owner.email, `Actions for ${owner.agency}`).count()).toBeGreaterThan(0)
    await expectNoAxeViolations(page)
    await outbox.openMessage(owner.email, `Actions for ${owner.agency}`)
    const body = await outbox.bodyText()
    expect(body).toContain(`Dear ${owner.name},`)
    expect(body).toContain(`${reference}: ${actionText}`)
    expect(body).toContain('Do not write the name of any child')
    const link = body.match(/(https?:\/\/\S+)?(\/respond\/[A-Za-z0-9_-]+)/)
    expect(link, `no response link in:\n${body}`).not.toBeNull()
    responseLink = link![2]!
    await expectNoAxeViolations(page)
  })

  it('6. the owner answers through the link, with no account and no session; the link then says it was used', async () => {
    const ownerPage = await newPage(browser)
    try {
      const form = new ResponseLinkPage(ownerPage)
      await visit(responseLink, ownerPage)
      expect(await form.headingText()).toBe(`Answer ${owner.agency}’s actions`)
      expect(await form.signOutButton.count()).toBe(0)
      expect(await form.action(actionId).count()).toBe(1)
      expect(await textOf(form.action(actionId))).toContain(reference)
      await form.answer(actionId, linkAnswer)

      expect(await textOf(form.sentPanel)).toContain('Your responses were sent')
      expect(await textOf(form.sentPanel)).toContain(owner.agency)
      expect(await textOf(form.answered)).toContain(reference)
      expect(await textOf(form.answered)).not.toContain('Late')
      await expectNoAxeViolations(ownerPage)

      const again = await ownerPage.goto(responseLink)
      expect(again?.status()).toBe(410)
      expect(await textOf(form.problem)).toBe('This link has been used')
      expect(await textOf(ownerPage.locator('main'))).toContain('Nothing was changed')
      await expectNoAxeViolations(ownerPage)
    } finally {
      await ownerPage.context().close()
    }

    const action = new ActionPage(page)
    await action.goto(slug, actionId)
    expect(await action.ragText()).toBe('Answered')
    expect(await action.responses.count()).toBe(1)
    expect(await textOf(action.responses.first())).toContain(linkAnswer)
    expect(await action.responseTimeliness()).toBe('On time')
    await expectNoAxeViolations(page)
  })

  it(`7. ${escalated}’s overdue action from the example is answered now, late`, async () => {
    const register = new ActionRegisterPage(page)
    await register.goto(slug)
    agencyId = await register.agencyId(escalated)
    await visit(`/p/${slug}/actions?agency=${agencyId}&rag=overdue`)
    const references = await register.references()
    expect(references).toHaveLength(1)
    overdueReference = references[0]!
    expect(await textOf(register.rows.first().getByTestId('register-rag'))).toBe('Overdue')

    // Before: the failure is on the compliance page, not answered.
    const compliance = new CompliancePage(page)
    await visit(`/p/${slug}/compliance`)
    const before = await compliance.failuresOf(escalated)
    expect(before.find((f) => f.reference === overdueReference)?.answered).toBe('Not answered')

    await register.goto(slug, { agency: agencyId, rag: 'overdue' })
    await register.openRow(0)
    const action = new ActionPage(page)
    expect(await action.reference()).toBe(overdueReference)
    expect(await action.ragText()).toBe('Overdue')
    expect(await textOf(action.ownerAgency)).toBe(escalated)
    await expectNoAxeViolations(page)
    await action.respond()

    const respond = new RespondPage(page)
    expect(respond.path()).toMatch(/^\/p\/thurrock\/actions\/[0-9a-f-]{36}\/respond$/)
    expect(await respond.headingText()).toBe('Answer the action')
    expect(await respond.overdue.count()).toBe(1)
    await expectNoAxeViolations(page)
    await respond.answer(lateAnswer)
    expect(await textOf(respond.successBanner)).toContain(
      'It came after the deadline, so it is recorded as late',
    )
    expect(await textOf(respond.responses)).toContain(lateAnswer)
    expect(await textOf(respond.responses)).toContain('Late')
    await expectNoAxeViolations(page)
  })

  it('8. the compliance page now asks for an escalation letter: it is drafted listing both failures', async () => {
    const compliance = new CompliancePage(page)
    await visit(`/p/${slug}/compliance`)
    expect(await compliance.prompt(escalated)).toMatch(
      new RegExp(`^${escalated} has responded late twice since .+: issue an escalation letter$`),
    )
    const failures = await compliance.failuresOf(escalated)
    expect(failures).toHaveLength(2)
    expect(failures.every((f) => f.answered.includes('Answered late'))).toBe(true)
    expect(failures.find((f) => f.reference === overdueReference)?.answered).toContain(longDate(today))
    failureReferences = failures.map((f) => f.reference)
    await compliance.draftLetter(escalated)

    const form = new LetterFormPage(page)
    expect(form.path()).toBe(`/p/${slug}/compliance/letters/new`)
    expect(await form.headingText()).toBe('Draft an escalation letter')
    expect(await textOf(page.locator('main'))).toContain('The letter lists 2 failures to respond on time')
    const body = await form.bodyText()
    for (const ref of failureReferences) expect(body).toContain(ref)
    expect(body).toContain(`answered ${longDate(today)}`)
    await expectNoAxeViolations(page)
    await form.save({ name: 'Jordan Hale', title: 'Chief Constable' })

    const letter = new LetterPage(page)
    letterId = letter.letterId()
    expect(await textOf(letter.successBanner)).toContain('Letter saved')
    expect(await textOf(letter.status)).toBe('Draft')
    expect(await textOf(letter.summary)).toContain(`Jordan Hale, Chief Constable, ${escalated}`)
    expect((await letter.failureReferences()).sort()).toEqual([...failureReferences].sort())
    await expectNoAxeViolations(page)
  })

  it('9. downloads the letter as a Word document and records it as sent', async () => {
    const letter = new LetterPage(page)
    const [download] = await Promise.all([page.waitForEvent('download'), letter.docxLink.click()])
    expect(download.suggestedFilename()).toMatch(/\.docx$/)
    const content = await readFile((await download.path())!)
    // A Word document is a zip holding word/document.xml.
    expect(content.subarray(0, 2).toString('latin1')).toBe('PK')
    expect(content.includes(Buffer.from('word/document.xml'))).toBe(true)
    const response = await page.request.get(`/p/${slug}/compliance/letters/${letterId}/letter.docx`)
    expect(response.status()).toBe(200)
    expect(response.headers()['content-type']).toContain(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    )

    const sentOn = await letter.recordSent()
    expect(sentOn).toBe(today)
    expect(await letter.headingText()).toContain(`Record that the letter to ${escalated} was sent`)
    await expectNoAxeViolations(page)
    await letter.confirmSent()
    expect(letter.path()).toBe(`/p/${slug}/compliance/letters/${letterId}`)
    expect(await textOf(letter.successBanner)).toContain('Letter recorded as sent')
    expect(await textOf(letter.status)).toBe(`Sent ${longDate(today)}`)
    expect(await textOf(letter.partnersTold)).toMatch(/^\d+ strategic partners? (was|were) told by e-mail\.$/)
    expect(await letter.recordSentButton.count()).toBe(0)
    await expectNoAxeViolations(page)
  })

  it(`10. the dashboard shows ${escalated}’s figures and the letter`, async () => {
    // Axe runs on both views of the dashboard; what it finds is reported after every figure is checked.
    const found: string[] = []
    const axeLater = () => expectNoAxeViolations(page).catch((error: Error) => found.push(error.message))
    const dashboard = new DashboardPage(page)
    await dashboard.goto(slug)
    const figures = (await dashboard.responsesOf(escalated)).join(' | ')
    expect(figures).toContain('2 (2 late, 0 unanswered)')
    expect(await dashboard.overdueRows.filter({ hasText: escalated }).count()).toBe(0)
    const letterRow = dashboard.letterRows.filter({ hasText: escalated })
    expect(await letterRow.count()).toBe(1)
    expect(await textOf(letterRow)).toContain('Sent')
    expect(await textOf(letterRow.locator('td').nth(2))).toBe('2')
    await axeLater()

    await dashboard.filterByAgency(escalated)
    expect(await textOf(dashboard.scope)).toContain(`for ${escalated}`)
    expect(await dashboard.responseRows.count()).toBe(1)
    expect(await textOf(dashboard.lettersTotal)).toBe('1 letter')
    expect(await dashboard.letterRows.count()).toBe(1)
    await axeLater()
    expect(found, found.join('\n')).toEqual([])
  })

  it(`11. ${escalated}’s compliance page shows the letter sent, and no letter due`, async () => {
    const agency = new AgencyCompliancePage(page)
    await visit(`/p/${slug}/agencies/${agencyId}/compliance`)
    expect(await agency.prompt.count()).toBe(0)
    expect(await textOf(agency.notDue)).toContain('no letter is due')
    expect(await agency.letters.count()).toBe(1)
    expect(await textOf(agency.letters.first().getByTestId('letter-status'))).toBe(`Sent ${longDate(today)}`)
    expect(await textOf(agency.letters.first())).toContain('Jordan Hale')
    expect(await agency.failures.count()).toBe(2)
    expect(await textOf(agency.failures.filter({ hasText: overdueReference }))).toContain('Answered late')
  })
})
