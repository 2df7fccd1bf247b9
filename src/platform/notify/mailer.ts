import nodemailer from 'nodemailer'
import type { MessageAttachment } from './notify.table.ts'

export interface OutgoingMail {
  from: string
  to: string
  subject: string
  text: string
  html?: string | null
  attachments?: readonly MessageAttachment[]
  /** With its angle brackets, e.g. `<id@masa>`. */
  messageId: string
}

/** What the sender needs from a mail system: tests and the app can supply their own. */
export interface Transport {
  /** Resolves once the server has accepted the message; rejects otherwise. */
  send(message: OutgoingMail): Promise<void>
}

export interface SmtpTransport extends Transport {
  close(): void
}

/**
 * An SMTP transport from a URL such as `smtps://user:pass@mail.example.org:465` or
 * `smtp://127.0.0.1:2525`. Query parameters are nodemailer options (`?requireTLS=true`).
 */
export function createSmtpTransport(smtpUrl: string): SmtpTransport {
  const mailer = nodemailer.createTransport({
    url: smtpUrl,
    // nodemailer waits minutes by default; a stuck server must not hold the delivery job that long.
    // The URL can still override these.
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  })
  return {
    async send(message) {
      const info = await mailer.sendMail({
        from: message.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.html ? { html: message.html } : {}),
        // An invitation's .ics: `method=REQUEST` (or CANCEL) in its content type lets mail clients
        // offer to add (or remove) the event.
        ...(message.attachments?.length
          ? {
              attachments: message.attachments.map((a) => ({
                filename: a.filename,
                content: a.content,
                contentType: a.contentType,
              })),
            }
          : {}),
        messageId: message.messageId,
      })
      // nodemailer resolves when at least one recipient was accepted; ours has exactly one, but a
      // rejected address must never be counted as sent.
      const rejected = info.rejected ?? []
      if (rejected.length > 0) throw new Error(`The mail server rejected ${rejected.join(', ')}`)
    },
    close() {
      mailer.close()
    },
  }
}
