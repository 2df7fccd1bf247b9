import type { GroupKind } from '../partnership/groups.labels.ts'

// What the example's meetings discuss: items a safeguarding partnership's boards and sub-groups
// really have on their agendas. Cases are known by a reference, never by a child's name.

export interface Topic {
  title: string
  presenter: string
  /** The decision the item asks for, when it asks for one. */
  decision?: string
  /** Its papers are for the group's members only. */
  restricted?: boolean
}

const strategic: Topic[] = [
  {
    title: 'Safeguarding arrangements: yearly review',
    presenter: 'Business Manager',
    decision: 'Agreed the revised safeguarding arrangements for publication',
  },
  {
    title: 'Independent scrutineer’s report',
    presenter: 'Independent Scrutineer',
    decision: 'Accepted the scrutineer’s recommendations and asked the executive board for an action plan',
  },
  {
    title: 'Shared budget and partner contributions',
    presenter: 'Business Manager',
    decision: 'Agreed the partner contributions for the coming financial year',
  },
  {
    title: 'Decision on a local child safeguarding practice review (case reference LCSPR-26-02)',
    presenter: 'Chair of the Learning and Practice Review Group',
    decision: 'Agreed to commission a local child safeguarding practice review with an independent author',
    restricted: true,
  },
  {
    title: 'Working Together 2023: progress on implementation',
    presenter: 'Delegated safeguarding partners',
  },
  {
    title: 'Children’s Wellbeing and Schools Act 2026: multi-agency child protection teams',
    presenter: 'Corporate Director of Children’s Services',
    decision: 'Agreed the plan for a multi-agency child protection team',
  },
  {
    title: 'Yearly report: draft for sign-off',
    presenter: 'Business Manager',
    decision: 'Signed off the yearly report',
  },
]

const executive: Topic[] = [
  {
    title: 'Multi-agency plan: quarterly performance report',
    presenter: 'Performance and Quality Assurance Lead',
  },
  {
    title: 'Section 11 self-assessments: findings',
    presenter: 'Business Manager',
    decision: 'Agreed the agencies to be asked for a follow-up section 11 return',
  },
  {
    title: 'Learning from a rapid review (case reference RR-26-04)',
    presenter: 'Designated Nurse for Safeguarding Children',
    decision: 'Agreed the learning briefing and the actions for partner agencies',
    restricted: true,
  },
  {
    title: 'Threshold document: refresh',
    presenter: 'Head of Children’s Social Care',
    decision: 'Approved the refreshed threshold document',
  },
  { title: 'Domestic abuse: notifications to schools', presenter: 'Essex Police, Public Protection' },
  {
    title: 'Neglect strategy: consultation response',
    presenter: 'Strategic Lead for Early Help',
    decision: 'Agreed the neglect strategy for consultation with practitioners',
  },
  {
    title: 'Education safeguarding: designated settings update',
    presenter: 'Designated education representative',
  },
]

const subgroup: Topic[] = [
  {
    title: 'Rapid review: learning summary',
    presenter: 'Designated Nurse for Safeguarding Children',
    restricted: true,
  },
  {
    title: 'Multi-agency training programme: evaluation',
    presenter: 'Training Coordinator',
    decision: 'Agreed the training programme for next term',
  },
  {
    title: 'Learning briefing: neglect and missed health appointments',
    presenter: 'Named GP for Safeguarding',
  },
  {
    title: 'Practitioner survey: results',
    presenter: 'Partnership Officer',
    decision: 'Agreed the actions from the practitioner survey',
  },
  { title: 'Exploitation dashboard', presenter: 'Essex Police, Child Exploitation Team' },
  {
    title: 'Contextual safeguarding: places of concern',
    presenter: 'Community Safety Partnership Manager',
    decision: 'Agreed the joint patrol plan with the community safety partnership',
  },
  { title: 'Return home interviews: performance', presenter: 'Missing Children Coordinator' },
  {
    title: 'Multi-agency case-file audit: neglect',
    presenter: 'Quality Assurance Lead',
    decision: 'Agreed the audit findings and the report to the executive board',
  },
  { title: 'Section 175 returns from schools', presenter: 'Designated education representative' },
]

const review: Topic[] = [
  {
    title: 'Terms of reference for a practice review (case reference LCSPR-26-02)',
    presenter: 'Independent author',
    decision: 'Agreed the terms of reference and the chronology request',
    restricted: true,
  },
  { title: 'Agency chronologies: progress', presenter: 'Business Manager', restricted: true },
]

/** The items a group of this kind discusses, beyond its standard items. */
export function topicsFor(kind: GroupKind): readonly Topic[] {
  if (kind === 'strategic') return strategic
  if (kind === 'executive') return executive
  if (kind === 'review_panel') return review
  return subgroup
}
