import { Document, Packer, Paragraph } from 'docx'
import ExcelJS from 'exceljs'
import PizZip from 'pizzip'

// Small real files for the papers tests: each is built the way the program that makes it would.

/** A one-page PDF with a valid cross-reference table. */
export function minimalPdf(text = 'Paper'): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>',
  ]
  const stream = `BT /F1 12 Tf 20 100 Td (${text}) Tj ET`
  objects.push(`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`)
  let body = '%PDF-1.4\n'
  const offsets: number[] = []
  objects.forEach((object, i) => {
    offsets.push(body.length)
    body += `${i + 1} 0 obj\n${object}\nendobj\n`
  })
  const xref = body.length
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(body, 'latin1')
}

export async function docxFile(text = 'Report to the board'): Promise<Buffer> {
  const document = new Document({ sections: [{ children: [new Paragraph(text)] }] })
  return Packer.toBuffer(document)
}

export async function xlsxFile(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  const sheet = workbook.addWorksheet('Budget')
  sheet.addRow(['Agency', 'Contribution'])
  sheet.addRow(['Council', 100_000])
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

/** An Open XML package with the main part of the given content type (a presentation by default). */
export function openXmlFile(
  mainType = 'application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml',
  part = 'ppt/presentation.xml',
): Buffer {
  const zip = new PizZip()
  zip.file(
    '[Content_Types].xml',
    `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/${part}" ContentType="${mainType}"/></Types>`,
  )
  zip.file(part, '<?xml version="1.0" encoding="UTF-8"?><root/>')
  return zip.generate({ type: 'nodebuffer' })
}

/**
 * A compound file (the container of .doc, .xls and .ppt) with one stream of the given name:
 * the header, one FAT sector and one directory sector, as the specification lays them out.
 */
export function compoundFile(stream = 'WordDocument'): Buffer {
  const sector = 512
  const file = Buffer.alloc(sector * 3)
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(file, 0)
  file.writeUInt16LE(0x3e, 24) // minor version
  file.writeUInt16LE(3, 26) // major version
  file.writeUInt16LE(0xfffe, 28) // byte order
  file.writeUInt16LE(9, 30) // 512-byte sectors
  file.writeUInt16LE(6, 32) // 64-byte mini sectors
  file.writeUInt32LE(1, 44) // one FAT sector
  file.writeUInt32LE(1, 48) // the directory starts at sector 1
  file.writeUInt32LE(4096, 56) // mini stream cut-off
  file.writeUInt32LE(0xfffffffe, 60) // no mini FAT
  file.writeUInt32LE(0xfffffffe, 68) // no DIFAT sectors
  file.fill(0xff, 76, 512)
  file.writeUInt32LE(0, 76) // the FAT is sector 0
  const fat = sector
  file.fill(0xff, fat, fat + sector)
  file.writeUInt32LE(0xfffffffd, fat) // sector 0 is the FAT
  file.writeUInt32LE(0xfffffffe, fat + 4) // sector 1 ends the directory chain
  const directory = sector * 2
  const entry = (index: number, name: string, type: number) => {
    const at = directory + index * 128
    file.write(name, at, 'utf16le')
    file.writeUInt16LE((name.length + 1) * 2, at + 64)
    file[at + 66] = type
    file.writeUInt32LE(0xffffffff, at + 68) // left sibling
    file.writeUInt32LE(0xffffffff, at + 72) // right sibling
    file.writeUInt32LE(0xffffffff, at + 76) // child
    file.writeUInt32LE(0xfffffffe, at + 116) // start sector
  }
  entry(0, 'Root Entry', 5)
  file.writeUInt32LE(1, directory + 76) // the root's child is entry 1
  entry(1, stream, 2)
  return file
}

/** A Windows program's first bytes: what a renamed .exe starts with. */
export function exeFile(): Buffer {
  const file = Buffer.alloc(256)
  file.write('MZ', 0, 'latin1')
  file.writeUInt32LE(0x80, 0x3c)
  file.write('PE\0\0', 0x80, 'latin1')
  return file
}
