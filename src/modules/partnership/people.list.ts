import { z } from 'zod'
import { pagination, registerLinks } from '../../platform/http/pagination.ts'
import { hasLeft, type PeoplePage, type PersonSort } from './people.repository.ts'

export const PAGE_SIZE = 25

/** The directory's query string. Anything unexpected falls back to the default, never to an error page. */
export const directoryQuery = z.object({
  q: z
    .string()
    .trim()
    .max(200)
    .optional()
    .catch(undefined)
    .transform((v) => v || undefined),
  agency: z
    .string()
    .regex(/^[0-9a-f-]{36}$/i)
    .optional()
    .catch(undefined),
  status: z.enum(['current', 'left']).optional().catch(undefined),
  sort: z.enum(['name', 'jobTitle', 'agency']).catch('name'),
  order: z.enum(['asc', 'desc']).catch('asc'),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
})
export type DirectoryQuery = z.output<typeof directoryQuery>

const columns: { key: PersonSort; text: string }[] = [
  { key: 'name', text: 'Name' },
  { key: 'jobTitle', text: 'Job title' },
  { key: 'agency', text: 'Agency' },
]
const statusLabels = { current: 'Current', left: 'Left' } as const

/** Everything the directory shows, every link keeping the other choices (filters, sort). */
export function directoryView(
  base: string,
  query: DirectoryQuery,
  result: PeoplePage,
  agencies: readonly { id: string; name: string }[],
  today: string,
) {
  const { href, head } = registerLinks(
    base,
    query,
    ['q', 'agency', 'status', 'sort', 'order', 'page'] as const,
    columns,
  )
  const agencyName = agencies.find((a) => a.id === query.agency)?.name
  const selected = [
    query.q ? { heading: 'Contains', text: query.q, href: href({ q: undefined, page: 1 }) } : null,
    query.agency && agencyName
      ? { heading: 'Agency', text: agencyName, href: href({ agency: undefined, page: 1 }) }
      : null,
    query.status
      ? { heading: 'Status', text: statusLabels[query.status], href: href({ status: undefined, page: 1 }) }
      : null,
  ].filter((item) => item !== null)
  return {
    head,
    rows: result.rows.map((person) => ({ ...person, left: hasLeft(person, today) })),
    total: result.total,
    filtered: selected.length > 0,
    selectedFilters: selected.length
      ? {
          heading: { text: 'Selected filters' },
          clearLink: {
            text: 'Clear filters',
            href: href({ q: undefined, agency: undefined, status: undefined, page: 1 }),
          },
          categories: selected.map((s) => ({
            heading: { text: s.heading },
            items: [{ href: s.href, text: s.text }],
          })),
        }
      : undefined,
    pagination: pagination(result, href),
    results: {
      from: result.total === 0 ? 0 : (result.page - 1) * PAGE_SIZE + 1,
      to: Math.min(result.page * PAGE_SIZE, result.total),
    },
    agencyItems: [{ value: '', text: 'Any agency' }, ...agencies.map((a) => ({ value: a.id, text: a.name }))],
    statusItems: [
      { value: '', text: 'Anyone' },
      { value: 'current', text: statusLabels.current },
      { value: 'left', text: statusLabels.left },
    ],
  }
}
