// pdfmake ships no types. Only what `pdf.ts` uses is declared here.
declare module 'pdfmake' {
  export interface PdfFontFiles {
    normal: string
    bold: string
    italics: string
    bolditalics: string
  }

  export interface PdfOutput {
    getBuffer(): Promise<Buffer>
  }

  export interface PdfMake {
    virtualfs: {
      existsSync(name: string): boolean
      writeFileSync(name: string, content: Buffer | Uint8Array): void
    }
    setFonts(fonts: Record<string, PdfFontFiles>): void
    setLocalAccessPolicy(callback: (path: string) => boolean): void
    setUrlAccessPolicy(callback: (url: string) => boolean): void
    createPdf(definition: object, options?: object): PdfOutput
  }

  const pdfmake: PdfMake
  export default pdfmake
}
