import { randomUUID } from 'node:crypto'
import type { DbOrTx } from '../../platform/db/client.ts'
import { type AgendaItemKind, agendaItems, type Meeting } from './meetings.table.ts'

// Fixtures for the minutes tests: agenda items inserted directly (the agenda pages are tested there).

export async function insertAgendaItem(
  db: DbOrTx,
  meeting: Pick<Meeting, 'id' | 'partnershipId'>,
  fields: {
    position: number
    title: string
    kind?: AgendaItemKind
    presenter?: string
    previousMeetingId?: string | null
    withdrawnAt?: Date | null
  },
) {
  const [row] = await db
    .insert(agendaItems)
    .values({
      id: randomUUID(),
      partnershipId: meeting.partnershipId,
      meetingId: meeting.id,
      position: fields.position,
      kind: fields.kind ?? 'item',
      title: fields.title,
      presenter: fields.presenter ?? '',
      previousMeetingId: fields.previousMeetingId ?? null,
      withdrawnAt: fields.withdrawnAt ?? null,
    })
    .returning()
  return row!
}

/** The smallest valid PDF file type sniffers recognise. */
export const samplePdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n')
