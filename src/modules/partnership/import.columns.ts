import type { ImportKind } from './import.table.ts'
import { agencyKinds, membershipRoles, sectors } from './structure.table.ts'

export interface Column {
  key: string
  header: string
  required?: boolean
  /** Allowed values (keys); labels in the file are matched too. */
  choices?: readonly string[]
}

/** The columns of each register, in the order exports write them and imports expect them. */
export const columns: Record<ImportKind, Column[]> = {
  agencies: [
    { key: 'name', header: 'Name', required: true },
    { key: 'kind', header: 'Kind', required: true, choices: agencyKinds },
    { key: 'sector', header: 'Sector', required: true, choices: sectors },
    { key: 'executive_name', header: 'Executive name' },
    { key: 'executive_title', header: 'Executive title' },
    { key: 'executive_email', header: 'Executive email' },
  ],
  people: [
    { key: 'name', header: 'Name', required: true },
    { key: 'job_title', header: 'Job title' },
    { key: 'agency', header: 'Agency' },
    { key: 'email', header: 'Email' },
  ],
  memberships: [
    { key: 'group', header: 'Group', required: true },
    { key: 'person_email', header: 'Person email', required: true },
    { key: 'role', header: 'Role', required: true, choices: membershipRoles },
    { key: 'agency', header: 'Agency' },
    { key: 'starts_on', header: 'Starts on', required: true },
    { key: 'ends_on', header: 'Ends on' },
    { key: 'deputy_for_email', header: 'Deputy for email' },
  ],
}

/** "Relevant agency", "relevant-agency" and "relevant_agency" all mean relevant_agency. */
export function matchChoice(value: string, choices: readonly string[]): string | undefined {
  const key = value
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
  return choices.find((c) => c === key)
}

export const importKindLabels: Record<ImportKind, string> = {
  agencies: 'Agencies',
  people: 'People',
  memberships: 'Memberships of groups',
}
