import { describe, expect, it } from 'vitest'
import { type TimelineRow, timelineChart, timelineSummary } from './overview.chart.ts'

const rows: TimelineRow[] = [
  {
    reference: 'Child Q',
    start: '2025-06-02',
    end: '2025-12-15',
    marks: [
      { label: 'Notified', due: '2025-06-09', state: 'met' },
      { label: 'Sent to Foundations', due: '2025-12-22', state: 'missed' },
    ],
  },
  {
    reference: 'Child R & <S>',
    start: '2026-02-23',
    end: '2026-03-02',
    marks: [{ label: 'Notified', due: '2026-03-02', state: 'due' }],
  },
]

describe('the reviews timeline', () => {
  it('is an accessible SVG with no inline style: role img, a title and a description', () => {
    const svg = timelineChart({
      id: 'timeline',
      title: 'Timeline of cases',
      summary: timelineSummary(rows, '2026-03-02'),
      rows,
      today: '2026-03-02',
    })
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg).toContain('role="img"')
    expect(svg).toContain('aria-labelledby="timeline-title"')
    expect(svg).toContain('aria-describedby="timeline-desc"')
    expect(svg).toContain('<title id="timeline-title">Timeline of cases</title>')
    expect(svg).toContain('1 met (green circles), 1 missed (red crosses), 1 still to come (blue triangles)')
    expect(svg).not.toContain('<style')
    expect(svg).not.toMatch(/<g[^>]*aria-label/)
    // One bar per case, one mark per deadline, a line for today with its label.
    expect(svg.match(/<rect /g)?.length).toBeGreaterThanOrEqual(2)
    expect(svg).toContain('Today, 2 March 2026')
    expect(svg).toContain('Child R &amp; &lt;S&gt;')
    expect(svg).not.toContain('<S>')
  })

  it('draws nothing without cases', () => {
    expect(timelineChart({ id: 't', title: 'T', summary: '', rows: [], today: '2026-03-02' })).toBe('')
  })
})
