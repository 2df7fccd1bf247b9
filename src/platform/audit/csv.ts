/**
 * RFC 4180 CSV: fields are quoted when they hold a comma, a quote or a line break, quotes are
 * doubled, and records end with CRLF. A cell that a spreadsheet would read as a formula
 * (starting = + - @, tab or carriage return) gets a leading single quote, so opening an export
 * cannot run anything an attacker typed into a record (OWASP's CSV injection advice).
 */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value)
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

export function csvRow(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`
}
