/**
 * A Content-Disposition header that makes the browser save the file under its name: an ASCII
 * fallback for old clients and the exact name (RFC 6266 / 5987) for the rest.
 */
export function attachment(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%;]/g, '_').trim() || 'download'
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(filename)}`
}

export const docxType = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
