/** GOV.UK pagination: first, last, and the pages either side of the current one, with gaps. */
export function pagination(
  result: { page: number; pages: number },
  href: (changes: { page: number }) => string,
) {
  if (result.pages <= 1) return null
  const numbers = [...new Set([1, result.page - 1, result.page, result.page + 1, result.pages])]
    .filter((n) => n >= 1 && n <= result.pages)
    .sort((a, b) => a - b)
  const items: ({ number: number; href: string; current: boolean } | { ellipsis: true })[] = []
  numbers.forEach((n, i) => {
    const previous = numbers[i - 1]
    if (previous !== undefined && n - previous > 1) items.push({ ellipsis: true })
    items.push({ number: n, href: href({ page: n }), current: n === result.page })
  })
  return {
    items,
    previous: result.page > 1 ? { href: href({ page: result.page - 1 }) } : undefined,
    next: result.page < result.pages ? { href: href({ page: result.page + 1 }) } : undefined,
  }
}

type QueryValue = string | number | undefined

/**
 * A register's links: `href` keeps every other choice (filters, sort, page) and leaves defaults out
 * of the address; `head` gives each sortable column its link and `aria-sort`. The current column's
 * link turns the order round; another column starts in ascending order.
 */
export function registerLinks<Q extends { sort: string; order: 'asc' | 'desc' }>(
  base: string,
  query: Q,
  keys: readonly (keyof Q & string)[],
  columns: readonly { key: string; text: string }[],
) {
  const href = (changes: Partial<Record<keyof Q & string, QueryValue>>) => {
    const merged = { ...query, ...changes } as Record<string, QueryValue>
    const params = new URLSearchParams()
    for (const key of keys) {
      const value = merged[key]
      const isDefault =
        (key === 'sort' && value === 'name') ||
        (key === 'order' && value === 'asc') ||
        (key === 'page' && value === 1)
      if (value !== undefined && value !== '' && !isDefault) params.set(key, String(value))
    }
    const search = params.toString()
    return search ? `${base}?${search}` : base
  }
  const head = columns.map((column) => {
    const current = query.sort === column.key
    const order = current && query.order === 'asc' ? 'desc' : 'asc'
    return {
      key: column.key,
      text: column.text,
      href: href({ sort: column.key, order, page: 1 } as Partial<Record<keyof Q & string, QueryValue>>),
      ariaSort: current ? (query.order === 'asc' ? 'ascending' : 'descending') : 'none',
    }
  })
  return { href, head }
}
