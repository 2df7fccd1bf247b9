import * as Plot from '@observablehq/plot'
import { parseHTML } from 'linkedom'
import { formatDate } from '../../platform/calendar/dates.ts'
import { finishChart, type SvgNode, shorten } from '../actions/dashboard.charts.ts'

/**
 * The board's timeline, drawn on the server as SVG with Observable Plot over linkedom's
 * `document`, as the compliance dashboard's charts are: one row per case from its start to its
 * publication (or today), a mark at each deadline (met, missed or still to come) and a line for
 * today. It is a picture of the table the page puts right after it: `role="img"`, a title and a
 * description. No `<style>` (the Content-Security-Policy allows no inline styles).
 */

const { document } = parseHTML('<!doctype html><html><head></head><body></body></html>')

const BAR = '#5694ca'
const GREEN = '#00703c'
const RED = '#d4351c'
const BLUE = '#1d70b8'
const WIDTH = 760

export type MarkState = 'met' | 'missed' | 'due'

export interface TimelineMark {
  label: string
  due: string
  state: MarkState
}

export interface TimelineRow {
  reference: string
  start: string
  /** The publication date, or today while the case is open. */
  end: string
  marks: TimelineMark[]
}

export interface TimelineOptions {
  id: string
  title: string
  summary: string
  rows: TimelineRow[]
  today: string
}

const asDate = (day: string) => new Date(`${day}T00:00:00Z`)

export const markStateText: Record<MarkState, string> = {
  met: 'met',
  missed: 'missed',
  due: 'still to come',
}

/** The timeline as an SVG string, or '' when there is no case to draw (the page says so instead). */
export function timelineChart(options: TimelineOptions): string {
  const { rows, today } = options
  if (rows.length === 0) return ''
  const keys = rows.map((_, i) => String(i))
  const labelOf = (key: string) => rows[Number(key)]?.reference ?? ''
  const bars = rows.map((r, i) => ({ key: String(i), x1: asDate(r.start), x2: asDate(r.end) }))
  const marks = rows.flatMap((r, i) =>
    r.marks.map((m) => ({ key: String(i), x: asDate(m.due), state: m.state })),
  )
  const of = (state: MarkState) => marks.filter((m) => m.state === state)
  const days = [today, ...rows.flatMap((r) => [r.start, r.end, ...r.marks.map((m) => m.due)])].sort()
  const longest = Math.max(...rows.map((r) => shorten(r.reference, 24).length))
  const svg = Plot.plot({
    document,
    width: WIDTH,
    height: 60 + rows.length * 30,
    marginLeft: Math.min(200, 16 + longest * 7.2),
    marginRight: 24,
    x: { type: 'utc', domain: [asDate(days[0]!), asDate(days.at(-1)!)], label: null, grid: true, nice: true },
    y: { domain: keys, label: null, tickFormat: (key: string) => shorten(labelOf(key), 24), tickSize: 0 },
    marks: [
      Plot.barX(bars, { x1: 'x1', x2: 'x2', y: 'key', fill: BAR, insetTop: 8, insetBottom: 8 }),
      Plot.dot(of('met'), { x: 'x', y: 'key', symbol: 'circle', fill: GREEN, stroke: '#ffffff', r: 5 }),
      Plot.dot(of('missed'), { x: 'x', y: 'key', symbol: 'times', stroke: RED, strokeWidth: 3, r: 6 }),
      Plot.dot(of('due'), { x: 'x', y: 'key', symbol: 'triangle', fill: BLUE, stroke: '#ffffff', r: 6 }),
      Plot.ruleX([asDate(today)], { stroke: '#0b0c0c', strokeDasharray: '4,3' }),
      Plot.text([asDate(today)], {
        x: (d: Date) => d,
        frameAnchor: 'top',
        text: () => `Today, ${formatDate(today)}`,
        textAnchor: 'start',
        dx: 4,
        dy: -2,
        fill: '#0b0c0c',
      }),
    ],
  }) as unknown as SvgNode
  return finishChart(svg, options)
}

/** What the timeline shows, in words, for its description. */
export function timelineSummary(rows: TimelineRow[], today: string): string {
  const count = (state: MarkState) =>
    rows.reduce((n, r) => n + r.marks.filter((m) => m.state === state).length, 0)
  const cases = rows.length === 1 ? '1 case' : `${rows.length} cases`
  return (
    `${cases}, each drawn from its start (the day the local authority became aware, or the day a ` +
    `handed-over review was recorded) to its publication or today (${formatDate(today)}). Deadlines: ` +
    `${count('met')} met (green circles), ${count('missed')} missed (red crosses), ${count('due')} still ` +
    'to come (blue triangles). The table after the chart gives every date.'
  )
}
