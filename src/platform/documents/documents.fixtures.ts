import { Document, Packer, Paragraph, TextRun } from 'docx'

/** A one-page .docx whose paragraphs are the given lines (placeholders included), for template tests. */
export async function docxWithLines(lines: readonly string[]): Promise<Uint8Array> {
  const document = new Document({
    sections: [{ children: lines.map((line) => new Paragraph({ children: [new TextRun(line)] })) }],
  })
  return new Uint8Array(await Packer.toBuffer(document))
}

/** The text of a .docx's main document part, tags stripped. */
export async function documentText(docx: Uint8Array): Promise<string> {
  const { default: PizZip } = await import('pizzip')
  const xml = new PizZip(docx).file('word/document.xml')?.asText() ?? ''
  return xml
    .replace(/<w:br\/>/g, '\n')
    .replace(/<\/w:p>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
}
