import { readFileSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectNoAxeViolations, launchBrowser, newPage } from './browser.ts'
import { e2eEnv } from './env.ts'
import { AgendaItemFormPage, AgendaPage } from './pages/meetings/agenda-page.ts'
import { AttendancePage, RecordAttendancePage } from './pages/meetings/attendance-page.ts'
import {
  DecisionPage,
  DecisionRegisterPage,
  ObjectionPage,
  RecordDecisionPage,
} from './pages/meetings/decisions-page.ts'
import { MeetingOverviewPage } from './pages/meetings/meeting-page.ts'
import {
  addDays,
  londonMinutesNow,
  londonToday,
  longDate,
  minimalPdf,
} from './pages/meetings/meetings-form.ts'
import {
  CirculateMinutesPage,
  EditMinutesPage,
  MinutesPage,
  SendMinutesPage,
} from './pages/meetings/minutes-page.ts'
import { MyMeetingsPage } from './pages/meetings/my-meetings-page.ts'
import { CirculatePapersPage, PapersPage, UploadPaperPage } from './pages/meetings/papers-page.ts'
import { MeetingsListPage, meetingUrl, ScheduleMeetingPage } from './pages/meetings/schedule-page.ts'
import { SignInPage } from './pages/sign-in-page.ts'

// A meeting of the Thurrock example's Learning and Practice Review Group, from scheduling to a
// partner agency's objection to its decision (issue 5): the business team's side as the
// administrator, the chair's approval in a browser of their own. Axe checks every page visited.

const slug = 'thurrock'
const group = 'Learning and Practice Review Group'
const itemTitle = 'Neglect strategy refresh'
const presenter = 'Head of Quality Assurance, Thurrock Council'
const paperTitle = 'Neglect strategy: draft for consultation'
const decisionText =
  'Agreed the refreshed neglect strategy, to be published after partner agencies have had notice'
const typedDeputy = 'Sam Whitlock'

/** The example's chair of the group: the person with key `chair-lpr` in the Thurrock preset. */
function chairOfGroup(): { name: string; email: string } {
  const preset = JSON.parse(readFileSync(new URL('../presets/thurrock.json', import.meta.url), 'utf8')) as {
    people: { key: string; name: string; email: string }[]
  }
  const chair = preset.people.find((p) => p.key === 'chair-lpr')
  if (!chair) throw new Error('presets/thurrock.json has no person with key chair-lpr')
  return { name: chair.name, email: chair.email.toLowerCase() }
}

let browser: Browser
let page: Page
const today = londonToday()
let meetingId = ''
let meetingPath = ''
let decisionId = ''
let reference = ''

/** Opens `path` as the administrator and runs axe on it. */
async function visit(path: string) {
  const response = await page.goto(path)
  expect(response?.status(), `${path} answered ${response?.status()}`).toBe(200)
  await expectNoAxeViolations(page)
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

describe('the business team runs a meeting from scheduling to an objection to its decision', () => {
  it('1. the administrator signs in', async () => {
    const { adminEmail, adminPassword } = e2eEnv()
    const signIn = new SignInPage(page)
    await signIn.goto()
    await expectNoAxeViolations(page)
    await signIn.signIn(adminEmail, adminPassword)
    expect(await signIn.signOutButton.count()).toBe(1)
    await expectNoAxeViolations(page)
  })

  it('2. schedules a meeting of the group for today, and opens it', async () => {
    const form = new ScheduleMeetingPage(page)
    await form.goto(slug)
    expect(await form.headingText()).toBe('Schedule a meeting')
    await expectNoAxeViolations(page)
    await form.schedule({
      group,
      heldOn: today,
      startTime: '00:01',
      endTime: '00:30',
      location: 'Training Room, Thameside Complex, Orsett Road, Grays',
    })

    const list = new MeetingsListPage(page)
    expect(list.path()).toBe(`/p/${slug}/meetings`)
    expect(await list.banner.textContent()).toContain('View the meeting')
    meetingId = await list.scheduledMeetingId()
    meetingPath = meetingUrl(slug, meetingId)
    const row = list.rows.filter({ has: page.locator(`a[href="${meetingPath}"]`) })
    expect(await row.count()).toBe(1)
    expect(await row.textContent()).toContain(group)
    await expectNoAxeViolations(page)

    const overview = new MeetingOverviewPage(page)
    await Promise.all([page.waitForNavigation(), list.bannerLink.click()])
    expect(overview.path()).toBe(meetingPath)
    expect(await overview.titleText()).toContain(group)
    expect(await overview.when.textContent()).toContain('00:01 to 00:30')
    expect(await overview.summary.textContent()).toContain(longDate(today))
    await expectNoAxeViolations(page)
  })

  it('3. adds an item needing a decision to the agenda', async () => {
    const form = new AgendaItemFormPage(page)
    await form.goto(slug, meetingId)
    await expectNoAxeViolations(page)
    await form.add({
      title: itemTitle,
      description: 'The group is asked to agree the refreshed strategy before it goes to partner agencies.',
      presenter,
      durationMinutes: 10,
      decisionNeeded: true,
    })

    const agenda = new AgendaPage(page)
    expect(agenda.path()).toBe(`${meetingPath}/agenda`)
    const item = agenda.item(itemTitle)
    expect(await item.count()).toBe(1)
    expect(await item.getByTestId('decision-needed').count()).toBe(1)
    expect(await item.textContent()).toContain(`Presented by ${presenter}`)
    await expectNoAxeViolations(page)
  })

  it('4. uploads a paper under the item and circulates it', async () => {
    const upload = new UploadPaperPage(page)
    await upload.goto(slug, meetingId)
    await expectNoAxeViolations(page)
    await upload.upload({
      title: paperTitle,
      item: itemTitle,
      file: { name: 'neglect-strategy.pdf', mimeType: 'application/pdf', buffer: minimalPdf(paperTitle) },
    })

    const papers = new PapersPage(page)
    expect(papers.path()).toBe(`${meetingPath}/papers`)
    expect(await papers.row(paperTitle).count()).toBe(1)
    expect(await papers.row(paperTitle).textContent()).toContain(itemTitle)
    expect(await papers.circulated(paperTitle)).toContain('Not yet')
    await expectNoAxeViolations(page)

    const circulate = new CirculatePapersPage(page)
    await circulate.goto(slug, meetingId)
    expect(await circulate.papersToSend.textContent()).toContain(paperTitle)
    expect(await circulate.recipients.textContent()).toContain(chairOfGroup().name)
    await expectNoAxeViolations(page)
    await circulate.send()

    expect(papers.path()).toBe(`${meetingPath}/papers`)
    expect(await papers.circulated(paperTitle)).toContain(longDate(today))
    expect(await papers.circulations.count()).toBeGreaterThan(0)
    await expectNoAxeViolations(page)
  })

  it('5. records who attended, with a deputy in one seat', async () => {
    const record = new RecordAttendancePage(page)
    await record.goto(slug, meetingId)
    await expectNoAxeViolations(page)
    const seats = await record.seats()
    const chair = seats.find((s) => /\(chair\)$/.test(s.legend))
    expect(chair, `no chair among ${seats.map((s) => s.legend).join('; ')}`).toBeDefined()
    const others = seats.filter((s) => s !== chair)
    expect(others.length).toBeGreaterThan(0)
    await record.setOutcome(chair!.id, 'present')
    const [deputised, ...rest] = others
    const deputy = await record.deputyAttended(deputised!.id, typedDeputy)
    for (const [i, seat] of rest.entries()) await record.setOutcome(seat.id, i === 0 ? 'apologies' : 'absent')
    await expectNoAxeViolations(page)
    await record.save()

    const attendance = new AttendancePage(page)
    expect(attendance.path()).toBe(`${meetingPath}/attendance`)
    expect(await attendance.whatHappened(chairOfGroup().name)).toContain('Present')
    const deputisedName = deputised!.legend
      .split(',')[0]!
      .replace(/\s*\(.*$/, '')
      .trim()
    const happened = await attendance.whatHappened(deputisedName)
    expect(happened).toContain('Deputy attended')
    expect(happened).toContain(deputy)
    expect(await attendance.count('Present')).toBe('1')
    expect(await attendance.count('Deputy attended')).toBe('1')
    expect(await attendance.count('Not recorded')).toBe('0')
    await expectNoAxeViolations(page)
  })

  it('6. drafts the minutes and sends them to the chair', async () => {
    const edit = new EditMinutesPage(page)
    await edit.goto(slug, meetingId)
    await expectNoAxeViolations(page)
    await edit.write('The group agreed the refreshed neglect strategy.', {
      [itemTitle]:
        'The presenter took the group through the draft. Members asked for the early help offer to be clearer.',
    })

    const minutes = new MinutesPage(page)
    expect(minutes.path()).toBe(`${meetingPath}/minutes`)
    expect(await minutes.statusText()).toBe('Drafting')
    expect(await minutes.summary.textContent()).toContain('refreshed neglect strategy')
    expect(await minutes.notes(itemTitle).textContent()).toContain('early help offer')
    await expectNoAxeViolations(page)

    const send = new SendMinutesPage(page)
    await send.goto(slug, meetingId)
    expect(await send.chairs.textContent()).toContain(chairOfGroup().name)
    await expectNoAxeViolations(page)
    await send.confirm()
    expect(minutes.path()).toBe(`${meetingPath}/minutes`)
    expect(await minutes.statusText()).toBe('With the chair')
    await expectNoAxeViolations(page)
  })

  it('7. the chair sees the draft waiting for them and approves it', async () => {
    const chair = chairOfGroup()
    const chairPage = await newPage(browser)
    try {
      const signIn = new SignInPage(chairPage)
      await signIn.goto()
      await signIn.signIn(chair.email, e2eEnv().adminPassword)
      expect(await signIn.signOutButton.count()).toBe(1)
      await expectNoAxeViolations(chairPage)

      const mine = new MyMeetingsPage(chairPage)
      await mine.goto(slug)
      expect(await mine.minutesAwaitingHrefs()).toContain(`${meetingPath}/minutes`)
      await expectNoAxeViolations(chairPage)

      const minutes = new MinutesPage(chairPage)
      await Promise.all([
        chairPage.waitForNavigation(),
        mine.minutesAwaiting.locator(`a[href="${meetingPath}/minutes"]`).click(),
      ])
      expect(await minutes.statusText()).toBe('With the chair')
      expect(await minutes.approveButton.count()).toBe(1)
      await expectNoAxeViolations(chairPage)
      await minutes.approve()
      expect(minutes.path()).toBe(`${meetingPath}/minutes`)
      expect(await minutes.statusText()).toBe('Approved by the chair')
      expect(await minutes.approveButton.count()).toBe(0)
      await expectNoAxeViolations(chairPage)

      await mine.goto(slug)
      expect(await mine.minutesAwaitingHrefs()).not.toContain(`${meetingPath}/minutes`)
      await expectNoAxeViolations(chairPage)
    } finally {
      await chairPage.context().close()
    }
  })

  it('8. circulates the approved minutes', async () => {
    const minutes = new MinutesPage(page)
    await minutes.goto(slug, meetingId)
    expect(await minutes.statusText()).toBe('Approved by the chair')
    await expectNoAxeViolations(page)

    const circulate = new CirculateMinutesPage(page)
    await circulate.goto(slug, meetingId)
    expect(await circulate.recipients.textContent()).toContain(chairOfGroup().name)
    await expectNoAxeViolations(page)
    await circulate.confirm()
    expect(minutes.path()).toBe(`${meetingPath}/minutes`)
    expect(await minutes.statusText()).toBe('Circulated')
    await expectNoAxeViolations(page)
  })

  it('9. records the decision by consensus, refusing too short a notice first', async () => {
    const record = new RecordDecisionPage(page)
    await record.goto(slug, meetingId)
    await expectNoAxeViolations(page)
    await record.recordByConsensus({
      item: itemTitle,
      text: decisionText,
      implementationOn: addDays(today, 1),
    })
    expect(record.path()).toBe(`${meetingPath}/decisions/new`)
    expect(await record.errors()).toContain('implementation date')
    expect(await record.implementationError.textContent()).toContain(
      'The implementation date must be on or after',
    )
    expect(await page.title()).toMatch(/^Error: /)
    await expectNoAxeViolations(page)

    const implementationOn = addDays(today, 40)
    await record.recordByConsensus({ item: itemTitle, text: decisionText, implementationOn })
    expect(await record.errors()).toBe('')
    const decision = new DecisionPage(page)
    decisionId = decision.decisionId()
    reference = await decision.reference()
    expect(reference).not.toBe('')
    expect(await decision.stateText()).toBe('Agreed: awaiting implementation')
    const summary = (await decision.summary.textContent()) ?? ''
    expect(summary).toContain(decisionText)
    expect(summary).toContain(itemTitle)
    expect(summary).toContain('By consensus')
    expect(summary).toContain(longDate(implementationOn))
    expect(await page.getByTestId('no-objections').count()).toBe(1)
    await expectNoAxeViolations(page)

    await visit(`${meetingPath}/decisions`)
    expect(await page.locator('main').textContent()).toContain(reference)
  })

  it('10. records a partner agency’s objection: the decision is suspended, and the register says so', async () => {
    const objection = new ObjectionPage(page)
    await objection.goto(slug, decisionId)
    await expectNoAxeViolations(page)
    const offered = await objection.agencies()
    const agency = offered.find((a) => a === 'Essex Police') ?? offered[0]
    expect(agency, 'the select offers no partner agency').toBeDefined()
    await objection.record({
      agency: agency!,
      receivedOn: today,
      reasons: 'The police ask for the strategy to set out how neglect referrals from officers are triaged.',
    })

    const decision = new DecisionPage(page)
    expect(decision.path()).toBe(`/p/${slug}/decisions/${decisionId}`)
    expect(await decision.stateText()).toBe('Suspended: objection received')
    expect(await decision.objections.count()).toBe(1)
    expect(await decision.objections.first().textContent()).toContain(agency)
    expect(await decision.objections.first().textContent()).toContain(longDate(today))
    await expectNoAxeViolations(page)

    const register = new DecisionRegisterPage(page)
    await register.goto(slug)
    await expectNoAxeViolations(page)
    const row = register.row(reference)
    expect(await row.count()).toBe(1)
    expect(await row.getByTestId('register-state').textContent()).toContain('Suspended: objection received')
    expect(await row.textContent()).toContain(itemTitle)
  })
})
