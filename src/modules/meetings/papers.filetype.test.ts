import { describe, expect, it } from 'vitest'
import {
  attachmentDisposition,
  checkPaperFile,
  compoundFileNames,
  detectPaperType,
  MAX_PAPER_BYTES,
  paperFilename,
  paperSizeMessage,
  paperTypeMessage,
} from './papers.filetype.ts'
import { compoundFile, docxFile, exeFile, minimalPdf, openXmlFile, xlsxFile } from './papers.fixtures.ts'

describe('what a paper may be', () => {
  it('accepts a PDF, a Word document and an Excel workbook, read from their bytes', async () => {
    expect((await detectPaperType(minimalPdf()))?.contentType).toBe('application/pdf')
    expect(await detectPaperType(await docxFile())).toMatchObject({ ext: 'docx', label: 'Word' })
    expect(await detectPaperType(await xlsxFile())).toMatchObject({ ext: 'xlsx', label: 'Excel' })
    expect(await detectPaperType(openXmlFile())).toMatchObject({ ext: 'pptx', label: 'PowerPoint' })
  })

  it('accepts legacy Word, Excel and PowerPoint files by the stream inside the compound file', async () => {
    expect(compoundFileNames(compoundFile('WordDocument'))).toEqual(new Set(['Root Entry', 'WordDocument']))
    expect(await detectPaperType(compoundFile('WordDocument'))).toMatchObject({
      ext: 'doc',
      contentType: 'application/msword',
    })
    expect((await detectPaperType(compoundFile('Workbook')))?.ext).toBe('xls')
    expect((await detectPaperType(compoundFile('PowerPoint Document')))?.ext).toBe('ppt')
  })

  it('refuses other compound files, macro-enabled documents, programs and text whatever their name', async () => {
    // An installer or an encrypted package is a compound file too.
    expect(await detectPaperType(compoundFile('EncryptedPackage'))).toBeNull()
    expect(
      await detectPaperType(
        openXmlFile('application/vnd.ms-word.document.macroEnabled.main+xml', 'word/document.xml'),
      ),
    ).toBeNull()
    expect(await detectPaperType(exeFile())).toBeNull()
    expect(await detectPaperType(Buffer.from('This is not really a PDF'))).toBeNull()
    expect(await detectPaperType(Buffer.alloc(0))).toBeNull()
    expect(await checkPaperFile(Buffer.from('plain text called report.pdf'))).toEqual({
      ok: false,
      error: paperTypeMessage,
    })
  })

  it('refuses a file that reached the 20 MB limit before reading its type', async () => {
    const big = Buffer.alloc(MAX_PAPER_BYTES)
    minimalPdf().copy(big)
    expect(await checkPaperFile(big)).toEqual({ ok: false, error: paperSizeMessage })
    const check = await checkPaperFile(minimalPdf())
    expect(check.ok && check.type.ext).toBe('pdf')
  })
})

describe('the name a paper downloads under', () => {
  it('keeps the uploaded name but ends it in the type read from the content', () => {
    expect(paperFilename('C:\\fakepath\\Budget 2026.pdf', 'pdf')).toBe('Budget 2026.pdf')
    expect(paperFilename('report.pdf', 'docx')).toBe('report.docx')
    expect(paperFilename('Minutes v1.2', 'pdf')).toBe('Minutes v1.2.pdf')
    expect(paperFilename('', 'xlsx')).toBe('paper.xlsx')
    expect(paperFilename('bad\r\nname.doc', 'doc')).toBe('badname.doc')
  })

  it('gives an ASCII name and the exact UTF-8 name in the Content-Disposition', () => {
    expect(attachmentDisposition('Report.pdf')).toBe(
      `attachment; filename="Report.pdf"; filename*=UTF-8''Report.pdf`,
    )
    expect(attachmentDisposition('Café "plan" (draft).pdf')).toBe(
      `attachment; filename="Caf_ _plan_ (draft).pdf"; filename*=UTF-8''Caf%C3%A9%20%22plan%22%20%28draft%29.pdf`,
    )
  })
})
