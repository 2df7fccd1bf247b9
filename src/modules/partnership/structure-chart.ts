// The partnership's structure drawn on the server as SVG: a box for each group, a line for each
// reporting line, top-down, several roots side by side. The layout is written here rather than
// taken from d3-hierarchy: a structure has a handful of groups, and "leaves in order, each parent
// centred over its children" is a few lines that need no dependency.

export interface ChartGroup {
  id: string
  name: string
  accountableToId: string | null
  /** Shown under the name, for example "Sub-group". */
  label?: string
  /** Where the group's page is, for the list's links. */
  href?: string
}

interface Node {
  group: ChartGroup
  children: Node[]
  depth: number
  lines: string[]
  x: number
  y: number
  height: number
}

const BOX_WIDTH = 200
const H_GAP = 24
const V_GAP = 48
const MARGIN = 8
const PADDING = 10
const LINE_HEIGHT = 20
const LABEL_HEIGHT = 18
const CHARS_PER_LINE = 22

const escapeXml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  )

/** Breaks a name into lines of about `width` characters at spaces; a longer word gets its own line. */
export function wrap(text: string, width = CHARS_PER_LINE): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  if (line) lines.push(line)
  return lines.length ? lines : ['']
}

/**
 * The forest of reporting lines. A group whose group is missing (closed, or outside the list) is
 * a root; so is a group caught in a cycle, so bad data still draws every group once.
 */
export function buildForest(groups: readonly ChartGroup[]): Node[] {
  const byId = new Map(groups.map((g) => [g.id, g]))
  const children = new Map<string, ChartGroup[]>()
  for (const g of groups) {
    if (!g.accountableToId || !byId.has(g.accountableToId)) continue
    const list = children.get(g.accountableToId) ?? []
    list.push(g)
    children.set(g.accountableToId, list)
  }
  const placed = new Set<string>()
  const grow = (group: ChartGroup, depth: number): Node => {
    placed.add(group.id)
    const kids = (children.get(group.id) ?? []).filter((c) => !placed.has(c.id))
    const lines = wrap(group.name)
    const node: Node = {
      group,
      depth,
      lines,
      children: [],
      x: 0,
      y: 0,
      height: PADDING * 2 + lines.length * LINE_HEIGHT + (group.label ? LABEL_HEIGHT : 0),
    }
    for (const kid of kids) if (!placed.has(kid.id)) node.children.push(grow(kid, depth + 1))
    return node
  }
  const roots: Node[] = []
  for (const g of groups)
    if ((!g.accountableToId || !byId.has(g.accountableToId)) && !placed.has(g.id)) roots.push(grow(g, 0))
  for (const g of groups) if (!placed.has(g.id)) roots.push(grow(g, 0))
  return roots
}

function flatten(nodes: Node[], into: Node[] = []): Node[] {
  for (const node of nodes) {
    into.push(node)
    flatten(node.children, into)
  }
  return into
}

/** Leaves take the next column in order; a parent sits centred over its first and last child. */
function layout(roots: Node[]) {
  let column = 0
  const place = (node: Node) => {
    if (node.children.length === 0) {
      node.x = column++ * (BOX_WIDTH + H_GAP)
      return
    }
    for (const child of node.children) place(child)
    const first = node.children[0]!
    const last = node.children.at(-1)!
    node.x = (first.x + last.x) / 2
  }
  for (const root of roots) place(root)
  const all = flatten(roots)
  // Each row is as tall as its tallest box, so the boxes of a row line up at the top.
  const rowHeights: number[] = []
  for (const node of all) rowHeights[node.depth] = Math.max(rowHeights[node.depth] ?? 0, node.height)
  const rowTops: number[] = []
  let top = MARGIN
  for (const [depth, height] of rowHeights.entries()) {
    rowTops[depth] = top
    top += (height ?? 0) + V_GAP
  }
  for (const node of all) {
    node.x += MARGIN
    node.y = rowTops[node.depth] ?? MARGIN
  }
  return {
    all,
    rowHeights,
    width: Math.max(1, column) * (BOX_WIDTH + H_GAP) - H_GAP + MARGIN * 2,
    height: top - V_GAP + MARGIN,
  }
}

export interface ChartOptions {
  /** The image's accessible name; the list after the chart carries the detail. */
  title?: string
  /** Unique on the page, for aria-labelledby. */
  id?: string
}

/** The chart as an SVG string, every piece of text escaped. Empty when there are no groups. */
export function renderStructureChart(groups: readonly ChartGroup[], options: ChartOptions = {}): string {
  if (groups.length === 0) return ''
  const roots = buildForest(groups)
  const { all, rowHeights, width, height } = layout(roots)
  const id = options.id ?? 'structure-chart'
  const title =
    options.title ??
    `Structure chart: ${groups.length} ${groups.length === 1 ? 'group' : 'groups'} and their reporting lines, also listed after the chart`
  const lines: string[] = []
  const boxes: string[] = []
  for (const node of all) {
    const cx = node.x + BOX_WIDTH / 2
    for (const child of node.children) {
      const busY = node.y + (rowHeights[node.depth] ?? node.height) + V_GAP / 2
      const childX = child.x + BOX_WIDTH / 2
      lines.push(
        `<path d="M${cx} ${node.y + node.height}V${busY}H${childX}V${child.y}" data-from="${escapeXml(child.group.id)}" data-to="${escapeXml(node.group.id)}"/>`,
      )
    }
    const text = node.lines
      .map(
        (line, i) =>
          `<tspan x="${cx}" y="${node.y + PADDING + (i + 1) * LINE_HEIGHT - 5}">${escapeXml(line)}</tspan>`,
      )
      .join('')
    const label = node.group.label
      ? `<text x="${cx}" y="${node.y + PADDING + node.lines.length * LINE_HEIGHT + LABEL_HEIGHT - 4}" class="masa-chart__label" font-size="14" fill="#505a5f">${escapeXml(node.group.label)}</text>`
      : ''
    boxes.push(
      `<g data-group="${escapeXml(node.group.id)}"><rect x="${node.x}" y="${node.y}" width="${BOX_WIDTH}" height="${node.height}" rx="2" fill="#ffffff" stroke="#0b0c0c" stroke-width="2"/><text font-size="16" font-weight="700" fill="#0b0c0c">${text}</text>${label}</g>`,
    )
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="masa-structure-chart" role="img" aria-labelledby="${id}-title" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="&quot;GDS Transport&quot;, arial, sans-serif" text-anchor="middle" data-testid="structure-chart">`,
    `<title id="${id}-title">${escapeXml(title)}</title>`,
    `<g fill="none" stroke="#505a5f" stroke-width="2">${lines.join('')}</g>`,
    boxes.join(''),
    '</svg>',
  ].join('')
}

/**
 * The same groups and reporting lines as nested lists: each group with the groups that report to
 * it inside. This is the chart's text equivalent, shown to everyone after it.
 */
export function renderStructureList(groups: readonly ChartGroup[]): string {
  if (groups.length === 0) return ''
  const item = (node: Node): string => {
    const name = node.group.href
      ? `<a class="govuk-link" href="${escapeXml(node.group.href)}">${escapeXml(node.group.name)}</a>`
      : escapeXml(node.group.name)
    const label = node.group.label ? ` (${escapeXml(node.group.label)})` : ''
    const below = node.children.length
      ? `<ul class="govuk-list govuk-list--bullet">${node.children.map(item).join('')}</ul>`
      : ''
    return `<li>${name}${label}${below}</li>`
  }
  return `<ul class="govuk-list govuk-list--bullet" data-testid="structure-list">${buildForest(groups).map(item).join('')}</ul>`
}
