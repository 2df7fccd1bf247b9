import { describe, expect, it } from 'vitest'
import { csvCell, csvRow } from './csv.ts'

describe('CSV writer', () => {
  it('quotes only what needs quoting, doubling quotes, with CRLF records', () => {
    expect(csvRow(['a', 1, null, undefined, 'b,c', 'say "hi"', 'two\nlines'])).toBe(
      'a,1,,,"b,c","say ""hi""","two\nlines"\r\n',
    )
  })

  it('defuses cells a spreadsheet would run as formulas', () => {
    expect(csvCell('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`)
    for (const start of ['+', '-', '@', '\t', '\r'])
      expect(csvCell(`${start}1`).replace(/^"/, '')).toMatch(/^'/)
    expect(csvCell('a=1')).toBe('a=1')
    expect(csvCell('{"a":1}')).toBe('"{""a"":1}"')
  })
})
