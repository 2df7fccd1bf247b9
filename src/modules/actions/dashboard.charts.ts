import * as Plot from '@observablehq/plot'
import { parseHTML } from 'linkedom'

/**
 * The dashboard's bar charts, drawn on the server as SVG with Observable Plot over linkedom's
 * `document`. A chart is a picture of its table: it has `role="img"`, a title and a description
 * that say what it shows, and the page puts the table with the same figures beside it.
 *
 * Our Content-Security-Policy allows no inline styles, so Plot's `<style>` element is removed:
 * the SVG's presentation attributes (fill, font size, text anchor) carry everything it needs.
 */

const { document } = parseHTML('<!doctype html><html><head></head><body></body></html>')

const BLUE = '#1d70b8'
const RED = '#d4351c'
const GREY = '#b1b4b6'
const WIDTH = 640

export interface ChartBar {
  label: string
  value: number
  /** Drawn lighter behind the bar: the whole the value is part of (vertical charts). */
  total?: number
}

export interface BarChartOptions {
  /** Unique on the page: the title's and description's ids derive from it. */
  id: string
  title: string
  /** The text alternative: what the chart shows, in a sentence or two. */
  summary: string
  bars: ChartBar[]
  orientation: 'horizontal' | 'vertical'
  /** The value axis's label. */
  axisLabel: string
  /** Added to each value's label, for example '%'. */
  unit?: string
  /** The top of the value axis (100 for a percentage); the largest value otherwise. */
  max?: number
  /** A reference line, for example the rule's number of days. */
  rule?: number
  /** Red for what is wrong (overdue, late), blue otherwise. */
  tone?: 'bad' | 'neutral'
}

const escapeXml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  )

/** A value as the chart labels it: whole numbers as they are, others to one decimal place. */
export const formatValue = (value: number, unit = '') =>
  `${Number.isInteger(value) ? value : value.toFixed(1)}${unit}`

/** Cuts a label to `max` characters with an ellipsis (the table beside the chart has it whole). */
export function shorten(label: string, max = 32): string {
  return label.length <= max ? label : `${label.slice(0, max - 1).trimEnd()}…`
}

/**
 * Charts already drawn, by everything that goes into them: the same figures draw the same SVG, and
 * drawing one takes Plot 4 to 5 ms of CPU, more than the rest of the page. The least recently used
 * go first.
 */
const drawn = new Map<string, string>()
const DRAWN_MAX = 500

/** A bar chart as an SVG string, or '' when there is nothing to draw (the page says so instead). */
export function barChart(options: BarChartOptions): string {
  if (options.bars.length === 0) return ''
  const key = JSON.stringify(options)
  const cached = drawn.get(key)
  if (cached !== undefined) {
    drawn.delete(key)
    drawn.set(key, cached)
    return cached
  }
  const svg = drawBarChart(options)
  drawn.set(key, svg)
  if (drawn.size > DRAWN_MAX) drawn.delete(drawn.keys().next().value as string)
  return svg
}

function drawBarChart(options: BarChartOptions): string {
  const bars = options.bars.map((b, i) => ({ ...b, key: String(i) }))
  const keys = bars.map((b) => b.key)
  const labelOf = (key: string) => bars[Number(key)]?.label ?? ''
  const largest = Math.max(
    options.max ?? 0,
    options.rule ?? 0,
    ...bars.map((b) => Math.max(b.value, b.total ?? 0)),
  )
  const domain: [number, number] = [0, largest > 0 ? largest : 1]
  const fill = options.tone === 'bad' ? RED : BLUE
  const valueText = (d: { value: number }) => formatValue(d.value, options.unit)
  const svg =
    options.orientation === 'horizontal'
      ? horizontal(options, bars, keys, labelOf, domain, fill, valueText)
      : vertical(options, bars, keys, labelOf, domain, fill)
  return finishChart(svg, options)
}

type Bar = ChartBar & { key: string }

/** The little of linkedom's SVG element used here (the project compiles without the DOM library). */
export interface SvgNode {
  querySelectorAll(selector: string): Iterable<{ remove(): void; removeAttribute(name: string): void }>
  setAttribute(name: string, value: string): void
  removeAttribute(name: string): void
  readonly outerHTML: string
}

function horizontal(
  options: BarChartOptions,
  bars: Bar[],
  keys: string[],
  labelOf: (key: string) => string,
  domain: [number, number],
  fill: string,
  valueText: (d: { value: number }) => string,
) {
  const longest = Math.max(...bars.map((b) => shorten(b.label).length))
  return Plot.plot({
    document,
    width: WIDTH,
    height: 40 + bars.length * 28,
    marginLeft: Math.min(250, 12 + longest * 7.2),
    marginRight: 56,
    x: { domain, label: options.axisLabel, grid: true, nice: options.max === undefined },
    y: { domain: keys, label: null, tickFormat: (key: string) => shorten(labelOf(key)), tickSize: 0 },
    marks: [
      Plot.barX(bars, { x: 'value', y: 'key', fill }),
      Plot.text(bars, {
        x: 'value',
        y: 'key',
        text: valueText,
        textAnchor: 'start',
        dx: 4,
        fill: '#0b0c0c',
      }),
      ...(options.rule === undefined
        ? []
        : [Plot.ruleX([options.rule], { stroke: '#0b0c0c', strokeDasharray: '4,3' })]),
      Plot.ruleX([0]),
    ],
  }) as unknown as SvgNode
}

function vertical(
  options: BarChartOptions,
  bars: Bar[],
  keys: string[],
  labelOf: (key: string) => string,
  domain: [number, number],
  fill: string,
) {
  // One label in `step`, so the bottom axis stays readable over several years of months.
  const step = Math.max(1, Math.ceil(bars.length / 6))
  const withTotals = bars.filter((b) => b.total !== undefined)
  return Plot.plot({
    document,
    width: WIDTH,
    height: 260,
    marginBottom: 40,
    x: {
      domain: keys,
      label: null,
      tickFormat: (key: string) => (Number(key) % step === 0 ? labelOf(key) : ''),
      tickSize: 0,
      padding: 0.15,
    },
    y: { domain, label: options.axisLabel, grid: true, nice: options.max === undefined },
    marks: [
      ...(withTotals.length ? [Plot.barY(withTotals, { x: 'key', y: 'total', fill: GREY })] : []),
      Plot.barY(bars, { x: 'key', y: 'value', fill }),
      Plot.ruleY([0]),
    ],
  }) as unknown as SvgNode
}

/**
 * The accessible, CSP-safe SVG: no `<style>`, `role="img"`, a title and a description. Every
 * server-drawn chart ends here (the reviews' timeline too).
 */
export function finishChart(
  svg: SvgNode,
  options: Pick<BarChartOptions, 'id' | 'title' | 'summary'>,
): string {
  for (const style of svg.querySelectorAll('style')) style.remove()
  // Plot writes 10px text; 12px reads better beside the page's 19px (the margins allow for it).
  svg.setAttribute('font-size', '12')
  svg.setAttribute('class', 'masa-chart')
  svg.setAttribute('role', 'img')
  svg.setAttribute('aria-labelledby', `${options.id}-title`)
  svg.setAttribute('aria-describedby', `${options.id}-desc`)
  svg.setAttribute('data-testid', `${options.id}-chart`)
  svg.removeAttribute('aria-label')
  // Plot labels each mark's <g> too; inside role="img" those are prohibited (axe
  // aria-prohibited-attr): the title, the description and the data table say it all.
  for (const labelled of svg.querySelectorAll('[aria-label]')) labelled.removeAttribute('aria-label')
  // Plot's coordinates carry float noise (515.6800000000001): a tenth of a pixel is plenty.
  const html = svg.outerHTML.replace(
    /="([^"]*)"/g,
    (_, value: string) =>
      `="${value.replace(/-?\d+\.\d{2,}/g, (n) => String(Math.round(Number(n) * 10) / 10))}"`,
  )
  const open = html.indexOf('>') + 1
  return `${html.slice(0, open)}<title id="${escapeXml(options.id)}-title">${escapeXml(options.title)}</title><desc id="${escapeXml(options.id)}-desc">${escapeXml(options.summary)}</desc>${html.slice(open)}`
}

/** "A: 3, B: 2 and C: 1": the figures in a sentence, for a description. */
export function listInWords(items: { label: string; value: number }[], unit = '', limit = 8): string {
  const parts = items.slice(0, limit).map((i) => `${i.label}: ${formatValue(i.value, unit)}`)
  const more = items.length > limit ? ` and ${items.length - limit} more` : ''
  if (parts.length <= 1) return `${parts[0] ?? ''}${more}`
  return more ? `${parts.join(', ')}${more}` : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`
}

// --- The dashboard's charts, from its figures ---------------------------------------------------

/** The figures each chart draws (the shapes dashboard.service.ts gives). */
export interface ChartFigures {
  period: string
  overdue: { rows: { agencyName: string; count: number }[] }
  responses: { ruleDays: number; rows: { agencyName: string; medianWorkingDays: number | null }[] }
  papers: { months: { label: string; papers: number; late: number }[] }
  minutes: { ruleDays: number; rows: { groupName: string; onTimePercent: number | null }[] }
  attendance: { rows: { groupName: string; ratePercent: number | null }[] }
}

/** Each section's chart as SVG ('' when the section has nothing to draw). */
export function dashboardCharts(f: ChartFigures) {
  const overdue = f.overdue.rows.map((r) => ({ label: r.agencyName, value: r.count }))
  const responses = f.responses.rows.flatMap((r) =>
    r.medianWorkingDays === null ? [] : [{ label: r.agencyName, value: r.medianWorkingDays }],
  )
  const months = f.papers.months.map((m) => ({ label: m.label, value: m.late, total: m.papers }))
  const minutes = f.minutes.rows.flatMap((r) =>
    r.onTimePercent === null ? [] : [{ label: r.groupName, value: r.onTimePercent }],
  )
  const attendance = f.attendance.rows.flatMap((r) =>
    r.ratePercent === null ? [] : [{ label: r.groupName, value: r.ratePercent }],
  )
  const table = 'The table below the chart gives the figures.'
  return {
    overdue: barChart({
      id: 'overdue',
      title: 'Overdue actions by agency',
      summary: `Overdue actions by owner agency, deadlines from ${f.period}: ${listInWords(overdue)}. ${table}`,
      bars: overdue,
      orientation: 'horizontal',
      axisLabel: 'Overdue actions',
      tone: 'bad',
    }),
    responses: barChart({
      id: 'responses',
      title: 'Median working days to respond, by agency',
      summary: `Median working days from the action matrix’s issue to the first response, responses from ${f.period}: ${listInWords(responses)}. The dashed line marks the ${f.responses.ruleDays} working days the rule allows. ${table}`,
      bars: responses,
      orientation: 'horizontal',
      axisLabel: 'Median working days',
      rule: f.responses.ruleDays,
    }),
    papers: months.some((m) => m.total > 0)
      ? barChart({
          id: 'papers',
          title: 'Late papers by month',
          summary: `Papers by the month of their meeting, from ${f.period}: grey bars are all papers due, red bars those circulated late. ${listInWords(
            months.filter((m) => m.total > 0).map((m) => ({ label: m.label, value: m.value })),
            ' late',
            12,
          )}. ${table}`,
          bars: months,
          orientation: 'vertical',
          axisLabel: 'Papers',
          tone: 'bad',
        })
      : '',
    minutes: barChart({
      id: 'minutes',
      title: 'Draft minutes to the chair on time, by group',
      summary: `Share of meetings held from ${f.period} whose draft minutes went to the chair within ${f.minutes.ruleDays} working days: ${listInWords(minutes, '%')}. ${table}`,
      bars: minutes,
      orientation: 'horizontal',
      axisLabel: 'On time (%)',
      unit: '%',
      max: 100,
    }),
    attendance: barChart({
      id: 'attendance',
      title: 'Attendance rate by group',
      summary: `Share of recorded seats filled by the member or a deputy at meetings held from ${f.period}: ${listInWords(attendance, '%')}. ${table}`,
      bars: attendance,
      orientation: 'horizontal',
      axisLabel: 'Seats filled (%)',
      unit: '%',
      max: 100,
    }),
  }
}
