import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, TextRun } from 'docx'
import type { DocumentTemplateKind } from './documents.table.ts'

// The built-in Word templates, drawn with the `docx` package when first asked for and kept. Their
// placeholders use docxtemplater's syntax, so a partnership can download one, restyle it in Word
// (fonts, logo, headers) keeping the placeholders, and upload it as its own.

const text = (value: string, options: { bold?: boolean; size?: number } = {}) =>
  new TextRun({ text: value, ...options })
const line = (value: string, options: { bold?: boolean } = {}) =>
  new Paragraph({ children: [text(value, options)] })
/** A paragraph holding only a loop or condition tag: docxtemplater removes it from the result. */
const tag = (value: string) => new Paragraph({ children: [text(value)] })
const heading = (value: string, level: (typeof HeadingLevel)[keyof typeof HeadingLevel]) =>
  new Paragraph({ heading: level, children: [text(value)] })
const bullet = (value: string) => new Paragraph({ bullet: { level: 0 }, children: [text(value)] })

/** A list of people under a heading, with "None" when the list is empty. */
const people = (title: string, field: string, entry: string) => [
  heading(title, HeadingLevel.HEADING_3),
  tag(`{#${field}}`),
  bullet(entry),
  tag(`{/${field}}`),
  tag(`{^${field}}`),
  line('None'),
  tag(`{/${field}}`),
]

function minutesDocument() {
  return new Document({
    creator: 'MASA',
    title: 'Minutes',
    styles: { default: { document: { run: { font: 'Arial', size: 22 } } } },
    sections: [
      {
        children: [
          line('{partnershipName}', { bold: true }),
          heading('Minutes: {groupName}', HeadingLevel.TITLE),
          line('{meetingDate}, {meetingTime}'),
          line('{meetingPlace}'),
          line('Status: {status}'),
          tag('{#approvedOn}'),
          line('Approved by the chair on {approvedOn}.'),
          tag('{/approvedOn}'),
          tag('{#uploadedFile}'),
          line('The minutes are in the file {uploadedFile}.'),
          tag('{/uploadedFile}'),
          tag('{#summary}'),
          heading('Summary', HeadingLevel.HEADING_2),
          line('{summary}'),
          tag('{/summary}'),
          heading('Attendance', HeadingLevel.HEADING_2),
          ...people('Present', 'present', '{name}{#agency}, {agency}{/agency}{#role} ({role}){/role}'),
          ...people('Deputies', 'deputies', '{name}{#agency}, {agency}{/agency}, for {forName}'),
          ...people('Apologies', 'apologies', '{name}{#agency}, {agency}{/agency}'),
          ...people('Absent', 'absent', '{name}{#agency}, {agency}{/agency}'),
          tag('{#hasNotRecorded}'),
          heading('Attendance not recorded', HeadingLevel.HEADING_3),
          tag('{/hasNotRecorded}'),
          tag('{#notRecorded}'),
          bullet('{name}{#agency}, {agency}{/agency}'),
          tag('{/notRecorded}'),
          heading('Agenda items', HeadingLevel.HEADING_2),
          tag('{#items}'),
          heading('{number}. {title}', HeadingLevel.HEADING_3),
          tag('{#presenter}'),
          line('Presented by {presenter}'),
          tag('{/presenter}'),
          line('{notes}'),
          tag('{#decisions}'),
          new Paragraph({
            children: [text('Decision {reference}: ', { bold: true }), text('{text}')],
          }),
          tag('{#implementationOn}'),
          line('Implementation date: {implementationOn}'),
          tag('{/implementationOn}'),
          tag('{/decisions}'),
          tag('{/items}'),
        ],
      },
    ],
  })
}

function letterDocument() {
  return new Document({
    creator: 'MASA',
    title: 'Letter',
    styles: { default: { document: { run: { font: 'Arial', size: 22 } } } },
    sections: [
      {
        children: [
          new Paragraph({
            alignment: AlignmentType.RIGHT,
            children: [text('{partnershipName}', { bold: true })],
          }),
          new Paragraph({ alignment: AlignmentType.RIGHT, children: [text('{date}')] }),
          line(''),
          line('{addresseeName}'),
          tag('{#addresseeTitle}'),
          line('{addresseeTitle}'),
          tag('{/addresseeTitle}'),
          line('{addresseeAgency}'),
          line(''),
          line('Dear {addresseeName},'),
          line('{subject}', { bold: true }),
          tag('{#paragraphs}'),
          line('{text}'),
          tag('{/paragraphs}'),
          line(''),
          line('Yours sincerely,'),
          line(''),
          line('{senderName}'),
          tag('{#senderTitle}'),
          line('{senderTitle}'),
          tag('{/senderTitle}'),
          line('{partnershipName}'),
        ],
      },
    ],
  })
}

const builders: Record<DocumentTemplateKind, () => Document> = {
  minutes: minutesDocument,
  letter: letterDocument,
}

const cache = new Map<DocumentTemplateKind, Promise<Uint8Array>>()

/** The built-in template of a kind, as .docx bytes (built once per process). */
export function builtInTemplate(kind: DocumentTemplateKind): Promise<Uint8Array> {
  let template = cache.get(kind)
  if (!template) {
    template = Packer.toBuffer(builders[kind]()).then((buffer) => new Uint8Array(buffer))
    cache.set(kind, template)
    template.catch(() => cache.delete(kind))
  }
  return template
}

export interface TemplateField {
  name: string
  description: string
  /** Fields repeated for each entry of a list (`{#name}…{/name}`). */
  each?: TemplateField[]
}

const person: TemplateField[] = [
  { name: 'name', description: 'Name' },
  { name: 'agency', description: 'Agency' },
]

/** The fields each kind of template may use, for the templates page and to check an uploaded template. */
export const templateFields: Record<DocumentTemplateKind, TemplateField[]> = {
  minutes: [
    { name: 'partnershipName', description: 'The partnership’s name' },
    { name: 'groupName', description: 'The group that met' },
    {
      name: 'meetingTitle',
      description: 'The group and the date, for example “Strategic Group, 12 March 2026”',
    },
    { name: 'meetingDate', description: 'The date of the meeting' },
    { name: 'meetingTime', description: 'When it started and ended, for example “14:00 to 16:00”' },
    { name: 'meetingPlace', description: 'Where it was held' },
    { name: 'status', description: 'Where the minutes stand, for example “Approved by the chair”' },
    { name: 'approvedOn', description: 'The date the chair approved them (empty before)' },
    { name: 'summary', description: 'The summary of the meeting' },
    {
      name: 'uploadedFile',
      description: 'The name of the uploaded minutes file, when minutes were uploaded',
    },
    {
      name: 'present',
      description: 'Members present',
      each: [...person, { name: 'role', description: 'Their role on the group, for example “Chair”' }],
    },
    {
      name: 'deputies',
      description: 'Deputies who attended',
      each: [...person, { name: 'forName', description: 'The member they stood in for' }],
    },
    { name: 'apologies', description: 'Members who sent apologies', each: person },
    { name: 'absent', description: 'Members absent without apologies', each: person },
    { name: 'notRecorded', description: 'Members whose attendance was not recorded', each: person },
    { name: 'hasNotRecorded', description: 'True when some attendance was not recorded (for a heading)' },
    {
      name: 'items',
      description: 'The agenda items, in order',
      each: [
        { name: 'number', description: 'The item’s number' },
        { name: 'title', description: 'Its title' },
        { name: 'presenter', description: 'Who presented it' },
        { name: 'notes', description: 'The minutes of the item' },
        {
          name: 'decisions',
          description: 'Decisions recorded against the item',
          each: [
            { name: 'reference', description: 'The decision’s reference' },
            { name: 'text', description: 'What was decided' },
            { name: 'implementationOn', description: 'Its implementation date' },
          ],
        },
      ],
    },
  ],
  letter: [
    { name: 'partnershipName', description: 'The partnership’s name' },
    { name: 'date', description: 'The date of the letter' },
    { name: 'addresseeName', description: 'Who the letter is to' },
    { name: 'addresseeTitle', description: 'Their job title' },
    { name: 'addresseeAgency', description: 'Their agency' },
    { name: 'subject', description: 'What the letter is about' },
    {
      name: 'paragraphs',
      description: 'The letter’s paragraphs',
      each: [{ name: 'text', description: 'A paragraph' }],
    },
    { name: 'senderName', description: 'Who signs it' },
    { name: 'senderTitle', description: 'Their job title' },
  ],
}

/** Every name a template of the kind may use, at any depth. */
export function fieldNames(kind: DocumentTemplateKind): Set<string> {
  const names = new Set<string>()
  const walk = (fields: readonly TemplateField[]) => {
    for (const field of fields) {
      names.add(field.name)
      if (field.each) walk(field.each)
    }
  }
  walk(templateFields[kind])
  return names
}

const somebody = (name: string) => ({ name, agency: 'Example Agency', role: 'Member', forName: 'A Member' })

/** Data with every field filled, to try a template before it is used. */
export const sampleData: Record<DocumentTemplateKind, Record<string, unknown>> = {
  minutes: {
    partnershipName: 'Example Safeguarding Partnership',
    groupName: 'Strategic Group',
    meetingTitle: 'Strategic Group, 12 March 2026',
    meetingDate: '12 March 2026',
    meetingTime: '14:00 to 16:00',
    meetingPlace: 'Civic Offices',
    status: 'Approved by the chair',
    approvedOn: '20 March 2026',
    summary: 'A summary.\nOn two lines.',
    uploadedFile: 'minutes.pdf',
    present: [somebody('A Chair'), somebody('A Member')],
    deputies: [somebody('A Deputy')],
    apologies: [somebody('An Apology')],
    absent: [somebody('An Absentee')],
    notRecorded: [somebody('Not Recorded')],
    hasNotRecorded: true,
    items: [
      {
        number: 1,
        title: 'Welcome',
        presenter: 'The chair',
        notes: 'Notes of the item.',
        decisions: [{ reference: 'D1', text: 'Agreed.', implementationOn: '1 April 2026' }],
      },
    ],
  },
  letter: {
    partnershipName: 'Example Safeguarding Partnership',
    date: '12 March 2026',
    addresseeName: 'A Person',
    addresseeTitle: 'Director',
    addresseeAgency: 'Example Agency',
    subject: 'A subject',
    paragraphs: [{ text: 'The first paragraph.' }, { text: 'The second paragraph.' }],
    senderName: 'A Sender',
    senderTitle: 'Business Manager',
  },
}
