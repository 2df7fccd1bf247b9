/** A file from a multipart form, as the multipart plugin puts it on the body (see app.ts). */
export interface UploadedFile {
  filename: string
  mimetype: string
  content: Buffer
}

export function isUploadedFile(value: unknown): value is UploadedFile {
  return typeof value === 'object' && value !== null && Buffer.isBuffer((value as UploadedFile).content)
}
