import { describe, expect, it } from 'vitest'
import { buildForest, renderStructureChart, renderStructureList, wrap } from './structure-chart.ts'

const thurrock = [
  { id: 'sg', name: 'Strategic Group', accountableToId: null, label: 'Strategic group' },
  { id: 'meb', name: 'Management Executive Board', accountableToId: 'sg' },
  { id: 'lpr', name: 'Learning and Practice Review Group', accountableToId: 'meb' },
  { id: 'audit', name: 'Multi-Agency Audit Group', accountableToId: 'meb' },
  { id: 'mace', name: 'Multi-Agency Child Exploitation Group', accountableToId: 'meb' },
  { id: 'cdop', name: 'SET Child Death Overview Panel', accountableToId: null },
]

describe('structure chart', () => {
  it('draws a box for every group and a line for every reporting line', () => {
    const svg = renderStructureChart(thurrock)
    for (const g of thurrock) expect(svg).toContain(`data-group="${g.id}"`)
    expect(svg.match(/<rect /g)).toHaveLength(6)
    const lines = [...svg.matchAll(/data-from="([^"]+)" data-to="([^"]+)"/g)].map((m) => `${m[1]}>${m[2]}`)
    expect(lines.sort()).toEqual(['audit>meb', 'lpr>meb', 'mace>meb', 'meb>sg'])
    expect(svg).toContain('Management Executive')
    expect(svg).toContain('Strategic group')
  })

  it('is an image with a title that names it, sized by its content', () => {
    const svg = renderStructureChart(thurrock, { title: 'Structure of Thurrock LSCP', id: 'chart' })
    expect(svg).toMatch(/^<svg [^>]*role="img" aria-labelledby="chart-title"/)
    expect(svg).toContain('<title id="chart-title">Structure of Thurrock LSCP</title>')
    const width = Number(svg.match(/ width="(\d+)"/)?.[1])
    const height = Number(svg.match(/ height="(\d+)"/)?.[1])
    // Four columns of leaves (three sub-groups and the second root), three rows.
    expect(width).toBe(4 * 200 + 3 * 24 + 16)
    expect(height).toBeGreaterThan(3 * 60)
    const one = renderStructureChart([{ id: 'a', name: 'A', accountableToId: null }])
    expect(Number(one.match(/ width="(\d+)"/)?.[1])).toBe(216)
  })

  it('puts a parent above the middle of its children, roots side by side', () => {
    const svg = renderStructureChart(thurrock)
    const x = (id: string) => Number(svg.match(new RegExp(`data-group="${id}"><rect x="([\\d.]+)"`))?.[1])
    const y = (id: string) =>
      Number(svg.match(new RegExp(`data-group="${id}"><rect x="[\\d.]+" y="([\\d.]+)"`))?.[1])
    expect(x('meb')).toBe(x('audit'))
    expect(x('meb')).toBe((x('lpr') + x('mace')) / 2)
    expect(y('sg')).toBe(y('cdop'))
    expect(y('meb')).toBeGreaterThan(y('sg'))
    expect(x('cdop')).toBeGreaterThan(x('mace'))
  })

  it('escapes names, in the chart and in the list', () => {
    const evil = [
      { id: 'x"y', name: '<script>alert("hi")</script> & Co', accountableToId: null, href: '/g?a=1&b="2"' },
    ]
    const svg = renderStructureChart(evil)
    expect(svg).not.toContain('<script>')
    expect(svg).toContain('&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt;')
    expect(svg).toContain('&amp; Co')
    expect(svg).toContain('data-group="x&quot;y"')
    const list = renderStructureList(evil)
    expect(list).not.toContain('<script>')
    expect(list).toContain('href="/g?a=1&amp;b=&quot;2&quot;"')
  })

  it('lists the same reporting lines as nested lists', () => {
    const list = renderStructureList(thurrock.map((g) => ({ ...g, href: `/groups/${g.id}` })))
    expect(list).toMatch(
      /^<ul [^>]*><li><a [^>]*>Strategic Group<\/a> \(Strategic group\)<ul [^>]*><li><a [^>]*>Management Executive Board<\/a><ul [^>]*><li>/,
    )
    expect(list.match(/<li>/g)).toHaveLength(6)
    expect(list.match(/<ul /g)).toHaveLength(3)
  })

  it('draws every group once even when the data has a cycle or a missing parent', () => {
    const bad = [
      { id: 'a', name: 'A', accountableToId: 'b' },
      { id: 'b', name: 'B', accountableToId: 'a' },
      { id: 'c', name: 'C', accountableToId: 'gone' },
    ]
    const forest = buildForest(bad)
    expect(forest.map((n) => n.group.id).sort()).toEqual(['a', 'c'])
    expect(renderStructureChart(bad).match(/<rect /g)).toHaveLength(3)
    expect(renderStructureChart([])).toBe('')
  })

  it('wraps long names at spaces', () => {
    expect(wrap('Multi-Agency Child Exploitation Group')).toEqual([
      'Multi-Agency Child',
      'Exploitation Group',
    ])
    expect(wrap('Supercalifragilisticexpialidocious panel')).toEqual([
      'Supercalifragilisticexpialidocious',
      'panel',
    ])
  })
})
