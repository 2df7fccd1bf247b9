import { readFileSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectNoAxeViolations, launchBrowser, newPage } from './browser.ts'
import { e2eEnv } from './env.ts'
import { ActionPage, textOf } from './pages/actions/actions-page.ts'
import { londonToday, longDate } from './pages/meetings/meetings-form.ts'
import {
  DecisionForm,
  DecisionPage,
  IncidentPage,
  NotificationForm,
  PartnersForm,
  RapidReviewForm,
  ReceivedForm,
  RequestForm,
} from './pages/reviews/incident-page.ts'
import { LearningPage, RecommendationActionForm, RecommendationForm } from './pages/reviews/learning-page.ts'
import {
  AddPanelMemberPage,
  PanelPage,
  ReviewDetailsForm,
  ReviewTabPage,
} from './pages/reviews/panel-page.ts'
import { PublicationPage, PublishForm, SendForm } from './pages/reviews/publication-page.ts'
import {
  AddCasePage,
  CaseOverviewPage,
  caseUrl,
  ReviewsBoardPage,
  ReviewsListPage,
  ReviewsReportPage,
  reviewsUrl,
} from './pages/reviews/reviews-page.ts'
import { SignInPage } from './pages/sign-in-page.ts'

// The practice reviews of issue 7 in the browser, on the Thurrock example. The business team (as
// the administrator) opens a serious incident, Child Z, involving Thurrock Council and Essex
// Police: notifies the national panel, tells the partners, asks NELFT for information, records
// the rapid review; the partners decide on a local child safeguarding practice review (refused
// first without a reason); the panel is built from the Individual Practice Review Group (Thurrock
// Council's member refused without an override); the review is published and sent to the national
// panel and Foundations; a recommendation becomes an action of the action matrix. Then the
// example's scrutineer, who is not on the panel, is refused the record and sees only the published
// title. Every date is today's (none may be in the future). Axe checks every page visited.

const slug = 'thurrock'
const reference = 'Child Z'
const summary =
  'A serious incident reported by the police: a 4-year-old known to children’s social care was admitted to hospital with injuries.'
const involved = ['Thurrock Council', 'Essex Police']
const partners = ['Essex Police', 'NHS Mid and South Essex Integrated Care Board', 'Thurrock Council']
const asked = 'NELFT NHS Foundation Trust'
const conclusions =
  'The rapid review found gaps in information sharing between health visiting and early help that a local review should examine.'
const rationale =
  'The rapid review identified learning about multi-agency information sharing that is of local importance and needs a full review.'
const refusedMember = { name: 'Priya Shah', agency: 'Thurrock Council' }
const independentMember = { name: 'Mark Ellis', agency: 'The Probation Service (Essex)' }
const overrideReason =
  'The council’s head of service had no part in the case and no other senior children’s services member is free to sit.'
const publishedTitle = `Learning from ${reference}`
const publicationUrl = 'https://www.thurrocklscp.org.uk/reviews/learning-from-child-z'
const recommendation =
  'Partner agencies should share information about pre-school children known to early help with health visiting within 5 working days.'
const actionOwner = 'The Probation Service (Essex)'

/** The example's scrutineer: signed in with the password every example account shares. */
function scrutineerEmail(): string {
  const preset = JSON.parse(readFileSync(new URL('../presets/thurrock.json', import.meta.url), 'utf8')) as {
    people: { key: string; email?: string }[]
  }
  const email = preset.people.find((p) => p.key === 'scrutineer')?.email
  if (!email) throw new Error('presets/thurrock.json has no person with the key "scrutineer"')
  return email.toLowerCase()
}

let browser: Browser
let page: Page
const today = londonToday()
const year = today.slice(0, 4)
let caseId = ''
let actionReference = ''

/** Opens `path` in `on` (the administrator's page by default), expects 200 and runs axe on it. */
async function visit(path: string, on: Page = page) {
  const response = await on.goto(path)
  expect(response?.status(), `${path} answered ${response?.status()}`).toBe(200)
  await expectNoAxeViolations(on)
}

beforeAll(async () => {
  browser = await launchBrowser()
  page = await newPage(browser)
})
afterAll(async () => {
  await browser?.close()
})

describe('a serious incident goes from notification to a published local review and its actions', () => {
  it('1. the administrator signs in and opens the practice reviews', async () => {
    const { adminEmail, adminPassword } = e2eEnv()
    const signIn = new SignInPage(page)
    await signIn.goto()
    await expectNoAxeViolations(page)
    await signIn.signIn(adminEmail, adminPassword)
    expect(await signIn.signOutButton.count()).toBe(1)
    await expectNoAxeViolations(page)

    const list = new ReviewsListPage(page)
    await visit(reviewsUrl(slug))
    expect(await list.headingText()).toBe('Practice reviews')
    for (const existing of ['Child L', 'Child M', 'Child P', 'Child Q', 'Child R']) {
      expect(await list.caseRow(existing).count(), existing).toBe(1)
    }
    expect(await list.caseRow(reference).count()).toBe(0)
  })

  it(`2. opens ${reference}, a new serious incident: the notification is due in 5 working days`, async () => {
    const list = new ReviewsListPage(page)
    await list.addCase()
    const form = new AddCasePage(page)
    expect(form.path()).toBe(`${reviewsUrl(slug)}/new`)
    expect(await form.headingText()).toBe('Add a case')
    await expectNoAxeViolations(page)
    await form.addSeriousIncident({ reference, becameAwareOn: today, summary, agencies: involved })

    const overview = new CaseOverviewPage(page)
    caseId = overview.caseId()
    expect(overview.path()).toBe(caseUrl(slug, caseId))
    expect(await textOf(overview.successBanner)).toContain('Case opened')
    expect(await textOf(overview.title)).toBe(reference)
    expect(await textOf(overview.stage)).toBe('Serious incident notification')
    expect(await textOf(overview.summaryValue('Summary'))).toBe(summary)
    expect(await textOf(overview.summaryValue('Procedure'))).toBe('Working Together 2023')
    expect(await textOf(overview.summaryValue('Partnership became aware'))).toBe(longDate(today))
    expect(await overview.summaryValue('Agencies involved').locator('li').allTextContents()).toEqual(
      [...involved].sort(),
    )
    const next = await textOf(overview.nextDeadline)
    expect(next).toContain('Next deadline: Serious incident notified to the national panel')
    expect(next).toContain(`${longDate(today)} + 5 working days`)
    expect(await textOf(overview.deadline('notification'))).toContain(`${longDate(today)} + 5 working days`)
    await expectNoAxeViolations(page)
  })

  it('3. records the notification, the partners told, NELFT’s information and the rapid review', async () => {
    const overview = new CaseOverviewPage(page)
    await overview.openTab('Incident and rapid review')
    const incident = new IncidentPage(page)
    expect(incident.path()).toBe(caseUrl(slug, caseId, '/incident'))
    expect(await incident.currentTab()).toBe('Incident and rapid review')
    expect(await textOf(incident.becameAware)).toBe(longDate(today))
    expect(await textOf(incident.notified)).toBe('Not yet')
    expect(await textOf(incident.notificationExplanation)).toContain(`${longDate(today)} + 5 working days`)
    expect(await textOf(incident.notificationTag)).toMatch(/^Due /)
    await expectNoAxeViolations(page)

    // The national panel is notified today.
    await incident.recordNotification()
    const notification = new NotificationForm(page)
    expect(notification.path()).toBe(caseUrl(slug, caseId, '/incident/notification'))
    await expectNoAxeViolations(page)
    await notification.save({ notifiedOn: today })
    expect(incident.path()).toBe(caseUrl(slug, caseId, '/incident'))
    expect(await textOf(incident.successBanner)).toContain('The notification dates were saved')
    expect(await textOf(incident.notified)).toBe(longDate(today))
    expect(await textOf(incident.notificationTag)).toBe('On time')
    expect(await textOf(incident.stage)).toBe('Rapid review')
    expect(await textOf(incident.rapidReviewExplanation)).toContain(`${longDate(today)} + 15 working days`)
    await expectNoAxeViolations(page)

    // The three safeguarding partners are told today.
    await incident.recordPartnersTold()
    const told = new PartnersForm(page)
    expect((await told.offered()).sort()).toEqual([...partners].sort())
    await expectNoAxeViolations(page)
    await told.tell(today)
    expect(await textOf(incident.successBanner)).toContain('The partners told were saved')
    for (const partner of partners) {
      expect(await textOf(incident.partner(partner).locator('td').nth(1)), partner).toBe(longDate(today))
    }
    await expectNoAxeViolations(page)

    // NELFT is asked for information: the form explains the default due date.
    await incident.askForInformation()
    const ask = new RequestForm(page)
    expect(ask.path()).toBe(caseUrl(slug, caseId, '/incident/requests/new'))
    const defaultDue = await textOf(ask.defaultDue)
    expect(defaultDue).toMatch(
      new RegExp(`^\\d{1,2} \\w+ \\d{4}: request on ${longDate(today)} \\+ 5 working days`),
    )
    await expectNoAxeViolations(page)
    await ask.ask(asked, today)
    expect(await textOf(incident.successBanner)).toContain('The request for information was saved')
    const row = incident.request(asked)
    expect(await row.count()).toBe(1)
    expect(await textOf(row.getByTestId('request-explanation'))).toBe(defaultDue)
    expect(await textOf(row.getByTestId('request-tag'))).toMatch(/^Due /)
    await expectNoAxeViolations(page)

    // … and its information arrives today.
    await incident.markReceived(asked)
    const received = new ReceivedForm(page)
    expect(received.path()).toMatch(/\/incident\/requests\/[0-9a-f-]{36}\/received$/)
    await expectNoAxeViolations(page)
    await received.save(today)
    expect(await textOf(incident.successBanner)).toContain('The information was marked as received')
    expect(await textOf(incident.request(asked).locator('td').nth(3))).toBe(longDate(today))
    expect(await textOf(incident.request(asked).getByTestId('request-tag'))).toBe('On time')
    await expectNoAxeViolations(page)

    // The rapid review meets and completes today.
    await incident.recordRapidReview()
    const rapid = new RapidReviewForm(page)
    expect(rapid.path()).toBe(caseUrl(slug, caseId, '/incident/rapid-review'))
    await expectNoAxeViolations(page)
    await rapid.save({ meetingOn: today, completedOn: today, conclusions })
    expect(await textOf(incident.successBanner)).toContain('The rapid review was saved')
    expect(await textOf(incident.rapidReviewMeeting)).toBe(longDate(today))
    expect(await textOf(incident.rapidReviewCompleted)).toBe(longDate(today))
    expect(await textOf(incident.rapidReviewConclusions)).toBe(conclusions)
    expect(await textOf(incident.rapidReviewTag)).toBe('On time')
    expect(await textOf(incident.stage)).toBe('Partners’ decision')
    await expectNoAxeViolations(page)
  })

  it('4. the partners’ decision: refused without a reason, then a local review, to publish within 6 months', async () => {
    const incident = new IncidentPage(page)
    await incident.openTab('Decision')
    const decision = new DecisionPage(page)
    expect(decision.path()).toBe(caseUrl(slug, caseId, '/decision'))
    expect(await decision.noDecision.count()).toBe(1)
    await expectNoAxeViolations(page)

    await decision.recordDecision()
    const form = new DecisionForm(page)
    expect(form.path()).toBe(caseUrl(slug, caseId, '/decision/edit'))
    await expectNoAxeViolations(page)
    await form.trySave({ decision: 'local_review', rationale: '', decidedOn: today })
    expect(form.path()).toBe(caseUrl(slug, caseId, '/decision/edit'))
    expect(await form.errors()).toContain('Enter the reason for the decision')
    expect(await page.locator('#decisionRationale-error').textContent()).toContain(
      'Enter the reason for the decision',
    )
    // What was typed is kept.
    expect(await page.locator('input[name="decision"][value="local_review"]').isChecked()).toBe(true)
    await expectNoAxeViolations(page)

    // Nothing was saved.
    await decision.goto(slug, caseId)
    expect(await decision.noDecision.count()).toBe(1)
    expect(await textOf(decision.stage)).toBe('Partners’ decision')
    await expectNoAxeViolations(page)
    await decision.recordDecision()
    expect(await page.locator('#decisionRationale').inputValue()).toBe('')
    await expectNoAxeViolations(page)
    await form.save({ decision: 'local_review', rationale, decidedOn: today })
    expect(decision.path()).toBe(caseUrl(slug, caseId, '/decision'))
    expect(await textOf(decision.successBanner)).toContain('The decision was saved')
    expect(await textOf(decision.label)).toBe('Local child safeguarding practice review')
    expect(await textOf(decision.rationale)).toBe(rationale)
    expect(await textOf(decision.decidedOn)).toBe(longDate(today))
    expect(await textOf(decision.stage)).toBe('Review in progress')
    const target = await textOf(decision.publicationTarget)
    expect(target).toMatch(/^\d{1,2} \w+ \d{4}$/)
    expect(await textOf(decision.publicationExplanation)).toBe(
      `${target}: decision on ${longDate(today)} + 6 months`,
    )
    expect(await textOf(decision.publicationTag)).toBe(`Due ${target}`)
    await expectNoAxeViolations(page)
  })

  it(`5. the panel: ${refusedMember.name} (${refusedMember.agency}, involved) is refused without an override; ${independentMember.name} is added`, async () => {
    const decision = new DecisionPage(page)
    await decision.openTab('Panel')
    const panel = new PanelPage(page)
    expect(panel.path()).toBe(caseUrl(slug, caseId, '/panel'))
    expect(await textOf(panel.current)).toBe('No-one is on the panel yet.')
    await expectNoAxeViolations(page)

    await panel.addMember()
    const add = new AddPanelMemberPage(page)
    expect(add.path()).toBe(caseUrl(slug, caseId, '/panel/add'))
    expect(await textOf(add.candidate(refusedMember.name))).toContain('Involved in the case')
    expect(await textOf(add.candidate(independentMember.name))).not.toContain('Involved in the case')
    await expectNoAxeViolations(page)

    await add.tryAdd(refusedMember.name)
    expect(add.path()).toBe(caseUrl(slug, caseId, '/panel/add'))
    expect(await add.errors()).toContain(
      `${refusedMember.name} is from ${refusedMember.agency}, which was involved in this case. Members come from agencies with no direct involvement; record an override with a reason to add them.`,
    )
    await expectNoAxeViolations(page)
    await panel.goto(slug, caseId)
    expect(await panel.members().count()).toBe(0)
    await expectNoAxeViolations(page)

    await panel.addMember()
    await expectNoAxeViolations(page)
    await add.add(independentMember.name)
    expect(await textOf(panel.successBanner)).toContain('Added to the panel')
    expect(await panel.memberCells(independentMember.name)).toEqual([
      independentMember.name,
      independentMember.agency,
      'None',
      longDate(today),
      `Remove ${independentMember.name}`,
    ])
    await expectNoAxeViolations(page)

    // With a reason recorded, the independence rule is knowingly set aside.
    await panel.addMember()
    expect(await add.candidate(independentMember.name).count()).toBe(0)
    await expectNoAxeViolations(page)
    await add.add(refusedMember.name, overrideReason)
    expect(await panel.members().count()).toBe(2)
    const cells = await panel.memberCells(refusedMember.name)
    expect(cells[1]).toBe(refusedMember.agency)
    expect(cells[2]).toBe(`Override ${overrideReason}`)
    await expectNoAxeViolations(page)
  })

  it('6. the review: the standard milestones, the terms of reference and the independent reviewer', async () => {
    const panel = new PanelPage(page)
    await panel.openTab('Review')
    const review = new ReviewTabPage(page)
    expect(review.path()).toBe(caseUrl(slug, caseId, '/review'))
    expect(await textOf(review.milestones)).toBe('No milestones yet.')
    await expectNoAxeViolations(page)

    await review.addStandardMilestones()
    expect(await textOf(review.successBanner)).toContain('The standard milestones were added')
    const milestones = await review.milestoneCells()
    expect(milestones.map((m) => m[0])).toEqual([
      'Terms of reference agreed',
      'Panel’s first meeting',
      'First draft received',
      'Final report received',
      'Publication',
    ])
    expect(milestones[0]![1]).toContain(`the decision on ${longDate(today)} + 1 month`)
    expect(milestones[4]![1]).toContain(`decision on ${longDate(today)} + 6 months`)
    expect(milestones.every((m) => m[2] === 'Not yet')).toBe(true)
    await expectNoAxeViolations(page)

    await review.changeDetails()
    const details = new ReviewDetailsForm(page)
    expect(details.path()).toBe(caseUrl(slug, caseId, '/review/details'))
    await expectNoAxeViolations(page)
    await details.save({
      termsOfReference:
        'How agencies shared information about the child before the incident, and how early help and health visiting worked together.',
      reviewerName: 'Dr Amelia Hart',
      reviewerOrganisation: 'Hart Safeguarding Reviews Ltd',
      familyInvolvement: 'The child’s mother agreed to meet the reviewer; the father declined.',
    })
    expect(review.path()).toBe(caseUrl(slug, caseId, '/review'))
    expect(await textOf(review.detail('Terms of reference'))).toContain('How agencies shared information')
    expect(await textOf(review.detail('Independent reviewer'))).toBe(
      'Dr Amelia Hart, Hart Safeguarding Reviews Ltd',
    )
    await expectNoAxeViolations(page)

    // The panel tab shows the reviewer too.
    await panel.goto(slug, caseId)
    expect(await textOf(panel.reviewer)).toContain('Dr Amelia Hart')
    await expectNoAxeViolations(page)
  })

  it('7. publishes the report today and records the sends to the national panel and Foundations, on time', async () => {
    const panel = new PanelPage(page)
    await panel.openTab('Publication')
    const publication = new PublicationPage(page)
    expect(publication.path()).toBe(caseUrl(slug, caseId, '/publication'))
    expect(await textOf(publication.value('Published on'))).toBe('Not published yet')
    await expectNoAxeViolations(page)

    await publication.recordPublication()
    const publish = new PublishForm(page)
    expect(publish.path()).toBe(caseUrl(slug, caseId, '/publication/publish'))
    await expectNoAxeViolations(page)
    await publish.publish({ publishedOn: today, title: publishedTitle, url: publicationUrl })
    expect(await textOf(publication.successBanner)).toContain('Publication recorded')
    expect(await textOf(publication.value('Published on'))).toBe(longDate(today))
    expect(await textOf(publication.value('Published title'))).toBe(publishedTitle)
    expect(await publication.value('Published report').locator('a').getAttribute('href')).toBe(publicationUrl)
    expect(await textOf(publication.value('Publication deadline'))).toMatch(/^On time /)
    expect(await textOf(publication.stage)).toBe('Published: sending to the national panel and Foundations')
    for (const recipient of ['national_panel', 'foundations'] as const) {
      expect(await textOf(publication.sendTag(recipient)), recipient).toMatch(/^Due /)
      expect(await textOf(publication.send(recipient).getByTestId('deadline-explanation'))).toContain(
        `publication on ${longDate(today)} + 7`,
      )
    }
    await expectNoAxeViolations(page)

    for (const recipient of ['national_panel', 'foundations'] as const) {
      await publication.recordSend(recipient)
      const send = new SendForm(page)
      expect(send.path()).toBe(caseUrl(slug, caseId, `/publication/sends/${recipient}`))
      await expectNoAxeViolations(page)
      await send.send(today)
      expect(await textOf(publication.successBanner)).toContain('Send recorded')
      expect(await textOf(publication.send(recipient).locator('td').first())).toBe(longDate(today))
      expect(await textOf(publication.sendTag(recipient)), recipient).toBe('On time')
      await expectNoAxeViolations(page)
    }
    expect(await textOf(publication.stage)).toBe('Closed')
  })

  it('8. learning: a recommendation is turned into an action of the action matrix', async () => {
    const publication = new PublicationPage(page)
    await publication.openTab('Learning')
    const learning = new LearningPage(page)
    expect(learning.path()).toBe(caseUrl(slug, caseId, '/learning'))
    expect(await learning.recommendations.count()).toBe(0)
    await expectNoAxeViolations(page)

    await learning.addRecommendation()
    const form = new RecommendationForm(page)
    expect(form.path()).toBe(caseUrl(slug, caseId, '/learning/recommendations/new'))
    await expectNoAxeViolations(page)
    await form.save(recommendation)
    expect(await textOf(learning.successBanner)).toContain('Recommendation added')
    expect(await textOf(learning.recommendation(1).getByTestId('recommendation-text'))).toBe(recommendation)
    expect(await textOf(learning.recommendation(1).getByTestId('no-actions'))).toBe('No action yet.')
    await expectNoAxeViolations(page)

    await learning.turnIntoAction(1)
    const actionForm = new RecommendationActionForm(page)
    expect(actionForm.path()).toMatch(/\/learning\/recommendations\/[0-9a-f-]{36}\/action$/)
    // The action is seen by everyone who sees its group's actions: the form suggests the
    // recommendation's text alone, and its hint says not to name the case.
    expect(await actionForm.description.inputValue()).toBe(recommendation)
    expect(await textOf(actionForm.descriptionHint)).toContain(`do not name the case (${reference})`)
    await expectNoAxeViolations(page)
    const { group } = await actionForm.create({ agency: actionOwner })
    expect(group).toBe('Learning and Practice Review Group')

    expect(learning.path()).toBe(caseUrl(slug, caseId, '/learning'))
    expect(await textOf(learning.successBanner)).toContain('Action created in the action matrix')
    const links = learning.actionLinks(1)
    expect(await links.count()).toBe(1)
    actionReference = await textOf(links)
    expect(actionReference).toMatch(new RegExp(`^A${year}-\\d{4}$`))
    const actionRow = learning.recommendation(1).getByTestId('recommendation-actions').locator('tbody tr')
    expect(await textOf(actionRow)).toContain(actionOwner)
    expect(await textOf(actionRow)).toContain('Not issued yet')
    await expectNoAxeViolations(page)

    await learning.openAction(1, actionReference)
    const action = new ActionPage(page)
    expect(action.path()).toMatch(/^\/p\/thurrock\/actions\/[0-9a-f-]{36}$/)
    expect(await action.reference()).toBe(actionReference)
    expect(await textOf(action.ownerAgency)).toBe(actionOwner)
    expect(await textOf(action.summary)).toContain(recommendation)
    expect(await textOf(action.summary)).not.toContain(reference)
    expect(await action.ragText()).toBe('Not issued yet')
    await expectNoAxeViolations(page)
  })

  it(`9. the board shows ${reference} in its stage, and the annual report’s figures render`, async () => {
    const board = new ReviewsBoardPage(page)
    await visit(`${reviewsUrl(slug)}/board`)
    expect(await board.headingText()).toBe('Reviews board')
    const row = board.stage('closed').locator(`[data-testid="case-${caseId}"]`)
    expect(await row.count()).toBe(1)
    expect(await textOf(row.locator('th'))).toContain(reference)
    expect(await textOf(row)).toContain('Local child safeguarding practice review')
    expect(await board.caseRow(caseId).count()).toBe(1)
    expect(await textOf(board.timelineTable)).toContain(reference)

    const report = new ReviewsReportPage(page)
    await visit(`${reviewsUrl(slug)}/report`)
    expect(await report.headingText()).toMatch(/^Annual report figures, /)
    expect(await report.figures.count()).toBe(1)

    // The list: Child Z is a case, and a published review under its title.
    const list = new ReviewsListPage(page)
    await visit(reviewsUrl(slug))
    expect(await textOf(list.caseRow(reference).locator('.govuk-tag').first())).toBe('Closed')
    expect(await list.publishedRow(publishedTitle).count()).toBe(1)
  })

  it('10. the example’s scrutineer, not on the panel, is refused the record and sees only the published title', async () => {
    const scrutineer = await newPage(browser)
    try {
      const signIn = new SignInPage(scrutineer)
      await signIn.goto()
      await expectNoAxeViolations(scrutineer)
      await signIn.signIn(scrutineerEmail(), e2eEnv().adminPassword)
      expect(await signIn.signOutButton.count()).toBe(1)
      await expectNoAxeViolations(scrutineer)

      const refused = await scrutineer.goto(caseUrl(slug, caseId))
      expect(refused?.status()).toBe(403)
      expect(await signIn.headingText()).toBe(
        'This review is for the business team, the partners and its panel',
      )
      const main = await textOf(scrutineer.locator('main'))
      expect(main).not.toContain(reference)
      expect(main).not.toContain(summary)
      await expectNoAxeViolations(scrutineer)

      const tab = await scrutineer.goto(caseUrl(slug, caseId, '/learning'))
      expect(tab?.status()).toBe(403)
      expect(await textOf(scrutineer.locator('main'))).not.toContain(recommendation)
      await expectNoAxeViolations(scrutineer)

      const board = await scrutineer.goto(`${reviewsUrl(slug)}/board`)
      expect(board?.status()).toBe(403)
      expect(await signIn.headingText()).toBe('You do not have permission to see this page')
      await expectNoAxeViolations(scrutineer)

      const list = new ReviewsListPage(scrutineer)
      await visit(reviewsUrl(slug), scrutineer)
      expect(await list.cases.count()).toBe(0)
      expect(await list.caseLinks.count()).toBe(0)
      expect(await list.publishedRow(publishedTitle).count()).toBe(1)
      expect(await list.publishedRow(publishedTitle).locator('a').getAttribute('href')).toBe(publicationUrl)
      const listed = await textOf(scrutineer.locator('main'))
      expect(listed).not.toContain(summary)
      expect(listed).not.toContain(rationale)
      expect(listed.replaceAll(publishedTitle, '')).not.toContain(reference)
    } finally {
      await scrutineer.context().close()
    }
  })
})
