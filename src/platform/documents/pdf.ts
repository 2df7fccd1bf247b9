import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import pdfmake from 'pdfmake'

/**
 * A pdfmake document definition (https://pdfmake.github.io/docs/0.3/): content, styles, page
 * settings. Only plain text, tables and lists: images and links to files are refused.
 */
export interface PdfDefinition {
  content: unknown
  [key: string]: unknown
}

const require = createRequire(import.meta.url)
const robotoDir = join(dirname(require.resolve('pdfmake/package.json')), 'fonts', 'Roboto')
const robotoFiles = {
  normal: 'Roboto-Regular.ttf',
  bold: 'Roboto-Medium.ttf',
  italics: 'Roboto-Italic.ttf',
  bolditalics: 'Roboto-MediumItalic.ttf',
} as const

let ready = false

/**
 * The bundled Roboto fonts are loaded once into pdfmake's in-memory file system, and pdfmake
 * may then neither read a local file nor fetch a URL: a document built from what people typed
 * cannot make the server open /etc/passwd or call an internal address.
 */
function setUp() {
  if (ready) return
  for (const file of Object.values(robotoFiles)) {
    pdfmake.virtualfs.writeFileSync(`Roboto/${file}`, readFileSync(join(robotoDir, file)))
  }
  pdfmake.setFonts({
    Roboto: {
      normal: `Roboto/${robotoFiles.normal}`,
      bold: `Roboto/${robotoFiles.bold}`,
      italics: `Roboto/${robotoFiles.italics}`,
      bolditalics: `Roboto/${robotoFiles.bolditalics}`,
    },
  })
  pdfmake.setLocalAccessPolicy(() => false)
  pdfmake.setUrlAccessPolicy(() => false)
  ready = true
}

/** Draws a PDF from a pdfmake definition (A4, Roboto 11pt unless the definition says otherwise). */
export async function renderPdf(definition: PdfDefinition): Promise<Buffer> {
  setUp()
  return pdfmake
    .createPdf({
      pageSize: 'A4',
      pageMargins: [56, 56, 56, 56],
      defaultStyle: { font: 'Roboto', fontSize: 11, lineHeight: 1.2 },
      ...definition,
    })
    .getBuffer()
}
