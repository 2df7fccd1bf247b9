import { and, asc, eq, isNull } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import { formatDate } from '../../platform/calendar/dates.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import type { DbOrTx } from '../../platform/db/client.ts'
import { renderDocx } from '../../platform/documents/docx.ts'
import { type PdfDefinition, renderPdf } from '../../platform/documents/pdf.ts'
import { templateFor } from '../../platform/documents/templates.service.ts'
import { roleLabels } from '../partnership/groups.labels.ts'
import { people } from '../partnership/structure.table.ts'
import { attendance } from './attendance.table.ts'
import { decisions } from './decisions.table.ts'
import { inviteesOn } from './invitees.ts'
import { meetingPlace, meetingTimes, meetingTitle } from './meetings.labels.ts'
import type { Meeting } from './meetings.table.ts'
import { minutesStatusText } from './minutes.rules.ts'
import { minutedItems } from './minutes.service.ts'
import type { Minutes } from './minutes.table.ts'

export interface AttendeeLine {
  name: string
  agency: string
  role?: string
  /** For a deputy: the member they stood in for. */
  forName?: string
}

/** What a minutes document says, built once for the Word document and the PDF. */
export interface MinutesDocumentData {
  partnershipName: string
  groupName: string
  meetingTitle: string
  meetingDate: string
  meetingTime: string
  meetingPlace: string
  status: string
  approvedOn: string
  summary: string
  uploadedFile: string
  present: AttendeeLine[]
  deputies: AttendeeLine[]
  apologies: AttendeeLine[]
  absent: AttendeeLine[]
  notRecorded: AttendeeLine[]
  hasNotRecorded: boolean
  items: {
    number: number
    title: string
    presenter: string
    notes: string
    decisions: { reference: string; text: string; implementationOn: string }[]
  }[]
}

/**
 * Gathers a meeting's minutes for a document: the attendance (from the invitees on the day and
 * what was recorded at each seat), the agenda items with their notes, and the decisions
 * recorded against them. Four queries, whatever the size of the meeting.
 */
export async function minutesDocumentData(
  db: DbOrTx,
  input: {
    partnershipName: string
    meeting: Meeting
    group: { name: string }
    minutes: Minutes | null
  },
): Promise<MinutesDocumentData> {
  const { meeting, group, minutes: row } = input
  const deputy = alias(people, 'deputy')
  const [invitees, seats, items, recorded] = await Promise.all([
    inviteesOn(db, meeting.groupId, meeting.heldOn),
    db
      .select({
        membershipId: attendance.membershipId,
        intent: attendance.intent,
        outcome: attendance.outcome,
        deputyName: attendance.deputyName,
        deputyPersonName: deputy.name,
      })
      .from(attendance)
      .leftJoin(deputy, eq(deputy.id, attendance.deputyId))
      .where(eq(attendance.meetingId, meeting.id)),
    minutedItems(db, meeting.id),
    db
      .select({
        agendaItemId: decisions.agendaItemId,
        reference: decisions.reference,
        text: decisions.text,
        implementationOn: decisions.implementationOn,
      })
      .from(decisions)
      .where(and(eq(decisions.meetingId, meeting.id), isNull(decisions.withdrawnAt)))
      .orderBy(asc(decisions.createdAt), asc(decisions.reference)),
  ])

  const seatOf = new Map(seats.map((s) => [s.membershipId, s]))
  const lists = {
    present: [] as AttendeeLine[],
    deputies: [] as AttendeeLine[],
    apologies: [] as AttendeeLine[],
    absent: [] as AttendeeLine[],
    notRecorded: [] as AttendeeLine[],
  }
  for (const invitee of invitees) {
    const seat = seatOf.get(invitee.membershipId)
    const line = { name: invitee.name, agency: invitee.agencyName ?? '' }
    const outcome = seat?.outcome ?? (seat?.intent === 'apologies' ? 'apologies' : null)
    if (outcome === 'present') lists.present.push({ ...line, role: roleLabels[invitee.role] })
    else if (outcome === 'deputy') {
      lists.deputies.push({
        name: seat?.deputyPersonName ?? seat?.deputyName ?? 'A deputy',
        agency: line.agency,
        forName: invitee.name,
      })
    } else if (outcome === 'apologies') lists.apologies.push(line)
    else if (outcome === 'absent') lists.absent.push(line)
    else lists.notRecorded.push(line)
  }

  const notes = row?.itemNotes ?? {}
  return {
    partnershipName: input.partnershipName,
    groupName: group.name,
    meetingTitle: meetingTitle(meeting, group.name),
    meetingDate: formatDate(meeting.heldOn),
    meetingTime: meetingTimes(meeting),
    meetingPlace: meetingPlace(meeting),
    status: minutesStatusText[row?.status ?? 'none'],
    approvedOn: row?.approvedAt ? formatDate(londonDate(row.approvedAt)) : '',
    summary: row?.summary ?? '',
    uploadedFile: row?.uploadFilename ?? '',
    ...lists,
    hasNotRecorded: lists.notRecorded.length > 0,
    items: items.map((item, index) => ({
      number: index + 1,
      title: item.title,
      presenter: item.presenter,
      notes: notes[item.id] ?? '',
      decisions: recorded
        .filter((d) => d.agendaItemId === item.id)
        .map((d) => ({
          reference: d.reference,
          text: d.text,
          implementationOn: d.implementationOn ? formatDate(d.implementationOn) : '',
        })),
    })),
  }
}

/** `minutes-<group>-<date>.docx` */
export const minutesFilename = (
  meeting: Pick<Meeting, 'heldOn'>,
  groupSlug: string,
  extension: 'docx' | 'pdf',
) => `minutes-${groupSlug}-${meeting.heldOn}.${extension}`

/** The minutes as a Word document, from the partnership's own minutes template or the built-in one. */
export async function minutesDocx(
  db: DbOrTx,
  partnershipId: string,
  data: MinutesDocumentData,
): Promise<Buffer> {
  const template = await templateFor(db, partnershipId, 'minutes')
  return renderDocx(template.content, { ...data })
}

const attendeeSection = (
  title: string,
  list: readonly AttendeeLine[],
  describe: (p: AttendeeLine) => string,
) => [
  { text: title, style: 'h3' },
  list.length ? { ul: list.map(describe), margin: [0, 0, 0, 6] } : { text: 'None', margin: [0, 0, 0, 6] },
]

const withAgency = (p: AttendeeLine) => (p.agency ? `${p.name}, ${p.agency}` : p.name)

/** The same minutes drawn as a PDF. */
export function minutesPdfDefinition(data: MinutesDocumentData): PdfDefinition {
  return {
    info: { title: `Minutes: ${data.meetingTitle}`, creator: 'MASA' },
    styles: {
      caption: { fontSize: 10, color: '#505a5f' },
      h1: { fontSize: 20, bold: true, margin: [0, 4, 0, 8] },
      h2: { fontSize: 15, bold: true, margin: [0, 14, 0, 6] },
      h3: { fontSize: 12, bold: true, margin: [0, 8, 0, 4] },
    },
    content: [
      { text: data.partnershipName, style: 'caption' },
      { text: `Minutes: ${data.groupName}`, style: 'h1' },
      `${data.meetingDate}, ${data.meetingTime}`,
      data.meetingPlace,
      {
        text: `Status: ${data.status}${data.approvedOn ? `. Approved by the chair on ${data.approvedOn}.` : ''}`,
        margin: [0, 6, 0, 0],
      },
      data.uploadedFile
        ? { text: `The minutes are in the file ${data.uploadedFile}.`, margin: [0, 6, 0, 0] }
        : '',
      ...(data.summary ? [{ text: 'Summary', style: 'h2' }, data.summary] : []),
      { text: 'Attendance', style: 'h2' },
      ...attendeeSection('Present', data.present, (p) => `${withAgency(p)}${p.role ? ` (${p.role})` : ''}`),
      ...attendeeSection('Deputies', data.deputies, (p) => `${withAgency(p)}, for ${p.forName}`),
      ...attendeeSection('Apologies', data.apologies, withAgency),
      ...attendeeSection('Absent', data.absent, withAgency),
      ...(data.hasNotRecorded
        ? attendeeSection('Attendance not recorded', data.notRecorded, withAgency)
        : []),
      { text: 'Agenda items', style: 'h2' },
      ...data.items.flatMap((item) => [
        { text: `${item.number}. ${item.title}`, style: 'h3' },
        ...(item.presenter ? [{ text: `Presented by ${item.presenter}`, italics: true }] : []),
        item.notes ? { text: item.notes, margin: [0, 2, 0, 4] } : { text: 'No notes.', color: '#505a5f' },
        ...item.decisions.map((d) => ({
          margin: [0, 2, 0, 2],
          text: [
            { text: `Decision ${d.reference}: `, bold: true },
            d.text,
            d.implementationOn ? ` (implementation date: ${d.implementationOn})` : '',
          ],
        })),
      ]),
    ],
  }
}

export const minutesPdf = (data: MinutesDocumentData) => renderPdf(minutesPdfDefinition(data))
