import type { FieldError, FormErrors } from '../../platform/http/forms.ts'
import { type DateError, formErrors, readDateInput } from '../partnership/agencies.form.ts'
import type { ObjectionInput } from './decisions.objections.ts'
import type { DecisionInput } from './decisions.service.ts'
import { type DecisionOutcome, decisionOutcomes } from './decisions.table.ts'

// Reading the decisions forms the GOV.UK way: every problem at once, in the order of the page,
// with the values kept as typed (the route re-renders them).

export const decisionFormOrder = [
  'agendaItemId',
  'text',
  'outcome',
  'implementationOn',
  'deferredToMeetingId',
]
export const objectionFormOrder = ['agencyId', 'receivedOn', 'reasons']

type Result<T> = { ok: true; data: T } | { ok: false; errors: FormErrors }

const text = (values: Record<string, unknown>, name: string) => String(values[name] ?? '').trim()
const TEXT_MAX = 5000

function done<T>(order: string[], found: Record<string, FieldError | DateError>, data: T): Result<T> {
  return Object.keys(found).length ? { ok: false, errors: formErrors(order, found) } : { ok: true, data }
}

export function readDecisionForm(values: Record<string, unknown>): Result<DecisionInput> {
  const found: Record<string, FieldError | DateError> = {}
  const agendaItemId = text(values, 'agendaItemId')
  if (!agendaItemId) found.agendaItemId = { text: 'Choose the agenda item the decision is about' }
  const decision = text(values, 'text')
  if (!decision) found.text = { text: 'Enter the decision' }
  else if (decision.length > TEXT_MAX) found.text = { text: 'The decision must be 5,000 characters or fewer' }
  const outcome = text(values, 'outcome') as DecisionOutcome
  let implementationOn: string | null = null
  let deferredToMeetingId: string | null = null
  if (!decisionOutcomes.includes(outcome)) found.outcome = { text: 'Choose how the decision was reached' }
  if (outcome === 'consensus') {
    const date = readDateInput(values, 'implementationOn', 'the implementation date', true)
    if (date.ok) implementationOn = date.value
    else found.implementationOn = date.error
  }
  if (outcome === 'deferred') {
    deferredToMeetingId = text(values, 'deferredToMeetingId') || null
    if (!deferredToMeetingId) {
      found.deferredToMeetingId = { text: 'Choose the later meeting the decision is deferred to' }
    }
  }
  return done(decisionFormOrder, found, {
    agendaItemId,
    text: decision,
    outcome,
    implementationOn,
    deferredToMeetingId,
  })
}

export function readObjectionForm(values: Record<string, unknown>): Result<ObjectionInput> {
  const found: Record<string, FieldError | DateError> = {}
  const agencyId = text(values, 'agencyId')
  if (!agencyId) found.agencyId = { text: 'Choose the agency that objected' }
  const date = readDateInput(values, 'receivedOn', 'the date the written objection was received', true)
  if (!date.ok) found.receivedOn = date.error
  const reasons = text(values, 'reasons')
  if (!reasons) found.reasons = { text: 'Enter the reasons given in the objection' }
  else if (reasons.length > TEXT_MAX)
    found.reasons = { text: 'The reasons must be 5,000 characters or fewer' }
  return done(objectionFormOrder, found, { agencyId, receivedOn: date.ok ? date.value! : '', reasons })
}

export function readReconsiderationForm(values: Record<string, unknown>): Result<{ meetingId: string }> {
  const meetingId = text(values, 'meetingId')
  const found: Record<string, FieldError> = {}
  if (!meetingId) found.meetingId = { text: 'Choose the meeting that will reconsider the decision' }
  return done(['meetingId'], found, { meetingId })
}

export function readWithdrawForm(values: Record<string, unknown>): Result<{ reason: string }> {
  const reason = text(values, 'reason')
  const found: Record<string, FieldError> = {}
  if (!reason) found.reason = { text: 'Enter why the decision is withdrawn' }
  else if (reason.length > 2000) found.reason = { text: 'The reason must be 2,000 characters or fewer' }
  return done(['reason'], found, { reason })
}
