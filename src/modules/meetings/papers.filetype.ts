import { fileTypeFromBuffer } from 'file-type'

// What a paper may be: PDF, Word, Excel or PowerPoint, told from the file's bytes, never from its
// name or what the browser said. Macro-enabled Office files are refused.

/** The multipart limit in app.ts: a file that reaches it was cut short, so it is too large. */
export const MAX_PAPER_BYTES = 20 * 1024 * 1024

export const paperTypeMessage = 'The file must be a PDF, Word, Excel or PowerPoint document'
export const paperSizeMessage = 'The file must be smaller than 20 MB'

export interface PaperFileType {
  ext: 'pdf' | 'docx' | 'xlsx' | 'pptx' | 'doc' | 'xls' | 'ppt'
  contentType: string
  /** "PDF", "Word", ... for the papers page. */
  label: string
}

const ooxml: Record<string, PaperFileType> = {
  pdf: { ext: 'pdf', contentType: 'application/pdf', label: 'PDF' },
  docx: {
    ext: 'docx',
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    label: 'Word',
  },
  xlsx: {
    ext: 'xlsx',
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    label: 'Excel',
  },
  pptx: {
    ext: 'pptx',
    contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    label: 'PowerPoint',
  },
}

/** Legacy Office files are compound files (CFB); the stream that holds the document names the program. */
const legacy: { stream: string; type: PaperFileType }[] = [
  { stream: 'WordDocument', type: { ext: 'doc', contentType: 'application/msword', label: 'Word' } },
  { stream: 'Workbook', type: { ext: 'xls', contentType: 'application/vnd.ms-excel', label: 'Excel' } },
  { stream: 'Book', type: { ext: 'xls', contentType: 'application/vnd.ms-excel', label: 'Excel' } },
  {
    stream: 'PowerPoint Document',
    type: { ext: 'ppt', contentType: 'application/vnd.ms-powerpoint', label: 'PowerPoint' },
  },
]

const END = 0xfffffffa // sector numbers at or above this end a chain or mark a special sector

/**
 * The names of the entries in a compound file's directory, following the FAT chain. Other compound
 * files (installers, Outlook messages, encrypted packages) have none of the Office streams, so
 * they are refused although `file-type` calls them all `cfb`.
 */
export function compoundFileNames(content: Uint8Array): Set<string> {
  const names = new Set<string>()
  const buffer = Buffer.from(content.buffer, content.byteOffset, content.byteLength)
  if (buffer.length < 512) return names
  const shift = buffer.readUInt16LE(30)
  if (shift !== 9 && shift !== 12) return names
  const sectorSize = 1 << shift
  const offsetOf = (sector: number) => (sector + 1) * sectorSize
  const inside = (offset: number, length: number) => offset >= 0 && offset + length <= buffer.length

  const fatSectors: number[] = []
  for (let i = 0; i < 109; i++) {
    const sector = buffer.readUInt32LE(76 + 4 * i)
    if (sector < END) fatSectors.push(sector)
  }
  const seen = new Set<number>()
  let difat = buffer.readUInt32LE(68)
  while (difat < END && !seen.has(difat) && inside(offsetOf(difat), sectorSize)) {
    seen.add(difat)
    const start = offsetOf(difat)
    for (let i = 0; i < sectorSize / 4 - 1; i++) {
      const sector = buffer.readUInt32LE(start + 4 * i)
      if (sector < END) fatSectors.push(sector)
    }
    difat = buffer.readUInt32LE(start + sectorSize - 4)
  }
  const perFatSector = sectorSize / 4
  const next = (sector: number) => {
    const fat = fatSectors[Math.floor(sector / perFatSector)]
    if (fat === undefined) return END
    const offset = offsetOf(fat) + (sector % perFatSector) * 4
    return inside(offset, 4) ? buffer.readUInt32LE(offset) : END
  }

  const visited = new Set<number>()
  let directory = buffer.readUInt32LE(48)
  while (directory < END && !visited.has(directory) && inside(offsetOf(directory), sectorSize)) {
    visited.add(directory)
    const start = offsetOf(directory)
    for (let entry = start; entry < start + sectorSize; entry += 128) {
      const nameLength = buffer.readUInt16LE(entry + 64)
      const type = buffer[entry + 66]
      if ((type === 1 || type === 2 || type === 5) && nameLength >= 2 && nameLength <= 64) {
        names.add(buffer.toString('utf16le', entry, entry + nameLength - 2))
      }
    }
    directory = next(directory)
  }
  return names
}

/** The paper's type read from its content, or null when it is not one a paper may be. */
export async function detectPaperType(content: Uint8Array): Promise<PaperFileType | null> {
  if (content.byteLength === 0) return null
  const found = await fileTypeFromBuffer(content)
  if (!found) return null
  if (found.ext === 'cfb') {
    const names = compoundFileNames(content)
    return legacy.find((l) => names.has(l.stream))?.type ?? null
  }
  return ooxml[found.ext] ?? null
}

export type PaperFileCheck = { ok: true; type: PaperFileType } | { ok: false; error: string }

/** Whether an uploaded file may be a paper: its size first (a cut-short file is too large), then its type. */
export async function checkPaperFile(content: Uint8Array): Promise<PaperFileCheck> {
  if (content.byteLength >= MAX_PAPER_BYTES) return { ok: false, error: paperSizeMessage }
  const type = await detectPaperType(content)
  return type ? { ok: true, type } : { ok: false, error: paperTypeMessage }
}

const replaceable = new Set(
  'pdf doc docx docm dot dotx xls xlsx xlsm ppt pptx pptm rtf txt odt ods odp csv htm html exe bin dat'.split(
    ' ',
  ),
)

/**
 * The name a paper is stored and downloaded under: the uploaded file's own name without any folder
 * or control characters, ending in the extension of the type read from its content (a Word file
 * sent as "report.pdf" downloads as "report.docx").
 */
export function paperFilename(original: string, ext: PaperFileType['ext']): string {
  const base = (original.split(/[\\/]/).pop() ?? '')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
  const dot = base.lastIndexOf('.')
  const current = dot > 0 ? base.slice(dot + 1).toLowerCase() : ''
  const stem =
    (current && replaceable.has(current) ? base.slice(0, dot) : base).trim().slice(0, 180) || 'paper'
  return `${stem}.${ext}`
}

/**
 * The Content-Disposition of a download: an attachment (never shown in the browser), with an
 * ASCII name for old clients and the exact name in UTF-8 (RFC 6266 with RFC 5987 encoding).
 */
export function attachmentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\]/g, '_')
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`
}
