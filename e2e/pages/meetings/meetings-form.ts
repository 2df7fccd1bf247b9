import type { Locator, Page } from 'playwright-core'
import { Layout } from '../layout.ts'

// What the meetings module's pages share in the browser tests: sending a form and waiting for the
// page the server answers with, the GOV.UK date inputs, selects whose options say more than a name,
// and the dates the journey needs (London's, as the server counts them).

/** Today in London as YYYY-MM-DD, on this machine's clock (the server under test shares it). */
export function londonToday(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(now)
}

/** The minutes past midnight in London now. */
export function londonMinutesNow(now: Date = new Date()): number {
  const [hours, minutes] = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  })
    .format(now)
    .split(':')
    .map(Number) as [number, number]
  return hours * 60 + minutes
}

/** `day` (YYYY-MM-DD) plus `days` calendar days. */
export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T12:00:00Z`)
  date.setUTCDate(date.getUTCDate() + days)
  return date.toISOString().slice(0, 10)
}

/** "30 November 2026", as the pages write a date. */
export function longDate(day: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${day}T12:00:00Z`))
}

/** A small, valid one-page PDF that says `text` (cross-reference table and all). */
export function minimalPdf(text: string): Buffer {
  const safe = text.replace(/[()\\]/g, '')
  const stream = `BT /F1 18 Tf 72 720 Td (${safe}) Tj ET`
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`,
  ]
  let body = '%PDF-1.4\n'
  const offsets: number[] = []
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'))
    body += `${i + 1} 0 obj\n${object}\nendobj\n`
  })
  const xref = Buffer.byteLength(body, 'latin1')
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(body, 'latin1')
}

/** A page of the meetings module with a form on it. */
export class MeetingsPage extends Layout {
  readonly flash: Locator

  constructor(page: Page) {
    super(page)
    this.flash = page.locator('.govuk-notification-banner--success')
  }

  /**
   * Presses the button `testId` and waits for the page the server answers with; throws with the
   * error summary's text when the form came back with errors.
   */
  async submit(testId: string): Promise<void> {
    await this.press(testId)
    if (await this.errorSummary.count()) {
      throw new Error(
        `The form at ${this.path()} came back with errors: ${(await this.errorSummary.innerText()).trim()}`,
      )
    }
  }

  /** Presses the button `testId` and waits for the next page, whatever it says. */
  async press(testId: string): Promise<void> {
    await Promise.all([this.page.waitForNavigation(), this.page.getByTestId(testId).click()])
  }

  /** The text of the error summary (empty when there is none). */
  async errors(): Promise<string> {
    if (!(await this.errorSummary.count())) return ''
    return (await this.errorSummary.innerText()).trim()
  }

  /** Fills the three boxes of a GOV.UK date input (`<prefix>-day`, `-month`, `-year`). */
  async fillDate(prefix: string, iso: string): Promise<void> {
    const [year, month, day] = iso.split('-') as [string, string, string]
    await this.page.locator(`#${prefix}-day`).fill(String(Number(day)))
    await this.page.locator(`#${prefix}-month`).fill(String(Number(month)))
    await this.page.locator(`#${prefix}-year`).fill(year)
  }

  /** Chooses the first option of `select` whose text contains `text`; returns the option's text. */
  async choose(select: string, text: string | RegExp): Promise<string> {
    const option = this.page.locator(`${select} option`, { hasText: text }).first()
    if (!(await option.count())) {
      const offered = await this.page.locator(`${select} option`).allTextContents()
      throw new Error(`${select} offers no option like ${text}: ${offered.join(' | ')}`)
    }
    const value = (await option.getAttribute('value')) ?? ''
    await this.page.locator(select).selectOption(value)
    return ((await option.textContent()) ?? '').trim()
  }
}
