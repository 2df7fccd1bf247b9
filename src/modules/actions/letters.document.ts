import { formatDate } from '../../platform/calendar/dates.ts'
import { londonDate } from '../../platform/calendar/london-time.ts'
import type { DbOrTx } from '../../platform/db/client.ts'
import { renderDocx } from '../../platform/documents/docx.ts'
import { type PdfDefinition, renderPdf } from '../../platform/documents/pdf.ts'
import { templateFor } from '../../platform/documents/templates.service.ts'
import type { EscalationLetter } from './compliance.table.ts'
import { paragraphsOf } from './letters.service.ts'

/** The letter template's fields (see the letter kind in default-templates.ts). */
export interface LetterDocumentData {
  partnershipName: string
  date: string
  addresseeName: string
  addresseeTitle: string
  addresseeAgency: string
  subject: string
  paragraphs: { text: string }[]
  senderName: string
  senderTitle: string
}

/** What a letter says, for the Word document and the PDF: dated the day it was sent, or drafted. */
export function letterDocumentData(
  partnershipName: string,
  letter: EscalationLetter,
  agencyName: string,
): LetterDocumentData {
  return {
    partnershipName,
    date: formatDate(letter.sentOn ?? londonDate(letter.createdAt)),
    addresseeName: letter.addresseeName,
    addresseeTitle: letter.addresseeTitle,
    addresseeAgency: agencyName,
    subject: letter.subject,
    paragraphs: paragraphsOf(letter.body).map((text) => ({ text })),
    senderName: letter.senderName,
    senderTitle: letter.senderTitle,
  }
}

/** `escalation-letter-testshire-police-2026-03-02.docx` */
export function letterFilename(agencyName: string, letter: EscalationLetter, extension: 'docx' | 'pdf') {
  const name = agencyName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
  return `escalation-letter-${name || 'agency'}-${letter.sentOn ?? londonDate(letter.createdAt)}.${extension}`
}

/** The letter as a Word document, from the partnership's own letter template or the built-in one. */
export async function letterDocx(
  db: DbOrTx,
  partnershipId: string,
  data: LetterDocumentData,
): Promise<Buffer> {
  const template = await templateFor(db, partnershipId, 'letter')
  return renderDocx(template.content, { ...data })
}

/** The same letter laid out as a PDF. */
export function letterPdfDefinition(data: LetterDocumentData): PdfDefinition {
  const lines = (...texts: string[]) => texts.filter(Boolean).map((text) => ({ text }))
  return {
    info: { title: data.subject, creator: 'MASA' },
    content: [
      { text: data.partnershipName, bold: true, alignment: 'right' },
      { text: data.date, alignment: 'right', margin: [0, 0, 0, 18] },
      ...lines(data.addresseeName, data.addresseeTitle, data.addresseeAgency),
      { text: `Dear ${data.addresseeName},`, margin: [0, 18, 0, 8] },
      { text: data.subject, bold: true, margin: [0, 0, 0, 8] },
      ...data.paragraphs.map((p) => ({ text: p.text, margin: [0, 0, 0, 8] })),
      { text: 'Yours sincerely,', margin: [0, 10, 0, 28] },
      ...lines(data.senderName, data.senderTitle, data.partnershipName),
    ],
  }
}

export const letterPdf = (data: LetterDocumentData) => renderPdf(letterPdfDefinition(data))
