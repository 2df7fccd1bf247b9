import type { Locator, Page } from 'playwright-core'
import { MeetingsPage } from './meetings-form.ts'
import { meetingUrl } from './schedule-page.ts'

/** Recording a decision at .../decisions/new (views/decisions/record.njk). */
export class RecordDecisionPage extends MeetingsPage {
  readonly implementationError: Locator

  constructor(page: Page) {
    super(page)
    this.implementationError = page.locator('#implementationOn-error')
  }

  async goto(slug: string, meetingId: string): Promise<void> {
    await this.open(`${meetingUrl(slug, meetingId)}/decisions/new`)
  }

  /** Fills the form for a decision reached by consensus and sends it; the caller checks the answer. */
  async recordByConsensus(decision: { item: string; text: string; implementationOn: string }): Promise<void> {
    await this.choose('#agendaItemId', decision.item)
    await this.page.locator('#text').fill(decision.text)
    await this.page.locator('input[name="outcome"][value="consensus"]').check()
    await this.fillDate('implementationOn', decision.implementationOn)
    await this.press('save-decision')
  }
}

/** One decision at /p/:slug/decisions/:decision (views/decisions/decision.njk). */
export class DecisionPage extends MeetingsPage {
  readonly title: Locator
  readonly state: Locator
  readonly summary: Locator
  readonly objections: Locator

  constructor(page: Page) {
    super(page)
    this.title = page.getByTestId('decision-title')
    this.state = page.getByTestId('decision-state')
    this.summary = page.getByTestId('decision-summary')
    this.objections = page.getByTestId('objection-row')
  }

  async goto(slug: string, decisionId: string): Promise<void> {
    await this.open(`/p/${slug}/decisions/${decisionId}`)
  }

  /** The decision's id, from the address of the page. */
  decisionId(): string {
    const id = this.path().match(/\/decisions\/([0-9a-f-]{36})/)?.[1]
    if (!id) throw new Error(`Not a decision's page: ${this.path()}`)
    return id
  }

  /** "D-2026-001" or whatever reference the heading gives. */
  async reference(): Promise<string> {
    return ((await this.title.textContent()) ?? '').replace(/^\s*Decision\s+/, '').trim()
  }

  async stateText(): Promise<string> {
    return ((await this.state.textContent()) ?? '').trim()
  }
}

/** Recording a partner agency's objection at /p/:slug/decisions/:decision/objections/new. */
export class ObjectionPage extends MeetingsPage {
  async goto(slug: string, decisionId: string): Promise<void> {
    await this.open(`/p/${slug}/decisions/${decisionId}/objections/new`)
  }

  /** The agencies the select offers. */
  async agencies(): Promise<string[]> {
    return (await this.page.locator('#agencyId option').allTextContents())
      .map((text) => text.trim())
      .filter((text) => text && text !== 'Choose an agency')
  }

  async record(objection: { agency: string; receivedOn: string; reasons: string }): Promise<void> {
    await this.choose('#agencyId', objection.agency)
    await this.fillDate('receivedOn', objection.receivedOn)
    await this.page.locator('#reasons').fill(objection.reasons)
    await this.submit('save-objection')
  }
}

/** The register of decisions at /p/:slug/decisions (views/decisions/register.njk). */
export class DecisionRegisterPage extends MeetingsPage {
  readonly rows: Locator

  constructor(page: Page) {
    super(page)
    this.rows = page.getByTestId('register-row')
  }

  async goto(slug: string, query = ''): Promise<void> {
    await this.open(`/p/${slug}/decisions${query}`)
  }

  /** The row of the decision with `reference`. */
  row(reference: string): Locator {
    return this.rows.filter({
      has: this.page.getByTestId('register-reference').getByText(reference, { exact: true }),
    })
  }
}
