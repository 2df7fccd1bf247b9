import { createHash } from 'node:crypto'

/** A file ready to store as a paper's version. */
export interface ExampleFile {
  content: Buffer
  contentType: 'application/pdf'
  size: number
  sha256: string
}

const escapeText = (text: string) => text.replace(/[\\()]/g, (c) => `\\${c}`)

/**
 * A small, valid one-page PDF showing `lines` (ASCII): a catalogue, a page, a font and a content
 * stream, with a cross-reference table whose offsets are counted, so readers open it.
 */
export function examplePdf(lines: readonly string[]): ExampleFile {
  const text = lines.map((line, i) => `${i === 0 ? '' : 'T* '}(${escapeText(line)}) Tj`).join('\n')
  const stream = `BT /F1 11 Tf 14 TL 56 780 Td\n${text}\nET`
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ]
  let body = '%PDF-1.4\n'
  const offsets: number[] = []
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'))
    body += `${i + 1} 0 obj\n${object}\nendobj\n`
  })
  const xref = Buffer.byteLength(body, 'latin1')
  body +=
    `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` +
    offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('') +
    `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  const content = Buffer.from(body, 'latin1')
  return {
    content,
    contentType: 'application/pdf',
    size: content.length,
    sha256: createHash('sha256').update(content).digest('hex'),
  }
}
