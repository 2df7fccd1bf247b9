import { customType, date, timestamp } from 'drizzle-orm/pg-core'

// Column helpers shared by the modules' tables: the same kinds of column are spelled the same way.

export const created = () =>
  timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow()
export const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })
/** A calendar date, kept as its ISO string ("2026-03-02"): no time zone can move it. */
export const day = (name: string) => date(name, { mode: 'string' })

/** Uploaded files live in PostgreSQL (pg returns a Buffer, PGlite a Uint8Array: both are bytes). */
export const bytes = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
})
