import type { AgencyKind, Sector, StatutoryRole } from './agencies.repository.ts'

export const agencyKindLabels: Record<AgencyKind, string> = {
  statutory_partner: 'Statutory safeguarding partner',
  relevant_agency: 'Relevant agency',
  education: 'Education or childcare',
  voluntary: 'Voluntary or community',
  other: 'Other',
}

export const agencyKindHints: Record<AgencyKind, string> = {
  statutory_partner: 'The local authority, the police or the Integrated Care Board',
  relevant_agency: 'Named by the safeguarding partners to work with them under the arrangements',
  education: 'Schools, colleges, early years and childcare settings',
  voluntary: 'Charities and community organisations',
  other: 'Anyone else the partnership works with',
}

export const sectorLabels: Record<Sector, string> = {
  local_authority: 'Local authority',
  police: 'Police',
  health: 'Health',
  education: 'Education',
  probation: 'Probation',
  youth_justice: 'Youth justice',
  fire: 'Fire and rescue',
  ambulance: 'Ambulance',
  housing: 'Housing',
  voluntary: 'Voluntary and community',
  faith: 'Faith',
  sport: 'Sport and leisure',
  other: 'Other',
}

/** Working Together 2023: who leads for each statutory partner. */
export const statutoryRoleLabels: Record<StatutoryRole, string> = {
  local_authority: 'Local authority (lead: chief executive)',
  police: 'Police (lead: chief constable)',
  health: 'Integrated Care Board (lead: chief executive)',
}

/** The role's name inside a sentence. */
export const statutoryRoleNames: Record<StatutoryRole, string> = {
  local_authority: 'local authority',
  police: 'police',
  health: 'health',
}

export const agencyStatusLabels = { active: 'Active', ended: 'Ended' } as const
