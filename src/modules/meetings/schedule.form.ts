import { z } from 'zod'
import { londonTime } from '../../platform/calendar/london-time.ts'
import type { FieldError, FormErrors } from '../../platform/http/forms.ts'
import { type DateError, dateInputValues, formErrors, readDateInput } from '../partnership/agencies.form.ts'
import { issuesByField, type Parsed, text, wholeNumber } from '../partnership/groups.form.ts'
import type { GenerateFields, MeetingChanges, MeetingFields } from './meetings.service.ts'
import { type Meeting, meetingKinds } from './meetings.table.ts'
import { parseTime } from './schedule.rules.ts'

// The calendar's forms read into the service's fields, every problem at once and in the page's
// order. Times are typed as people write them ("14:00", "2pm"); dates in three boxes.

export const meetingOrder = [
  'groupId',
  'kind',
  'reason',
  'heldOn',
  'startTime',
  'endTime',
  'location',
  'onlineUrl',
] as const
export const generateOrder = [
  'groupId',
  'firstOn',
  'startTime',
  'durationMinutes',
  'location',
  'onlineUrl',
] as const
export const dateFields = ['heldOn', 'firstOn'] as const

const time = (label: string, required: boolean) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      const typed = (value ?? '').trim()
      if (!typed) {
        if (required) ctx.addIssue({ code: 'custom', message: `Enter the ${label}` })
        return null
      }
      const parsed = parseTime(typed)
      if (!parsed) {
        ctx.addIssue({ code: 'custom', message: `Enter the ${label} as a time of day, like 14:00 or 2pm` })
        return z.NEVER
      }
      return parsed
    })

const onlineUrl = z
  .string()
  .trim()
  .max(2000, 'The online meeting link must be 2,000 characters or fewer')
  .optional()
  .transform((value, ctx) => {
    if (!value) return null
    const url = URL.parse(value)
    if (url?.protocol !== 'https:' || !url.hostname.includes('.')) {
      ctx.addIssue({
        code: 'custom',
        message: 'Enter the online meeting link as a web address starting with https://',
      })
      return z.NEVER
    }
    return url.toString()
  })

const place = {
  location: text('The place', 500),
  onlineUrl,
}

const reasonText = text('The reason', 2000)

const meetingForm = z.object({
  groupId: z.string({ error: 'Select the group that is meeting' }).min(1, 'Select the group that is meeting'),
  kind: z.enum(meetingKinds, { error: 'Select whether the meeting is ordinary or extraordinary' }),
  reason: reasonText,
  startTime: time('start time', true),
  endTime: time('end time', false),
  extraordinaryRequestId: z
    .string()
    .optional()
    .transform((v) => v || null),
  ...place,
})

function withDate(
  found: Record<string, FieldError | DateError>,
  values: Record<string, unknown>,
  name: 'heldOn' | 'firstOn',
  label: string,
) {
  const day = readDateInput(values, name, label, true)
  if (!day.ok) found[name] = day.error
  return day.ok ? day.value : null
}

export function readMeetingForm(values: Record<string, unknown>): Parsed<MeetingFields> {
  const parsed = meetingForm.safeParse(values)
  const found = parsed.success ? {} : issuesByField(parsed.error.issues)
  const heldOn = withDate(found, values, 'heldOn', 'the date of the meeting')
  if (values.kind === 'extraordinary' && !String(values.reason ?? '').trim()) {
    found.reason ??= { text: 'Enter why the extraordinary meeting is called' }
  }
  if (!parsed.success || !heldOn || Object.keys(found).length)
    return { ok: false, errors: formErrors(meetingOrder, found) }
  const data = parsed.data
  return {
    ok: true,
    data: {
      groupId: data.groupId,
      kind: data.kind,
      reason: data.kind === 'extraordinary' ? data.reason : null,
      heldOn,
      startTime: data.startTime!,
      endTime: data.endTime,
      location: data.location,
      onlineUrl: data.onlineUrl,
      extraordinaryRequestId: data.extraordinaryRequestId,
    },
  }
}

const changeForm = meetingForm.pick({
  reason: true,
  startTime: true,
  endTime: true,
  location: true,
  onlineUrl: true,
})

export function readChangeForm(
  values: Record<string, unknown>,
  meeting: Pick<Meeting, 'kind'>,
): Parsed<MeetingChanges> {
  const parsed = changeForm.safeParse(values)
  const found = parsed.success ? {} : issuesByField(parsed.error.issues)
  const heldOn = withDate(found, values, 'heldOn', 'the date of the meeting')
  if (meeting.kind === 'extraordinary' && !String(values.reason ?? '').trim()) {
    found.reason ??= { text: 'Enter why the extraordinary meeting is called' }
  }
  if (!parsed.success || !heldOn || Object.keys(found).length)
    return { ok: false, errors: formErrors(meetingOrder, found) }
  const data = parsed.data
  return {
    ok: true,
    data: {
      heldOn,
      startTime: data.startTime!,
      endTime: data.endTime,
      location: data.location,
      onlineUrl: data.onlineUrl,
      reason: meeting.kind === 'extraordinary' ? data.reason : null,
    },
  }
}

/** A meeting as the change form shows it. */
export function meetingValues(meeting: Meeting): Record<string, unknown> {
  return {
    ...dateInputValues('heldOn', meeting.heldOn),
    startTime: londonTime(meeting.startsAt),
    endTime: londonTime(meeting.endsAt),
    location: meeting.location,
    onlineUrl: meeting.onlineUrl ?? '',
    reason: meeting.reason ?? '',
  }
}

const generateForm = z.object({
  groupId: z.string({ error: 'Select the group that is meeting' }).min(1, 'Select the group that is meeting'),
  startTime: time('start time', true),
  durationMinutes: wholeNumber('The length of each meeting', 15, 720),
  ...place,
})

export function readGenerateForm(values: Record<string, unknown>): Parsed<GenerateFields> {
  const parsed = generateForm.safeParse(values)
  const found = parsed.success ? {} : issuesByField(parsed.error.issues)
  const firstOn = withDate(found, values, 'firstOn', 'the date of the first meeting')
  if (!parsed.success || !firstOn) return { ok: false, errors: formErrors(generateOrder, found) }
  const data = parsed.data
  return {
    ok: true,
    data: {
      groupId: data.groupId,
      firstOn,
      startTime: data.startTime!,
      durationMinutes: data.durationMinutes,
      location: data.location,
      onlineUrl: data.onlineUrl,
    },
  }
}

/** The fields of the year's form, to carry from the check page back to the form or to the confirmation. */
export const generateFieldNames = [
  'groupId',
  'firstOn-day',
  'firstOn-month',
  'firstOn-year',
  'startTime',
  'durationMinutes',
  'location',
  'onlineUrl',
] as const

const cancelForm = z.object({
  cancelledReason: z
    .string({ error: 'Enter why the meeting is cancelled' })
    .trim()
    .min(1, 'Enter why the meeting is cancelled')
    .max(2000, 'The reason must be 2,000 characters or fewer'),
})

export function readCancelForm(values: Record<string, unknown>): Parsed<{ reason: string }> {
  const parsed = cancelForm.safeParse(values)
  if (!parsed.success)
    return { ok: false, errors: formErrors(['cancelledReason'], issuesByField(parsed.error.issues)) }
  return { ok: true, data: { reason: parsed.data.cancelledReason } }
}

export type { FormErrors }
