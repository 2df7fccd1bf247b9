import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'

export class UnreadableFileError extends Error {
  override name = 'UnreadableFileError'
}

/** A header as a field key: "Job title" -> job_title, "E-mail" -> email. */
export const headerKey = (header: string) =>
  header
    .trim()
    .toLowerCase()
    .replace(/e-mail/g, 'email')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')

/**
 * Reads the first sheet of an Excel workbook, or a CSV file, into rows keyed by header. The kind
 * of file is read from its content (an .xlsx is a zip: it starts with "PK"), not from its name.
 */
export async function readRegister(
  content: Buffer,
): Promise<{ line: number; values: Record<string, string> }[]> {
  const isZip = content.length > 4 && content[0] === 0x50 && content[1] === 0x4b
  const table = isZip ? await readWorkbook(content) : readCsv(content)
  const [header, ...body] = table
  if (!header || header.every((h) => !h.trim())) throw new UnreadableFileError('The file has no header row')
  const keys = header.map(headerKey)
  return body
    .map((cells, index) => ({
      line: index + 2,
      values: Object.fromEntries(keys.map((key, i) => [key, (cells[i] ?? '').trim()]).filter(([key]) => key)),
    }))
    .filter((row) => Object.values(row.values).some((v) => v !== ''))
}

function readCsv(content: Buffer): string[][] {
  try {
    return parse(content, { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][]
  } catch (error) {
    throw new UnreadableFileError(`The file could not be read as CSV: ${(error as Error).message}`)
  }
}

async function readWorkbook(content: Buffer): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook()
  try {
    await workbook.xlsx.load(content as unknown as ArrayBuffer)
  } catch {
    throw new UnreadableFileError('The file could not be read as an Excel workbook')
  }
  const sheet = workbook.worksheets[0]
  if (!sheet) throw new UnreadableFileError('The workbook has no sheets')
  const rows: string[][] = []
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = []
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      cells[column - 1] = cellText(cell.value)
    })
    rows.push(Array.from(cells, (c) => c ?? ''))
  })
  return rows
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return ''
  if (value instanceof Date) return value.toISOString().slice(0, 10)
  if (typeof value === 'object') {
    if ('text' in value && typeof value.text === 'string') return value.text
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue)
    if ('richText' in value) return value.richText.map((r) => r.text).join('')
    if ('hyperlink' in value) return String((value as { text?: unknown }).text ?? value.hyperlink)
  }
  return String(value)
}
