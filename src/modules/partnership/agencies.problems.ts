import { londonDate } from '../../platform/calendar/london-time.ts'
import { AppError } from '../../platform/http/errors.ts'

/**
 * A change refused by a rule of the register, with a message for each field at fault, so that a
 * form can show each message beside its field (and an API can list them).
 */
export class FieldProblems extends AppError {
  override name = 'FieldProblems'
  readonly fields: Record<string, string>
  constructor(fields: Record<string, string>) {
    super('invalid', Object.values(fields)[0] ?? 'The change was refused', 400)
    this.fields = fields
  }
}

export function throwIfAny(fields: Record<string, string>): void {
  if (Object.keys(fields).length > 0) throw new FieldProblems(fields)
}

/**
 * Whether the database refused a row because of the named unique index. Drizzle wraps the
 * driver's error in `cause`; PGlite and node-postgres both give the SQLSTATE and the constraint.
 */
export function isUniqueViolation(error: unknown, index: string): boolean {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const { code, constraint, message } = current as {
      code?: unknown
      constraint?: unknown
      message?: unknown
    }
    if (code === '23505') return constraint === index || String(message ?? '').includes(index)
    current = (current as { cause?: unknown }).cause
  }
  return false
}

// Deliberately loose (the mail server is the real check): one @, something either side, a dot after it.
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
export const isEmail = (value: string) => emailPattern.test(value)
export const emailMessage = 'Enter an e-mail address in the correct format, like name@example.org'

/** The calendar date in Europe/London at an instant: what "today" means to the people using it. */
export const londonDay = (at: Date): string => londonDate(at)
