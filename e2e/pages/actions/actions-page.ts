import type { Locator, Page } from 'playwright-core'
import { MeetingsPage } from '../meetings/meetings-form.ts'

// The actions module's pages in the browser tests (issue 6): adding an action to a meeting, its
// page, the meeting's Actions tab, the register and answering an action signed in.

/** An action's address in a partnership. */
export const actionUrl = (slug: string, actionId: string) => `/p/${slug}/actions/${actionId}`

/** The text of a locator, trimmed ('' when it is not there). */
export async function textOf(locator: Locator): Promise<string> {
  if (!(await locator.count())) return ''
  return ((await locator.first().textContent()) ?? '').replace(/\s+/g, ' ').trim()
}

/** Adding an action at /p/:slug/actions/new?meeting=:id (views/actions/form.njk). */
export class AddActionPage extends MeetingsPage {
  readonly source: Locator

  constructor(page: Page) {
    super(page)
    this.source = page.getByTestId('action-source')
  }

  async goto(slug: string, meetingId: string): Promise<void> {
    await this.open(`/p/${slug}/actions/new?meeting=${meetingId}`)
  }

  /** Fills the form and sends it; throws with the error summary when it comes back with errors. */
  async add(fields: { description: string; agency: string; person?: string | RegExp }): Promise<void> {
    await this.page.getByTestId('action-description').fill(fields.description)
    await this.choose('#ownerAgencyId', fields.agency)
    if (fields.person) await this.choose('#ownerPersonId', fields.person)
    await this.submit('save-action')
  }
}

/** One action at /p/:slug/actions/:action (views/actions/action.njk). */
export class ActionPage extends MeetingsPage {
  readonly title: Locator
  readonly rag: Locator
  readonly summary: Locator
  readonly deadline: Locator
  readonly deadlineExplanation: Locator
  readonly ownerAgency: Locator
  readonly responses: Locator
  readonly respondButton: Locator

  constructor(page: Page) {
    super(page)
    this.title = page.getByTestId('action-title')
    this.rag = page.getByTestId('action-rag')
    this.summary = page.getByTestId('action-summary')
    this.deadline = page.getByTestId('deadline')
    this.deadlineExplanation = page.getByTestId('deadline-explanation')
    this.ownerAgency = page.getByTestId('owner-agency')
    this.responses = page.getByTestId('response')
    this.respondButton = page.getByTestId('respond')
  }

  async goto(slug: string, actionId: string): Promise<void> {
    await this.open(actionUrl(slug, actionId))
  }

  /** The action's id, from the address of the page. */
  actionId(): string {
    const id = this.path().match(/\/actions\/([0-9a-f-]{36})$/)?.[1]
    if (!id) throw new Error(`Not an action's page: ${this.path()}`)
    return id
  }

  /** "A2026-0071", from the heading "Action A2026-0071". */
  async reference(): Promise<string> {
    return (await textOf(this.title)).replace(/^Action\s+/, '')
  }

  async ragText(): Promise<string> {
    return textOf(this.rag)
  }

  /** The tag of the response written on `longDate` ("On time" or "Late"). */
  async responseTimeliness(index = 0): Promise<string> {
    return textOf(this.responses.nth(index).getByTestId('response-timeliness'))
  }

  async respond(): Promise<void> {
    await Promise.all([this.page.waitForNavigation(), this.respondButton.click()])
  }
}

/** A meeting's Actions tab at /p/:slug/meetings/:meeting/actions (views/actions/meeting.njk). */
export class MeetingActionsPage extends MeetingsPage {
  readonly rows: Locator

  constructor(page: Page) {
    super(page)
    this.rows = page.getByTestId('action-row')
  }

  async goto(slug: string, meetingId: string): Promise<void> {
    await this.open(`/p/${slug}/meetings/${meetingId}/actions`)
  }

  row(reference: string): Locator {
    return this.rows.filter({
      has: this.page.getByTestId('action-link').getByText(reference, { exact: true }),
    })
  }
}

/** The register at /p/:slug/actions (views/actions/register.njk), filtered by its query string. */
export class ActionRegisterPage extends MeetingsPage {
  readonly rows: Locator

  constructor(page: Page) {
    super(page)
    this.rows = page.getByTestId('register-row')
  }

  async goto(slug: string, query: Record<string, string> = {}): Promise<void> {
    const search = new URLSearchParams(query).toString()
    await this.open(`/p/${slug}/actions${search ? `?${search}` : ''}`)
  }

  /** The value of the option of the owner agency filter named `name`. */
  async agencyId(name: string): Promise<string> {
    const option = this.page.locator('#agency option', { hasText: name }).first()
    const value = (await option.getAttribute('value')) ?? ''
    if (!value) throw new Error(`The owner agency filter offers no ${name}`)
    return value
  }

  async references(): Promise<string[]> {
    return (await this.rows.getByTestId('register-reference').allTextContents()).map((t) => t.trim())
  }

  /** Opens the action of the row at `index`. */
  async openRow(index = 0): Promise<void> {
    await Promise.all([
      this.page.waitForNavigation(),
      this.rows.nth(index).getByTestId('register-reference').click(),
    ])
  }
}

/** Answering an action signed in at /p/:slug/actions/:action/respond (views/responses/respond.njk). */
export class RespondPage extends MeetingsPage {
  readonly summary: Locator
  readonly overdue: Locator
  readonly responses: Locator

  constructor(page: Page) {
    super(page)
    this.summary = page.getByTestId('action-summary')
    this.overdue = page.getByTestId('overdue')
    this.responses = page.getByTestId('responses')
  }

  async goto(slug: string, actionId: string): Promise<void> {
    await this.open(`${actionUrl(slug, actionId)}/respond`)
  }

  async answer(text: string): Promise<void> {
    await this.page.locator('#text').fill(text)
    await this.submit('send-response')
  }
}
