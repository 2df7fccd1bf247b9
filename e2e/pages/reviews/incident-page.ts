import type { Locator, Page } from 'playwright-core'
import { CasePage, caseUrl, exactly } from './reviews-page.ts'

// A case's Incident and rapid review tab and its forms (views/incident/*.njk): the notification,
// the partners told, agency information asked for and received, the rapid review; and the
// Decision tab with its form.

/** The tab at /p/:slug/reviews/:case/incident (views/incident/incident.njk). */
export class IncidentPage extends CasePage {
  readonly becameAware: Locator
  readonly notified: Locator
  readonly notificationDue: Locator
  readonly notificationTag: Locator
  readonly notificationExplanation: Locator
  readonly partners: Locator
  readonly rapidReviewDue: Locator
  readonly rapidReviewTag: Locator
  readonly rapidReviewExplanation: Locator
  readonly rapidReviewMeeting: Locator
  readonly rapidReviewCompleted: Locator
  readonly rapidReviewConclusions: Locator
  readonly requests: Locator

  constructor(page: Page) {
    super(page)
    this.becameAware = page.getByTestId('became-aware')
    this.notified = page.getByTestId('notified')
    this.notificationDue = page.getByTestId('notification-due')
    this.notificationTag = page.getByTestId('notification-due-tag')
    this.notificationExplanation = page.getByTestId('notification-due-explanation')
    this.partners = page.getByTestId('partner')
    this.rapidReviewDue = page.getByTestId('rapid-review-due')
    this.rapidReviewTag = page.getByTestId('rapid-review-due-tag')
    this.rapidReviewExplanation = page.getByTestId('rapid-review-due-explanation')
    this.rapidReviewMeeting = page.getByTestId('rapid-review-meeting')
    this.rapidReviewCompleted = page.getByTestId('rapid-review-completed')
    this.rapidReviewConclusions = page.getByTestId('rapid-review-conclusions')
    this.requests = page.getByTestId('request')
  }

  async goto(slug: string, caseId: string): Promise<void> {
    await this.open(caseUrl(slug, caseId, '/incident'))
  }

  /** The row of the partners table for a safeguarding partner agency. */
  partner(agency: string): Locator {
    return this.partners.filter({ has: this.page.locator('td', { hasText: exactly(agency) }) })
  }

  /** The row of the information requests table for an agency. */
  request(agency: string): Locator {
    return this.requests.filter({ has: this.page.locator('td', { hasText: exactly(agency) }) })
  }

  async recordNotification(): Promise<void> {
    await this.press('edit-notification')
  }

  async recordPartnersTold(): Promise<void> {
    await this.press('edit-partners')
  }

  async askForInformation(): Promise<void> {
    await this.press('new-request')
  }

  async markReceived(agency: string): Promise<void> {
    await Promise.all([
      this.page.waitForNavigation(),
      this.request(agency).getByTestId('mark-received').click(),
    ])
  }

  async recordRapidReview(): Promise<void> {
    await this.press('edit-rapid-review')
  }
}

/** The notification dates at …/incident/notification (views/incident/notification.njk). */
export class NotificationForm extends CasePage {
  async save(fields: { notifiedOn: string; becameAwareOn?: string }): Promise<void> {
    if (fields.becameAwareOn) await this.fillDate('becameAwareOn', fields.becameAwareOn)
    await this.fillDate('notifiedOn', fields.notifiedOn)
    await this.submit('save-notification')
  }
}

/** The partners told at …/incident/partners (views/incident/partners.njk). */
export class PartnersForm extends CasePage {
  /** The checkboxes of the safeguarding partners, one for each partner agency. */
  readonly partnerBoxes: Locator

  constructor(page: Page) {
    super(page)
    this.partnerBoxes = page.locator('input[name="agencyIds"]')
  }

  /** Ticks every partner offered (or those named) and saves `toldOn`. */
  async tell(toldOn: string, agencies?: string[]): Promise<void> {
    if (agencies) {
      for (const agency of agencies) await this.page.getByLabel(agency, { exact: true }).check()
    } else {
      for (const box of await this.partnerBoxes.all()) await box.check()
    }
    await this.fillDate('toldOn', toldOn)
    await this.submit('save-partners')
  }

  /** The names of the partners offered. */
  async offered(): Promise<string[]> {
    const labels = this.page.locator('.govuk-checkboxes__label')
    return (await labels.allTextContents()).map((t) => t.trim())
  }
}

/** Asking an agency for information at …/incident/requests/new (views/incident/request.njk). */
export class RequestForm extends CasePage {
  /** The default due date's explanation in the hint ("… request on … + 5 working days"). */
  readonly defaultDue: Locator

  constructor(page: Page) {
    super(page)
    this.defaultDue = page.getByTestId('default-due')
  }

  /** Asks `agency` on `requestedOn`, leaving the due date to its default. */
  async ask(agency: string, requestedOn: string): Promise<void> {
    await this.choose('#agencyId', exactly(agency))
    await this.fillDate('requestedOn', requestedOn)
    await this.submit('save-request')
  }
}

/** Marking information received at …/incident/requests/:id/received (views/incident/received.njk). */
export class ReceivedForm extends CasePage {
  async save(receivedOn: string): Promise<void> {
    await this.fillDate('receivedOn', receivedOn)
    await this.submit('save-received')
  }
}

/** The rapid review at …/incident/rapid-review (views/incident/rapid-review.njk). */
export class RapidReviewForm extends CasePage {
  async save(fields: { meetingOn: string; completedOn: string; conclusions: string }): Promise<void> {
    await this.fillDate('rapidReviewMeetingOn', fields.meetingOn)
    await this.fillDate('rapidReviewCompletedOn', fields.completedOn)
    await this.page.locator('#rapidReviewConclusions').fill(fields.conclusions)
    await this.submit('save-rapid-review')
  }
}

/** The Decision tab at /p/:slug/reviews/:case/decision (views/incident/decision.njk). */
export class DecisionPage extends CasePage {
  readonly noDecision: Locator
  readonly label: Locator
  readonly rationale: Locator
  readonly decidedOn: Locator
  readonly publicationTarget: Locator
  readonly publicationTag: Locator
  readonly publicationExplanation: Locator

  constructor(page: Page) {
    super(page)
    this.noDecision = page.getByTestId('no-decision')
    this.label = page.getByTestId('decision-label')
    this.rationale = page.getByTestId('decision-rationale')
    this.decidedOn = page.getByTestId('decided-on')
    this.publicationTarget = page.getByTestId('publication-target')
    this.publicationTag = page.getByTestId('publication-tag')
    this.publicationExplanation = page.getByTestId('publication-explanation')
  }

  async goto(slug: string, caseId: string): Promise<void> {
    await this.open(caseUrl(slug, caseId, '/decision'))
  }

  async recordDecision(): Promise<void> {
    await this.press('edit-decision')
  }
}

/** The decision's form at …/decision/edit (views/incident/decision-form.njk). */
export class DecisionForm extends CasePage {
  /** Fills the form (a blank rationale stays blank) and sends it, whatever comes back. */
  async fill(fields: { decision: string; rationale: string; decidedOn: string }): Promise<void> {
    await this.page.locator(`input[name="decision"][value="${fields.decision}"]`).check()
    await this.page.locator('#decisionRationale').fill(fields.rationale)
    await this.fillDate('decidedOn', fields.decidedOn)
  }

  /** Sends the form, and waits for the page that comes back (errors and all). */
  async trySave(fields: { decision: string; rationale: string; decidedOn: string }): Promise<void> {
    await this.fill(fields)
    await this.press('save-decision')
  }

  async save(fields: { decision: string; rationale: string; decidedOn: string }): Promise<void> {
    await this.fill(fields)
    await this.submit('save-decision')
  }
}
