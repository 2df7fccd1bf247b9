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
