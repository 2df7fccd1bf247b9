import { describe, expect, it } from 'vitest'
import { renderPdf } from './pdf.ts'

describe('PDF documents', () => {
  it('draws a PDF with the bundled Roboto fonts', async () => {
    const pdf = await renderPdf({
      content: [{ text: 'Minutes’ “quotes” – and dashes', bold: true }, { ul: ['One', 'Two'] }],
    })
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-')
  })

  it('may neither read local files nor fetch URLs', async () => {
    await expect(renderPdf({ content: [{ image: '/etc/passwd' }] })).rejects.toThrow(/denied/)
    await expect(renderPdf({ content: [{ image: 'https://example.org/logo.png' }] })).rejects.toThrow(
      /denied/,
    )
  })
})
