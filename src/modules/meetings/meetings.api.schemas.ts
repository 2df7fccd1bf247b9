import { membershipRoles } from '../partnership/structure.table.ts'
import { attendanceIntents, attendanceOutcomes } from './attendance.table.ts'
import { decisionStates } from './decisions.rules.ts'
import { decisionOutcomes } from './decisions.table.ts'
import { agendaItemKinds, meetingKinds } from './meetings.table.ts'
import { minutesStatuses } from './minutes.table.ts'

// The JSON schemas of the meetings and decisions API: they validate the output and become the
// OpenAPI document.

const uuid = { type: 'string', format: 'uuid' } as const
const nullableUuid = { type: ['string', 'null'], format: 'uuid' } as const
const date = { type: 'string', format: 'date' } as const
const nullableDate = { type: ['string', 'null'], format: 'date' } as const
const dateTime = { type: 'string', format: 'date-time' } as const
const nullableDateTime = { type: ['string', 'null'], format: 'date-time' } as const
const nullableString = { type: ['string', 'null'] } as const

export const problem = {
  type: 'object',
  description: 'An error, as RFC 9457 problem details',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    instance: { type: 'string' },
    requestId: { type: 'string' },
  },
} as const

export const pageQuery = {
  limit: { type: 'integer', minimum: 1, maximum: 100, default: 50, description: 'How many to give' },
  offset: { type: 'integer', minimum: 0, default: 0, description: 'How many to skip' },
} as const

const groupSlug = {
  type: 'string',
  pattern: '^[a-z0-9-]{1,80}$',
  description: 'Only this group’s (its slug)',
} as const

export const meetingsQuery = {
  type: 'object',
  properties: {
    from: { ...date, description: 'Meetings held on or after this date' },
    to: { ...date, description: 'Meetings held on or before this date' },
    group: groupSlug,
    ...pageQuery,
  },
} as const

export const decisionsQuery = {
  type: 'object',
  properties: {
    state: { type: 'string', enum: [...decisionStates], description: 'Only decisions in this state today' },
    group: groupSlug,
    ...pageQuery,
  },
} as const

export const slugParams = {
  type: 'object',
  properties: { slug: { type: 'string' } },
  required: ['slug'],
} as const

export const meetingParams = {
  type: 'object',
  properties: { slug: { type: 'string' }, meeting: { type: 'string', description: 'The meeting’s id' } },
  required: ['slug', 'meeting'],
} as const

const groupRef = {
  type: 'object',
  required: ['id', 'slug', 'name'],
  properties: { id: uuid, slug: { type: 'string' }, name: { type: 'string' } },
} as const

const meetingProperties = {
  id: uuid,
  title: { type: 'string', description: 'How the meeting is named: group, date, and whether extraordinary' },
  kind: { type: 'string', enum: [...meetingKinds] },
  heldOn: { ...date, description: 'The meeting’s date in Europe/London; deadlines count from it' },
  startsAt: dateTime,
  endsAt: dateTime,
  location: { type: 'string' },
  onlineUrl: nullableString,
  reason: { ...nullableString, description: 'Why an extraordinary meeting was called' },
  extraordinaryRequestId: nullableUuid,
  cancelled: { type: 'boolean' },
  cancelledAt: nullableDateTime,
  cancelledReason: nullableString,
  group: groupRef,
  url: { type: 'string', description: 'The meeting’s page in the web application' },
} as const

const meetingRequired = ['id', 'title', 'kind', 'heldOn', 'startsAt', 'endsAt', 'cancelled', 'group'] as const

export const meetingSummary = {
  type: 'object',
  required: [...meetingRequired],
  properties: meetingProperties,
} as const

const deadline = {
  type: 'object',
  required: ['key', 'label', 'due', 'timeliness', 'lateBy'],
  properties: {
    key: { type: 'string', enum: ['toChair', 'circulation', 'agreement'] },
    label: { type: 'string' },
    due: { ...nullableDate, description: 'Null while an earlier step has not happened' },
    explanation: { ...nullableString, description: 'How the due date was reached' },
    doneAt: nullableDateTime,
    timeliness: { type: 'string', enum: ['on_time', 'late', 'due', 'overdue', 'waiting'] },
    lateBy: { type: 'integer', description: 'Working days late (done late, or overdue today)' },
  },
} as const

const decisionProperties = {
  id: uuid,
  reference: { type: 'string' },
  text: { type: 'string' },
  outcome: { type: 'string', enum: [...decisionOutcomes] },
  state: {
    type: 'string',
    enum: [...decisionStates],
    description: 'Computed today from the outcome, the implementation date and any objections',
  },
  implementationOn: nullableDate,
  agendaItemId: uuid,
  deferredToMeetingId: nullableUuid,
  reconsiderationMeetingId: nullableUuid,
  objections: { type: 'integer', description: 'Written objections received from partner agencies' },
  withdrawnAt: nullableDateTime,
  withdrawnReason: nullableString,
} as const

const decisionRequired = ['id', 'reference', 'text', 'outcome', 'state', 'objections'] as const

export const meetingDetail = {
  type: 'object',
  required: [
    ...meetingRequired,
    'agenda',
    'papers',
    'attendance',
    'quorum',
    'minutes',
    'papersDeadline',
    'decisions',
  ],
  properties: {
    ...meetingProperties,
    agendaAgreedBy: nullableString,
    agendaAgreedOn: nullableDate,
    agenda: {
      type: 'array',
      description: 'The agenda items in order (withdrawn items left out)',
      items: {
        type: 'object',
        required: ['id', 'position', 'kind', 'title'],
        properties: {
          id: uuid,
          position: { type: 'integer' },
          kind: { type: 'string', enum: [...agendaItemKinds] },
          title: { type: 'string' },
          description: { type: 'string' },
          presenter: { type: 'string' },
          durationMinutes: { type: ['integer', 'null'] },
          decisionNeeded: { type: 'boolean' },
          previousMeetingId: nullableUuid,
        },
      },
    },
    papers: {
      type: 'array',
      description: 'The papers that are not restricted (metadata only; the content is not given)',
      items: {
        type: 'object',
        required: ['id', 'title', 'late'],
        properties: {
          id: uuid,
          title: { type: 'string' },
          agendaItemId: nullableUuid,
          firstCirculatedAt: nullableDateTime,
          late: {
            type: 'boolean',
            description: 'Circulated after the papers deadline, or not yet and it has passed',
          },
          withdrawnAt: nullableDateTime,
          withdrawnReason: nullableString,
          latestVersion: {
            type: ['object', 'null'],
            properties: {
              version: { type: 'integer' },
              filename: { type: 'string' },
              contentType: { type: 'string' },
              size: { type: 'integer' },
              uploadedAt: dateTime,
            },
          },
        },
      },
    },
    papersDeadline: {
      type: 'object',
      required: ['due', 'explanation', 'latePapers'],
      properties: {
        due: date,
        explanation: { type: 'string' },
        latePapers: { type: 'integer', description: 'Papers (restricted ones included) that are late' },
      },
    },
    attendance: {
      type: 'object',
      required: ['seats', 'counts'],
      properties: {
        seats: {
          type: 'array',
          description: 'Each seat on the meeting’s day (designated deputies are not seats)',
          items: {
            type: 'object',
            required: ['membershipId', 'role', 'personName'],
            properties: {
              membershipId: uuid,
              role: { type: 'string', enum: [...membershipRoles] },
              personName: { type: 'string' },
              agencyName: nullableString,
              partnerAgency: { type: 'boolean' },
              intent: { type: ['string', 'null'], enum: [...attendanceIntents, null] },
              outcome: { type: ['string', 'null'], enum: [...attendanceOutcomes, null] },
              deputyName: {
                ...nullableString,
                description: 'Who sat in the seat when the outcome is deputy',
              },
            },
          },
        },
        counts: {
          type: 'object',
          properties: {
            seats: { type: 'integer' },
            present: { type: 'integer' },
            deputy: { type: 'integer' },
            apologies: { type: 'integer' },
            absent: { type: 'integer' },
            notRecorded: { type: 'integer' },
          },
        },
      },
    },
    quorum: {
      type: 'object',
      required: ['required', 'attending', 'met'],
      properties: {
        required: { type: ['integer', 'null'], description: 'The group’s quorum, if it has one' },
        attending: { type: 'integer', description: 'Seats filled: present, or by a deputy' },
        met: {
          type: ['boolean', 'null'],
          description: 'Null until attendance is recorded or with no quorum',
        },
      },
    },
    minutes: {
      type: 'object',
      required: ['status', 'statusText', 'deadlines'],
      properties: {
        status: { type: 'string', enum: ['none', ...minutesStatuses] },
        statusText: { type: 'string' },
        sentToChairAt: nullableDateTime,
        approvedAt: nullableDateTime,
        circulatedAt: nullableDateTime,
        agreedAt: nullableDateTime,
        deadlines: { type: 'array', items: deadline },
      },
    },
    decisions: {
      type: 'array',
      items: { type: 'object', required: [...decisionRequired], properties: decisionProperties },
    },
  },
} as const

export const decisionItem = {
  type: 'object',
  required: [...decisionRequired, 'meeting'],
  properties: {
    ...decisionProperties,
    meeting: {
      type: 'object',
      required: ['id', 'title', 'heldOn', 'group'],
      properties: { id: uuid, title: { type: 'string' }, heldOn: date, group: groupRef },
    },
  },
} as const

export const page = (items: object) =>
  ({
    type: 'object',
    required: ['items', 'total', 'limit', 'offset'],
    properties: {
      items: { type: 'array', items },
      total: { type: 'integer', description: 'How many match, across every page' },
      limit: { type: 'integer' },
      offset: { type: 'integer' },
    },
  }) as const
