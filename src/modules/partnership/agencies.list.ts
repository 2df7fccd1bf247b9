import { z } from 'zod'
import { pagination, registerLinks } from '../../platform/http/pagination.ts'
import { agencyKindLabels, agencyStatusLabels, sectorLabels } from './agencies.labels.ts'
import { type AgencyPage, type AgencySort, isEnded } from './agencies.repository.ts'
import { agencyKinds, sectors } from './structure.table.ts'

export const PAGE_SIZE = 25

/** The register's query string. Anything unexpected falls back to the default, never to an error page. */
export const registerQuery = z.object({
  q: z
    .string()
    .trim()
    .max(200)
    .optional()
    .catch(undefined)
    .transform((v) => v || undefined),
  kind: z.enum(agencyKinds).optional().catch(undefined),
  sector: z.enum(sectors).optional().catch(undefined),
  status: z.enum(['active', 'ended']).optional().catch(undefined),
  sort: z.enum(['name', 'kind', 'sector']).catch('name'),
  order: z.enum(['asc', 'desc']).catch('asc'),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
})
export type RegisterQuery = z.output<typeof registerQuery>

const columns: { key: AgencySort; text: string }[] = [
  { key: 'name', text: 'Name' },
  { key: 'kind', text: 'Kind' },
  { key: 'sector', text: 'Sector' },
]

const kindTagClasses: Record<string, string> = {
  statutory_partner: 'govuk-tag--purple',
  relevant_agency: 'govuk-tag--blue',
  education: 'govuk-tag--turquoise',
  voluntary: 'govuk-tag--orange',
  other: 'govuk-tag--grey',
}

/** Everything the register page shows, with every link keeping the other choices (filters, sort). */
export function registerView(base: string, query: RegisterQuery, result: AgencyPage, today: string) {
  const { href, head } = registerLinks(
    base,
    query,
    ['q', 'kind', 'sector', 'status', 'sort', 'order', 'page'] as const,
    columns,
  )

  const rows = result.rows.map((agency) => {
    const status = isEnded(agency, today) ? 'ended' : 'active'
    return {
      id: agency.id,
      name: agency.name,
      kind: agencyKindLabels[agency.kind],
      kindClass: kindTagClasses[agency.kind],
      sector: sectorLabels[agency.sector],
      status: agencyStatusLabels[status],
      statusClass: status === 'ended' ? 'govuk-tag--grey' : 'govuk-tag--green',
      activeTo: agency.activeTo,
    }
  })

  const selected = [
    query.q ? { heading: 'Name contains', text: query.q, href: href({ q: undefined, page: 1 }) } : null,
    query.kind
      ? { heading: 'Kind', text: agencyKindLabels[query.kind], href: href({ kind: undefined, page: 1 }) }
      : null,
    query.sector
      ? { heading: 'Sector', text: sectorLabels[query.sector], href: href({ sector: undefined, page: 1 }) }
      : null,
    query.status
      ? {
          heading: 'Status',
          text: agencyStatusLabels[query.status],
          href: href({ status: undefined, page: 1 }),
        }
      : null,
  ].filter((item) => item !== null)

  return {
    head,
    rows,
    total: result.total,
    filtered: selected.length > 0,
    selectedFilters: selected.length
      ? {
          heading: { text: 'Selected filters' },
          clearLink: {
            text: 'Clear filters',
            href: href({ q: undefined, kind: undefined, sector: undefined, status: undefined, page: 1 }),
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
      count: result.total,
    },
    kindItems: [
      { value: '', text: 'Any kind' },
      ...agencyKinds.map((k) => ({ value: k, text: agencyKindLabels[k] })),
    ],
    sectorItems: [
      { value: '', text: 'Any sector' },
      ...sectors.map((s) => ({ value: s, text: sectorLabels[s] })),
    ],
    statusItems: [
      { value: '', text: 'Any status' },
      { value: 'active', text: agencyStatusLabels.active },
      { value: 'ended', text: agencyStatusLabels.ended },
    ],
  }
}
