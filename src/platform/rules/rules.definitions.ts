/**
 * The rule set every partnership starts with. Each default comes from the Thurrock seeds (the
 * quote says where) or from the law since (Working Together 2023); a partnership can change any
 * of them. Keys are stable: they are stored in rule_settings and used by the modules.
 */
export type RuleUnit = 'working_days' | 'calendar_days' | 'months' | 'count'

export interface RuleDefinition {
  key: string
  label: string
  /** What the number means, as a sentence with {n} for the value. */
  sentence: string
  unit: RuleUnit
  /** A deadline counted back from its anchor (papers before a meeting), not forward. */
  before?: boolean
  /** The anchor's name in an explanation: "meeting on 12 March 2024 + 10 working days". */
  anchor?: string
  default: number
  min: number
  max: number
  source: string
}

export const ruleDefinitions = [
  {
    key: 'papersBeforeMeeting',
    label: 'Papers circulated before a meeting',
    sentence: 'Papers are circulated at least {n} before the meeting',
    unit: 'calendar_days',
    before: true,
    anchor: 'meeting',
    default: 7,
    min: 1,
    max: 60,
    source: 'All papers … circulated one week prior to the meeting',
  },
  {
    key: 'draftMinutesToChair',
    label: 'Draft minutes to the chair',
    sentence: 'Draft minutes go to the chair within {n} of the meeting',
    unit: 'working_days',
    anchor: 'meeting',
    default: 10,
    min: 1,
    max: 60,
    source: 'minuted and forwarded to the meeting Chair for approval within 10 working days',
  },
  {
    key: 'agreedMinutesCirculation',
    label: 'Agreed minutes circulated',
    sentence: 'Agreed minutes are circulated within a further {n} of the chair’s approval',
    unit: 'working_days',
    anchor: 'approval',
    default: 5,
    min: 1,
    max: 60,
    source: 'circulated within a further five working days',
  },
  {
    key: 'decisionNotice',
    label: 'Notice before a decision is implemented',
    sentence:
      'A decision’s implementation date gives partner agencies at least {n} of notice after the meeting',
    unit: 'working_days',
    anchor: 'meeting',
    // The seeds ask for "reasonable notice" without a number: two weeks of working days is our
    // default, for each partnership to set.
    default: 10,
    min: 0,
    max: 120,
    source: 'The implementation date must give reasonable notice to the partner agencies',
  },
  {
    key: 'actionResponse',
    label: 'Response to an action',
    sentence: 'An agency responds to an action within {n} of receiving the action matrix',
    unit: 'working_days',
    anchor: 'action matrix received',
    default: 10,
    min: 1,
    max: 60,
    source: 'a response … within 10 working days of receiving the Action Matrix',
  },
  {
    key: 'lateResponsesBeforeEscalation',
    label: 'Late responses before an escalation letter',
    sentence: 'An agency that responds late on {n} occasions gets a letter to its executive member',
    unit: 'count',
    default: 2,
    min: 1,
    max: 10,
    source: 'Failure to comply … on two or more occasions',
  },
  {
    key: 'escalationWindow',
    label: 'Period in which late responses are counted',
    sentence: 'Late responses count towards an escalation letter for {n}',
    unit: 'months',
    // The seeds say "on two or more occasions" without a period; a year keeps an old lapse from
    // counting for ever. Each partnership can change it.
    default: 12,
    min: 1,
    max: 60,
    source: 'Failure to comply … on two or more occasions (the period is our default)',
  },
  {
    key: 'actionReminderBefore',
    label: 'Reminder before an action is due',
    sentence: 'Owners are reminded {n} before an action’s response is due',
    unit: 'working_days',
    anchor: 'deadline',
    before: true,
    default: 2,
    min: 1,
    max: 10,
    source: 'Our default: a reminder two working days ahead, on the day and after',
  },
  {
    key: 'consecutiveAbsences',
    label: 'Consecutive meetings with an empty seat',
    sentence:
      'A seat empty (no member, no deputy) at {n} consecutive meetings is reported to the Strategic Group',
    unit: 'count',
    default: 2,
    min: 1,
    max: 10,
    source: 'Non-attendance … for two consecutive meetings',
  },
  {
    key: 'extraordinaryMeetingSupporters',
    label: 'Supporters for an extraordinary meeting',
    sentence: 'A request for an extraordinary meeting needs at least {n} supporting partner members',
    unit: 'count',
    default: 2,
    min: 1,
    max: 10,
    source: 'supported by at least two partner members',
  },
  {
    key: 'extraordinaryMeetingWithin',
    label: 'Extraordinary meeting held within',
    sentence: 'An extraordinary meeting is held within {n} of the request',
    unit: 'working_days',
    anchor: 'request',
    default: 15,
    min: 1,
    max: 60,
    source: 'within 15 working days',
  },
  {
    key: 'chairTenure',
    label: 'Sub-group chair’s tenure',
    sentence: 'A sub-group chair holds the chair for {n}',
    unit: 'months',
    anchor: 'start of tenure',
    default: 12,
    min: 1,
    max: 60,
    source: 'Chairs of the Sub-Groups will have a one year tenure',
  },
  {
    key: 'executiveLayMembers',
    label: 'Lay members on the executive board',
    sentence: 'The executive board has at least {n} lay members',
    unit: 'count',
    default: 2,
    min: 0,
    max: 10,
    source: 'The Thurrock LSCP will recruit two lay members to sit on the Management Executive Board',
  },
  {
    key: 'publishedReviewSentWithin',
    label: 'Published review sent to the national panel',
    sentence:
      'A published review report goes to the national panel and Foundations within {n} of publication',
    unit: 'calendar_days',
    anchor: 'publication',
    default: 7,
    min: 1,
    max: 60,
    source: 'Local Practice Reviews: within 7 days',
  },
  {
    key: 'panelNotificationWithin',
    label: 'Serious incident notified to the national panel',
    sentence: 'The local authority notifies the national panel within {n} of becoming aware',
    unit: 'working_days',
    anchor: 'becoming aware',
    default: 5,
    min: 1,
    max: 30,
    source: 'Working Together 2023: within 5 working days',
  },
  {
    key: 'rapidReviewWithin',
    label: 'Rapid review completed',
    sentence: 'A rapid review is completed within {n} of the notification',
    unit: 'working_days',
    anchor: 'notification',
    default: 15,
    min: 1,
    max: 60,
    source: 'Working Together 2023: within 15 working days',
  },
  {
    key: 'agencyInformationWithin',
    label: 'Agency information for a rapid review',
    sentence: 'An agency sends its information for a rapid review within {n} of being asked',
    unit: 'working_days',
    anchor: 'request',
    // Working Together sets no number: five working days leaves the rapid review time to read
    // every agency's chronology before its meeting. Each partnership can change it.
    default: 5,
    min: 1,
    max: 30,
    source: 'Our default: the rapid review is due 15 working days after notification',
  },
  {
    key: 'localReviewPublishWithin',
    label: 'Local practice review published',
    sentence: 'A local child safeguarding practice review is published within {n} of the decision to hold it',
    unit: 'months',
    anchor: 'decision',
    default: 6,
    min: 1,
    max: 24,
    source: 'Working Together 2023: within 6 months',
  },
] as const satisfies readonly RuleDefinition[]

export type RuleKey = (typeof ruleDefinitions)[number]['key']
export type RuleSet = Record<RuleKey, number>

export const defaultRuleSet = Object.fromEntries(ruleDefinitions.map((d) => [d.key, d.default])) as RuleSet

export function ruleDefinition(key: RuleKey): RuleDefinition {
  return ruleDefinitions.find((d) => d.key === key)!
}

/** "10 working days", "1 month", "2 occasions". */
export function describeAmount(unit: RuleUnit, n: number): string {
  const words: Record<RuleUnit, [string, string]> = {
    working_days: ['working day', 'working days'],
    calendar_days: ['day', 'days'],
    months: ['month', 'months'],
    count: ['', ''],
  }
  const [one, many] = words[unit]
  return unit === 'count' ? String(n) : `${n} ${n === 1 ? one : many}`
}
