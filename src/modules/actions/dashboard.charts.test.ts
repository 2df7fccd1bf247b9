import { describe, expect, it } from 'vitest'
import { barChart, dashboardCharts, formatValue, listInWords, shorten } from './dashboard.charts.ts'

const bars = [
  { label: 'Testshire Police', value: 5 },
  { label: 'Testshire Council <Children’s Services>', value: 2.5 },
  { label: 'A school & academy trust with a very long name indeed', value: 0 },
]

describe('bar charts', () => {
  it('draws an accessible SVG: role img, a title and a description it is labelled by', () => {
    const svg = barChart({
      id: 'overdue',
      title: 'Overdue actions by agency',
      summary: 'Police: 5 and Council: 2.5',
      bars,
      orientation: 'horizontal',
      axisLabel: 'Overdue actions',
      tone: 'bad',
    })
    expect(svg).toMatch(/^<svg [^>]*role="img"/)
    expect(svg).toContain('aria-labelledby="overdue-title"')
    expect(svg).toContain('aria-describedby="overdue-desc"')
    expect(svg).toContain('<title id="overdue-title">Overdue actions by agency</title>')
    expect(svg).toContain('<desc id="overdue-desc">Police: 5 and Council: 2.5</desc>')
    expect(svg.match(/<rect /g)).toHaveLength(3)
    expect(svg).toContain('fill="#d4351c"')
    expect(svg.endsWith('</svg>')).toBe(true)
  })

  it('is safe under our Content-Security-Policy and escapes what it is given', () => {
    const svg = barChart({
      id: 'x',
      title: 'A <b>title</b>',
      summary: 'Tom & Jerry',
      bars,
      orientation: 'horizontal',
      axisLabel: 'Count',
    })
    expect(svg).not.toContain('<style')
    expect(svg).not.toMatch(/ style="/)
    expect(svg).not.toContain('<b>')
    expect(svg).toContain('A &lt;b&gt;title&lt;/b&gt;')
    expect(svg).toContain('Tom &amp; Jerry')
    expect(svg).toContain('Testshire Council &lt;Children’s S…')
    expect(svg).not.toContain('<Children')
  })

  it('labels values, draws a reference line and shortens long labels', () => {
    const svg = barChart({
      id: 'r',
      title: 't',
      summary: 's',
      bars,
      orientation: 'horizontal',
      axisLabel: 'Days',
      rule: 10,
    })
    expect(svg).toContain('>2.5</text>')
    expect(svg).toContain('stroke-dasharray="4,3"')
    expect(shorten(bars[2]!.label)).toBe('A school & academy trust with a…')
    expect(svg).toContain('>A school &amp; academy trust with a…</text>')
  })

  it('draws months as columns, with the whole behind the part', () => {
    const months = Array.from({ length: 24 }, (_, i) => ({ label: `M${i}`, value: i % 3, total: 5 }))
    const svg = barChart({
      id: 'papers',
      title: 'Late papers',
      summary: 's',
      bars: months,
      orientation: 'vertical',
      axisLabel: 'Papers',
      tone: 'bad',
    })
    expect(svg).toContain('fill="#b1b4b6"')
    // Two years of months: one in four is labelled.
    expect(svg).toContain('>M0</text>')
    expect(svg).toContain('>M4</text>')
    expect(svg).not.toContain('>M2</text>')
  })

  it('draws nothing without bars, and the same figures give the same SVG', () => {
    const options = { id: 'e', title: 't', summary: 's', orientation: 'horizontal' as const, axisLabel: 'n' }
    expect(barChart({ ...options, bars: [] })).toBe('')
    expect(barChart({ ...options, bars })).toBe(barChart({ ...options, bars: bars.map((b) => ({ ...b })) }))
  })

  it('says the figures in words', () => {
    expect(formatValue(3)).toBe('3')
    expect(formatValue(62.5, '%')).toBe('62.5%')
    expect(listInWords([{ label: 'A', value: 1 }])).toBe('A: 1')
    expect(
      listInWords([
        { label: 'A', value: 1 },
        { label: 'B', value: 2 },
        { label: 'C', value: 3 },
      ]),
    ).toBe('A: 1, B: 2 and C: 3')
    expect(
      listInWords(
        [1, 2, 3].map((n) => ({ label: `G${n}`, value: n })),
        '%',
        2,
      ),
    ).toBe('G1: 1%, G2: 2% and 1 more')
  })

  it('gives each section of the dashboard its chart, with the rule in the description', () => {
    const charts = dashboardCharts({
      period: '1 April 2025 to 31 March 2026',
      overdue: { rows: [{ agencyName: 'Police', count: 2 }] },
      responses: { ruleDays: 10, rows: [{ agencyName: 'Police', medianWorkingDays: 9 }] },
      papers: { months: [{ label: 'Apr 2025', papers: 4, late: 1 }] },
      minutes: { ruleDays: 10, rows: [{ groupName: 'Board', onTimePercent: 50 }] },
      attendance: { rows: [{ groupName: 'Board', ratePercent: null }] },
    })
    expect(charts.overdue).toContain(
      'Overdue actions by owner agency, deadlines from 1 April 2025 to 31 March 2026: Police: 2.',
    )
    expect(charts.responses).toContain('The dashed line marks the 10 working days the rule allows.')
    expect(charts.papers).toContain('Apr 2025: 1 late')
    expect(charts.minutes).toContain('Board: 50%')
    // A group with no seats recorded has no rate to draw.
    expect(charts.attendance).toBe('')
  })
})
